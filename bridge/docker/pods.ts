import { mkdir } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import type { Operation } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { EXTERNAL_ANNOTATION, pods } from '../../shared/resources/pods';
import type { EventRecorder } from '../events';
import { instanceName, isNotFound, MANAGED_BY, INSTANCE, NAMESPACE_LABEL } from './client';
import { VolumeError } from './config-volumes';
import { boundVolume } from './volumes';
import { ImageError, type ImageManager } from './images';
import type { BridgeEnv, Mapping } from './mapping';
import { networkName } from './namespaces';
import { ContainerConfigError, containerConfig, containerName, ephemeralConfig, POD_CONTAINER, POD_ROLE, POD_UID, SPEC_HASH, type PodContext } from './pod-spec';
import { podStatus, terminated, type Waiting } from './pod-status';
import type { ProbeManager } from './probes';

type Json = any;

export interface PodRuntimeOptions {
  images: ImageManager;
  events: EventRecorder;
  probes: ProbeManager;
  /** Puts a pod's apply back on the queue (after an init container ends, when a back-off is over). */
  requeue: (op: Operation) => void;
  nodeName: string;
  hostIP: string;
  apiHost: string;
  apiPort: number;
  instance: string;
  /** ConfigMap and Secret values for env and envFrom, in a namespace. */
  lookup?: (namespace: string) => PodContext['lookup'];
  /** A configMap, secret or projected volume, written for the pod and bind-mounted. */
  mountConfig?: (pod: KObject, volume: Json) => Promise<PodContext['volumes'][string]>;
  /** The pod's names from headless Services. */
  aliases?: (pod: KObject) => string[];
}

/** What the runtime knows of a pod beyond Docker's view; lost on restart and rebuilt from Docker. */
interface PodState {
  namespace: string;
  name: string;
  waiting: Record<string, Waiting>;
  failed?: { reason: string; message: string };
  initAttempts: Record<string, number>;
  timers: Set<NodeJS.Timeout>;
  refreshing?: NodeJS.Timeout;
  /** Restarts per app container; seeded from the stored status so counts survive a server restart. */
  restarts: Record<string, number>;
  /** Back-off steps per container: 0 = the next restart is immediate. */
  backoffStep: Record<string, number>;
  /** Containers waiting out their back-off, with the kubelet's message. */
  backingOff: Record<string, string>;
  lastTerminated: Record<string, unknown>;
  /** When the run before the current one started, for `kubectl logs --previous`. */
  previousStart: Record<string, string>;
}

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const REFRESH_DEBOUNCE_MS = 20;

/**
 * Pods on Docker. Level-triggered: `apply` looks at what Docker has for the pod (found by its uid label)
 * and does the next step — volumes, then init containers one at a time, then the app containers — so a
 * restarted server, a replayed operation or a Docker event all converge to the same containers.
 * Status is recomputed from `docker inspect` whenever Docker or a probe reports a change.
 */
export class PodRuntime implements Mapping {
  private readonly states = new Map<string, PodState>();

  constructor(
    private readonly env: BridgeEnv,
    private readonly opts: PodRuntimeOptions,
  ) {}

  private state(pod: KObject): PodState {
    const uid = pod.metadata.uid!;
    let s = this.states.get(uid);
    if (!s) {
      const statuses = ((pod.status as Json)?.containerStatuses ?? []) as Json[];
      s = {
        namespace: pod.metadata.namespace!,
        name: pod.metadata.name,
        waiting: {},
        initAttempts: {},
        timers: new Set(),
        restarts: Object.fromEntries(statuses.map((c) => [c.name, c.restartCount ?? 0])),
        backoffStep: Object.fromEntries(statuses.map((c) => [c.name, Math.min(c.restartCount ?? 0, 6)])),
        backingOff: {},
        lastTerminated: Object.fromEntries(statuses.filter((c) => c.lastState?.terminated).map((c) => [c.name, c.lastState.terminated])),
        previousStart: {},
      };
      this.states.set(uid, s);
    }
    return s;
  }

