import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type Dockerode from 'dockerode';
import { ApiError, notFound } from '../shared/api/status';
import type { Clock, DockerView, Logger, Operation } from '../shared/ctx';
import type { KObject } from '../shared/k8s/meta';
import { findResource, registry } from '../shared/resources/index';
import { pods } from '../shared/resources/pods';
import type { ObjectStore } from '../shared/store/object-store';
import { connectDocker, INSTANCE, MANAGED_BY, managedLabels } from './docker/client';
import { syncExternal } from './docker/external';
import { ImageManager } from './docker/images';
import { containerLogs } from './docker/logs';
import { dialPod, startAttach, startExec } from './docker/exec';
import { MetricsSampler } from './docker/metrics';
import type { BridgeEnv, Mapping } from './docker/mapping';
import { namespaceEmpty, namespaceMapping, networkName } from './docker/namespaces';
import { ClaimRuntime } from './docker/volumes';
import { persistentVolumeClaims } from '../shared/resources/storage';
import { namespaces } from '../shared/resources/namespaces';
import { finishDelete, type RegistryEnv } from '../shared/registry/store';
import { nodeFromDockerInfo, upsertNode } from './docker/nodes';
import { PodRuntime } from './docker/pods';
import { ConfigVolumes } from './docker/config-volumes';
import { ConfigRuntime, configEnv } from './docker/configs';
import { configMaps } from '../shared/resources/configmaps';
import { secrets } from '../shared/resources/secrets';
import { ensureRuntimeImage } from './docker/runtime-image';
import { discoverSetup, type Setup } from './docker/self';
import { ServiceRuntime, SERVICE_LABEL } from './docker/services';
import { EndpointsController } from './controllers/endpoints';
import { GarbageCollector } from './controllers/garbage-collector';
import { WorkloadController } from './controllers/workloads';
import { ControllerManager } from './controllers/manager';
import { ServiceAccountsController } from './controllers/serviceaccounts';
import { services } from '../shared/resources/services';
import { ProbeManager } from './docker/probes';
import { EventRecorder } from './events';
import { Journal } from './journal';
import { CreationQueue } from './queue';

export interface RuntimeOptions {
  store: ObjectStore;
  log: Logger;
  clock: Clock;
  dataPath: string;
  instance: string;
  nodeName: string;
  /** The node's address as pods see it (status.hostIP). */
  hostIP: string;
  /** Where containers reach this API server. */
  apiHost: string;
  apiPort: number;
  kubeletVersion: string;
  advertiseAddress: string;
}

const RECONNECT_MS = 5000;

/**
 * The state-owning side of k2d-ts: the Docker connection, the creation queue and its journal, each
 * kind's Docker mapping, Docker's event stream and the objects' status. Handlers reach it only through
 * the narrow interfaces in ctx (queue, docker view).
 */
export class Runtime {
  readonly queue: CreationQueue;
  readonly events: EventRecorder;
  private docker?: Dockerode;
  /** Made on the first metrics request: a server nobody asks for metrics samples nothing. */
  private sampler?: MetricsSampler;
  private podRuntime?: PodRuntime;
  private serviceRuntime?: ServiceRuntime;
  private readonly configVolumes: ConfigVolumes;
  /** The registry of runtime kinds: resource → what realizes its objects. Docker-bound ones join on connect. */
  private readonly mappings = new Map<string, Mapping>();
  /** What kube-controller-manager would run; each starts and stops with the runtime. */
  private readonly controllers: Array<{ start(): void; stop(): void }>;
  private readonly registryEnv: RegistryEnv;
  private runtimeImage?: Promise<string>;
  private setup?: Setup;
  private probes?: ProbeManager;
  private eventStream?: NodeJS.ReadableStream;
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private pruner?: NodeJS.Timeout;
  private externalTimer?: NodeJS.Timeout;

