import type { KObject } from '../../shared/k8s/meta';
import { registry } from '../../shared/resources/index';
import { removeCollection } from '../../shared/registry/store';
import type { ObjectStore } from '../../shared/store/object-store';
import { isNotFound, NAMESPACE_LABEL } from './client';
import type { BridgeEnv, Mapping } from './mapping';

/** Nothing of any kind is left in the namespace. */
export const namespaceEmpty = (store: ObjectStore, namespace: string) => registry.every((d) => !d.namespaced || !store.list(d, namespace).length);

/** Namespace `ns` is the bridge network `k2d-ns`, as in k2d: a pod's containers join it. */
export const networkName = (namespace: string) => `k2d-${namespace}`;

export const namespaceMapping: Mapping = {
  async apply(ns: KObject, env: BridgeEnv) {
    const name = networkName(ns.metadata.name);
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
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
  },

  /**
   * Deletes every object in the namespace through the normal delete path, kind by kind, so each kind's
   * runtime side (containers, volumes, proxies, files) goes with it; pods get no grace period, as k2d
   * removes a namespace's containers at once. Until the last object is gone the namespace waits (the
   * runtime asks again then); its leftover containers and its network go last.
   */
  async delete(ns: KObject, env: BridgeEnv) {
    const namespace = ns.metadata.name;
    for (const def of registry.filter((d) => d.namespaced)) await removeCollection(env, def, namespace, () => true, { gracePeriodSeconds: 0 });
    if (!namespaceEmpty(env.store, namespace)) return false;
    const containers = await env.docker.listContainers({ all: true, filters: { label: [`${NAMESPACE_LABEL}=${namespace}`] } });
    for (const c of containers) {
      await env.docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    }
    // Other namespaces' Service proxies are attached too (for the qualified names): they leave first.
    const network = env.docker.getNetwork(networkName(namespace));
    const attached = await network.inspect().then((n: { Containers?: Record<string, unknown> }) => Object.keys(n.Containers ?? {}), () => []);
    for (const id of attached) await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
    await network
      .remove()
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    return true;
  },
};
