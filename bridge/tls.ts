import { webcrypto, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';

/** The certificate library costs ~15 MB and ~90 ms to load; only a start that issues a certificate needs it. */
async function x509Library(): Promise<typeof X509> {
  await import('reflect-metadata');
  const mod = await import('@peculiar/x509');
  // Bundled as CommonJS, the library arrives as the namespace's default export.
  const x509 = ((mod as unknown as { default?: typeof X509 }).default ?? mod) as typeof X509;
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}

/** The names a certificate holds (Node's `DNS:a, IP Address:1.2.3.4` form). */
function namesOf(certPem: string): string[] {
  return (new X509Certificate(certPem).subjectAltName ?? '').split(', ').map((n) => n.slice(n.indexOf(':') + 1));
}

export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

async function importKey(keyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign']) as Promise<CryptoKey>;
}

function sans(advertise: string): string[] {
  // host.docker.internal: how containers reach the API server when it advertises a loopback address.
  return [...new Set([advertise, '127.0.0.1', 'localhost', hostname(), 'host.docker.internal'])];
}

async function issueServerCert(x509: typeof X509, ca: X509.X509Certificate, caKey: CryptoKey, advertise: string) {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex'),
    subject: 'CN=k2d-ts',
    issuer: ca.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 10 * YEAR_MS),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans(advertise).map((v) => ({ type: (isIP(v) ? 'ip' : 'dns') as X509.GeneralNameType, value: v }))),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/**
 * A CA and a server certificate in the data dir, made on first start and kept after that, so kubeconfigs
 * stay valid across restarts. The server certificate is reissued (same CA) when the advertised address
 * is no longer among its names.
 */
export async function ensureTls(dataPath: string, advertise: string): Promise<TlsMaterial> {
  const caCertPath = join(dataPath, 'ca.crt');
  const caKeyPath = join(dataPath, 'ca.key');
  const certPath = join(dataPath, 'server.crt');
  const keyPath = join(dataPath, 'server.key');
  const have = [caCertPath, caKeyPath, certPath, keyPath].every((p) => existsSync(p));
  if (have) {
    const cert = await readFile(certPath, 'utf8');
    if (sans(advertise).every((n) => namesOf(cert).includes(n))) {
      return { caCert: await readFile(caCertPath, 'utf8'), cert, key: await readFile(keyPath, 'utf8') };
    }
  }
  const x509 = await x509Library();
  let caCert: string;
  let caKey: CryptoKey;
  if (existsSync(caCertPath) && existsSync(caKeyPath)) {
    caCert = await readFile(caCertPath, 'utf8');
    caKey = await importKey(await readFile(caKeyPath, 'utf8'));
  } else {
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=k2d-ts-ca',
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 10 * YEAR_MS),
      signingAlgorithm: alg,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    caCert = ca.toString('pem') + '\n';
    caKey = keys.privateKey;
    await writeFile(caKeyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
    await writeFile(caCertPath, caCert);
  }
  const issued = await issueServerCert(x509, new x509.X509Certificate(caCert), caKey, advertise);
  await writeFile(keyPath, issued.key, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, issued.cert);
  return { caCert, ...issued };
}
