import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxUnavailable, pausedConditions, rolloutConditions, type Condition } from '../../bridge/controllers/rollout';
import { GarbageCollector } from '../../bridge/controllers/garbage-collector';
import { WorkloadController } from '../../bridge/controllers/workloads';
import { routeHandler } from '../../shared/api/routes';
import type { KObject } from '../../shared/k8s/meta';
import { namespaces } from '../../shared/resources/namespaces';
import { pods } from '../../shared/resources/pods';
import { deployments, replicaSets } from '../../shared/resources/workloads';
import { fakeCtx, req, type FakeCtx } from '../helpers/fake-ctx';

const createDeployment = routeHandler(deployments, 'create');
const deleteDeployment = routeHandler(deployments, 'delete');

type Json = any;

// Progress deadline, paused conditions, adoption and release, Recreate hand-over, Events.

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const dep = (spec: Json = {}) => ({ metadata: { name: 'web', generation: 2 }, spec: { replicas: 3, progressDeadlineSeconds: 10, ...spec } }) as never;
const cond = (reason: string, status = 'True', time = '2026-01-01T00:00:00Z'): Condition => ({ type: 'Progressing', status, reason, message: reason, lastUpdateTime: time, lastTransitionTime: time });
const stuck = { observedGeneration: 2, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };

test('Progressing: no progress keeps the condition until the deadline, then ProgressDeadlineExceeded holds', () => {
  const waiting = rolloutConditions(dep(), stuck, stuck, [cond('ReplicaSetUpdated')], 'web-1', at(5000));
  assert.equal(waiting.conditions, [cond('ReplicaSetUpdated')]);
  assert.is(waiting.recheckAt, T0 + 10_000);
  const late = rolloutConditions(dep(), stuck, stuck, [cond('ReplicaSetUpdated')], 'web-1', at(11_000));
  const timedOut = late.conditions.find((c) => c.type === 'Progressing')!;
  assert.equal([timedOut.status, timedOut.reason, timedOut.message], ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-1" has timed out progressing.']);
  assert.is(late.recheckAt, undefined);
  // Later syncs without progress leave it timed out (kubectl rollout status fails at once).
  const again = rolloutConditions(dep(), stuck, stuck, late.conditions, 'web-1', at(60_000));
  assert.equal(again.conditions, late.conditions);
});

test('Progressing: progress after a timeout is ReplicaSetUpdated again; completion is NewReplicaSetAvailable', () => {
  const timedOut = [cond('ProgressDeadlineExceeded', 'False')];
  const more = { ...stuck, readyReplicas: 4 };
  const moving = rolloutConditions(dep(), stuck, more, timedOut, 'web-1', at(70_000)).conditions[0];
  assert.equal([moving.status, moving.reason, moving.lastTransitionTime, moving.lastUpdateTime], ['True', 'ReplicaSetUpdated', '2026-01-01T00:01:10Z', '2026-01-01T00:01:10Z']);
  const done = { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 };
  const complete = rolloutConditions(dep(), more, done, [moving], 'web-1', at(80_000));
  assert.equal([complete.conditions[0].reason, complete.conditions[0].message, complete.conditions[0].lastTransitionTime], ['NewReplicaSetAvailable', 'ReplicaSet "web-1" has successfully progressed.', '2026-01-01T00:01:10Z']);
  assert.is(complete.recheckAt, undefined);
  // A completed rollout that only scales keeps its condition while the new pods come up.
  const scaling = { observedGeneration: 2, replicas: 5, updatedReplicas: 5, readyReplicas: 3, availableReplicas: 3 };
  assert.equal(rolloutConditions(dep({ replicas: 5 }), done, scaling, complete.conditions, 'web-1', at(90_000)).conditions, complete.conditions);
});

test('Progressing: a deadline of MaxInt32 means none; pause and resume are Unknown conditions; Recreate needs every pod', () => {
  assert.equal(rolloutConditions(dep({ progressDeadlineSeconds: 2147483647 }), stuck, stuck, [cond('ReplicaSetUpdated')], 'web-1', at(0)).conditions, []);
  const paused = pausedConditions(dep({ paused: true }), [cond('NewReplicaSetAvailable')], '2026-01-01T00:00:05Z')[0];
  assert.equal([paused.status, paused.reason, paused.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
  const resumed = pausedConditions(dep(), [paused], '2026-01-01T00:00:09Z')[0];
  assert.equal([resumed.status, resumed.reason], ['Unknown', 'DeploymentResumed']);
  assert.equal(pausedConditions(dep({ paused: true }), [cond('ProgressDeadlineExceeded', 'False')], 'x'), [cond('ProgressDeadlineExceeded', 'False')]);
  assert.is(maxUnavailable(dep({ replicas: 4 })), 1);
  assert.is(maxUnavailable(dep({ replicas: 4, strategy: { type: 'Recreate' } })), 0);
  assert.is(maxUnavailable(dep({ replicas: 0 })), 0);
});

const deployment = (name: string, replicas: number, extra: Json = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } }, ...extra },
});

