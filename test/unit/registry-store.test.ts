import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { updateHandler } from '../../shared/api/handlers';
import type { KObject } from '../../shared/k8s/meta';
import { create, finishDelete, registryEnv, remove, removeCollection, update, FOREGROUND } from '../../shared/registry/store';
import { configMaps } from '../../shared/resources/configmaps';
import { pods } from '../../shared/resources/pods';
import { deployments } from '../../shared/resources/workloads';
import { namespaces } from '../../shared/resources/namespaces';
import { fakeCtx, req } from '../helpers/fake-ctx';

const pod = (name: string, extra: Record<string, unknown> = {}) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) as KObject;

test('a create through the registry defaults, validates and queues, whoever makes it', async () => {
  const ctx = fakeCtx();
  const env = registryEnv(ctx);
  const stored = await create(env, pods, pod('a'));
  const spec = stored.spec as { nodeName?: string; restartPolicy?: string };
  assert.is(spec.nodeName, 'node-1');
  assert.is(spec.restartPolicy, 'Always');
  assert.equal(ctx.submitted, [{ op: { resource: 'pods', namespace: 'default', name: 'a', action: 'apply' }, priority: 'medium' }]);
  try {
    await create(env, pods, pod('Bad_Name'));
    assert.unreachable('an invalid name was stored');
  } catch (err) {
    assert.is((err as { code: number }).code, 422);
  }
  try {
    await create(env, pods, { ...pod('b'), metadata: { name: 'b', namespace: 'nowhere' } } as KObject);
    assert.unreachable('a pod was stored in a namespace that does not exist');
  } catch (err) {
    assert.is((err as { code: number }).code, 404);
  }
  assert.is(ctx.store.list(pods).length, 1);
});

test('a PUT without resourceVersion replaces the object, as the apiserver allows for built-in kinds (helm upgrade does it)', async () => {
  const ctx = fakeCtx();
  await create(registryEnv(ctx), configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } } as KObject);
  const put = updateHandler(configMaps);
  const res = await put(req('PUT', '/api/v1/namespaces/default/configmaps/cfg', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '2' } }), ctx);
  assert.is(res.status, 200);
  assert.equal(ctx.store.get(configMaps, 'default', 'cfg')!.data, { a: '2' });
});

test('foreground propagation is honoured for a runtime kind too: the pod waits for its finalizer before it goes', async () => {
  const ctx = fakeCtx();
  const env = registryEnv(ctx);
  const stored = await create(env, pods, pod('fg'));
  const { deleted, object } = await remove(env, pods, 'default', 'fg', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
  assert.is(deleted, false);
  assert.equal(object.metadata.finalizers, [FOREGROUND]);
  assert.ok(object.metadata.deletionTimestamp);
  // The runtime is done with Docker, but the finalizer holds the object.
  assert.is(await finishDelete(env, pods, stored), false);
  assert.ok(ctx.store.get(pods, 'default', 'fg'));
  ctx.submitted.length = 0;
  // The finalizer goes (as the garbage collector drops it): the runtime is asked to finish the delete.
  await update(env, pods, 'default', 'fg', (c) => ({ ...c, metadata: { ...c.metadata, finalizers: [] } }));
  assert.equal(ctx.submitted.map((s) => s.op.action), ['delete']);
  assert.is(await finishDelete(env, pods, stored), true);
  assert.is(ctx.store.get(pods, 'default', 'fg'), undefined);
});

test('a kind without runtime state is deleted at once, or kept by its finalizers until they go', async () => {
  const ctx = fakeCtx();
  const env = registryEnv(ctx);
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } as KObject;
  await create(env, deployments, d);
  await create(env, deployments, { ...d, metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } } as KObject);
  assert.is((await remove(env, deployments, 'default', 'web')).deleted, true);
  assert.is((await remove(env, deployments, 'default', 'held')).deleted, false);
  assert.ok(ctx.store.get(deployments, 'default', 'held')!.metadata.deletionTimestamp);
  await update(env, deployments, 'default', 'held', (c) => ({ ...c, metadata: { ...c.metadata, finalizers: [] } }));
  assert.is(ctx.store.get(deployments, 'default', 'held'), undefined);
  assert.equal(ctx.submitted, []);
});

test('nothing new in a terminating namespace; deletecollection goes through each delete', async () => {
  const ctx = fakeCtx();
  const env = registryEnv(ctx);
  await create(env, namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } } as KObject);
  await create(env, pods, { ...pod('p1'), metadata: { name: 'p1', namespace: 'gone' } } as KObject);
  await create(env, pods, { ...pod('p2'), metadata: { name: 'p2', namespace: 'gone' } } as KObject);
  const ns = await remove(env, namespaces, undefined, 'gone');
  assert.is((ns.object.status as { phase: string }).phase, 'Terminating');
  try {
    await create(env, pods, { ...pod('p3'), metadata: { name: 'p3', namespace: 'gone' } } as KObject);
    assert.unreachable('a pod was made in a terminating namespace');
  } catch (err) {
    assert.is((err as { code: number }).code, 403);
  }
  const left = await removeCollection(env, pods, 'gone', () => true, { gracePeriodSeconds: 0 });
  assert.equal(left.map((p) => [p.metadata.name, p.metadata.deletionGracePeriodSeconds]), [['p1', 0], ['p2', 0]]);
  assert.equal(ctx.submitted.filter((s) => s.op.resource === 'pods' && s.op.action === 'delete').length, 2);
});

test.run();
