// `npm run image`: the k2d-ts image, built with no registry: this machine's node binary and the shared
// libraries it loads (found as for the Service proxy image), nsenter for probes, the esbuild bundle (no
// node_modules: everything the server loads at run time is in it) and CA certificates, loaded with
// `docker import`. The Dockerfile builds the equivalent image where a registry is reachable.
//   node --import tsx scripts/build-image.ts [--tag name:tag]...   (default: k2d-ts:<version> and k2d-ts:latest)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { pack } from 'tar-stream';
import { runtimeFiles } from '../bridge/docker/runtime-image';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { tag: { type: 'string', multiple: true } } });
const tags = values.tag?.length ? values.tag : [`k2d-ts:${pkg.version}`, 'k2d-ts:latest'];
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'bridge', 'main.js'))) {
  console.error('build-image: dist/ is missing; run `node build.mjs` first (`npm run image` does)');
  process.exit(1);
}

/** The unprivileged user the image offers (`--user 10001`); the data dir is its own so a new volume is too. */
const K2D_UID = 10001;
const MAIN = ['/usr/local/bin/node', '--max-semi-space-size=2', '/app/dist/bridge/main.js'];

const docker = spawn(
  'docker',
  [
    'import',
    '--change', `ENTRYPOINT ${JSON.stringify(MAIN)}`,
    '--change', 'ENV K2D_DATA_PATH=/var/lib/k2d PATH=/usr/local/bin:/usr/bin:/bin',
    '--change', 'EXPOSE 6443',
    '--change', 'WORKDIR /app',
    '--change', 'VOLUME /var/lib/k2d',
    '--change', 'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/usr/local/bin/node", "/app/dist/healthcheck.mjs"]',
    '--change', 'LABEL app.k2d.io/image=k2d-ts',
    '--change', `LABEL org.opencontainers.image.title=k2d-ts org.opencontainers.image.version=${pkg.version} org.opencontainers.image.description="${pkg.description}"`,
    '-',
    tags[0],
  ],
  { stdio: ['pipe', 'ignore', 'inherit'] },
);
const imported = new Promise<number>((resolve) => docker.on('close', (code) => resolve(code ?? 1)));

const tar = pack();
tar.pipe(docker.stdin);
const made = new Set<string>();
async function add(header: Parameters<typeof tar.entry>[0], body?: Buffer) {
  const parents = header.name.split('/').slice(0, -1);
  for (let i = 1; i <= parents.length; i++) {
    const dir = parents.slice(0, i).join('/');
    if (made.has(dir)) continue;
    made.add(dir);
    await add({ name: dir, type: 'directory', mode: 0o755 });
  }
  if (header.type === 'directory') made.add(header.name);
  await new Promise<void>((resolve, reject) => tar.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
}
const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

await add({ name: 'tmp', type: 'directory', mode: 0o1777 });
await add({ name: 'var/lib/k2d', type: 'directory', mode: 0o700, uid: K2D_UID, gid: K2D_UID });
await add({ name: 'etc/passwd', mode: 0o644 }, Buffer.from(`root:x:0:0:root:/root:/bin/false\nk2d:x:${K2D_UID}:${K2D_UID}:k2d:/var/lib/k2d:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n`));
await add({ name: 'etc/group', mode: 0o644 }, Buffer.from(`root:x:0:\nk2d:x:${K2D_UID}:\nnogroup:x:65534:\n`));
if (existsSync('/etc/ssl/certs/ca-certificates.crt')) await add({ name: 'etc/ssl/certs/ca-certificates.crt', mode: 0o644 }, await readFile('/etc/ssl/certs/ca-certificates.crt'));
// httpGet/tcpSocket probes run in the pods' network namespaces through nsenter (see the README).
const files = await runtimeFiles(['/usr/bin/nsenter'].filter((p) => existsSync(p)));
// Distribution node binaries keep their symbol table and debug info (12 MB); only the dynamic symbols
// (which stay) are needed at run time.
const scratch = await mkdtemp(join(tmpdir(), 'k2d-image-'));
const node = files.get('/usr/local/bin/node') as string;
try {
  execFileSync('strip', ['--strip-all', '-o', join(scratch, 'node'), node], { stdio: 'ignore' });
  files.set('/usr/local/bin/node', join(scratch, 'node'));
} catch {
  console.warn('build-image: strip failed or is missing (binutils); node goes in unstripped');
}
for (const [target, source] of files) {
  if (typeof source === 'object') await add({ name: target.slice(1), type: 'symlink', linkname: source.link });
  else await add({ name: target.slice(1), mode: (await stat(source)).mode & 0o777 }, await readFile(source));
}
await rm(scratch, { recursive: true, force: true });
// The bundle without its source maps (they are half its size).
for (const file of walk(dist).filter((f) => !f.endsWith('.map'))) await add({ name: join('app/dist', relative(dist, file)), mode: 0o644 }, await readFile(file));
await add({ name: 'app/package.json', mode: 0o644 }, Buffer.from(`${JSON.stringify({ name: 'k2d-ts', version: pkg.version, type: 'module' })}\n`));
tar.finalize();

const code = await imported;
if (code !== 0) process.exit(code);
const dockerCli = (args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (c) => (c === 0 ? resolve(out.trim()) : reject(new Error(`docker ${args.join(' ')} exited with ${c}`))));
  });
for (const tag of tags.slice(1)) await dockerCli(['tag', tags[0], tag]);
// The image this build replaced is left untagged: remove it rather than pile them up.
await dockerCli(['image', 'prune', '--force', '--filter', 'label=app.k2d.io/image=k2d-ts']);
const size = Number(await dockerCli(['image', 'inspect', '--format', '{{.Size}}', tags[0]]));
console.log(`built ${tags.join(', ')}: ${(size / 1e6).toFixed(1)} MB`);
