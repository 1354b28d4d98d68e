import type { Ctx, Operation } from '../../shared/ctx';
import type { Priority } from '../../shared/api/resource';
import { ObjectStore } from '../../shared/store/object-store';
import { builtinNamespaces, namespaces } from '../../shared/resources/namespaces';
import type { KObject } from '../../shared/k8s/meta';

export const NOW = new Date('2026-01-01T12:00:00Z');

export interface FakeCtx extends Ctx {
  submitted: Array<{ op: Operation; priority: Priority }>;
  logged: unknown[];
}

/** A ctx with an in-memory store holding the built-in namespaces and a queue that records operations. */
export function fakeCtx(opts: { failSync?: Error; historySize?: number } = {}): FakeCtx {
  const clock = { now: () => NOW };
  const objects = builtinNamespaces.map((name) => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '1' } } as KObject;
    namespaces.prepareForCreate!(ns as never, { now: new Date(), nodeName: 'node' });
    return { resource: 'namespaces', object: ns };
  });
  const submitted: FakeCtx['submitted'] = [];
  const logged: unknown[] = [];
  const log = (...args: unknown[]) => void logged.push(args);
  return {
    store: new ObjectStore({ clock, objects, historySize: opts.historySize }),
    queue: {
      submit: async (op, priority) => {
        submitted.push({ op, priority });
        if (priority === 'sync' && opts.failSync) throw opts.failSync;
      },
      depth: () => 0,
      stats: () => ({ waiting: 0, running: 0, retrying: 0 }),
    },
    docker: {
      info: async () => ({}),
      version: async () => ({}),
      setup: () => ({ warnings: [] }),
      logs: async () => undefined,
      exec: async () => undefined,
      attach: async () => undefined,
      dial: async () => {
        throw new Error('no Docker in unit tests');
      },
      metrics: async () => ({ timestamp: NOW.toISOString(), windowSeconds: 10, node: { cpuNanoCores: 0, memoryBytes: 0 }, pods: {} }),
    },
    clock,
    log: { debug: log, info: log, warn: log, error: log },
    server: {
      version: { major: '1', minor: '32', gitVersion: 'v1.32.0+k2d', gitCommit: 'test', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: 'esbuild', platform: 'linux/amd64' },
      dataPath: '/nonexistent',
      advertiseAddress: '127.0.0.1',
      port: 6443,
      nodeName: 'node-1',
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
    },
    submitted,
    logged,
  };
}

/** A request to the API, JSON-encoding an object body. */
export function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Request {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  return new Request(`https://k2d.test${path}`, init);
}

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export const namespace = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...extra } });
