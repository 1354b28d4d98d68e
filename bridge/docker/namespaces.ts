import type { KObject } from '../../shared/k8s/meta';
import { namespaces } from '../../shared/resources/namespaces';
import { registry } from '../../shared/resources/index';
import { ApiError } from '../../shared/api/status';
import { removeCollection } from '../../shared/registry/store';
import type { ObjectStore } from '../../shared/store/object-store';
import { INSTANCE, instanceName, isNotFound, isOurs, MANAGED_BY, NAMESPACE_LABEL } from './client';
import type { BridgeEnv, Mapping } from './mapping';

/** Nothing of any kind is left in the namespace. */
export const namespaceEmpty = (store: ObjectStore, namespace: string) => registry.every((d) => !d.namespaced || !store.list(d, namespace).length);

/** Namespace `ns` is the bridge network `k2d-ns`, as in k2d: a pod's containers join it (other instances: `<instance>_k2d-ns`). */
export const networkName = (namespace: string, instance?: string) => instanceName(instance, `k2d-${namespace}`);

/** What the engine says when every subnet of its address pools is taken. */
const POOL_EXHAUSTED = /non-overlapping IPv4 address pool|no available network|could not find an available.*address pool/i;

/**
 * A Status that says what ran out and what to change, instead of the engine's 500: each namespace is
 * one bridge network, and the engine's default pools hold only a few dozen of them.
 */
async function poolExhausted(namespace: string, network: string, env: BridgeEnv): Promise<ApiError> {
  const networks = await env.docker.listNetworks({ filters: { driver: ['bridge'] } }).then((l) => l.length, () => undefined);
  return new ApiError(
    503,
    'ServiceUnavailable',
    `namespaces "${namespace}" cannot be created: the Docker engine has no free address pool left for its bridge network ${network}` +
      `${networks === undefined ? '' : ` (${networks} bridge networks exist)`}. Each namespace takes one network from the engine's ` +
      `"default-address-pools": remove namespaces or networks no longer needed (docker network prune), or give the engine more, ` +
      `smaller subnets in /etc/docker/daemon.json, e.g. {"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}]} for 256 networks, and restart it`,
    { name: namespace, kind: 'namespaces' },
  );
}

export const namespaceMapping: Mapping = {
  async apply(ns: KObject, env: BridgeEnv) {
    const name = networkName(ns.metadata.name, env.labels[INSTANCE]);
    const existing = await env.docker.listNetworks({ filters: { name: [name] } });
    if (existing.some((n) => n.Name === name)) return;
    try {
      await env.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { ...env.labels, [NAMESPACE_LABEL]: ns.metadata.name, 'networking.k2d.io/network-name': name },
      });
    } catch (err) {
      // Two creates racing for the same network: the other one won, which is what we wanted.
      if ((err as { statusCode?: number }).statusCode === 409) return;
      if (POOL_EXHAUSTED.test(String((err as Error).message))) throw await poolExhausted(ns.metadata.name, name, env);
      throw err;
    }
  },

  /**
   * Deletes every object in the namespace through the normal delete path, kind by kind, so each kind's
   * runtime side (containers, volumes, proxies, files) goes with it; pods get no grace period, as k2d
   * removes a namespace's containers at once. Until the last object is gone the namespace waits (the
   * runtime asks again then); this instance's leftover containers and its network go last.
   */
  async delete(ns: KObject, env: BridgeEnv) {
    const namespace = ns.metadata.name;
    for (const def of registry.filter((d) => d.namespaced)) await removeCollection(env, def, namespace, () => true, { gracePeriodSeconds: 0 });
    if (!namespaceEmpty(env.store, namespace)) return false;
    // Only what this instance made: the namespace label alone also matches other instances' and k2d's containers.
    const instance = env.labels[INSTANCE];
    const containers = (await env.docker.listContainers({ all: true, filters: { label: [`${NAMESPACE_LABEL}=${namespace}`, `${MANAGED_BY}=k2d-ts`, `${INSTANCE}=${instance}`] } })).filter((c) => isOurs(c.Labels, instance));
    for (const c of containers) {
      await env.docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    }
    // Other namespaces' Service proxies are attached too (for the qualified names): they leave first.
    const network = env.docker.getNetwork(networkName(namespace, instance));
    const info = await network.inspect().catch((err) => {
      if (!isNotFound(err)) throw err;
      return undefined;
    }) as { Labels?: Record<string, string>; Containers?: Record<string, unknown> } | undefined;
    // A network of that name someone else made (by hand, another server) is left alone.
    if (info && isOurs(info.Labels, instance)) {
      for (const id of Object.keys(info.Containers ?? {})) await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
      await network.remove().catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return true;
  },
};
