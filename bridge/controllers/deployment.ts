import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import * as objects from '../../shared/registry/store';
import { pods } from '../../shared/resources/pods';
import { deployments, replicaSets, type Deployment, type ReplicaSet } from '../../shared/resources/workloads';
import type { Change } from '../../shared/store/object-store';
import type { Controller, Requeue } from './manager';
import { namespaceTerminating } from './pod-control';
import { claim, controllerOf, ownedBy, ownerRef, selecting } from './refs';
import type { WorkloadControllerOptions } from './replicaset';
import {
  availability,
  hasProgressDeadline,
  maxUnavailable,
  pausedConditions,
  rolloutConditions,
  availableReplicas,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  newRSReplicas,
  readyReplicas,
  REVISION,
  revisionOf,
  scaleDownOld,
  setCondition,
  specReplicas,
  statusReplicas,
  surgeAndUnavailable,
  TEMPLATE_HASH,
  templateHash,
  templateKey,
  type Condition,
} from './rollout';

type Json = any;

// Annotations a Deployment keeps for itself rather than passing to its ReplicaSets.
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', DESIRED_REPLICAS, MAX_REPLICAS]);

/**
 * The Deployment controller, after kube-controller-manager's: a Deployment keeps a ReplicaSet per
 * template and moves pods from old to new by its strategy (RollingUpdate or Recreate), gated on
 * availability, with revisions, pause, the progress deadline and the history limit.
 */
export class DeploymentController implements Controller {
  readonly name = 'd';
  private requeue?: Requeue;

  constructor(private readonly o: WorkloadControllerOptions) {}

  keysFor(change: Change): string[] {
    const obj = change.object;
    const ns = obj.metadata.namespace!;
    if (change.resource === deployments.resource) return [`${ns}/${obj.metadata.name}`];
    const owner = controllerOf(obj) ?? (change.previous && controllerOf(change.previous));
    if (change.resource === replicaSets.resource) {
      if (owner?.kind === 'Deployment') return [`${ns}/${owner.name}`];
      if (!owner && change.type !== 'DELETED') return selecting(this.o.store, deployments, obj).map((d) => `${ns}/${d.metadata.name}`);
      return [];
    }
    // A Recreate rollout waits for the old pods to be gone, which the ReplicaSet's status may not show.
    if (change.resource === pods.resource && change.type === 'DELETED' && owner?.kind === 'ReplicaSet') {
      const rs = this.o.store.get(replicaSets, ns, owner.name);
      const deployment = rs && controllerOf(rs);
      if (deployment?.kind === 'Deployment') return [`${ns}/${deployment.name}`];
    }
    return [];
  }

  resync(): string[] {
    return this.o.store.list(deployments).map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
  }

