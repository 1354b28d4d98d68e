// The arithmetic of the Kubernetes deployment controller (pkg/controller/deployment: rolling.go,
// sync.go, util/deployment_util.go), as pure functions over plain objects so they can be tested alone.
import { rfc3339 } from '../../shared/k8s/time';
import { resolveIntOrPercent, type Deployment, type ReplicaSet } from '../../shared/resources/workloads';
import { SAFE_ALPHABET } from '../../shared/k8s/names';

type Json = any;

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const TEMPLATE_HASH = 'pod-template-hash';

const replicas = (rs: ReplicaSet) => (rs.spec?.replicas ?? 0) as number;
const sum = (list: ReplicaSet[], f: (rs: ReplicaSet) => number) => list.reduce((n, rs) => n + f(rs), 0);
export const specReplicas = (list: ReplicaSet[]) => sum(list, replicas);
export const statusReplicas = (list: ReplicaSet[]) => sum(list, (rs) => rs.status?.replicas ?? 0);
/**
 * Available replicas as far as the controller can count on them: never more than a ReplicaSet is now
 * asked to keep, so a status not yet updated after a scale-down cannot buy a second scale-down.
 */
export const availableReplicas = (list: ReplicaSet[]) => sum(list, (rs) => Math.min(rs.status?.availableReplicas ?? 0, replicas(rs)));
export const readyReplicas = (list: ReplicaSet[]) => sum(list, (rs) => rs.status?.readyReplicas ?? 0);

/** maxSurge rounds up, maxUnavailable down; both 0 would stall, so unavailability becomes 1. */
export function surgeAndUnavailable(d: Deployment): { surge: number; unavailable: number } {
  const desired = (d.spec?.replicas ?? 1) as number;
  if (d.spec?.strategy?.type === 'Recreate') return { surge: 0, unavailable: desired };
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = resolveIntOrPercent(ru.maxSurge ?? '25%', desired, true);
  let unavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, desired) };
}

/** How many replicas the new ReplicaSet may have now (NewRSNewReplicas for RollingUpdate). */
export function newRSReplicas(d: Deployment, all: ReplicaSet[], current: number): number {
  const desired = (d.spec?.replicas ?? 1) as number;
  if (d.spec?.strategy?.type === 'Recreate') return desired;
  const { surge } = surgeAndUnavailable(d);
  const total = specReplicas(all);
  const maxTotal = desired + surge;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, desired - current));
}

/**
 * How far old ReplicaSets may shrink (reconcileOldReplicaSets): first their unhealthy pods, then
 * available ones while keeping `replicas - maxUnavailable` available. Returns the new size per RS.
 */
export function scaleDownOld(d: Deployment, oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const plan = new Map<string, number>();
  const desired = (d.spec?.replicas ?? 1) as number;
  if (specReplicas(oldRSs) === 0) return plan;
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  const { unavailable } = surgeAndUnavailable(d);
  const minAvailable = desired - unavailable;
  const newUnavailable = newRS ? replicas(newRS) - Math.min(newRS.status?.availableReplicas ?? 0, replicas(newRS)) : 0;
  let maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return plan;
  const byAge = [...oldRSs].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  const size = new Map(byAge.map((rs) => [rs.metadata.name, replicas(rs)]));
  // Unhealthy replicas first: they serve nobody, so removing them costs no availability.
  for (const rs of byAge) {
    if (maxScaledDown <= 0) break;
    const current = size.get(rs.metadata.name)!;
    const unhealthy = current - Math.min(rs.status?.availableReplicas ?? 0, current);
    if (current === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown, unhealthy);
    size.set(rs.metadata.name, current - down);
    maxScaledDown -= down;
  }
  const available = availableReplicas(all);
  let budget = available - minAvailable;
  for (const rs of byAge) {
    if (budget <= 0) break;
    const current = size.get(rs.metadata.name)!;
    if (current === 0) continue;
    const down = Math.min(current, budget);
    size.set(rs.metadata.name, current - down);
    budget -= down;
  }
  for (const rs of byAge) if (size.get(rs.metadata.name) !== replicas(rs)) plan.set(rs.metadata.name, size.get(rs.metadata.name)!);
  return plan;
}

/** A stable text of a value with sorted keys, so equal templates compare and hash equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Json)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The template without the label the controller adds, for comparing a ReplicaSet with its Deployment. */
export function templateKey(template: Json): string {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[TEMPLATE_HASH];
    if (!Object.keys(copy.metadata.labels).length) delete copy.metadata.labels;
  }
  return canonical(copy);
}


/** The pod-template-hash: FNV-32a of the template, its decimal digits spelled in Kubernetes' safe alphabet. */
export function templateHash(template: Json, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const text = templateKey(template) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h >>> 0)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

export const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;

