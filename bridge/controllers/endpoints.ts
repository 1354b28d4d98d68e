import type { Logger } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { endpointSlices, endpoints, type EndpointSlice, type Endpoints } from '../../shared/resources/endpoints';
import { pods } from '../../shared/resources/pods';
import { services, type Service } from '../../shared/resources/services';
import * as objects from '../../shared/registry/store';
import type { RegistryEnv } from '../../shared/registry/store';
import { WorkQueue } from './work';
import { labelsMatch, randomSuffix } from '../../shared/k8s/names';

type Json = any;

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SLICE_MANAGER_LABEL = 'endpointslice.kubernetes.io/managed-by';
const SLICE_MANAGER = 'endpointslice-controller.k8s.io';
const ENDPOINTS_MANAGER_LABEL = 'endpoints.kubernetes.io/managed-by';
const ENDPOINTS_MANAGER = 'endpoint-controller';

interface Backend {
  pod: KObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
}

interface PortGroup {
  /** The ports as the pods in this group serve them (named targetPorts resolve per pod). */
  ports: Array<{ name?: string; port: number; protocol: string; appProtocol?: string }>;
  backends: Backend[];
}

const isReady = (pod: Json) => (pod.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');

/** Resolves a Service port's targetPort on one pod: a number, or the pod's container port of that name. */
function targetPort(svcPort: Json, pod: Json): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of (pod.spec?.containers ?? []) as Json[]) {
    for (const p of (c.ports ?? []) as Json[]) if (p.name === target && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

/** The Service's backends grouped by the ports they serve, as the endpoints controller builds subsets. */
export function portGroups(svc: Service, candidates: KObject[]): PortGroup[] {
  const selector = (svc.spec?.selector ?? {}) as Record<string, string>;
  const groups = new Map<string, PortGroup>();
  for (const pod of candidates) {
    const p = pod as Json;
    if (!labelsMatch(selector, pod.metadata.labels) || !p.status?.podIP) continue;
    if (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') continue;
    const ports = ((svc.spec?.ports ?? []) as Json[]).flatMap((sp) => {
      const port = targetPort(sp, p);
      if (port === undefined) return [];
      return [{ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }];
    });
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, backends: [] }));
    const terminating = !!pod.metadata.deletionTimestamp;
    group.backends.push({ pod, ip: p.status.podIP, ready: isReady(p) && !terminating, terminating });
  }
  const byIp = (a: Backend, b: Backend) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => ({ ...g, backends: g.backends.sort(byIp) }));
}

const targetRef = (pod: KObject) => ({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid });

/** The Endpoints object of a Service: ready pods in `addresses`, the others in `notReadyAddresses`. */
export function desiredEndpoints(svc: Service, groups: PortGroup[]): Json {
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  const subsets = groups
    .map((g) => {
      const address = (b: Backend) => ({ ip: b.ip, nodeName: (b.pod as Json).spec?.nodeName, targetRef: targetRef(b.pod) });
      const addresses = g.backends.filter((b) => b.ready || (publishNotReady && !b.terminating)).map(address);
      const notReadyAddresses = g.backends.filter((b) => !b.ready && !b.terminating && !publishNotReady).map(address);
      return { ...(addresses.length ? { addresses } : {}), ...(notReadyAddresses.length ? { notReadyAddresses } : {}), ...(g.ports.length ? { ports: g.ports } : {}) };
    })
    .filter((s) => s.addresses || s.notReadyAddresses);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels: { ...(svc.metadata.labels ?? {}), [ENDPOINTS_MANAGER_LABEL]: ENDPOINTS_MANAGER } },
    ...(subsets.length ? { subsets } : {}),
  };
}

export function desiredSlices(svc: Service, groups: PortGroup[]): Json[] {
  const owner = { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true };
  // A Service whose pods serve no port still gets one empty slice, as the controller keeps one.
  const list = groups.length ? groups : [{ ports: [], backends: [] }];
  return list.map((g) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: svc.metadata.namespace,
      labels: { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name, [SLICE_MANAGER_LABEL]: SLICE_MANAGER },
      ownerReferences: [owner],
    },
    addressType: 'IPv4',
    endpoints: g.backends.map((b) => ({
      addresses: [b.ip],
      conditions: { ready: b.ready, serving: isReady(b.pod) , terminating: b.terminating },
      nodeName: (b.pod as Json).spec?.nodeName,
      targetRef: targetRef(b.pod),
    })),
    ports: g.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })),
  }));
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Keeps Endpoints and EndpointSlices of every Service with a selector in step with its pods, from the
 * store's change stream (pods' readiness comes from the Docker-fed status). Level-triggered: each pass
 * recomputes a namespace from scratch, so a restart converges. Selector-less Services keep whatever
 * Endpoints their users write.
 */
