import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { pack } from 'tar-stream';
import { isNotFound } from './client';

const run = promisify(execFile);

// .mjs: the bundle is an ES module and the image has no package.json to say so.
export const PROXY_PATH = '/k2d/proxy.mjs';

/**
 * The image Service proxies run from: this machine's own `node` binary with the shared libraries it
 * loads, and the proxy bundle — assembled here and loaded with an image import, so it works with no
 * registry at all. Its tag is a hash of what goes in, so a new node or proxy makes a new image. (An
 * import cannot carry labels: the `k2d-ts/runtime` repository is what marks the image as ours.)
 */
export async function ensureRuntimeImage(docker: Dockerode, proxyBundle: string): Promise<string> {
  const proxy = await readFile(proxyBundle);
  const tag = createHash('sha256').update(process.version).update(process.execPath).update(proxy).digest('hex').slice(0, 12);
  const name = `k2d-ts/runtime:${tag}`;
  try {
    await docker.getImage(name).inspect();
    return name;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const files = await runtimeFiles();
  const tar = pack();
  const entries = (async () => {
    for (const dir of ['tmp', 'k2d', 'etc']) await add(tar, { name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
    await add(tar, { name: 'etc/passwd', mode: 0o644 }, Buffer.from('root:x:0:0:root:/:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n'));
    await add(tar, { name: 'etc/group', mode: 0o644 }, Buffer.from('root:x:0:\nnogroup:x:65534:\n'));
    await add(tar, { name: PROXY_PATH.slice(1), mode: 0o644 }, proxy);
    for (const [target, source] of files) {
      if (typeof source === 'object') await add(tar, { name: target.slice(1), type: 'symlink', linkname: source.link });
      else await add(tar, { name: target.slice(1), mode: (await stat(source)).mode & 0o777 }, await readFile(source));
    }
    tar.finalize();
  })();
  const stream = await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo: 'k2d-ts/runtime', tag });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream as NodeJS.ReadableStream, (err: Error | null) => (err ? reject(err) : resolve())));
  await entries;
  return name;
}

function add(tar: ReturnType<typeof pack>, header: Parameters<ReturnType<typeof pack>['entry']>[0], body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Paths inside the image and where their content comes from: the node binary at /usr/local/bin/node,
 * every shared library at the path the loader will look for it (as `ldd` reports; from the running
 * process's own mappings when `ldd` is absent, as inside a slim image).
 */
export async function runtimeFiles(extraBinaries: string[] = []): Promise<Map<string, string | { link: string }>> {
  const out = new Map<string, string | { link: string }>();
  out.set('/usr/local/bin/node', await realpath(process.execPath));
  out.set('/bin/node', { link: '/usr/local/bin/node' });
  for (const bin of extraBinaries) out.set(bin, await realpath(bin));
  try {
    const { stdout } = await run('ldd', [process.execPath, ...extraBinaries]);
    for (const line of stdout.split('\n')) {
      const m = /^\s*(?:\S+ => )?(\/\S+) \(0x/.exec(line);
      if (m) out.set(m[1], await realpath(m[1]));
    }
  } catch {
    const maps = await readFile('/proc/self/maps', 'utf8');
    for (const line of maps.split('\n')) {
      const path = line.split(/\s+/)[5];
      if (!path || !/\.so(\.|$)/.test(path) || !existsSync(path)) continue;
      out.set(path, path);
      // libstdc++.so.6.0.30 is looked up by its soname, libstdc++.so.6.
      const soname = /^(.*\.so\.\d+)\.[\d.]+$/.exec(path)?.[1];
      if (soname && !out.has(soname)) out.set(soname, { link: path.split('/').pop()! });
    }
  }
  return out;
}
