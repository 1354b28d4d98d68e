import type { Logger } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import { namespaces } from '../../shared/resources/namespaces';
import { pods } from '../../shared/resources/pods';
import { deployments, replicaSets, selectorMatches, type Deployment, type ReplicaSet } from '../../shared/resources/workloads';
import type { ResourceDefinition } from '../../shared/api/resource';
import { ApiError } from '../../shared/api/status';
import type { RegistryEnv } from '../../shared/registry/store';
import * as objects from '../../shared/registry/store';
import type { EventRecorder } from '../events';
import { WorkQueue } from './work';
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
import { labelsMatch, randomSuffix } from '../../shared/k8s/names';

type Json = any;

/** The controllers write through the registry, as API clients do: defaults, validation, admission, the queue. */
export interface WorkloadOptions extends RegistryEnv {
  log: Logger;
  /** Where the controllers' Events go (ScalingReplicaSet, SuccessfulCreate...), for `kubectl describe`. */
  events?: Pick<EventRecorder, 'record'>;
}


/** The owner that controls an object (its ownerReference with `controller: true`). */
export function controllerOf(obj: KObject): { kind: string; name: string; uid: string } | undefined {
  const refs = (obj.metadata.ownerReferences ?? []) as Json[];
  return refs.find((r) => r.controller);
}

const ownerRef = (kind: string, apiVersion: string, obj: KObject) => ({ apiVersion, kind, name: obj.metadata.name, uid: obj.metadata.uid, controller: true, blockOwnerDeletion: true });

// Annotations a Deployment keeps for itself rather than passing to its ReplicaSets.
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', DESIRED_REPLICAS, MAX_REPLICAS]);

const isActive = (pod: Json) => !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/**
 * The ReplicaSet and Deployment controllers, after kube-controller-manager's: level-triggered from the
 * store's change stream, one key at a time. A ReplicaSet keeps `replicas` pods (created and deleted
 * through the same store and queue as API pods); a Deployment keeps a ReplicaSet per template and moves
 * pods from old to new by its strategy, gated on availability. A restarted server converges from the
 * store alone.
 */
export class WorkloadController {
  private unsubscribe?: () => void;
  private readonly work: WorkQueue;

  constructor(private readonly o: WorkloadOptions) {
    // ReplicaSets first in a pass: a Deployment's status reads theirs.
    const rsFirst = (a: string, b: string) => (a.startsWith('rs/') === b.startsWith('rs/') ? 0 : a.startsWith('rs/') ? -1 : 1);
    this.work = new WorkQueue((key) => (key.startsWith('rs/') ? this.syncReplicaSet(key) : this.syncDeployment(key)), o.log, 'workload', rsFirst);
  }

  start() {
    const mark = (key: string) => this.work.mark(key);
    this.unsubscribe = this.o.store.subscribe((change) => {
      const obj = change.object;
      const ns = obj.metadata.namespace!;
      if (change.resource === deployments.resource) mark(`d/${ns}/${obj.metadata.name}`);
      else if (change.resource === replicaSets.resource) {
        mark(`rs/${ns}/${obj.metadata.name}`);
        const owner = controllerOf(obj) ?? (change.previous && controllerOf(change.previous));
        if (owner?.kind === 'Deployment') mark(`d/${ns}/${owner.name}`);
        else if (!owner && change.type !== 'DELETED') this.markSelecting(deployments, 'd', obj);
      } else if (change.resource === pods.resource) {
        const owner = controllerOf(obj) ?? (change.previous && controllerOf(change.previous));
        if (owner?.kind === 'ReplicaSet') {
          mark(`rs/${ns}/${owner.name}`);
          // A Recreate rollout waits for the old pods to be gone, which the ReplicaSet's status may not show.
          const rs = this.o.store.get(replicaSets, ns, owner.name);
          const deployment = rs && controllerOf(rs);
          if (deployment?.kind === 'Deployment' && change.type === 'DELETED') mark(`d/${ns}/${deployment.name}`);
        } else if (!owner && change.type !== 'DELETED') this.markSelecting(replicaSets, 'rs', obj);
      }
    });
    for (const d of this.o.store.list(deployments)) mark(`d/${d.metadata.namespace}/${d.metadata.name}`);
    for (const rs of this.o.store.list(replicaSets)) mark(`rs/${rs.metadata.namespace}/${rs.metadata.name}`);
  }