export class EndpointsController {
  private unsubscribe?: () => void;
  private readonly work: WorkQueue;

  /** Endpoints are written through the registry, as the real controller writes them through the API. */
  constructor(
    private readonly env: RegistryEnv,
    log: Logger,
  ) {
    this.work = new WorkQueue((ns) => this.sync(ns), log, 'endpoints');
  }

  private get store() {
    return this.env.store;
  }

  start() {
    this.unsubscribe = this.store.subscribe((change) => {
      if (change.resource !== pods.resource && change.resource !== services.resource) return;
      this.work.mark(change.object.metadata.namespace!);
    });
    for (const svc of this.store.list(services)) this.work.mark(svc.metadata.namespace!);
    for (const ep of this.store.list(endpoints)) this.work.mark(ep.metadata.namespace!);
  }

  stop() {
    this.unsubscribe?.();
    this.work.stop();
  }

  /** Waits for the passes scheduled so far (tests and shutdown). */
  idle(): Promise<void> {
    return this.work.idle();
  }

  private async sync(namespace: string) {
    const svcs = this.store.list(services, namespace) as Service[];
    const nsPods = this.store.list(pods, namespace);
    const live = new Set<string>();
    for (const svc of svcs) {
      if (!svc.spec?.selector || !Object.keys(svc.spec.selector).length || svc.metadata.deletionTimestamp) continue;
      if (svc.spec.type === 'ExternalName') continue;
      live.add(svc.metadata.name);
      const groups = portGroups(svc, nsPods);
      await this.writeEndpoints(desiredEndpoints(svc, groups));
      await this.writeSlices(svc, desiredSlices(svc, groups));
    }
    for (const ep of this.store.list(endpoints, namespace)) {
      if (!live.has(ep.metadata.name) && ep.metadata.labels?.[ENDPOINTS_MANAGER_LABEL] === ENDPOINTS_MANAGER) await objects.remove(this.env, endpoints, namespace, ep.metadata.name).catch(() => undefined);
    }
    for (const slice of this.store.list(endpointSlices, namespace)) {
      const owner = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (slice.metadata.labels?.[SLICE_MANAGER_LABEL] === SLICE_MANAGER && (!owner || !live.has(owner))) {
        await objects.remove(this.env, endpointSlices, namespace, slice.metadata.name).catch(() => undefined);
      }
    }
  }

  private async writeEndpoints(want: Json) {
    const { namespace, name } = want.metadata;
    const have = this.store.get(endpoints, namespace, name) as Endpoints | undefined;
    if (!have) {
      await objects.create(this.env, endpoints, want);
      return;
    }
    if (same(have.subsets ?? [], want.subsets ?? []) && same(have.metadata.labels ?? {}, want.metadata.labels)) return;
    await objects.update(this.env, endpoints, namespace, name, (current) => {
      const next: Json = { ...current, metadata: { ...current.metadata, labels: want.metadata.labels } };
      if (want.subsets) next.subsets = want.subsets;
      else delete next.subsets;
      return next;
    });
  }

  private async writeSlices(svc: Service, want: Json[]) {
    const namespace = svc.metadata.namespace!;
    const have = this.store
      .list(endpointSlices, namespace)
      .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name && s.metadata.labels?.[SLICE_MANAGER_LABEL] === SLICE_MANAGER)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)) as EndpointSlice[];
    for (let i = 0; i < want.length; i++) {
      const slice = want[i];
      const existing = have[i];
      if (!existing) {
        slice.metadata.name = `${svc.metadata.name.slice(0, 57)}-${randomSuffix()}`;
        await objects.create(this.env, endpointSlices, slice);
        continue;
      }
      const unchanged = same(existing.endpoints, slice.endpoints) && same(existing.ports ?? [], slice.ports) && same(existing.metadata.labels ?? {}, slice.metadata.labels);
      if (unchanged) continue;
      await objects.update(this.env, endpointSlices, namespace, existing.metadata.name, (current) => ({
        ...current,
        metadata: { ...current.metadata, labels: slice.metadata.labels, ownerReferences: slice.metadata.ownerReferences },
        endpoints: slice.endpoints,
        ports: slice.ports,
      }) as KObject);
    }
    for (const extra of have.slice(want.length)) await objects.remove(this.env, endpointSlices, namespace, extra.metadata.name).catch(() => undefined);
  }
}
