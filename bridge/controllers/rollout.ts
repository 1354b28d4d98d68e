// The arithmetic of the Kubernetes deployment controller (pkg/controller/deployment: rolling.go,
// sync.go, util/deployment_util.go), as pure functions over plain objects so they can be tested alone.
import { resolveIntOrPercent, type Deployment, type ReplicaSet } from '../../shared/resources/workloads';

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

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash: FNV-32a of the template, its decimal digits spelled in Kubernetes' safe alphabet. */
export function templateHash(template: Json, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const text = templateKey(template) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h >>> 0)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
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
 * Sets a condition as the controller does: the transition time moves only when the status changes;
 * `touch` moves the update time even when nothing else changed (progress was made).
 */
export function setCondition(conditions: Condition[], next: Condition, now: string, touch = false): Condition[] {
  const before = conditions.find((c) => c.type === next.type);
  if (!touch && before && before.status === next.status && before.reason === next.reason && before.message === next.message) return conditions;
  const merged: Condition = {
    ...next,
    lastUpdateTime: now,
    lastTransitionTime: before && before.status === next.status ? before.lastTransitionTime : now,
  };
  return [...conditions.filter((c) => c.type !== next.type), merged].sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
}
