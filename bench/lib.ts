// Shared pieces of the benchmark: a keep-alive HTTPS client for the API, a watch reader, statistics and
// the raw-dockerode baseline. Every k2d-ts figure is paired with a raw Docker figure from the same run.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import Dockerode from 'dockerode';
import type { RunningServer } from '../test/helpers/server';

export const docker = new Dockerode();
export const IMAGE = 'k2d-test/busybox:1';
export const BENCH_LABEL = 'app.k2d.io/bench';

export interface Api {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; ms: number }>;
  send(method: string, path: string, body: unknown, contentType?: string): Promise<{ status: number; body: string }>;
  /** Opens a watch; `onEvent` sees each event; resolves once the stream is open. */
  watch(path: string, onEvent: (e: { type: string; object: any }) => void): Promise<() => void>;
  close(): void;
}

export async function api(server: RunningServer, maxSockets = 64): Promise<Api> {
  const ca = await readFile(`${server.dataPath}/ca.crt`).catch(() => undefined);
  const agent = new Agent({ keepAlive: true, maxSockets, ca, rejectUnauthorized: !!ca });
  const base = { host: '127.0.0.1', port: server.port, agent, servername: 'localhost' };
  const auth = { authorization: `Bearer ${server.token}` };
  const call = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
      const t0 = performance.now();
      const r = request({ ...base, method, path, headers: { ...auth, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      });
      r.on('error', reject);
      r.end(body);
    });
  return {
    get: (path, headers = {}) => call('GET', path, headers),
    send: (method, path, body, contentType = 'application/json') => call(method, path, { 'content-type': contentType }, JSON.stringify(body)),
    watch: (path, onEvent) =>
      new Promise((resolve, reject) => {
        const r = request({ ...base, agent: new Agent({ ca, rejectUnauthorized: !!ca }), method: 'GET', path, headers: auth }, (res) => {
          let buf = '';
          res.on('data', (d) => {
            buf += d;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.trim()) onEvent(JSON.parse(line));
            }
          });
          res.on('error', () => undefined);
          resolve(() => r.destroy());
        });
        r.on('error', (err) => (r.destroyed ? undefined : reject(err)));
        r.end();
      }),
    close: () => agent.destroy(),
  };
}

export const isReady = (pod: any) => pod?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

export interface Stats {
  min: number;
  median: number;
  max: number;
  p99?: number;
  n: number;
}

export function stats(values: number[]): Stats {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { min: v[0], median: v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2, max: v[v.length - 1], p99: at(0.99), n: v.length };
}

/** Runs `tasks` with at most `limit` in flight, like the server's queue towards dockerd. */
export async function pool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]();
      }
    }),
  );
  return out;
}

/**
 * The baseline: what a hand-written dockerode script does for the same pods — create and start one
 * container per pod on a bridge network, `limit` at a time. Returns milliseconds.
 */
export async function rawCreateStart(network: string, names: string[], limit = 8): Promise<number> {
  const t0 = performance.now();
  await pool(
    limit,
    names.map((name) => async () => {
      const c = await docker.createContainer({
        name,
        Image: IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: { [BENCH_LABEL]: 'raw' },
        StopTimeout: 1,
        HostConfig: { NetworkMode: network, RestartPolicy: { Name: 'no' } },
      });
      await c.start();
    }),
  );
  return performance.now() - t0;
}

/** Removes the baseline's containers; `graceSeconds` stops them first as a pod's delete does. */
export async function removeRaw(graceSeconds?: number): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=raw`] } });
  await pool(
    8,
    list.map((c) => async () => {
      if (graceSeconds !== undefined) await docker.getContainer(c.Id).stop({ t: graceSeconds }).catch(() => undefined);
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }),
  );
}

export async function rawNetwork(name: string): Promise<string> {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (!existing.some((n) => n.Name === name)) await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { [BENCH_LABEL]: 'raw' } });
  return name;
}

export async function rssMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
