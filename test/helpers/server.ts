import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';

export const docker = new Dockerode();
const MAIN = join(import.meta.dirname, '../../dist/bridge/main.js');

/** kubectl binaries to drive: the machine's default, plus the oldest and newest we support when present. */
export const KUBECTLS: Array<{ name: string; bin: string }> = [
  { name: '1.32', bin: '/usr/bin/kubectl' },
  { name: '1.27', bin: '/usr/lib/google-cloud-sdk/bin/kubectl.1.27' },
  { name: '1.33', bin: '/usr/lib/google-cloud-sdk/bin/kubectl.1.33' },
].filter((k, i) => i === 0 || existsSync(k.bin));

/** A Docker name as an instance makes it: k2d's own for instance `k2d`, `<instance>_<name>` for the others. */
export const dockerName = (instance: string, name: string) => (instance === 'k2d' ? name : `${instance}_${name}`);

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  port: number;
  dataPath: string;
  instance: string;
  kubeconfig: string;
  token: string;
  child: ChildProcess;
  logs: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts dist/bridge/main.js on a free port with its own data dir and instance label; waits for /healthz. */
export async function startServer(opts: { dataPath?: string; port?: number; instance?: string; env?: Record<string, string>; pollMs?: number } = {}): Promise<RunningServer> {
  const dataPath = opts.dataPath ?? (await mkdtemp(join(tmpdir(), 'k2d-e2e-')));
  const port = opts.port ?? (await freePort());
  const instance = opts.instance ?? `e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // The same flags as `npm start`: a 2 MB young generation keeps an idle server's memory down (see README).
  const child = spawn(process.execPath, ['--max-semi-space-size=2', MAIN], {
    env: { ...process.env, K2D_DATA_PATH: dataPath, K2D_PORT: String(port), K2D_INSTANCE: instance, K2D_LOG_LEVEL: 'warn', K2D_BIND_ADDR: '127.0.0.1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  let token = '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    try {
      token ||= (await readFile(join(dataPath, 'token'), 'utf8')).trim();
      const res = await httpsGet(port, '/healthz', token);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
  return {
    port,
    dataPath,
    instance,
    token,
    child,
    kubeconfig: join(dataPath, 'kubeconfig'),
    logs: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A GET over HTTPS to the server on loopback; the certificate is checked by kubectl in the tests proper. */
export function httpsGet(port: number, path: string, token?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    r.on('error', reject);
    r.end();
  });
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export const kubectl = (server: RunningServer, args: string[], bin = KUBECTLS[0].bin, input?: string) => run(bin, args, { KUBECONFIG: server.kubeconfig }, input);

/** `kubectl apply -f` of a manifest written to the server's data dir; throws unless `mayFail`. */
export async function applyYaml(server: RunningServer, name: string, yaml: string, mayFail = false): Promise<Result> {
  const file = join(server.dataPath, `${name}.yaml`);
  await writeFile(file, yaml);
  const res = await kubectl(server, ['apply', '-f', file]);
  if (res.code !== 0 && !mayFail) throw new Error(`kubectl apply of ${name} failed: ${res.stderr}`);
  return res;
}

/** Removes every Docker object the test server labelled, then its data dir. */
export async function cleanup(server: RunningServer): Promise<void> {
  await server.stop();
  const filter = { label: [`app.k2d.io/instance=${server.instance}`] };
  for (const c of await docker.listContainers({ all: true, filters: filter })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const n of await docker.listNetworks({ filters: filter })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters: filter })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  await rm(server.dataPath, { recursive: true, force: true });
}

export async function networkExists(name: string): Promise<boolean> {
  return docker.getNetwork(name).inspect().then(() => true, () => false);
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
