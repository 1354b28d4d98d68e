import type Dockerode from 'dockerode';
import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import { POD_CONTAINER, POD_ROLE } from './pod-spec';

type Json = any;

/** What Docker cannot say about a container: why it does not exist yet (image pull, config error…). */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface Observed {
  /** Inspected containers of the pod (init and app), found by the pod's uid label. */
  containers: Dockerode.ContainerInspectInfo[];
  /** Waiting reasons the runtime knows for containers that Docker does not have (yet). */
  waiting: Record<string, Waiting>;
  /** Readiness from probes; a container without a readiness probe is ready once running. */
  ready: Record<string, boolean>;
  /** Containers whose startup probe has not passed yet. */
  notStarted?: Record<string, boolean>;
  network: string;
  hostIP: string;
  now: Date;
  /** How each restarted container ended last time, for lastState. */
  lastTerminated?: Record<string, unknown>;
  /** Restarts per container, counted by the runtime (Docker's own count stays 0: it does not restart). */
  restarts: Record<string, number>;
  /** Containers that exited and wait for their back-off to end before the runtime restarts them. */
  backingOff: Record<string, string>;
  /** Set when the whole pod failed before any container could run (e.g. an init container with restartPolicy Never). */
  failed?: { reason: string; message: string };
}

const dockerTime = (t: string | undefined) => (t && !t.startsWith('0001-') ? rfc3339(new Date(t)) : undefined);

export function terminated(info: Dockerode.ContainerInspectInfo) {
  const s = info.State;
  return {
    exitCode: s.ExitCode,
    reason: s.OOMKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error',
    startedAt: dockerTime(s.StartedAt),
    finishedAt: dockerTime(s.FinishedAt),
    containerID: `docker://${info.Id}`,
  };
}

function containerStatus(spec: Json, info: Dockerode.ContainerInspectInfo | undefined, o: Observed, podInitializing: boolean) {
  const base = { name: spec.name, image: spec.image, imageID: '', restartCount: 0, ready: false, started: false };
  if (!info) {
    const w = o.waiting[spec.name] ?? { reason: podInitializing ? 'PodInitializing' : 'ContainerCreating' };
    return { ...base, state: { waiting: w }, lastState: {} };
  }
  const s = info.State;
  const common = { ...base, imageID: `docker-pullable://${info.Image}`, containerID: `docker://${info.Id}`, restartCount: o.restarts[spec.name] ?? 0 };
  if (o.backingOff[spec.name] !== undefined && !s.Running) {
    return {
      ...common,
      state: { waiting: { reason: 'CrashLoopBackOff', message: o.backingOff[spec.name] } },
      lastState: { terminated: terminated(info) },
    };
  }
  if (s.Running || s.Paused) {
    const started = !o.notStarted?.[spec.name];
    const last = o.lastTerminated?.[spec.name];
    return {
      ...common,
      started,
      ready: started && (o.ready[spec.name] ?? true),
      state: { running: { startedAt: dockerTime(s.StartedAt) } },
      lastState: last ? { terminated: last } : {},
    };
  }
  if (s.Status === 'created') {
    return { ...common, state: { waiting: o.waiting[spec.name] ?? { reason: 'ContainerCreating' } }, lastState: {} };
  }
  return { ...common, state: { terminated: terminated(info) }, lastState: {} };
}

function condition(type: string, ok: boolean, previous: Json[] | undefined, now: string, reason?: string) {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: before?.status === status ? before.lastTransitionTime : now,
    ...(reason && !ok ? { reason } : {}),
  };
}

/** The status a kubelet would report for this pod, from what Docker says and what the runtime knows. */
export function podStatus(pod: KObject, o: Observed): Json {
  const spec = pod.spec as Json;
  const previous = pod.status as Json | undefined;
  const now = rfc3339(o.now);
  const byName = (role: string) => new Map(o.containers.filter((c) => c.Config.Labels?.[POD_ROLE] === role).map((c) => [c.Config.Labels[POD_CONTAINER], c]));
  const inits = byName('init');
  const apps = byName('app');

  const initStatuses = (spec.initContainers ?? []).map((c: Json) => containerStatus(c, inits.get(c.name), o, false));
  const initialized = initStatuses.every((s: Json) => s.state.terminated?.exitCode === 0);
  const statuses = (spec.containers as Json[]).map((c) => containerStatus(c, apps.get(c.name), o, !initialized));
  const ephemerals = byName('ephemeral');
  // Ephemeral containers are never ready nor restarted; their state is what kubectl debug waits on.
  const ephemeralStatuses = ((spec.ephemeralContainers ?? []) as Json[]).map((c) => ({ ...containerStatus(c, ephemerals.get(c.name), o, false), ready: false, restartCount: 0 }));

  const states = statuses.map((s) => s.state);
  const policy = spec.restartPolicy ?? 'Always';
  let phase = 'Pending';
  if (o.failed) phase = 'Failed';
  else if (initialized && states.every((s) => s.terminated)) {
    phase = states.every((s) => s.terminated?.exitCode === 0) ? 'Succeeded' : policy === 'Always' ? 'Running' : 'Failed';
  } else if (initialized && statuses.some((s) => s.state.running || s.state.waiting?.reason === 'CrashLoopBackOff' || s.state.terminated)) phase = 'Running';

  const containersReady = statuses.every((s) => s.ready);
  const owner = apps.get(spec.containers[0].name);
  const podIP = owner?.State.Running ? owner.NetworkSettings?.Networks?.[o.network]?.IPAddress || undefined : undefined;
  const startTime = previous?.startTime ?? now;

  return {
    phase,
    ...(o.failed ? { reason: o.failed.reason, message: o.failed.message } : {}),
    conditions: [
      condition('PodReadyToStartContainers', !!podIP || phase === 'Succeeded' || phase === 'Failed', previous?.conditions, now),
      condition('Initialized', initialized, previous?.conditions, now, 'ContainersNotInitialized'),
      condition('Ready', containersReady && phase === 'Running', previous?.conditions, now, 'ContainersNotReady'),
      condition('ContainersReady', containersReady, previous?.conditions, now, 'ContainersNotReady'),
      condition('PodScheduled', true, previous?.conditions, now),
    ],
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime,
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    ...(ephemeralStatuses.length ? { ephemeralContainerStatuses: ephemeralStatuses } : {}),
    qosClass: qosClass(spec),
  };
}

/** Guaranteed when every container has equal cpu and memory requests and limits; BestEffort when none set any. */
export function qosClass(spec: Json): string {
  const containers = [...(spec.initContainers ?? []), ...spec.containers] as Json[];
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