  stop() {
    this.unsubscribe?.();
    this.work.stop();
  }

  /** An orphan is looked at by every controller whose selector takes it, which may adopt it. */
  private markSelecting(def: ResourceDefinition, prefix: string, orphan: KObject) {
    for (const owner of this.o.store.list(def, orphan.metadata.namespace)) {
      if (selectorMatches((owner as ReplicaSet).spec?.selector, orphan.metadata.labels)) this.work.mark(`${prefix}/${owner.metadata.namespace}/${owner.metadata.name}`);
    }
  }

  private event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string) {
    void this.o.events?.record(obj, type, reason, message, undefined, component);
  }

  /**
   * Claims what the owner's selector takes, as ControllerRefManager does: orphans are adopted (they get a
   * controller ownerReference), owned objects the selector no longer takes are released, others' are left.
   * Returns the objects the owner controls afterwards.
   */
  private async claim(def: ResourceDefinition, owner: KObject, candidates: KObject[]): Promise<KObject[]> {
    const selector = (owner as ReplicaSet).spec?.selector;
    const mine: KObject[] = [];
    for (const obj of candidates) {
      const ref = controllerOf(obj);
      const matches = selectorMatches(selector, obj.metadata.labels);
      if (ref) {
        if (ref.uid !== owner.metadata.uid) continue;
        if (matches) mine.push(obj);
        else if (!owner.metadata.deletionTimestamp) await this.setController(def, obj, owner, false);
        continue;
      }
      if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue;
      const adopted = await this.setController(def, obj, owner, true);
      if (adopted && controllerOf(adopted)?.uid === owner.metadata.uid) mine.push(adopted);
    }
    return mine;
  }

  /** Adds (adopt) or removes (release) the owner's controller reference, if the object still allows it. */
  private async setController(def: ResourceDefinition, obj: KObject, owner: KObject, adopt: boolean): Promise<KObject | undefined> {
    return objects.update(this.o, def, obj.metadata.namespace, obj.metadata.name, (current) => {
        if (current.metadata.uid !== obj.metadata.uid) return undefined;
        const refs = (current.metadata.ownerReferences ?? []) as Json[];
        const holder = controllerOf(current);
        if (adopt ? holder : holder?.uid !== owner.metadata.uid) return undefined;
        const next = adopt ? [...refs.filter((r) => r.uid !== owner.metadata.uid), ownerRef(owner.kind, owner.apiVersion, owner)] : refs.filter((r) => r.uid !== owner.metadata.uid);
        const { ownerReferences: _, ...meta } = current.metadata;
        return { ...current, metadata: next.length ? { ...meta, ownerReferences: next } : meta } as KObject;
      }).catch(() => undefined);
  }

  private after(key: string, ms: number) {
    this.work.after(key, ms);
  }

  idle(): Promise<void> {
    return this.work.idle();
  }

  private now() {
    return this.o.clock.now();
  }

  // -------------------------------------------------------------------------------------------------
  // ReplicaSets

  private ownedPods(rs: KObject): KObject[] {
    return this.o.store.list(pods, rs.metadata.namespace).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
  }

  /** Nothing new is made in a namespace being deleted, as the apiserver refuses it. */
  private terminating(namespace: string): boolean {
    const ns = this.o.store.get(namespaces, undefined, namespace);
    return !ns || !!ns.metadata.deletionTimestamp;
  }

  private async syncReplicaSet(key: string) {
    const [, ns, name] = key.split('/');
    const rs = this.o.store.get(replicaSets, ns, name) as ReplicaSet | undefined;
    if (!rs || rs.metadata.deletionTimestamp || this.terminating(ns)) return;
    const active = await this.claim(pods, rs, this.o.store.list(pods, ns).filter(isActive));
    const want = (rs.spec?.replicas ?? 1) as number;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) await this.createPod(rs);
    } else if (active.length > want) {
      for (const pod of this.toDelete(active, active.length - want)) await this.deletePod(rs, pod);
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

  private async createPod(rs: ReplicaSet) {
    const template = structuredClone(rs.spec.template ?? {});
    for (let attempt = 0; attempt < 5; attempt++) {
      const pod: Json = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...(template.metadata ?? {}),
          name: `${rs.metadata.name.slice(0, 57)}-${randomSuffix()}`,
          generateName: `${rs.metadata.name}-`,
          namespace: rs.metadata.namespace,
          ownerReferences: [ownerRef('ReplicaSet', 'apps/v1', rs)],
        },
        spec: structuredClone(template.spec),
      };
      if (this.o.store.get(pods, pod.metadata.namespace, pod.metadata.name)) continue;
      let stored: KObject;
      try {
        stored = await objects.create(this.o, pods, pod);
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'AlreadyExists') continue;
        throw err;
      }
      this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${stored.metadata.name}`, 'replicaset-controller');
      return;
    }
    throw new Error(`could not find a free pod name for ReplicaSet ${rs.metadata.name}`);
  }

  private async deletePod(rs: ReplicaSet, pod: KObject) {
    await objects.remove(this.o, pods, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
  }

  private async writeReplicaSetStatus(rs: ReplicaSet) {
    const now = this.now().getTime();
    const minReady = (rs.spec?.minReadySeconds ?? 0) as number;
    const active = this.ownedPods(rs).filter(isActive);
    let ready = 0;
    let available = 0;
    let nextAt = Infinity;
    for (const p of active) {
      const a = availability(p, minReady, now);
      if (a.ready) ready++;
      if (a.available) available++;
      else if (a.availableAt) nextAt = Math.min(nextAt, a.availableAt);
    }
    if (nextAt < Infinity) this.after(`rs/${rs.metadata.namespace}/${rs.metadata.name}`, nextAt - now + 10);
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

  // -------------------------------------------------------------------------------------------------
  // Deployments

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
    if (before !== replicas) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > before ? 'up' : 'down'} replica set ${rs.metadata.name} to ${replicas} from ${before}`, 'deployment-controller');
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
          ownerReferences: [ownerRef('Deployment', 'apps/v1', d)],
        },
        // Born at the size the strategy allows now, as the controller creates it (one write, not two).
        spec: { replicas: this.initialReplicas(d, owned), minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
      };
      const created = (await objects.create(this.o, replicaSets, rs)) as ReplicaSet;
      if (rs.spec.replicas) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${rs.spec.replicas}`, 'deployment-controller');
      if (collisions !== (d.status?.collisionCount ?? 0)) {
        await objects.update(this.o, deployments, d.metadata.namespace, d.metadata.name, (c) => ({ ...c, status: { ...((c as Deployment).status ?? {}), collisionCount: collisions } }) as KObject, { subresource: 'status' });
      }
      return { rs: created, created: true };
    }
  }

  /** A new ReplicaSet's first size: Recreate waits for every old pod to be gone; RollingUpdate surges. */
  private initialReplicas(d: Deployment, old: ReplicaSet[]): number {
    if (d.spec.strategy?.type === 'Recreate') return old.some((rs) => this.ownedPods(rs).length) ? 0 : (d.spec.replicas ?? 1);
    return newRSReplicas(d, old, 0);
  }

  private async syncDeployment(key: string) {
    const [, ns, name] = key.split('/');
    let d = this.o.store.get(deployments, ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp || this.terminating(ns)) return;
    let owned = (await this.claim(replicaSets, d, this.o.store.list(replicaSets, ns))) as ReplicaSet[];
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
      const oldPods = oldRSs.flatMap((rs) => this.ownedPods(rs));
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
    const now = rfc3339(this.now());
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
      const rollout = rolloutConditions(d, previous, status, conditions, newRS?.metadata.name, this.now());
      conditions = rollout.conditions;
      // Nothing else wakes a stuck rollout up when its deadline passes.
      if (rollout.recheckAt !== undefined) this.after(`d/${d.metadata.namespace}/${d.metadata.name}`, rollout.recheckAt - this.now().getTime() + 1000);
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