function controller(ctx: FakeCtx) {
  const events: string[] = [];
  const workloads = new WorkloadController({
    store: ctx.store,
    clock: ctx.clock,
    log: ctx.log,
    nodeName: 'node-1',
    queue: ctx.queue,
    events: { record: async (obj, type, reason, message, _path, component) => void events.push(`${component} ${obj.kind}/${obj.metadata.name} ${type} ${reason}: ${message}`) },
  });
  workloads.start();
  return { workloads, events };
}

/** What the Docker side does once containers run: pods become Running and Ready. */
async function runAll(ctx: FakeCtx) {
  for (const p of ctx.store.list(pods)) {
    if ((p as Json).status?.phase === 'Running' || p.metadata.deletionTimestamp) continue;
    await ctx.store.modify(pods, p.metadata.namespace, p.metadata.name, (c) => ({ ...c, status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }) as KObject);
  }
}

/** What the pod runtime does with a pod marked for deletion once its containers are gone. */
async function finishDeletes(ctx: FakeCtx) {
  for (const p of ctx.store.list(pods)) if (p.metadata.deletionTimestamp) await ctx.store.delete(pods, p.metadata.namespace, p.metadata.name);
}

const owner = (obj: KObject) => (obj.metadata.ownerReferences ?? []).find((r) => r.controller)?.uid;
const live = (ctx: FakeCtx) => ctx.store.list(pods, 'default').filter((p) => !p.metadata.deletionTimestamp);

test('a Deployment re-created after an orphaning delete adopts its ReplicaSet instead of starting new pods', async () => {
  const ctx = fakeCtx();
  const { workloads, events } = controller(ctx);
  assert.is((await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2)), ctx)).status, 201);
  await workloads.idle();
  await runAll(ctx);
  await workloads.idle();
  const [rs] = ctx.store.list(replicaSets, 'default');
  assert.ok(events.includes(`deployment-controller Deployment/web Normal ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 2`), events.join('\n'));
  assert.is(events.filter((e) => e.startsWith(`replicaset-controller ReplicaSet/${rs.metadata.name} Normal SuccessfulCreate: Created pod: ${rs.metadata.name}-`)).length, 2);

  // `kubectl delete --cascade=orphan`, as the garbage collector leaves it: the ReplicaSet has no owner.
  await ctx.store.delete(deployments, 'default', 'web');
  await ctx.store.modify(replicaSets, 'default', rs.metadata.name, (c) => {
    const { ownerReferences: _, ...meta } = c.metadata;
    return { ...c, metadata: meta } as KObject;
  });
  await workloads.idle();
  const applies = ctx.submitted.filter((s) => s.op.action === 'apply').length;
  await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2)), ctx);
  await workloads.idle();
  const d = ctx.store.get(deployments, 'default', 'web')!;
  const sets = ctx.store.list(replicaSets, 'default');
  assert.is(sets.length, 1);
  assert.is(owner(sets[0]), d.metadata.uid);
  assert.is(live(ctx).length, 2);
  assert.is(ctx.submitted.filter((s) => s.op.action === 'apply').length, applies, 'no new pod');
  assert.is((d as Json).status.availableReplicas, 2);
  workloads.stop();
});

test('a pod relabelled away is released and replaced; relabelled back, it is adopted and the extra pod goes', async () => {
  const ctx = fakeCtx();
  const { workloads, events } = controller(ctx);
  await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2)), ctx);
  await workloads.idle();
  await runAll(ctx);
  await workloads.idle();
  const [rs] = ctx.store.list(replicaSets, 'default');
  const [quarantined] = live(ctx);
  const relabel = (app: string) => ctx.store.modify(pods, 'default', quarantined.metadata.name, (c) => ({ ...c, metadata: { ...c.metadata, labels: { ...c.metadata.labels, app } } }) as KObject);
  await relabel('debug');
  await workloads.idle();
  assert.is(owner(ctx.store.get(pods, 'default', quarantined.metadata.name)!), undefined);
  assert.is(live(ctx).filter((p) => owner(p) === rs.metadata.uid).length, 2);
  assert.is(live(ctx).length, 3);
  await runAll(ctx);
  await relabel('web');
  await workloads.idle();
  assert.is(owner(ctx.store.get(pods, 'default', quarantined.metadata.name)!), rs.metadata.uid);
  assert.is(live(ctx).length, 2);
  assert.ok(events.some((e) => e.includes('SuccessfulDelete: Deleted pod:')));
  workloads.stop();
});

