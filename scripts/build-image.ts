// `npm run image`: the k2d-ts image, built with no registry: this machine's node binary and the shared
// libraries it loads (as the Service proxy image is made), nsenter for probes, the esbuild bundle and
// CA certificates, loaded with `docker import`. The Dockerfile builds the same thing where a registry
// is reachable.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pack } from 'tar-stream';
import { runtimeFiles } from '../bridge/docker/runtime-image';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const tags = [`k2d-ts:${pkg.version}`, 'k2d-ts:latest'];
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'bridge', 'main.js'))) {
  console.error('build-image: dist/ is missing; run `node build.mjs` first');
  process.exit(1);
}

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

const tar = pack();
const add = (header: Parameters<typeof tar.entry>[0], body?: Buffer) =>
  new Promise<void>((resolve, reject) => tar.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));

const docker = spawn(
  'docker',
  [
    'import',
    '--change', 'ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=2", "/app/dist/bridge/main.js"]',
    '--change', 'ENV K2D_DATA_PATH=/var/lib/k2d PATH=/usr/local/bin:/usr/bin:/bin',
    '--change', 'EXPOSE 6443',
    '--change', 'WORKDIR /app',
    '--change', 'VOLUME /var/lib/k2d',
    '--change', 'LABEL app.k2d.io/image=k2d-ts',
    '--change', 'HEALTHCHECK --interval=30s --timeout=5s CMD ["/usr/local/bin/node", "/app/dist/healthcheck.mjs"]',
    '-',
    tags[0],
  ],
  { stdio: ['pipe', 'inherit', 'inherit'] },
);
tar.pipe(docker.stdin);

let bytes = 0;
for (const dir of ['tmp', 'etc', 'var/lib/k2d', 'app']) await add({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
await add({ name: 'etc/passwd', mode: 0o644 }, Buffer.from('root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n'));
await add({ name: 'etc/group', mode: 0o644 }, Buffer.from('root:x:0:\nnogroup:x:65534:\n'));
await add({ name: 'etc/hosts', mode: 0o644 }, Buffer.from('127.0.0.1 localhost\n'));
if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
  await add({ name: 'etc/ssl/certs', type: 'directory', mode: 0o755 });
  await add({ name: 'etc/ssl/certs/ca-certificates.crt', mode: 0o644 }, await readFile('/etc/ssl/certs/ca-certificates.crt'));
}
const extra = ['/usr/bin/nsenter'].filter((p) => existsSync(p));
const made = new Set<string>();
for (const [target, source] of await runtimeFiles(extra)) {
  const parts = target.split('/').slice(1, -1);
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!made.has(dir)) {
      made.add(dir);
      await add({ name: dir, type: 'directory', mode: 0o755 });
    }
  }
  if (typeof source === 'object') await add({ name: target.slice(1), type: 'symlink', linkname: source.link });
  else {
    const body = await readFile(source);
    bytes += body.length;
    await add({ name: target.slice(1), mode: (await stat(source)).mode & 0o777 }, body);
  }
}
// The bundle (no source maps: they are half its size), and the few packages it loads at run time.
for (const file of walk(dist).filter((f) => !f.endsWith('.map'))) {
  const body = await readFile(file);
  bytes += body.length;
  await add({ name: join('app/dist', relative(dist, file)), mode: 0o644 }, body);
}
await add({ name: 'app/package.json', mode: 0o644 }, Buffer.from(JSON.stringify({ name: 'k2d-ts', version: pkg.version, type: 'module' })));
for (const name of runtimePackages()) {
  for (const file of walk(join(root, 'node_modules', name))) {
    if (!statSync(file).isFile()) continue;
    const body = await readFile(file);
    bytes += body.length;
    await add({ name: join('app/node_modules', name, relative(join(root, 'node_modules', name), file)), mode: 0o644 }, body);
  }
}
tar.finalize();
const code = await new Promise<number>((resolve) => docker.on('close', (c) => resolve(c ?? 1)));
if (code !== 0) process.exit(code);
const tagged = spawn('docker', ['tag', tags[0], tags[1]], { stdio: 'inherit' });
await new Promise((resolve) => tagged.on('close', resolve));
// The image this build replaced is left untagged: remove it rather than pile them up.
const pruned = spawn('docker', ['image', 'prune', '--force', '--filter', 'label=app.k2d.io/image=k2d-ts'], { stdio: 'ignore' });
await new Promise((resolve) => pruned.on('close', resolve));
console.log(`built ${tags.join(' and ')} (${(bytes / 1e6).toFixed(1)} MB of files)`);

/** Packages the bundle leaves external and loads at run time, with what they depend on. */
function runtimePackages(): string[] {
  const wanted = ['pino', 'pino-pretty'];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(join(root, 'node_modules', name, 'package.json'))) return;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  for (const name of wanted) visit(name);
  return [...seen];
}
