import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { KObject } from '../../shared/k8s/meta';
import { endpoints } from '../../shared/resources/endpoints';
import { namespaces } from '../../shared/resources/namespaces';
import { pods } from '../../shared/resources/pods';
import { isHeadless, services, type Service } from '../../shared/resources/services';
import type { EventRecorder } from '../events';
import { INSTANCE, instanceName, isNotFound, NAMESPACE_LABEL } from './client';
import type { BridgeEnv, Mapping } from './mapping';
import { networkName } from './namespaces';
import { containerName } from './pod-spec';
import { PROXY_PATH } from './runtime-image';
import { labelsMatch } from '../../shared/k8s/names';

type Json = any;

export const SERVICE_LABEL = 'service.k2d.io/name';
const SPEC_HASH = 'service.k2d.io/spec-hash';

export const proxyName = (namespace: string, name: string, instance?: string) => instanceName(instance, `k2d-svc-${namespace}-${name}`);

/** The names a Service answers to: all four in its namespace, the qualified ones from everywhere else. */
export function aliases(svc: KObject, own: boolean): string[] {
  const { name, namespace } = svc.metadata;
  const qualified = [`${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
  return own ? [name, ...qualified] : qualified;
}

/** The targets a proxy gets on stdin, keyed by Service port name and protocol, from the Endpoints. */
export function proxyTargets(ep: Json | undefined): Record<string, Array<{ ip: string; port: number }>> {
  const out: Record<string, Array<{ ip: string; port: number }>> = {};
  for (const subset of ep?.subsets ?? []) {
    for (const p of subset.ports ?? []) {
      const key = `${p.name ?? ''}/${p.protocol ?? 'TCP'}`;
      (out[key] ??= []).push(...((subset.addresses ?? []) as Json[]).map((a) => ({ ip: a.ip, port: p.port })));
    }
  }
  return out;
}

export interface ServiceRuntimeOptions {
  /** The image proxies run from (built on first use). */
  image: () => Promise<string>;
  events: EventRecorder;
  /** The host's address, reported as a LoadBalancer's ingress IP. */
  hostIP: string;
  instance: string;
  /** Asks for a pod's status to be read again from Docker (its address may have changed). */
  refreshPod?: (pod: KObject) => void;
}

/**
 * Services on Docker. A Service with a ClusterIP gets a proxy container (bridge/proxy.ts) on its
 * namespace network carrying the Service's DNS names as aliases, and the qualified names on every other
 * namespace network; NodePort and LoadBalancer ports are published on the host by that container.
 * The backing pods are never touched: the proxy is fed the ready endpoints, so ports can be remapped,
 * traffic spread over every ready replica, and a Service changed or deleted without restarting anything.
 */
export class ServiceRuntime implements Mapping {
  private readonly feeds = new Map<string, Duplex>();

  constructor(
    private readonly env: BridgeEnv,
    private readonly opts: ServiceRuntimeOptions,
  ) {
    // Endpoints change → the proxy of that Service hears of it at once.
    env.store.subscribe((change) => {
      if (change.resource !== endpoints.resource) return;
      const svc = env.store.get(services, change.object.metadata.namespace, change.object.metadata.name) as Service | undefined;
      if (svc && this.proxied(svc)) void this.feed(svc).catch((err) => env.log.warn({ err: (err as Error).message }, 'feeding a service proxy failed'));
    });
  }

  private proxied(svc: Service): boolean {
    return (svc.spec?.type ?? 'ClusterIP') !== 'ExternalName' && !isHeadless(svc) && !svc.metadata.deletionTimestamp;
  }

  private async container(svc: KObject): Promise<Dockerode.ContainerInspectInfo | undefined> {
    try {
      return await this.env.docker.getContainer(proxyName(svc.metadata.namespace!, svc.metadata.name, this.opts.instance)).inspect();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * A headless Service's names resolve to its pods: Docker's DNS answers an alias with every container
   * carrying it. A pod's own `hostname.subdomain` name comes with it, as cluster DNS gives it.
   */
  headlessAliases(pod: KObject): string[] {
    const out: string[] = [];
    const spec = (pod as Json).spec ?? {};
    for (const svc of this.env.store.list(services, pod.metadata.namespace) as Service[]) {
      if (!isHeadless(svc) || svc.metadata.deletionTimestamp) continue;
      const selector = (svc.spec?.selector ?? {}) as Record<string, string>;
      if (!Object.keys(selector).length || !labelsMatch(selector, pod.metadata.labels)) continue;
      out.push(...aliases(svc, true));
      if (spec.subdomain === svc.metadata.name) {
        const host = spec.hostname ?? pod.metadata.name;
        out.push(`${host}.${svc.metadata.name}`, `${host}.${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`);
      }
    }
    return out;
  }

  /**
   * Pods made before a headless Service (or whose Services changed) get their names by leaving and
   * rejoining the network with the same address; their containers are not touched.
   */
  private async syncHeadless(namespace: string) {
    const net = networkName(namespace, this.opts.instance);
    for (const pod of this.env.store.list(pods, namespace)) {
      if (pod.metadata.deletionTimestamp) continue;
      const first = ((pod as Json).spec?.containers ?? [])[0]?.name;
      const owner = first ? await this.env.docker.getContainer(containerName(pod, first, 0, false, this.opts.instance)).inspect().catch(() => undefined) : undefined;
      const endpoint = owner?.State.Running ? owner.NetworkSettings?.Networks?.[net] : undefined;
      if (!owner || !endpoint) continue;
      const want = this.headlessAliases(pod);
      const have = (endpoint.Aliases ?? []) as string[];
      const stale = have.filter((a) => a.endsWith('.svc.cluster.local') && !want.includes(a));
      if (want.every((a) => have.includes(a)) && !stale.length) continue;
      const network = this.env.docker.getNetwork(net);
      await network.disconnect({ Container: owner.Id, Force: true });
      await network.connect({ Container: owner.Id, EndpointConfig: { Aliases: want, IPAMConfig: { IPv4Address: endpoint.IPAddress } } }).catch(async () => {
        // An address that cannot be kept (Docker refuses fixed addresses on some networks): take any.
        await network.connect({ Container: owner.Id, EndpointConfig: { Aliases: want } });
      });
      this.opts.refreshPod?.(pod);
    }
  }

  async apply(obj: KObject): Promise<void> {
    const svc = obj as Service;
    if (isHeadless(svc)) await this.syncHeadless(svc.metadata.namespace!);
    if (!this.proxied(svc)) {
      await this.removeProxy(svc);
      if (svc.spec?.type === 'ExternalName') {
        await this.opts.events.record(svc, 'Warning', 'ExternalNameNotSupported', `k2d-ts does not resolve ${svc.metadata.name} to ${svc.spec.externalName}: Docker's DNS has no CNAME records; use the external name directly`);
      }
      return;
    }
    const image = await this.opts.image();
    const config = this.proxyConfig(svc, image);
    const hash = config.Labels![SPEC_HASH];
    let existing = await this.container(svc);
    if (existing && (existing.Config.Labels?.[SPEC_HASH] !== hash || !existing.State.Running)) {
      await this.removeProxy(svc);
      existing = undefined;
    }
    if (!existing) {
      const created = await this.env.docker.createContainer(config);
      await created.start();
    }
    await this.joinNetworks(svc);
    await this.feed(svc, true);
    await this.writeStatus(svc);
  }

  private proxyConfig(svc: Service, image: string): Dockerode.ContainerCreateOptions {
    const { namespace, name } = svc.metadata;
    const ports = ((svc.spec?.ports ?? []) as Json[]).map((p) => ({ name: p.name || undefined, port: p.port, protocol: p.protocol ?? 'TCP' }));
    const type = svc.spec?.type ?? 'ClusterIP';
    const bindings: Record<string, Array<{ HostPort: string }>> = {};
    for (const p of (svc.spec?.ports ?? []) as Json[]) {
      const key = `${p.port}/${(p.protocol ?? 'TCP').toLowerCase()}`;
      const host = [p.nodePort, type === 'LoadBalancer' ? p.port : undefined].filter(Boolean).map((port) => ({ HostPort: String(port) }));
      if (host.length) bindings[key] = host;
    }
    const hash = createHash('sha256').update(JSON.stringify({ ports, bindings, image })).digest('hex').slice(0, 16);
    return {
      name: proxyName(namespace!, name, this.opts.instance),
      Image: image,
      Entrypoint: ['/usr/local/bin/node', PROXY_PATH],
      Cmd: [],
      Env: [`K2D_NAMESPACE=${namespace}`, `K2D_SERVICE=${name}`, `K2D_PORTS=${JSON.stringify(ports)}`],
      OpenStdin: true,
      StdinOnce: false,
      // An unprivileged user, allowed low ports by the namespaced sysctl rather than a capability.
      User: '65534:65534',
      Labels: {
        ...this.env.labels,
        [NAMESPACE_LABEL]: namespace!,
        'workload.k2d.io/name': name,
        'workload.k2d.io/type': 'service',
        'networking.k2d.io/network-name': networkName(namespace!, this.opts.instance),
        [SERVICE_LABEL]: name,
        [SPEC_HASH]: hash,
      },
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.port}/${p.protocol.toLowerCase()}`, {}])),
      HostConfig: {
        NetworkMode: networkName(namespace!, this.opts.instance),
        PortBindings: bindings,
        CapDrop: ['ALL'],
        Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
        RestartPolicy: { Name: 'unless-stopped' },
        Memory: 128 * 1024 * 1024,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
      },
      NetworkingConfig: { EndpointsConfig: { [networkName(namespace!, this.opts.instance)]: { Aliases: aliases(svc, true) } } },
    };
  }

  /** The qualified names on every other namespace's network, so other namespaces reach the Service. */
  private async joinNetworks(svc: Service) {
    const info = await this.container(svc);
    if (!info) return;
    const attached = new Set(Object.keys(info.NetworkSettings?.Networks ?? {}));
    for (const ns of this.env.store.list(namespaces)) {
      const net = networkName(ns.metadata.name, this.opts.instance);
      if (attached.has(net) || ns.metadata.deletionTimestamp) continue;
      await this.env.docker
        .getNetwork(net)
        .connect({ Container: info.Id, EndpointConfig: { Aliases: aliases(svc, false) } })
        .catch((err) => {
          // The network may not exist yet (its namespace is being made) or be going away.
          if (!isNotFound(err) && (err as { statusCode?: number }).statusCode !== 403) throw err;
        });
    }
  }

  /** A new namespace: every proxy joins its network with the qualified names. */
  async namespaceAdded(): Promise<void> {
    for (const svc of this.env.store.list(services) as Service[]) {
      if (!this.proxied(svc)) continue;
      await this.joinNetworks(svc).catch((err) => this.env.log.warn({ err: (err as Error).message, service: svc.metadata.name }, 'a service proxy could not join a namespace network'));
    }
  }

  /** Writes the Service's current targets to its proxy's stdin, attaching first when needed. */
  private async feed(svc: Service, fresh = false): Promise<void> {
    const id = proxyName(svc.metadata.namespace!, svc.metadata.name, this.opts.instance);
    let stream = this.feeds.get(id);
    if (fresh || !stream || stream.destroyed) {
      stream?.destroy();
      const container = this.env.docker.getContainer(id);
      stream = (await container.attach({ stream: true, stdin: true, stdout: false, stderr: false, hijack: true })) as unknown as Duplex;
      stream.on('error', () => undefined);
      stream.on('close', () => {
        if (this.feeds.get(id) === stream) this.feeds.delete(id);
      });
      this.feeds.set(id, stream);
    }
    const ep = this.env.store.get(endpoints, svc.metadata.namespace, svc.metadata.name);
    stream.write(`${JSON.stringify({ targets: proxyTargets(ep) })}\n`);
  }

  /** Docker told us a proxy (re)started: it starts empty, so it is fed again. */
  async onEvent(event: { Action: string; Actor: { Attributes: Record<string, string> } }): Promise<void> {
    const labels = event.Actor.Attributes;
    if (event.Action !== 'start' || labels[INSTANCE] !== this.opts.instance || !labels[SERVICE_LABEL]) return;
    const svc = this.env.store.get(services, labels[NAMESPACE_LABEL], labels[SERVICE_LABEL]) as Service | undefined;
    if (svc && this.proxied(svc)) await this.feed(svc, true);
  }

  private async writeStatus(svc: Service) {
    const want = svc.spec?.type === 'LoadBalancer' ? { ingress: [{ ip: this.opts.hostIP, ipMode: 'VIP' }] } : {};
    if (JSON.stringify(svc.status?.loadBalancer ?? {}) === JSON.stringify(want)) return;
    await this.env.store
      .modify(services, svc.metadata.namespace, svc.metadata.name, (current) => ({ ...current, status: { ...((current as Json).status ?? {}), loadBalancer: want } }) as KObject)
      .catch(() => undefined);
  }

  private async removeProxy(svc: KObject) {
    const id = proxyName(svc.metadata.namespace!, svc.metadata.name, this.opts.instance);
    this.feeds.get(id)?.destroy();
    this.feeds.delete(id);
    await this.env.docker
      .getContainer(id)
      .remove({ force: true })
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
  }

  /** Everything the Service made goes. */
  async delete(svc: KObject): Promise<void> {
    await this.removeProxy(svc);
    if (isHeadless(svc as Service)) await this.syncHeadless(svc.metadata.namespace!);
  }
}