  private constructor(
    private readonly o: RuntimeOptions,
    private readonly journal: Journal,
    private readonly pending: Array<{ seq: number; op: Operation; priority: 'high' | 'medium' | 'low' }>,
  ) {
    this.queue = new CreationQueue((op) => this.run(op), o.log, 8, journal);
    this.registryEnv = { store: o.store, queue: this.queue, clock: o.clock, nodeName: o.nodeName };
    const env = { ...this.registryEnv, log: o.log };
    this.events = new EventRecorder(env, o.log, o.nodeName);
    const reapply = (pod: KObject) => void this.queue.submit({ resource: pods.resource, namespace: pod.metadata.namespace, name: pod.metadata.name, action: 'apply' }, 'medium').catch(() => undefined);
    const configs = new ConfigRuntime(o.store, reapply);
    const claims = new ClaimRuntime(o.store, (op) => void this.queue.submit(op, op.resource === pods.resource ? 'medium' : 'high').catch(() => undefined));
    this.mappings.set(namespaces.resource, namespaceMapping).set(configMaps.resource, configs).set(secrets.resource, configs).set(persistentVolumeClaims.resource, claims);
    this.configVolumes = new ConfigVolumes(join(o.dataPath, 'pods'), o.store);
    o.store.subscribe((change) => {
      if (change.type !== 'DELETED') return;
      // A pod's projected ConfigMaps and Secrets leave the disk with it, however it was deleted.
      if (change.resource === pods.resource) void this.configVolumes.tearDown(change.object.metadata.uid!).catch(() => undefined);
      // The last object of a terminating namespace is gone: the namespace's own delete can finish.
      const ns = change.object.metadata.namespace && o.store.get(namespaces, undefined, change.object.metadata.namespace);
      if (ns && ns.metadata.deletionTimestamp && namespaceEmpty(o.store, ns.metadata.name)) {
        void this.queue.submit({ resource: namespaces.resource, name: ns.metadata.name, action: 'delete' }, 'high').catch(() => undefined);
      }
    });
    // Endpoints follow pods and Services from the store alone: they stay right while Docker is away.
    this.controllers = [
      new EndpointsController(env, o.log),
      new WorkloadController({ ...env, events: this.events }),
      new ControllerManager(o.store, [new ServiceAccountsController(env)], o.log, 'serviceaccount'),
      new GarbageCollector(env),
    ];
    for (const controller of this.controllers) controller.start();
  }

  static async create(o: RuntimeOptions): Promise<Runtime> {
    const { journal, pending } = await Journal.load(join(o.dataPath, 'journal.log'));
    const runtime = new Runtime(o, journal, pending);
    // Before any pod is applied: volume directories of pods deleted while the server was down.
    await runtime.configVolumes.prune(new Set(o.store.list(pods).map((p) => p.metadata.uid!))).catch((err) => o.log.warn({ err: (err as Error).message }, 'removing volume directories of deleted pods failed'));
    return runtime;
  }

  /**
   * A path under the data dir as the engine finds it: bind-mount sources are resolved on the host, where
   * the data dir is elsewhere when the server runs in a container with it on a volume.
   */
  private onHost(path: string): string {
    const host = this.setup?.hostDataPath;
    if (!host || host === this.o.dataPath || !path.startsWith(`${this.o.dataPath}/`)) return path;
    return join(host, path.slice(this.o.dataPath.length + 1));
  }

  private env(): BridgeEnv {
    if (!this.docker) throw new Error('the Docker engine is not reachable');
    return { ...this.registryEnv, docker: this.docker, log: this.o.log, labels: managedLabels(this.o.instance) };
  }

  /**
   * Runs one queued operation through the kind's mapping. A delete ends here: once the mapping has
   * cleaned up, the runtime removes the object (unless finalizers still hold it or it was replaced).
   */
  private async run(op: Operation): Promise<void> {
    const def = findResource(op.resource);
    const mapping = this.mappings.get(op.resource);
    if (!def || !mapping) return;
    const obj = this.o.store.get(def, op.namespace, op.name);
    if (!obj) return;
    // A mapping that needs no Docker (ConfigMap/Secret files) finishes while the engine is away.
    const env = mapping.needsDocker === false ? ({ ...this.registryEnv, log: this.o.log } as BridgeEnv) : this.env();
    if (op.action === 'delete' || obj.metadata.deletionTimestamp) {
      if ((await mapping.delete(obj, env)) !== false) await finishDelete(this.registryEnv, def, obj);
      return;
    }
    await mapping.apply(obj, env);
    // Service proxies join the new network; a proxy that cannot must not fail the namespace.
    if (op.resource === namespaces.resource) await this.serviceRuntime?.namespaceAdded().catch((err) => this.o.log.warn({ err: (err as Error).message }, 'service proxies could not join a new namespace network'));
  }