/** Pods ready for at least minReadySeconds at `now`; also when the next one becomes available. */
export function availability(pod: Json, minReadySeconds: number, now: number): { ready: boolean; available: boolean; availableAt?: number } {
  const cond = (pod.status?.conditions ?? []).find((c: Json) => c.type === 'Ready');
  const ready = cond?.status === 'True' && !pod.metadata?.deletionTimestamp;
  if (!ready) return { ready: false, available: false };
  if (!minReadySeconds) return { ready, available: true };
  const since = Date.parse(cond.lastTransitionTime ?? '') || now;
  const at = since + minReadySeconds * 1000;
  return { ready, available: at <= now, availableAt: at };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/**
 * Sets a condition as the controller does (SetDeploymentCondition): one with the same status and reason
 * stays as it is, and the transition time moves only when the status changes; `touch` replaces it even
 * then (progress was made, so the update time moves).
 */
export function setCondition(conditions: Condition[], next: Condition, now: string, touch = false): Condition[] {
  const before = conditions.find((c) => c.type === next.type);
  if (!touch && before && before.status === next.status && before.reason === next.reason) return conditions;
  const merged: Condition = {
    ...next,
    lastUpdateTime: now,
    lastTransitionTime: before && before.status === next.status ? before.lastTransitionTime : now,
  };
  return [...conditions.filter((c) => c.type !== next.type), merged].sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
}

const MAX_INT32 = 2147483647;
const PROGRESSING = 'Progressing';
export const TIMED_OUT = 'ProgressDeadlineExceeded';
export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';

/** A progressDeadlineSeconds of MaxInt32 means no deadline, as in Kubernetes. */
export const hasProgressDeadline = (d: Deployment) => typeof d.spec?.progressDeadlineSeconds === 'number' && d.spec.progressDeadlineSeconds !== MAX_INT32;

/** MaxUnavailable for the Available condition: none for Recreate (all must be up) or for zero replicas. */
export function maxUnavailable(d: Deployment): number {
  if (d.spec?.strategy?.type === 'Recreate' || (d.spec?.replicas ?? 1) === 0) return 0;
  return surgeAndUnavailable(d).unavailable;
}

export interface RolloutCounts {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

/** DeploymentComplete: every desired pod is updated and available, and nothing else is left. */
export function deploymentComplete(d: Deployment, s: RolloutCounts): boolean {
  const desired = (d.spec?.replicas ?? 1) as number;
  return s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more pods updated, ready or available, or fewer old ones, than last observed. */
export function deploymentProgressing(before: RolloutCounts, after: RolloutCounts): boolean {
  const n = (v?: number) => v ?? 0;
  const oldBefore = n(before.replicas) - n(before.updatedReplicas);
  const oldAfter = n(after.replicas) - n(after.updatedReplicas);
  return n(after.updatedReplicas) > n(before.updatedReplicas) || oldAfter < oldBefore || n(after.readyReplicas) > n(before.readyReplicas) || n(after.availableReplicas) > n(before.availableReplicas);
}

/** Paused and resumed rollouts, as checkPausedConditions marks them; a timed-out rollout keeps saying so. */
export function pausedConditions(d: Deployment, conditions: Condition[], now: string): Condition[] {
  if (!hasProgressDeadline(d)) return conditions;
  const current = conditions.find((c) => c.type === PROGRESSING);
  if (current?.reason === TIMED_OUT) return conditions;
  const paused = current?.reason === 'DeploymentPaused';
  if (d.spec?.paused && !paused) return setCondition(conditions, { type: PROGRESSING, status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now);
  if (!d.spec?.paused && paused) return setCondition(conditions, { type: PROGRESSING, status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, now);
  return conditions;
}

/**
 * The Progressing condition after a sync, as syncRolloutStatus sets it: complete, progressing (the
 * deadline starts again), or timed out once `progressDeadlineSeconds` pass without progress — which then
 * holds until progress is seen again. `recheckAt` is when the deadline runs out, if it still may.
 */
export function rolloutConditions(d: Deployment, before: RolloutCounts, after: RolloutCounts, conditions: Condition[], rsName: string | undefined, now: Date): { conditions: Condition[]; recheckAt?: number } {
  if (!hasProgressDeadline(d)) return { conditions: conditions.filter((c) => c.type !== PROGRESSING) };
  const ts = rfc3339(now);
  const current = conditions.find((c) => c.type === PROGRESSING);
  const subject = rsName ? `ReplicaSet "${rsName}"` : `Deployment "${d.metadata.name}"`;
  let next = conditions;
  const settled = after.replicas === after.updatedReplicas && current?.reason === NEW_RS_AVAILABLE;
  if (!settled) {
    if (deploymentComplete(d, after)) {
      next = setCondition(next, { type: PROGRESSING, status: 'True', reason: NEW_RS_AVAILABLE, message: `${subject} has successfully progressed.` }, ts);
    } else if (deploymentProgressing(before, after)) {
      next = setCondition(next, { type: PROGRESSING, status: 'True', reason: 'ReplicaSetUpdated', message: `${subject} is progressing.` }, ts, true);
    } else if (current && current.reason !== NEW_RS_AVAILABLE) {
      const deadline = Date.parse(current.lastUpdateTime ?? ts) + (d.spec.progressDeadlineSeconds as number) * 1000;
      if (current.reason === TIMED_OUT || deadline < now.getTime()) {
        next = setCondition(next, { type: PROGRESSING, status: 'False', reason: TIMED_OUT, message: `${subject} has timed out progressing.` }, ts);
      }
    }
  }
  const cond = next.find((c) => c.type === PROGRESSING);
  if (!cond || cond.reason === TIMED_OUT || deploymentComplete(d, after)) return { conditions: next };
  return { conditions: next, recheckAt: Date.parse(cond.lastUpdateTime ?? ts) + (d.spec.progressDeadlineSeconds as number) * 1000 };
}