test('Recreate: new pods start only when the last old pod is gone', async () => {
  const ctx = fakeCtx();
  const { workloads } = controller(ctx);
  await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2, { strategy: { type: 'Recreate' } })), ctx);
  await workloads.idle();
  await runAll(ctx);
  await workloads.idle();
  await ctx.store.modify(deployments, 'default', 'web', (c) => {
    const next = structuredClone(c) as Json;
    next.spec.template.spec.containers[0].image = 'busybox:2';
    return next;
  });
  await workloads.idle();
  assert.is(live(ctx).length, 0, 'old pods are going');
  assert.is(ctx.store.list(pods, 'default').length, 2);
  await finishDeletes(ctx);
  await workloads.idle();
  const fresh = live(ctx);
  assert.is(fresh.length, 2);
  assert.ok(fresh.every((p) => (p as Json).spec.containers[0].image === 'busybox:2'));
  const available = (ctx.store.get(deployments, 'default', 'web') as Json).status.conditions.find((c: Json) => c.type === 'Available');
  assert.is(available.status, 'False', 'Recreate has no pod to spare');
  workloads.stop();
});

test('nothing is created in a namespace being deleted', async () => {
  const ctx = fakeCtx();
  const { workloads } = controller(ctx);
  await ctx.store.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going', deletionTimestamp: '2026-01-01T00:00:00Z' } });
  await ctx.store.create(deployments, { ...deployment('web', 2), metadata: { name: 'web', namespace: 'going' } } as KObject);
  await workloads.idle();
  assert.is(ctx.store.list(replicaSets, 'going').length, 0);
  assert.is(ctx.store.list(pods, 'going').length, 0);
  workloads.stop();
});

test('a ReplicaSet is born at the size the strategy allows, and the Deployment\'s change-cause follows onto it', async () => {
  const ctx = fakeCtx();
  const { workloads } = controller(ctx);
  await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 4)), ctx);
  await workloads.idle();
  const [rs] = ctx.store.list(replicaSets, 'default');
  assert.is(rs.metadata.generation, 1, 'created at its size, not scaled afterwards');
  assert.is((rs as Json).spec.replicas, 4);
  await ctx.store.modify(deployments, 'default', 'web', (c) => ({ ...c, metadata: { ...c.metadata, annotations: { ...c.metadata.annotations, 'kubernetes.io/change-cause': 'first' } } }));
  await workloads.idle();
  assert.is(ctx.store.get(replicaSets, 'default', rs.metadata.name)!.metadata.annotations!['kubernetes.io/change-cause'], 'first');
  workloads.stop();
});

test('a foreground delete of a Deployment waits for its ReplicaSet, which waits for its pods', async () => {
  const ctx = fakeCtx();
  const { workloads } = controller(ctx);
  const gc = new GarbageCollector({ store: ctx.store, clock: ctx.clock, log: ctx.log, nodeName: 'node-1', queue: ctx.queue });
  gc.start();
  await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2)), ctx);
  await workloads.idle();
  await runAll(ctx);
  await workloads.idle();
  const res = await deleteDeployment(req('DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }), ctx);
  assert.is(res.status, 200);
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await gc.idle();
      await workloads.idle();
    }
  };
  await settle();
  const d = ctx.store.get(deployments, 'default', 'web');
  assert.ok(d?.metadata.finalizers?.includes('foregroundDeletion'), 'the Deployment waits');
  const [rs] = ctx.store.list(replicaSets, 'default');
  assert.ok(rs?.metadata.deletionTimestamp && rs.metadata.finalizers?.includes('foregroundDeletion'), 'its ReplicaSet waits too');
  assert.is(ctx.store.list(pods, 'default').length, 2);
  assert.ok(ctx.store.list(pods, 'default').every((p) => p.metadata.deletionTimestamp), 'the pods are going');
  assert.is(live(ctx).length, 0, 'and none replaced');
  await finishDeletes(ctx);
  await settle();
  assert.is(ctx.store.list(replicaSets, 'default').length, 0);
  assert.is(ctx.store.get(deployments, 'default', 'web'), undefined);
  gc.stop();
  workloads.stop();
});

test.run();
