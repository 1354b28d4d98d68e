import type { KObject } from '../../shared/k8s/meta';
import { labelsMatch } from '../../shared/k8s/names';
import type { RegistryEnv } from '../../shared/registry/store';
import * as objects from '../../shared/registry/store';
import { pods } from '../../shared/resources/pods';
import { replicaSets, type ReplicaSet } from '../../shared/resources/workloads';
import type { Change } from '../../shared/store/object-store';
import type { EventRecorder } from '../events';
import type { Controller, Requeue } from './manager';
import { createPod, deletePod, isActive, namespaceTerminating, type PodControl } from './pod-control';
import { claim, controllerOf, ownedBy, selecting } from './refs';
import { availability } from './rollout';

type Json = any;

export interface WorkloadControllerOptions extends RegistryEnv {
  /** Where the controllers' Events go (ScalingReplicaSet, SuccessfulCreate...), for `kubectl describe`. */
  events?: Pick<EventRecorder, 'record'>;
}

/**
 * The ReplicaSet controller, after kube-controller-manager's: a ReplicaSet keeps `replicas` active pods
 * among those its selector claims, made and deleted through the write path like API pods.
 */
export class ReplicaSetController implements Controller {
  readonly name = 'rs';
  private readonly pods: PodControl;
  private requeue?: Requeue;

  constructor(private readonly o: WorkloadControllerOptions) {
    this.pods = { env: o, events: o.events, component: 'replicaset-controller' };
  }

  keysFor(change: Change): string[] {
    const obj = change.object;
    const ns = obj.metadata.namespace!;
    if (change.resource === replicaSets.resource) return [`${ns}/${obj.metadata.name}`];
    if (change.resource !== pods.resource) return [];
    const owner = controllerOf(obj) ?? (change.previous && controllerOf(change.previous));
    if (owner?.kind === 'ReplicaSet') return [`${ns}/${owner.name}`];
    // An orphan is looked at by every ReplicaSet whose selector takes it, which may adopt it.
    if (!owner && change.type !== 'DELETED') return selecting(this.o.store, replicaSets, obj).map((rs) => `${ns}/${rs.metadata.name}`);
    return [];
  }

  resync(): string[] {
    return this.o.store.list(replicaSets).map((rs) => `${rs.metadata.namespace}/${rs.metadata.name}`);
  }

  async sync(key: string, requeue: Requeue) {
    this.requeue = requeue;
    const [ns, name] = key.split('/');
    const rs = this.o.store.get(replicaSets, ns, name) as ReplicaSet | undefined;
    if (!rs || rs.metadata.deletionTimestamp || namespaceTerminating(this.o.store, ns)) return;
    const active = await claim(this.o, pods, rs, this.o.store.list(pods, ns).filter(isActive));
    const want = (rs.spec?.replicas ?? 1) as number;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) await createPod(this.pods, rs, rs.spec.template ?? {});
    } else if (active.length > want) {
      for (const pod of this.toDelete(active, active.length - want)) await deletePod(this.pods, rs, pod);
    }
    await this.writeReplicaSetStatus(rs);
  }

  /** Which pods go first when scaling down, as the controller ranks them: not yet running, not ready, newest. */
  private toDelete(active: KObject[], count: number): KObject[] {
    const rank = (p: Json) => [p.status?.podIP ? 1 : 0, p.status?.phase === 'Running' ? 1 : 0, availability(p, 0, 0).ready ? 1 : 0];
    return [...active]
      .sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
        return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
      })
      .slice(0, count);
  }


  private async writeReplicaSetStatus(rs: ReplicaSet) {
    const now = this.o.clock.now().getTime();
    const minReady = (rs.spec?.minReadySeconds ?? 0) as number;
    const active = ownedBy(this.o.store, pods, rs).filter(isActive);
    let ready = 0;
    let available = 0;
    let nextAt = Infinity;
    for (const p of active) {
      const a = availability(p, minReady, now);
      if (a.ready) ready++;
      if (a.available) available++;
      else if (a.availableAt) nextAt = Math.min(nextAt, a.availableAt);
    }
    if (nextAt < Infinity) this.requeue?.after(`${rs.metadata.namespace}/${rs.metadata.name}`, nextAt - now + 10);
    const templateLabels = (rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
    const status = {
      ...(rs.status ?? {}),
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => labelsMatch(templateLabels, p.metadata.labels)).length,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    };
    if (JSON.stringify(status) === JSON.stringify(rs.status ?? {})) return;
    await objects.update(this.o, replicaSets, rs.metadata.namespace, rs.metadata.name, (current) => ({ ...current, status }) as KObject, { subresource: 'status' }).catch(() => undefined);
  }
}