  private event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) {
    void this.o.events?.record(obj, type, reason, message, undefined, 'deployment-controller');
  }

  private ownedReplicaSets(d: KObject): ReplicaSet[] {
    return this.o.store.list(replicaSets, d.metadata.namespace).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid) as ReplicaSet[];
  }

  private async scaleReplicaSet(rs: ReplicaSet, d: Deployment, replicas: number) {
    const { surge } = surgeAndUnavailable(d);
    const desired = String(d.spec.replicas ?? 1);
    const max = String((d.spec.replicas ?? 1) + surge);
    const annotations = rs.metadata.annotations ?? {};
    if (rs.spec.replicas === replicas && annotations[DESIRED_REPLICAS] === desired && annotations[MAX_REPLICAS] === max) return rs;
    const scaled = (await objects.update(this.o, replicaSets, rs.metadata.namespace, rs.metadata.name, (current) => ({
      ...current,
      metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [DESIRED_REPLICAS]: desired, [MAX_REPLICAS]: max } },
      spec: { ...(current as ReplicaSet).spec, replicas },
    }) as KObject)) as ReplicaSet;
    const before = (rs.spec.replicas ?? 0) as number;
    if (before !== replicas) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > before ? 'up' : 'down'} replica set ${rs.metadata.name} to ${replicas} from ${before}`);
    return scaled;
  }

  /** The ReplicaSet for the Deployment's current template; made (or revived, for a rollback) when needed. */
  private async newReplicaSet(d: Deployment, owned: ReplicaSet[], create: boolean): Promise<{ rs?: ReplicaSet; created?: boolean }> {
    const key = templateKey(d.spec.template);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const existing = owned.find((rs) => templateKey(rs.spec?.template) === key);
    const annotations = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)));
    if (existing) {
      const others = owned.filter((rs) => rs !== existing);
      // A template that comes back (rollout undo) makes its old ReplicaSet the newest revision again.
      const revision = others.some((rs) => revisionOf(rs) > revisionOf(existing)) ? maxRevision + 1 : revisionOf(existing) || 1;
      // The Deployment's annotations follow onto its current ReplicaSet (kubernetes.io/change-cause for `rollout history`).
      const copied = Object.entries(annotations).every(([k, v]) => existing.metadata.annotations?.[k] === v);
      if (copied && String(revision) === existing.metadata.annotations?.[REVISION] && (existing.spec.minReadySeconds ?? 0) === (d.spec.minReadySeconds ?? 0)) return { rs: existing };
      const rs = (await objects.update(this.o, replicaSets, existing.metadata.namespace, existing.metadata.name, (current) => ({
        ...current,
        metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), ...annotations, [REVISION]: String(revision) } },
        spec: { ...(current as ReplicaSet).spec, minReadySeconds: d.spec.minReadySeconds ?? 0 },
      }) as KObject)) as ReplicaSet;
      return { rs };
    }
    if (!create) return {};
    let collisions = (d.status?.collisionCount ?? 0) as number;
    for (;;) {
      const hash = templateHash(d.spec.template, collisions);
      const name = `${d.metadata.name}-${hash}`;
      if (this.o.store.get(replicaSets, d.metadata.namespace, name)) {
        // A name taken by another template: count the collision so the next hash differs, as Kubernetes does.
        collisions++;
        continue;
      }
      const template = structuredClone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [TEMPLATE_HASH]: hash } };
      const selector = structuredClone(d.spec.selector);
      selector.matchLabels = { ...(selector.matchLabels ?? {}), [TEMPLATE_HASH]: hash };
      const { surge } = surgeAndUnavailable(d);
      const rs: Json = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: template.metadata.labels,
          annotations: { ...annotations, [REVISION]: String(maxRevision + 1), [DESIRED_REPLICAS]: String(d.spec.replicas ?? 1), [MAX_REPLICAS]: String((d.spec.replicas ?? 1) + surge) },
          ownerReferences: [ownerRef(d)],
        },
        // Born at the size the strategy allows now, as the controller creates it (one write, not two).
        spec: { replicas: this.initialReplicas(d, owned), minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
      };
      const created = (await objects.create(this.o, replicaSets, rs)) as ReplicaSet;
      if (rs.spec.replicas) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${rs.spec.replicas}`);
      if (collisions !== (d.status?.collisionCount ?? 0)) {
        await objects.update(this.o, deployments, d.metadata.namespace, d.metadata.name, (c) => ({ ...c, status: { ...((c as Deployment).status ?? {}), collisionCount: collisions } }) as KObject, { subresource: 'status' });
      }
      return { rs: created, created: true };
    }
  }

  /** A new ReplicaSet's first size: Recreate waits for every old pod to be gone; RollingUpdate surges. */
  private initialReplicas(d: Deployment, old: ReplicaSet[]): number {
    if (d.spec.strategy?.type === 'Recreate') return old.some((rs) => ownedBy(this.o.store, pods, rs).length) ? 0 : (d.spec.replicas ?? 1);
    return newRSReplicas(d, old, 0);
  }

  async sync(key: string, requeue: Requeue) {
    this.requeue = requeue;
    const [ns, name] = key.split('/');
    let d = this.o.store.get(deployments, ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp || namespaceTerminating(this.o.store, ns)) return;
    let owned = (await claim(this.o, replicaSets, d, this.o.store.list(replicaSets, ns))) as ReplicaSet[];
    const desired = (d.spec.replicas ?? 1) as number;

    if (d.spec.paused) {
      // Paused: no rollout, but the current ReplicaSet still follows `replicas`.
      const { rs: current } = await this.newReplicaSet(d, owned, false);
      if (current && specReplicas(owned.filter((rs) => rs.metadata.uid !== current.metadata.uid)) === 0) await this.scaleReplicaSet(current, d, desired);
      await this.writeDeploymentStatus(d, current && (this.o.store.get(replicaSets, ns, current.metadata.name) as ReplicaSet));
      return;
    }

    const made = await this.newReplicaSet(d, owned, true);
    owned = this.ownedReplicaSets(d);
    const newRS = owned.find((rs) => rs.metadata.uid === made.rs!.metadata.uid)!;
    const oldRSs = owned.filter((rs) => rs.metadata.uid !== newRS!.metadata.uid);

    if (d.spec.strategy?.type === 'Recreate') {
      for (const rs of oldRSs) if (rs.spec.replicas) await this.scaleReplicaSet(rs, d, 0);
      // New pods start only once every old pod is gone.
      const oldPods = oldRSs.flatMap((rs) => ownedBy(this.o.store, pods, rs));
      if (!oldPods.length) await this.scaleReplicaSet(newRS, d, desired);
    } else {
      const current = newRS.spec.replicas ?? 0;
      let scaled = false;
      if (current > desired) {
        await this.scaleReplicaSet(newRS, d, desired);
        scaled = true;
      } else if (current < desired) {
        const next = newRSReplicas(d, owned, current);
        if (next !== current) {
          await this.scaleReplicaSet(newRS, d, next);
          scaled = true;
        }
      }
      if (!scaled) {
        const plan = scaleDownOld(d, oldRSs, newRS);
        for (const rs of oldRSs) if (plan.has(rs.metadata.name)) await this.scaleReplicaSet(rs, d, plan.get(rs.metadata.name)!);
      }
      // A change of `replicas` alone still updates the desired-replicas annotation kubectl reads.
      const fresh = this.o.store.get(replicaSets, ns, newRS.metadata.name) as ReplicaSet | undefined;
      if (fresh && fresh.metadata.annotations?.[DESIRED_REPLICAS] !== String(desired)) await this.scaleReplicaSet(fresh, d, fresh.spec.replicas ?? 0);
    }
    d = (this.o.store.get(deployments, ns, name) as Deployment | undefined) ?? d;
    await this.cleanup(d);
    await this.writeDeploymentStatus(d, this.o.store.get(replicaSets, ns, newRS.metadata.name) as ReplicaSet, made.created);
  }

  /** Old, empty ReplicaSets beyond revisionHistoryLimit go, oldest revision first. */
  private async cleanup(d: Deployment) {
    const limit = (d.spec.revisionHistoryLimit ?? 10) as number;
    const owned = this.ownedReplicaSets(d);
    const newest = Math.max(0, ...owned.map(revisionOf));
    const idle = owned.filter((rs) => revisionOf(rs) !== newest && !rs.spec.replicas && !rs.status?.replicas && !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await objects.remove(this.o, replicaSets, rs.metadata.namespace, rs.metadata.name, { preconditions: { uid: rs.metadata.uid } }).catch(() => undefined);
    }
  }

  private async writeDeploymentStatus(d: Deployment, newRS: ReplicaSet | undefined, created = false) {
    const owned = this.ownedReplicaSets(d);
    const desired = (d.spec.replicas ?? 1) as number;
    const available = availableReplicas(owned);
    const total = specReplicas(owned);
    const previous = (d.status ?? {}) as Json;
    const now = rfc3339(this.o.clock.now());
    const status: Json = {
      observedGeneration: d.metadata.generation,
      replicas: statusReplicas(owned),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: readyReplicas(owned),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      ...(previous.collisionCount ? { collisionCount: previous.collisionCount } : {}),
    };
    let conditions = pausedConditions(d, (previous.conditions ?? []) as Condition[], now);
    if (created && hasProgressDeadline(d)) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${newRS!.metadata.name}"` }, now);
    } else if (newRS && hasProgressDeadline(d) && !conditions.some((c) => c.type === 'Progressing')) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'FoundNewReplicaSet', message: `Found new replica set "${newRS.metadata.name}"` }, now);
    }
    conditions = setCondition(
      conditions,
      available >= desired - maxUnavailable(d)
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      now,
    );
    if (!d.spec.paused) {
      const rollout = rolloutConditions(d, previous, status, conditions, newRS?.metadata.name, this.o.clock.now());
      conditions = rollout.conditions;
      // Nothing else wakes a stuck rollout up when its deadline passes.
      if (rollout.recheckAt !== undefined) this.requeue?.after(`${d.metadata.namespace}/${d.metadata.name}`, rollout.recheckAt - this.o.clock.now().getTime() + 1000);
    }
    status.conditions = conditions;
    const revision = newRS?.metadata.annotations?.[REVISION];
    const sameStatus = JSON.stringify(status) === JSON.stringify(previous);
    const sameRevision = !revision || d.metadata.annotations?.[REVISION] === revision;
    if (sameStatus && sameRevision) return;
    // The revision annotation is the object's, the rest its status: two writes, as the controller makes them.
    if (!sameRevision) {
      await objects.update(this.o, deployments, d.metadata.namespace, d.metadata.name, (current) => ({
        ...current,
        metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [REVISION]: revision! } },
      }) as KObject).catch(() => undefined);
    }
    if (sameStatus) return;
    await objects.update(this.o, deployments, d.metadata.namespace, d.metadata.name, (current) => ({
      ...current,
      status: { ...status, observedGeneration: current.metadata.generation === d.metadata.generation ? status.observedGeneration : (current as Deployment).status?.observedGeneration },
    }) as KObject, { subresource: 'status' }).catch(() => undefined);
  }
}
