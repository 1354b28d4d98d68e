import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availability, newRSReplicas, scaleDownOld, setCondition, surgeAndUnavailable, templateHash, templateKey } from '../../bridge/controllers/rollout';
import { GarbageCollector } from '../../bridge/controllers/garbage-collector';
import { WorkloadController } from '../../bridge/controllers/workloads';
import { routeHandler } from '../../shared/api/routes';
import { pods } from '../../shared/resources/pods';
import { deployments, replicaSets } from '../../shared/resources/workloads';
import type { KObject } from '../../shared/k8s/meta';
import { fakeCtx, req } from '../helpers/fake-ctx';

const createDeployment = routeHandler(deployments, 'create');
const deleteDeployment = routeHandler(deployments, 'delete');
const scalePatch = routeHandler(deployments, 'patch', 'scale');
const scaleGet = routeHandler(deployments, 'get', 'scale');

const d = (replicas: number, rollingUpdate: Record<string, unknown> = {}, type = 'RollingUpdate') =>
  ({ metadata: { name: 'web' }, spec: { replicas, strategy: { type, rollingUpdate } } }) as never;
const rs = (name: string, replicas: number, available: number, created = '2026-01-01T00:00:00Z') =>
  ({ metadata: { name, creationTimestamp: created }, spec: { replicas }, status: { replicas, availableReplicas: available } }) as never;

test('maxSurge rounds up and maxUnavailable down; both zero makes unavailability 1', () => {
  assert.equal(surgeAndUnavailable(d(10)), { surge: 3, unavailable: 2 });
  assert.equal(surgeAndUnavailable(d(3)), { surge: 1, unavailable: 0 });
  assert.equal(surgeAndUnavailable(d(4, { maxSurge: 0, maxUnavailable: '10%' })), { surge: 0, unavailable: 1 });
  assert.equal(surgeAndUnavailable(d(4, { maxSurge: 2, maxUnavailable: 1 })), { surge: 2, unavailable: 1 });
});

test('the new ReplicaSet grows only up to replicas + maxSurge pods in all', () => {
  const dep = d(4, { maxSurge: 1, maxUnavailable: 1 });
  assert.is(newRSReplicas(dep, [rs('old', 4, 4), rs('new', 0, 0)], 0), 1);
  assert.is(newRSReplicas(dep, [rs('old', 2, 2), rs('new', 1, 1)], 1), 3);
  assert.is(newRSReplicas(dep, [rs('old', 4, 4), rs('new', 1, 0)], 1), 1);
});

test('old ReplicaSets shrink first by their unhealthy pods, then only while replicas - maxUnavailable stay available', () => {
  const dep = d(4, { maxSurge: 1, maxUnavailable: 1 });
  // 5 pods in all, the new one not ready yet: one old may go (maxUnavailable 1), not two.
  assert.equal([...scaleDownOld(dep, [rs('old', 4, 4)], rs('new', 1, 0))], [['old', 3]]);
  assert.equal([...scaleDownOld(dep, [rs('old', 3, 3)], rs('new', 1, 0))], []);
  // The new pod is available: two old may go (5 available, 3 needed).
  assert.equal([...scaleDownOld(dep, [rs('old', 4, 4)], rs('new', 1, 1))], [['old', 2]]);
  // A status not yet updated after the scale-down counts for no more than the new size.
  assert.equal([...scaleDownOld(dep, [rs('old', 2, 4)], rs('new', 1, 1))], []);
  // Unhealthy old pods go first, oldest ReplicaSet first.
  assert.equal([...scaleDownOld(dep, [rs('a', 2, 0, '2026-01-01T00:00:00Z'), rs('b', 2, 2, '2026-01-02T00:00:00Z')], rs('new', 1, 0))], [['a', 1]]);
});

test('the pod-template-hash is stable, ignores its own label, and changes with the template or a collision', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'a' }] } };
  const h = templateHash(template);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.is(templateHash(structuredClone(template)), h);
  assert.is(templateHash({ ...template, metadata: { labels: { app: 'web', 'pod-template-hash': h } } }), h);
  assert.is.not(templateHash({ ...template, spec: { containers: [{ name: 'c', image: 'b' }] } }), h);
  assert.is.not(templateHash(template, 1), h);
  assert.is(templateKey({ b: 1, a: { d: 2, c: 3 } }), templateKey({ a: { c: 3, d: 2 }, b: 1 }));
});

test('availability waits minReadySeconds after Ready; conditions keep their transition time', () => {
  const pod = { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } };
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(availability(pod, 5, t0 + 2000), { ready: true, available: false, availableAt: t0 + 5000 });
  assert.is(availability(pod, 5, t0 + 6000).available, true);
  const c1 = setCondition([], { type: 'Available', status: 'True', reason: 'A' }, 'T1');
  const c2 = setCondition(c1, { type: 'Available', status: 'True', reason: 'B' }, 'T2');
  assert.equal([c2[0].lastTransitionTime, c2[0].lastUpdateTime], ['T1', 'T2']);
});

const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

/** Marks every pod Running and Ready, as the Docker side would once containers start. */
async function runAll(ctx: ReturnType<typeof fakeCtx>) {
  for (const p of ctx.store.list(pods)) {
    if ((p as { status?: { phase?: string } }).status?.phase === 'Running' || p.metadata.deletionTimestamp) continue;
    await ctx.store.modify(pods, p.metadata.namespace, p.metadata.name, (c) => ({ ...c, status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }) as KObject);
  }
}

test('controllers: a Deployment gets a ReplicaSet and its pods; /scale changes replicas; a delete cascades', async () => {
  const ctx = fakeCtx();
  const workloads = new WorkloadController({ store: ctx.store, clock: ctx.clock, log: ctx.log, nodeName: 'node-1', queue: ctx.queue });
  const gc = new GarbageCollector({ store: ctx.store, clock: ctx.clock, log: ctx.log, nodeName: 'node-1', queue: ctx.queue });
  workloads.start();
  gc.start();
  const created = await createDeployment(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2)), ctx);
  assert.is(created.status, 201);
  await workloads.idle();
  const [set] = ctx.store.list(replicaSets, 'default');
  assert.match(set.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.is(set.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
  assert.is(ctx.store.list(pods, 'default').length, 2);
  assert.is(ctx.submitted.filter((s) => s.op.resource === 'pods' && s.op.action === 'apply').length, 2);
  await runAll(ctx);
  await workloads.idle();
  const dep = ctx.store.get(deployments, 'default', 'web') as never as { status: { availableReplicas: number; conditions: Array<{ type: string; reason: string }> } };
  assert.is(dep.status.availableReplicas, 2);
  assert.is(dep.status.conditions.find((c) => c.type === 'Progressing')!.reason, 'NewReplicaSetAvailable');

  const scaled = await scalePatch(req('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(scaled.status, 200);
  await workloads.idle();
  assert.is(ctx.store.list(pods, 'default').length, 3);
  const scale = await (await scaleGet(req('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale'), ctx)).json();
  assert.equal([scale.kind, scale.apiVersion, scale.spec.replicas, scale.status.selector], ['Scale', 'autoscaling/v1', 3, 'app=web']);

  const res = await deleteDeployment(req('DELETE', '/apis/apps/v1/namespaces/default/deployments/web'), ctx);
  assert.is(res.status, 200);
  await gc.idle();
  await workloads.idle();
  await gc.idle();
  assert.is(ctx.store.list(replicaSets, 'default').length, 0);
  assert.ok(ctx.store.list(pods, 'default').every((p) => p.metadata.deletionTimestamp), 'every pod is being deleted');
  workloads.stop();
  gc.stop();
});

test.run();