  private async inspectAll(uid: string): Promise<Dockerode.ContainerInspectInfo[]> {
    const list = await this.env.docker.listContainers({ all: true, filters: { label: [`${POD_UID}=${uid}`] } });
    const inspected = await Promise.all(list.map((c) => this.env.docker.getContainer(c.Id).inspect().catch(() => undefined)));
    return inspected.filter((c): c is Dockerode.ContainerInspectInfo => !!c);
  }

  private context(pod: KObject, volumes: PodContext['volumes'], podIP?: string): PodContext {
    return {
      network: networkName(pod.metadata.namespace!, this.opts.instance),
      nodeName: this.opts.nodeName,
      hostIP: this.opts.hostIP,
      apiHost: this.opts.apiHost,
      apiPort: this.opts.apiPort,
      labels: this.env.labels,
      volumes,
      podIP,
      lookup: this.opts.lookup?.(pod.metadata.namespace!),
      aliases: this.opts.aliases?.(pod),
    };
  }

  private later(state: PodState, pod: KObject, atMs: number) {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      this.opts.requeue({ resource: pods.resource, namespace: pod.metadata.namespace, name: pod.metadata.name, action: 'apply' });
    }, Math.max(0, atMs - Date.now()));
    timer.unref();
    state.timers.add(timer);
  }

  /** Docker volumes and binds for the pod's volumes. emptyDir lives as long as the pod, as in Kubernetes. */
  private async volumes(pod: KObject): Promise<PodContext['volumes']> {
    const out: PodContext['volumes'] = {};
    for (const v of ((pod.spec as Json).volumes ?? []) as Json[]) {
      if (v.emptyDir) {
        const name = instanceName(this.opts.instance, `k2d-${pod.metadata.namespace}-${pod.metadata.name}-${v.name}`);
        const volume = await this.env.docker.createVolume({
          Name: name,
          Labels: { ...this.env.labels, [NAMESPACE_LABEL]: pod.metadata.namespace!, [POD_UID]: pod.metadata.uid! },
          ...(v.emptyDir.medium === 'Memory' ? { Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: v.emptyDir.sizeLimit ? `size=${v.emptyDir.sizeLimit}` : '' } } : {}),
        });
        const info = await this.env.docker.getVolume((volume as unknown as { name?: string; Name?: string }).name ?? name).inspect();
        out[v.name] = { type: 'volume', source: name, hostPath: info.Mountpoint } as PodContext['volumes'][string];
      } else if ((v.configMap || v.secret || v.projected) && this.opts.mountConfig) {
        out[v.name] = await this.opts.mountConfig(pod, v);
      } else if (v.persistentVolumeClaim) {
        // A claim that is missing or not bound yet keeps the pod waiting; the claim's binding re-applies it.
        const source = boundVolume(this.env.store, pod.metadata.namespace!, v.name, v.persistentVolumeClaim.claimName, this.opts.instance);
        const info = await this.env.docker.getVolume(source).inspect();
        out[v.name] = { type: 'volume', source, readOnly: !!v.persistentVolumeClaim.readOnly, hostPath: info.Mountpoint };
      } else if (v.hostPath) {
        if (v.hostPath.type === 'DirectoryOrCreate') await mkdir(v.hostPath.path, { recursive: true });
        out[v.name] = { type: 'bind', source: v.hostPath.path };
      } else {
        const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
        throw new ContainerConfigError(`volume "${v.name}": ${kind} volumes are not supported yet`);
      }
    }
    return out;
  }

  /** A free address on the namespace network, for pods whose environment needs status.podIP before start. */
  private async allocateIP(network: string): Promise<string | undefined> {
    const info = await this.env.docker.getNetwork(network).inspect();
    const config = info.IPAM?.Config?.[0];
    if (!config?.Subnet) return undefined;
    const [base, bits] = config.Subnet.split('/');
    const start = base.split('.').reduce((n: number, o: string) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const used = new Set<string>([config.Gateway ?? '', ...Object.values<Json>(info.Containers ?? {}).map((c) => String(c.IPv4Address).split('/')[0])]);
    for (let i = 0; i < 50; i++) {
      const n = start + 2 + Math.floor(Math.random() * (size - 4));
      const ip = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
      if (!used.has(ip)) return ip;
    }
    return undefined;
  }

  private async remove(id: string, graceSeconds: number) {
    const c = this.env.docker.getContainer(id);
    await c.stop({ t: graceSeconds }).catch(() => undefined);
    await c.remove({ force: true, v: true }).catch((err) => {
      if (!isNotFound(err) && (err as { statusCode?: number }).statusCode !== 409) throw err;
    });
  }

  /** Creates and starts one container; false when it cannot exist yet (image, configuration). */
  private async start(pod: KObject, spec: Json, index: number, ctx: PodContext, init: boolean, state: PodState, ephemeral = false): Promise<boolean> {
    let config: Dockerode.ContainerCreateOptions;
    try {
      config = ephemeral ? ephemeralConfig(pod, spec, ctx) : containerConfig(pod, spec, index, ctx, init);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      state.waiting[spec.name] = { reason: 'CreateContainerConfigError', message: err.message };
      await this.opts.events.record(pod, 'Warning', 'Failed', `Error: ${err.message}`, `spec.${init ? 'initContainers' : 'containers'}{${spec.name}}`);
      this.later(state, pod, Date.now() + BACKOFF_START_MS);
      return false;
    }
    const fieldPath = `spec.${init ? 'initContainers' : ephemeral ? 'ephemeralContainers' : 'containers'}{${spec.name}}`;
    try {
      const warning = await this.opts.images.ensure(spec.image, spec.imagePullPolicy);
      // No registry may be reachable: a local copy runs, and the failed pull is reported, not fatal.
      if (warning) await this.opts.events.record(pod, 'Warning', 'Failed', warning, fieldPath);
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      state.waiting[spec.name] = { reason: err.reason, message: err.message };
      await this.opts.events.record(pod, 'Warning', err.reason === 'ImagePullBackOff' ? 'BackOff' : 'Failed', err.message, fieldPath);
      // Like the kubelet's next sync: shortly after ErrImagePull the pod shows ImagePullBackOff until the back-off ends.
      const retry = this.opts.images.retryAt(spec.image) ?? Date.now() + BACKOFF_START_MS;
      this.later(state, pod, err.reason === 'ErrImagePull' ? Math.min(retry, Date.now() + 2000) : retry);
      return false;
    }
    let container: Dockerode.Container;
    try {
      container = await this.env.docker.createContainer(config);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      // The name is taken: by a leftover of an older pod of this name (ours, so we replace it), or by
      // a container that is not ours, which we never touch.
      const other = await this.env.docker.getContainer(config.name!).inspect();
      const labels = other.Config.Labels ?? {};
      if (labels[MANAGED_BY] !== 'k2d-ts' || labels[INSTANCE] !== this.opts.instance) {
        state.waiting[spec.name] = { reason: 'CreateContainerError', message: `a container named ${config.name} exists and is not managed by this server` };
        return false;
      }
      if (labels[POD_UID] === pod.metadata.uid && labels[SPEC_HASH] === config.Labels![SPEC_HASH]) container = this.env.docker.getContainer(other.Id);
      else {
        await this.remove(other.Id, 0);
        container = await this.env.docker.createContainer(config);
      }
    }
    delete state.waiting[spec.name];
    await this.opts.events.record(pod, 'Normal', 'Created', `Created container ${spec.name}`, fieldPath);
    try {
      await container.start();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 304) {
        state.waiting[spec.name] = { reason: 'RunContainerError', message: (err as Error).message };
        await this.opts.events.record(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, fieldPath);
        return false;
      }
    }
    await this.opts.events.record(pod, 'Normal', 'Started', `Started container ${spec.name}`, fieldPath);
    return true;
  }

  async apply(pod: KObject): Promise<void> {
    if (pod.metadata.annotations?.[EXTERNAL_ANNOTATION]) return;
    if (pod.metadata.deletionTimestamp) return this.delete(pod);
    const spec = pod.spec as Json;
    const state = this.state(pod);
    const existing = await this.inspectAll(pod.metadata.uid!);
    const find = (role: string, name: string) => existing.find((c) => c.Config.Labels?.[POD_ROLE] === role && c.Config.Labels?.[POD_CONTAINER] === name);
    try {
      let volumes: PodContext['volumes'];
      try {
        volumes = await this.volumes(pod);
      } catch (err) {
        if (err instanceof VolumeError) {
          // The kubelet's mount failure: the pod stays ContainerCreating, retried when the object appears.
          for (const c of spec.containers) state.waiting[c.name] = { reason: 'ContainerCreating' };
          await this.opts.events.record(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${err.volume}" : ${err.message}`);
          this.later(state, pod, Date.now() + BACKOFF_START_MS);
          return;
        }
        if (!(err instanceof ContainerConfigError)) throw err;
        for (const c of spec.containers) state.waiting[c.name] = { reason: 'CreateContainerConfigError', message: err.message };
        return;
      }
      const owner = find('app', spec.containers[0].name);
      const needsIP = JSON.stringify(spec).includes('status.podIP');
      const podIP = needsIP ? (owner?.NetworkSettings?.Networks?.[networkName(pod.metadata.namespace!, this.opts.instance)]?.IPAddress || (await this.allocateIP(networkName(pod.metadata.namespace!, this.opts.instance)))) : undefined;
      const ctx = this.context(pod, volumes, podIP);

      const inits = (spec.initContainers ?? []) as Json[];
      for (let i = 0; i < inits.length; i++) {
        const c = inits[i];
        const info = find('init', c.name);
        if (info?.State.Status === 'exited' && info.State.ExitCode === 0) continue;
        if (info && (info.State.Running || info.State.Restarting)) return;
        if (info?.State.Status === 'exited') {
          if ((spec.restartPolicy ?? 'Always') === 'Never') {
            state.failed = { reason: 'Init:Error', message: `init container ${c.name} exited with code ${info.State.ExitCode}` };
            return;
          }
          // The kubelet's back-off for a failing init container: 10s, 20s, 40s… up to 5 minutes.
          const attempt = (state.initAttempts[c.name] ?? 0) + 1;
          const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (attempt - 1));
          const finished = Date.parse(info.State.FinishedAt);
          if (Date.now() < finished + delay) {
            state.waiting[c.name] = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${pod.metadata.name}` };
            this.later(state, pod, finished + delay);
            return;
          }
          state.initAttempts[c.name] = attempt;
          delete state.waiting[c.name];
          await this.env.docker.getContainer(info.Id).start().catch(() => undefined);
          return;
        }
        if (info) await this.remove(info.Id, 0);
        await this.start(pod, c, i, ctx, true, state);
        return;
      }

      for (let i = 0; i < spec.containers.length; i++) {
        const c = spec.containers[i];
        let info = find('app', c.name);
        if (info) {
          let wanted: string | undefined;
          try {
            wanted = containerConfig(pod, c, i, ctx).Labels![SPEC_HASH];
          } catch {
            wanted = undefined;
          }
          if (wanted && info.Config.Labels[SPEC_HASH] !== wanted) {
            await this.opts.events.record(pod, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`, `spec.containers{${c.name}}`);
            await this.remove(info.Id, spec.terminationGracePeriodSeconds ?? 30);
            info = undefined;
          }
        }
        if (!info) {
          const started = await this.start(pod, c, i, ctx, false, state);
          // The others join the first container's network: without it they cannot start.
          if (!started && i === 0) return;
        } else if (info.State.Status === 'created') await this.env.docker.getContainer(info.Id).start().catch(() => undefined);
        else if (info.State.Status === 'exited' && state.backingOff[c.name] === undefined) this.exited(pod, state, info, c.name);
      }
      // Started once, never restarted or replaced, as the kubelet runs them; they need the pod running.
      for (const c of (spec.ephemeralContainers ?? []) as Json[]) {
        if (!find('ephemeral', c.name) && (await this.ownerRunning(pod))) await this.start(pod, c, 1, ctx, false, state, true);
      }
    } finally {
      this.scheduleRefresh(pod.metadata.uid!);
    }
  }

  private async ownerRunning(pod: KObject): Promise<boolean> {
    const info = await this.env.docker.getContainer(containerName(pod, (pod.spec as Json).containers[0].name, 0, false, this.opts.instance)).inspect().catch(() => undefined);
    return !!info?.State.Running;
  }

  /** Graceful: SIGTERM, the grace period, then SIGKILL; then the containers and emptyDirs go. */
  private forget(uid: string) {
    const state = this.states.get(uid);
    for (const t of state?.timers ?? []) clearTimeout(t);
    clearTimeout(state?.refreshing);
    this.opts.probes.forget(uid);
    this.states.delete(uid);
  }

  async delete(pod: KObject): Promise<void> {
    if (pod.metadata.annotations?.[EXTERNAL_ANNOTATION]) return;
    const uid = pod.metadata.uid!;
    const state = this.states.get(uid);
    for (const t of state?.timers ?? []) clearTimeout(t);
    this.opts.probes.forget(uid);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? (pod.spec as Json).terminationGracePeriodSeconds ?? 30;
    const containers = await this.inspectAll(uid);
    // All at once: the grace period is waited once, as the kubelet does.
    await Promise.all(containers.map((c) => this.remove(c.Id, grace)));
    const volumes = await this.env.docker.listVolumes({ filters: { label: [`${POD_UID}=${uid}`] } });
    await Promise.all((volumes.Volumes ?? []).map((v) => this.env.docker.getVolume(v.Name).remove().catch(() => undefined)));
    this.forget(uid);
  }

  scheduleRefresh(uid: string): void {
    const state = this.states.get(uid);
    if (!state || state.refreshing) return;
    state.refreshing = setTimeout(() => {
      state.refreshing = undefined;
      this.refresh(uid).catch((err) => this.env.log.warn({ err: (err as Error).message, uid }, 'pod status refresh failed'));
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Recomputes the pod's status from Docker and writes it when it changed. */
  async refresh(uid: string): Promise<void> {
    const state = this.states.get(uid);
    if (!state) return;
    const pod = this.env.store.get(pods, state.namespace, state.name);
    // A pod being deleted keeps the status it had; probing it again would only outlive it.
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    const containers = await this.inspectAll(uid);
    const probe = this.opts.probes.sync(pod, containers, () => this.scheduleRefresh(uid));
    const observed = {
      containers,
      waiting: state.waiting,
      ready: probe.ready,
      notStarted: probe.notStarted,
      restarts: state.restarts,
      backingOff: state.backingOff,
      lastTerminated: state.lastTerminated,
      network: networkName(state.namespace, this.opts.instance),
      hostIP: this.opts.hostIP,
      now: this.env.clock.now(),
      failed: state.failed,
    };
    await this.env.store.modify(pods, state.namespace, state.name, (current) => {
      if (current.metadata.uid !== uid || current.metadata.deletionTimestamp) return undefined;
      const status = podStatus(current, observed);
      if (JSON.stringify(withoutTimes(status)) === JSON.stringify(withoutTimes(current.status))) return undefined;
      return { ...current, metadata: { ...current.metadata, resourceVersion: undefined }, status };
    });
  }

  /** Reacts to Docker's container events for our pods. */
  async onEvent(event: { Action: string; id: string; Actor: { Attributes: Record<string, string> } }): Promise<void> {
    const labels = event.Actor.Attributes;
    const uid = labels[POD_UID];
    if (!uid) return;
    const state = this.states.get(uid);
    if (!state) {
      // A pod we have not seen since start: let the queue bring it under management.
      const pod = this.env.store.list(pods, labels[NAMESPACE_LABEL]).find((p) => p.metadata.uid === uid);
      if (pod) this.opts.requeue({ resource: pods.resource, namespace: pod.metadata.namespace, name: pod.metadata.name, action: 'apply' });
      return;
    }
    const op = { resource: pods.resource, namespace: state.namespace, name: state.name, action: 'apply' as const };
    if (labels[POD_ROLE] === 'init' && event.Action === 'die') this.opts.requeue(op);
    if (event.Action === 'destroy') {
      // A container removed behind our back comes back, unless the pod is going away.
      const pod = this.env.store.get(pods, state.namespace, state.name);
      if (pod?.metadata.uid === uid && !pod.metadata.deletionTimestamp) this.opts.requeue(op);
      else if (pod?.metadata.uid !== uid) {
        // The pod left the store without us (its namespace was deleted): its timers and probes go too.
        this.forget(uid);
        return;
      }
    }
    if (event.Action === 'die' && labels[POD_ROLE] === 'app') {
      const pod = this.env.store.get(pods, state.namespace, state.name);
      const info = await this.env.docker.getContainer(event.id).inspect().catch(() => undefined);
      if (pod && info && !info.State.Running) this.exited(pod, state, info, labels[POD_CONTAINER]);
    }
    this.scheduleRefresh(uid);
  }

  /**
   * An app container ended: restart it as the pod's restartPolicy says, after the kubelet's back-off —
   * at once the first time, then 10s, 20s, 40s… up to 5 minutes; a run of 10 minutes resets it.
   */
  private exited(pod: KObject, state: PodState, info: Dockerode.ContainerInspectInfo, name: string) {
    const policy = (pod.spec as Json).restartPolicy ?? 'Always';
    if (pod.metadata.deletionTimestamp || policy === 'Never' || (policy === 'OnFailure' && info.State.ExitCode === 0)) return;
    if (state.backingOff[name] !== undefined) return;
    const ran = Date.parse(info.State.FinishedAt) - Date.parse(info.State.StartedAt);
    if (ran > 600_000) state.backoffStep[name] = 0;
    const step = state.backoffStep[name] ?? 0;
    const delay = step === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (step - 1));
    state.backoffStep[name] = step + 1;
    state.lastTerminated[name] = terminated(info);
    state.backingOff[name] = `back-off ${Math.round(delay / 1000)}s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    if (delay > 0) void this.opts.events.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', `spec.containers{${name}}`);
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      void this.restart(pod, state, info, name).catch((err) => this.env.log.warn({ err: (err as Error).message, pod: pod.metadata.name }, 'restart failed'));
    }, delay);
    timer.unref();
    state.timers.add(timer);
    this.scheduleRefresh(pod.metadata.uid!);
  }

  private async restart(pod: KObject, state: PodState, info: Dockerode.ContainerInspectInfo, name: string) {
    const current = this.env.store.get(pods, state.namespace, state.name);
    delete state.backingOff[name];
    if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    state.previousStart[name] = info.State.StartedAt;
    state.restarts[name] = (state.restarts[name] ?? 0) + 1;
    await this.env.docker.getContainer(info.Id).start().catch((err) => {
      if ((err as { statusCode?: number }).statusCode !== 304) throw err;
    });
    // The first container owns the pod's network: a new run means a new network namespace, and the
    // containers that had joined the old one are restarted to join it again.
    if (name === (current.spec as Json).containers[0].name) {
      for (const c of await this.inspectAll(pod.metadata.uid!)) {
        if (c.Id !== info.Id && c.Config.Labels[POD_ROLE] === 'app' && c.State.Running) await this.env.docker.getContainer(c.Id).restart({ t: 0 }).catch(() => undefined);
      }
    }
    this.scheduleRefresh(pod.metadata.uid!);
  }

  /** A container of the pod, for logs, with when its previous run started. */
  async containerFor(pod: KObject, container: string): Promise<{ info: Dockerode.ContainerInspectInfo; previousStart?: string } | undefined> {
    const all = await this.inspectAll(pod.metadata.uid!);
    const info = all.find((c) => c.Config.Labels[POD_CONTAINER] === container);
    const stored = ((pod.status as Json)?.containerStatuses ?? []).find((c: Json) => c.name === container)?.lastState?.terminated?.startedAt;
    return info && { info, previousStart: this.states.get(pod.metadata.uid!)?.previousStart[container] ?? stored };
  }
}

/** Compares statuses without the timestamps that move on their own. */
function withoutTimes(status: unknown): unknown {
  return JSON.parse(JSON.stringify(status ?? {}, (k, v) => (k === 'lastTransitionTime' || k === 'lastProbeTime' ? undefined : v)));
}

export { containerName };