  private async refreshNode(error?: string) {
    const info = this.docker && !error ? ((await this.docker.info()) as Record<string, unknown>) : undefined;
    const node = nodeFromDockerInfo(info, { kubeletVersion: this.o.kubeletVersion, advertiseAddress: this.o.advertiseAddress, now: this.o.clock.now(), error });
    await upsertNode(this.registryEnv, node);
  }

  /** Connects, or keeps trying every few seconds; reads keep working from the store meanwhile. */
  async start(): Promise<void> {
    try {
      this.docker = await connectDocker();
      if (!this.setup) {
        this.setup = await discoverSetup(this.docker, this.o.dataPath, { host: this.o.apiHost, port: this.o.apiPort });
        for (const warning of this.setup.warnings) this.o.log.warn(warning);
      }
      const env = this.env();
      const images = new ImageManager(this.docker);
      const agentPath = join(dirname(fileURLToPath(import.meta.url)), 'probe-agent.js');
      this.probes ??= new ProbeManager(this.docker, this.events, this.o.log, agentPath);
      // Made once: a reconnect keeps what they know (and their store subscriptions are not doubled).
      this.podRuntime ??= new PodRuntime(env, {
        lookup: (namespace) => (kind, name, key) => {
          const data = configEnv(this.o.store, namespace, kind, name);
          return key === undefined ? data : data?.[key];
        },
        // Read-only, as the kubelet mounts these.
        mountConfig: async (pod, volume) => ({ type: 'bind', source: this.onHost(await this.configVolumes.setUp(pod, volume)), readOnly: true }),
        images,
        events: this.events,
        probes: this.probes,
        requeue: (op) => void this.queue.submit(op, 'medium').catch(() => undefined),
        nodeName: this.o.nodeName,
        hostIP: this.o.hostIP,
        apiHost: this.o.apiHost,
        apiPort: this.o.apiPort,
        instance: this.o.instance,
        aliases: (pod) => this.serviceRuntime?.headlessAliases(pod) ?? [],
      });
      this.mappings.set(pods.resource, this.podRuntime);
      const proxyBundle = join(dirname(fileURLToPath(import.meta.url)), 'proxy.js');
      const docker = this.docker;
      this.runtimeImage = undefined;
      this.serviceRuntime ??= new ServiceRuntime(env, {
        // Only concurrent asks share a build: the image may be removed meanwhile (another instance's --reset).
        image: () => (this.runtimeImage ??= ensureRuntimeImage(docker, proxyBundle, managedLabels(this.o.instance)).finally(() => (this.runtimeImage = undefined))),
        events: this.events,
        hostIP: this.o.hostIP,
        instance: this.o.instance,
        refreshPod: (pod) => this.podRuntime?.scheduleRefresh(pod.metadata.uid!),
      });
      this.mappings.set(services.resource, this.serviceRuntime);
      await this.refreshNode();
      await this.watchDockerEvents();
      await syncExternal(env, this.o.nodeName, this.o.hostIP);
      await this.reconcileAll();
      this.pruner ??= setInterval(() => void this.events.prune(), 60_000);
      this.o.log.info('connected to the Docker engine');
    } catch (err) {
      this.docker = undefined;
      await this.refreshNode((err as Error).message).catch(() => undefined);
      this.o.log.warn({ err: (err as Error).message }, `the Docker engine is not reachable; retrying in ${RECONNECT_MS / 1000}s`);
      if (!this.stopped) this.timers.push(setTimeout(() => void this.start(), RECONNECT_MS));
    }
  }

  /**
   * Level-triggered: make Docker match every stored object, most urgent kinds first, then replay what the
   * journal says was accepted but not finished (deletes among them).
   */
  private async reconcileAll() {
    for (const def of registry) {
      if (!def.realizedByRuntime || !this.mappings.has(def.resource)) continue;
      for (const obj of this.o.store.list(def)) {
        const action = obj.metadata.deletionTimestamp ? 'delete' : 'apply';
        const op = { resource: def.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, action } as const;
        await this.queue.submit(op, def.priority === 'sync' || !def.priority ? 'high' : def.priority);
      }
    }
    for (const entry of this.pending.splice(0)) {
      await this.queue.submit(entry.op, entry.priority);
      await this.journal.done(entry.seq);
    }
  }

