import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type Dockerode from 'dockerode';
import type { RouteHandler } from '../shared/api/handlers';
import type { Ctx, Operation, VersionInfo } from '../shared/ctx';
import { builtinNamespaces, namespaces } from '../shared/resources/namespaces';
import { findResource, registry } from '../shared/resources/index';
import { ObjectStore } from '../shared/store/object-store';
import { ConfigError, loadConfig, type Config } from './config';
import { DiskPersistence } from './disk-store';
import { connectDocker, managedLabels } from './docker/client';
import type { BridgeEnv, Mapping } from './docker/mapping';
import { namespaceMapping } from './docker/namespaces';
import { nodeFromDockerInfo, upsertNode } from './docker/nodes';
import { kubeconfig } from './kubeconfig';
import { createLogger } from './log';
import { CreationQueue } from './queue';
import { buildRouter } from './router';
import { startServer } from './server';
import { ensureTls } from './tls';

declare const K2D_BUILD: { version: string; kubernetes: string; date: string; commit: string } | undefined;
const build = typeof K2D_BUILD === 'undefined' ? { version: '0.0.0-dev', kubernetes: '1.32.0', date: new Date(0).toISOString(), commit: 'unknown' } : K2D_BUILD;

/** Each kind's Docker side, by the store's resource name. */
const mappings: Record<string, Mapping> = { namespaces: namespaceMapping };

function versionInfo(): VersionInfo {
  const [major, minor] = build.kubernetes.split('.');
  return {
    major,
    minor,
    gitVersion: `v${build.kubernetes}+k2d`,
    gitCommit: build.commit,
    gitTreeState: 'clean',
    buildDate: build.date,
    goVersion: `node${process.versions.node}`,
    compiler: 'esbuild',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** K2D_SECRET, else the token kept from an earlier start, else a new random one; always in <data>/token. */
async function ensureToken(config: Config): Promise<string> {
  const file = join(config.dataPath, 'token');
  const token = config.secret ?? (existsSync(file) ? (await readFile(file, 'utf8')).trim() : randomBytes(24).toString('hex'));
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function loadHandlers(): Promise<RouteHandler[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'handlers');
  const files: string[] = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  return Promise.all(files.map(async (f) => (await import(pathToFileURL(join(dir, f)).href)).default as RouteHandler));
}

async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`k2d-ts: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, config.logFormat);
  try {
    await mkdir(config.dataPath, { recursive: true, mode: 0o700 });
    await access(config.dataPath, constants.W_OK);
  } catch (err) {
    process.stderr.write(`k2d-ts: the data directory ${config.dataPath} is not writable: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const token = await ensureToken(config);
  const tls = await ensureTls(config.dataPath, config.advertiseAddress);
  const kubeconfigYaml = kubeconfig(`https://${config.advertiseAddress}:${config.port}`, tls.caCert, token);
  const kubeconfigPath = join(config.dataPath, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml, { mode: 0o600 });

  const clock = { now: () => new Date() };
  const persistence = new DiskPersistence(config.dataPath);
  const loaded = await persistence.load(new Set(registry.filter((d) => d.namespaced).map((d) => d.resource)));
  const store = new ObjectStore({ clock, persistence, ...loaded });
  const instance = process.env.K2D_INSTANCE || 'k2d';

  let docker: Dockerode | undefined;
  const env = (): BridgeEnv => {
    if (!docker) throw new Error('the Docker engine is not reachable');
    return { docker, store, log, clock, labels: managedLabels(instance) };
  };
  const run = async (op: Operation) => {
    const def = findResource(op.resource);
    const mapping = mappings[op.resource];
    if (!def || !mapping) return;
    const obj = store.get(def, op.namespace, op.name);
    if (!obj) return;
    if (op.action === 'delete') await mapping.delete(obj, env());
    else await mapping.apply(obj, env());
  };
  const queue = new CreationQueue(run, log);

  for (const name of builtinNamespaces) {
    if (!store.get(namespaces, undefined, name)) {
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
      namespaces.prepareForCreate!(ns as never);
      await store.create(namespaces, ns);
    }
  }

  const version = versionInfo();
  const refreshNode = async (error?: string) => {
    const info = docker && !error ? ((await docker.info()) as Record<string, unknown>) : undefined;
    const node = nodeFromDockerInfo(info, { kubeletVersion: version.gitVersion, advertiseAddress: config.advertiseAddress, now: clock.now(), error });
    await upsertNode({ docker: docker!, store, log, clock, labels: {} }, node);
  };

  /** Level-triggered: after (re)connecting, make Docker match every stored object again. */
  const reconcileAll = async () => {
    for (const def of registry.filter((d) => mappings[d.resource])) {
      for (const obj of store.list(def)) {
        const action = obj.metadata.deletionTimestamp ? 'delete' : 'apply';
        await queue.submit({ resource: def.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, action }, def.priority === 'sync' ? 'high' : def.priority!);
      }
    }
  };

  const connect = async (): Promise<void> => {
    try {
      docker = await connectDocker();
      await refreshNode();
      await reconcileAll();
      log.info('connected to the Docker engine');
    } catch (err) {
      docker = undefined;
      await refreshNode((err as Error).message).catch(() => undefined);
      log.warn({ err: (err as Error).message }, 'the Docker engine is not reachable; retrying in 5s');
      setTimeout(connect, 5000).unref();
    }
  };
  await connect();

  const ctx: Ctx = {
    store,
    queue,
    clock,
    log,
    docker: { info: async () => (await env().docker.info()) as Record<string, unknown> },
    server: { version, dataPath: config.dataPath, advertiseAddress: config.advertiseAddress, port: config.port, kubeconfig: kubeconfigYaml },
  };
  const router = buildRouter(await loadHandlers(), token);
  let server;
  try {
    server = await startServer({ cert: tls.cert, key: tls.key, port: config.port, host: config.bindAddress, log, handle: (req) => router.fetch(req, ctx) });
  } catch (err) {
    process.stderr.write(`k2d-ts: cannot listen on ${config.bindAddress}:${config.port}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  log.info({ port: config.port, kubeconfig: kubeconfigPath }, `k2d-ts ${build.version} (Kubernetes ${version.gitVersion}) listening on https://${config.advertiseAddress}:${config.port}; export KUBECONFIG=${kubeconfigPath}`);

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    queue.stop();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`k2d-ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
