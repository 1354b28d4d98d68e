import { create as createObject } from '../shared/registry/store';
import { defaultStorageClass, storageClasses } from '../shared/resources/storage';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile, access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RouteHandler } from '../shared/api/handlers';
import { isIP } from 'node:net';
import type { Ctx, VersionInfo } from '../shared/ctx';
import { builtinNamespaces, namespaces } from '../shared/resources/namespaces';
import { registry } from '../shared/resources/index';
import { ObjectStore } from '../shared/store/object-store';
import { ConfigError, loadConfig, type Config } from './config';
import { DiskPersistence } from './disk-store';
import { nodeName } from './docker/nodes';
import { kubeconfig } from './kubeconfig';
import { createLogger } from './log';
import { Runtime } from './runtime';
import { buildRouter } from './router';
import { startServer, stopServer } from './server';
import { reset } from './reset';
import { connectDocker } from './docker/client';
import { ensureTls } from './tls';

declare const K2D_BUILD: { version: string; kubernetes: string; date: string; commit: string } | undefined;
const build = typeof K2D_BUILD === 'undefined' ? { version: '0.0.0-dev', kubernetes: '1.32.0', date: new Date(0).toISOString(), commit: 'unknown' } : K2D_BUILD;

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

/**
 * Every route is mounted from the build's route table; its module is imported on its first request
 * (most servers never see most routes, and a start that imports none is faster and smaller).
 */
async function loadHandlers(): Promise<RouteHandler[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'handlers');
  const routes: Array<{ file: string; method: string; paths: string[]; verb?: RouteHandler['verb']; resource?: string; subresource?: string }> = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  return routes.map(({ file, ...meta }) => {
    let loaded: Promise<RouteHandler> | undefined;
    const handle = async (request: Request, ctx: Ctx) => (await (loaded ??= import(pathToFileURL(join(dir, file)).href).then((m) => m.default as RouteHandler)))(request, ctx);
    return Object.assign(handle, meta) as RouteHandler;
  });
}

/**
 * A Docker socket that is missing or is not a socket is a setup error to say at once; an engine that
 * is there but not answering (yet) is waited for instead.
 */
function dockerSocketProblem(dockerHost: string | undefined): string | undefined {
  if (dockerHost && !dockerHost.startsWith('unix://')) return undefined;
  const path = dockerHost ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock';
  if (!existsSync(path)) return `the Docker socket ${path} does not exist: start dockerd, mount the socket, or set DOCKER_HOST`;
  const st = statSync(path);
  if (!st.isSocket()) return `${path} is not a socket: point DOCKER_HOST at the Docker engine's socket`;
  try {
    accessSync(path, fsConstants.R_OK | fsConstants.W_OK);
  } catch {
    return `the Docker socket ${path} is not accessible to uid ${process.getuid?.()}: it belongs to gid ${st.gid} (in a container: --group-add ${st.gid})`;
  }
  return undefined;
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
  const socketProblem = dockerSocketProblem(process.env.DOCKER_HOST);
  if (socketProblem) {
    process.stderr.write(`k2d-ts: ${socketProblem}\n`);
    process.exit(1);
  }
  const instance = process.env.K2D_INSTANCE || 'k2d';
  if (process.argv.includes('--reset')) {
    try {
      await reset(await connectDocker(), config.dataPath, instance, (line) => process.stdout.write(`${line}\n`));
    } catch (err) {
      process.stderr.write(`k2d-ts: reset failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
    process.stdout.write(`k2d-ts: reset done for instance ${instance}\n`);
    process.exit(0);
  }
  const token = await ensureToken(config);
  const tls = await ensureTls(config.dataPath, config.advertiseAddress);
  const kubeconfigYaml = kubeconfig(`https://${config.advertiseAddress}:${config.port}`, tls.caCert, token);
  const kubeconfigPath = join(config.dataPath, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml, { mode: 0o600 });

  const clock = { now: () => new Date() };
  const persistence = new DiskPersistence(config.dataPath, log);
  const loaded = await persistence.load(new Set(registry.filter((d) => d.namespaced).map((d) => d.resource)));
  const store = new ObjectStore({ clock, persistence, ...loaded });

  // Through the registry like any create; their networks are made once Docker answers (the runtime
  // reconciles every stored namespace then), so this needs no queue yet.
  const bootstrap = { store, clock, nodeName: nodeName(), queue: { submit: async () => undefined } };
  for (const name of builtinNamespaces) {
    if (!store.get(namespaces, undefined, name)) await createObject(bootstrap, namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  if (!store.list(storageClasses).length) await createObject(bootstrap, storageClasses, defaultStorageClass());

  const version = versionInfo();
  const loopback = config.advertiseAddress === 'localhost' || config.advertiseAddress.startsWith('127.');
  const runtime = await Runtime.create({
    store,
    log,
    clock,
    dataPath: config.dataPath,
    instance,
    nodeName: nodeName(),
    hostIP: isIP(config.advertiseAddress) ? config.advertiseAddress : '127.0.0.1',
    // A loopback address means nothing inside a container: containers reach the host by Docker's host-gateway name.
    apiHost: loopback ? 'host.docker.internal' : config.advertiseAddress,
    apiPort: config.port,
    kubeletVersion: version.gitVersion,
    advertiseAddress: config.advertiseAddress,
  });
  const ctx: Ctx = {
    store,
    queue: runtime.queue,
    clock,
    log,
    docker: runtime.view(),
    server: { version, dataPath: config.dataPath, advertiseAddress: config.advertiseAddress, port: config.port, kubeconfig: kubeconfigYaml, nodeName: nodeName(), startedAt: new Date().toISOString(), instance },
  };
  const router = buildRouter(await loadHandlers(), token);
  // The port is taken before any Docker work, so a port in use stops the start before it touches anything;
  // requests wait for the first connection attempt (and the reconcile after it) to be over.
  let ready: Promise<void> | undefined;
  let server;
  try {
    const handle = async (req: Request) => {
      await ready;
      return router.fetch(req, ctx);
    };
    server = await startServer({ cert: tls.cert, key: tls.key, port: config.port, host: config.bindAddress, log, handle });
  } catch (err) {
    process.stderr.write(`k2d-ts: cannot listen on ${config.bindAddress}:${config.port}: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info({ signal }, 'shutting down: ending watches and log streams, flushing the journal');
    // A stuck connection or Docker call cannot hold the exit for more than a few seconds.
    setTimeout(() => process.exit(0), 5000).unref();
    void stopServer(server)
      .then(() => runtime.stop())
      .catch((err) => log.warn({ err: (err as Error).message }, 'shutdown was not clean'))
      .finally(() => {
        log.info({ ms: Date.now() - started }, 'stopped');
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  ready = runtime.start();
  await ready;
  log.info({ port: config.port, kubeconfig: kubeconfigPath }, `k2d-ts ${build.version} (Kubernetes ${version.gitVersion}) listening on https://${config.advertiseAddress}:${config.port}; export KUBECONFIG=${kubeconfigPath}`);
}

main().catch((err) => {
  process.stderr.write(`k2d-ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