  /** Mirrors containers we did not create as read-only pods; debounced, Docker events come in bursts. */
  private syncExternalSoon() {
    if (this.externalTimer) return;
    this.externalTimer = setTimeout(() => {
      this.externalTimer = undefined;
      void syncExternal(this.env(), this.o.nodeName, this.o.hostIP).catch((err) => this.o.log.warn({ err: (err as Error).message }, 'syncing external containers failed'));
    }, 200);
  }

  /** Docker's event stream feeds pod status; a broken stream reconnects everything. */
  private async watchDockerEvents() {
    const stream = (await this.docker!.getEvents({ filters: { type: ['container'] } })) as unknown as NodeJS.ReadableStream;
    this.eventStream = stream;
    const lines = createInterface({ input: stream as NodeJS.ReadableStream });
    // readline re-emits the stream's errors; a cut connection is handled below, not a crash.
    lines.on('error', () => undefined);
    lines.on('line', (line) => {
      let event: { Action: string; id: string; Actor: { Attributes: Record<string, string> } };
      try {
        event = JSON.parse(line);
      } catch {
        return; // not an event line
      }
      const labels = event.Actor?.Attributes ?? {};
      if (labels[INSTANCE] === this.o.instance && labels[SERVICE_LABEL]) {
        void this.serviceRuntime?.onEvent(event).catch((err) => this.o.log.warn({ err: (err as Error).message }, 'docker event handling failed'));
      } else if (labels[INSTANCE] === this.o.instance) {
        void this.podRuntime?.onEvent(event).catch((err) => this.o.log.warn({ err: (err as Error).message }, 'docker event handling failed'));
      } else if (!labels[MANAGED_BY] && ['create', 'start', 'die', 'destroy', 'rename', 'pause', 'unpause'].includes(event.Action)) this.syncExternalSoon();
    });
    // A cut connection may end the stream, close it or fail it: any of them means reconnecting, once.
    const lost = () => {
      if (this.stopped || this.eventStream !== stream) return;
      this.eventStream = undefined;
      this.o.log.warn('the Docker event stream ended; reconnecting');
      void this.start();
    };
    stream.on('end', lost);
    stream.on('close', lost);
    stream.on('error', lost);
  }

  /** The Docker view handlers get in ctx. */
  view(): DockerView {
    return {
      info: async () => (await this.env().docker.info()) as Record<string, unknown>,
      version: async () => (await this.env().docker.version()) as unknown as Record<string, unknown>,
      setup: () => ({ container: this.setup?.container, warnings: this.setup?.warnings ?? [] }),
      logs: async (pod: KObject, container, options, signal) => {
        const found = await this.podRuntime?.containerFor(pod, container);
        if (!found) return undefined;
        if (!this.docker) throw notFound(pods, pod.metadata.name);
        return containerLogs(this.docker, found.info, options, signal, found.previousStart);
      },
      exec: async (pod, container, options) => {
        const info = await this.runningContainer(pod, container);
        return info && startExec(this.docker!, info.Id, options);
      },
      attach: async (pod, container, options) => {
        const info = await this.runningContainer(pod, container);
        return info && startAttach(this.docker!, info, options);
      },
      dial: async (pod, port) => {
        // The first container owns the pod's network namespace.
        const owner = await this.runningContainer(pod, (pod.spec as { containers: Array<{ name: string }> }).containers[0].name);
        if (!owner) throw new Error(`error forwarding port ${port} to pod ${pod.metadata.name}, uid ${pod.metadata.uid}: the pod's network is not running`);
        return dialPod(owner, networkName(pod.metadata.namespace!), port);
      },
      metrics: () => {
        if (!this.docker) throw new ApiError(503, 'ServiceUnavailable', 'the Docker engine is not reachable: no metrics to serve');
        return (this.sampler ??= new MetricsSampler(() => this.docker!, this.o.instance)).current();
      },
    };
  }

  /** The pod's container by name, inspected, if it is running. */
  private async runningContainer(pod: KObject, container: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    const found = await this.podRuntime?.containerFor(pod, container);
    if (!this.docker) throw notFound(pods, pod.metadata.name);
    return found?.info.State.Running ? found.info : undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    clearInterval(this.pruner);
    clearTimeout(this.externalTimer);
    await this.queue.stop();
    for (const controller of this.controllers) controller.stop();
    this.probes?.stop();
    (this.eventStream as unknown as { destroy?: () => void })?.destroy?.();
    await this.journal.close();
  }
}
