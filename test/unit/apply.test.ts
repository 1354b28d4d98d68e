import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { namespaces } from '../../shared/resources/namespaces';
import { schemaIndex } from '../../shared/api/handlers';
import { pods } from '../../shared/resources/pods';
import { apply, FieldSet, fieldSetOf, updateManagedFields } from '../../shared/k8s/apply';
import { fakeCtx, namespace, NOW, req, type FakeCtx } from '../helpers/fake-ctx';

const createPod = routeHandler(pods, 'create');
const getPod = routeHandler(pods, 'get');
const patchPod = routeHandler(pods, 'patch');
const updatePod = routeHandler(pods, 'update');
const patchPodStatus = routeHandler(pods, 'patch', 'status');
const create = routeHandler(namespaces, 'create');

const APPLY = { 'content-type': 'application/apply-patch+yaml' };
const POD_URL = '/api/v1/namespaces/default/pods/web';

const podYaml = (containers: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: web
${extra}spec:
  containers:
${containers}`;

async function applyPod(ctx: FakeCtx, yaml: string, manager: string, query = '') {
  return patchPod(req('PATCH', `${POD_URL}?fieldManager=${manager}${query}`, yaml, APPLY), ctx);
}

const managers = (pod: { metadata: { managedFields?: Array<{ manager: string; operation: string }> } }) =>
  (pod.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`).sort();

test('an apply creates the object (201) and the applier owns exactly the fields it sent', async () => {
  const ctx = fakeCtx();
  const res = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice');
  assert.is(res.status, 201);
  const pod = await res.json();
  assert.equal(managers(pod), ['alice/Apply']);
  const fields = pod.metadata.managedFields[0].fieldsV1;
  assert.ok(fields['f:spec']['f:containers']['k:{"name":"app"}']['f:image']);
  // Defaults filled in by the server are nobody's.
  assert.is(fields['f:spec']['f:restartPolicy'], undefined);
  assert.is(pod.spec.restartPolicy, 'Always');
  assert.is(ctx.submitted.length, 1);
});

test('apply without fieldManager is the apiserver 422 on PatchOptions; force on a merge patch too', async () => {
  const ctx = fakeCtx();
  const res = await patchPod(req('PATCH', POD_URL, podYaml('  - {name: app, image: busybox}\n'), APPLY), ctx);
  assert.is(res.status, 422);
  assert.is((await res.json()).message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const forced = await patchPod(req('PATCH', `${POD_URL}?force=true`, '{}', { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(forced.status, 422);
  assert.match((await forced.json()).message, 'force: Forbidden: may not be specified for non-apply patch');
});

test('a second manager changing an owned field conflicts, naming field and manager; force takes it over', async () => {
  const ctx = fakeCtx();
  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {tier: web}\n'), 'alice');
  const clash = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {tier: db}\n'), 'bob');
  assert.is(clash.status, 409);
  const status = await clash.json();
  assert.is(status.reason, 'Conflict');
  assert.is(status.message, 'Apply failed with 1 conflict: conflict with "alice": .metadata.labels.tier');
  assert.equal(status.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.metadata.labels.tier' }]);
  assert.is(ctx.store.get(pods, 'default', 'web')!.metadata.labels!.tier, 'web');

  const forced = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {tier: db}\n'), 'bob', '&force=true');
  assert.is(forced.status, 200);
  const pod = await forced.json();
  assert.is(pod.metadata.labels.tier, 'db');
  const alice = pod.metadata.managedFields.find((m: { manager: string }) => m.manager === 'alice');
  const bob = pod.metadata.managedFields.find((m: { manager: string }) => m.manager === 'bob');
  assert.is(alice.fieldsV1['f:metadata']?.['f:labels']?.['f:tier'], undefined);
  assert.ok(bob.fieldsV1['f:metadata']['f:labels']['f:tier']);
});

test('the same value from two appliers is shared, and a field one applier drops stays while the other owns it', async () => {
  const ctx = fakeCtx();
  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {a: "1", b: "2"}\n'), 'alice');
  assert.is((await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {a: "1"}\n'), 'bob')).status, 200);
  // alice drops both labels: b (hers alone) goes, a (shared with bob) stays.
  const res = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice');
  const pod = await res.json();
  assert.equal(pod.metadata.labels, { a: '1' });
});

test('updates are tracked: a merge patch makes its manager the owner of what it changed', async () => {
  const ctx = fakeCtx();
  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {tier: web}\n'), 'alice');
  const res = await patchPod(req('PATCH', `${POD_URL}?fieldManager=kubectl-label`, { metadata: { labels: { tier: 'cache' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(res.status, 200);
  const pod = await res.json();
  assert.equal(managers(pod), ['alice/Apply', 'kubectl-label/Update']);
  // Now alice's apply of her old value conflicts with the updater.
  const clash = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n', '  labels: {tier: web}\n'), 'alice');
  assert.is(clash.status, 409);
  assert.match((await clash.json()).message, 'conflict with "kubectl-label" using v1');
});

test('the User-Agent names the manager when fieldManager is absent, as the apiserver does', async () => {
  const ctx = fakeCtx();
  const res = await create(req('POST', '/api/v1/namespaces', namespace('ua', { labels: { x: 'y' } }), { 'user-agent': 'my-tool/1.2 (linux)' }), ctx);
  const ns = await res.json();
  assert.equal(managers(ns), ['my-tool/Update']);
});

test('PUT with a stale resourceVersion is a 409 Conflict and changes nothing', async () => {
  const ctx = fakeCtx();
  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice');
  const current = ctx.store.get(pods, 'default', 'web')!;
  const stale = { ...structuredClone(current), metadata: { ...current.metadata, resourceVersion: '1', labels: { x: 'y' } } };
  const res = await updatePod(req('PUT', POD_URL, stale), ctx);
  assert.is(res.status, 409);
  assert.is((await res.json()).reason, 'Conflict');
  assert.is(ctx.store.get(pods, 'default', 'web')!.metadata.labels, undefined);
});

test('strict decoding: duplicate and unknown fields in a body are a 400; in a patch a 422 on `patch`; Warn warns', async () => {
  const ctx = fakeCtx();
  const dup = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"d","name":"d"},"spec":{"containers":[{"name":"a","image":"b","bogus":1}]}}';
  const res = await createPod(req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', dup), ctx);
  assert.is(res.status, 400);
  assert.is((await res.json()).message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "metadata.name", unknown field "spec.containers[0].bogus"');

  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice');
  const bad = await patchPod(req('PATCH', `${POD_URL}?fieldValidation=Strict`, { spec: { bogus: true } }, { 'content-type': 'application/strategic-merge-patch+json' }), ctx);
  assert.is(bad.status, 422);
  const status = await bad.json();
  assert.is(status.details.causes[0].field, 'patch');
  assert.match(status.message, 'strict decoding error: unknown field "spec.bogus"');

  const warn = await patchPod(req('PATCH', `${POD_URL}?fieldValidation=Warn`, { metadata: { bogus: true } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(warn.status, 200);
  assert.is(warn.headers.get('warning'), '299 - "unknown field \\"metadata.bogus\\""');

  const badMode = await createPod(req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Loose', dup), ctx);
  assert.is(badMode.status, 422);
  assert.match((await badMode.json()).message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose"');
});

test('an applied configuration with a field the schema lacks is refused whatever fieldValidation says', async () => {
  const ctx = fakeCtx();
  const res = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n    colour: red\n'), 'alice', '&fieldValidation=Ignore');
  assert.is(res.status, 400);
  assert.is((await res.json()).message, 'failed to create typed patch object (/v1, Kind=Pod): .spec.containers[0].colour: field not declared in schema');
  assert.is(ctx.store.get(pods, 'default', 'web'), undefined);
});

test('dryRun=All apply neither stores nor queues', async () => {
  const ctx = fakeCtx();
  const res = await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice', '&dryRun=All');
  assert.is(res.status, 201);
  assert.is(ctx.store.get(pods, 'default', 'web'), undefined);
  assert.is(ctx.submitted.length, 0);
});

test('status writes are tracked under the status subresource and leave spec owners alone', async () => {
  const ctx = fakeCtx();
  await applyPod(ctx, podYaml('  - name: app\n    image: busybox\n'), 'alice');
  const res = await patchPodStatus(
    req('PATCH', `${POD_URL}/status?fieldManager=kubelet`, { status: { message: 'hello' } }, { 'content-type': 'application/merge-patch+json' }),
    ctx,
  );
  assert.is(res.status, 200);
  const pod = await (await getPod(req('GET', POD_URL), ctx)).json();
  const kubelet = pod.metadata.managedFields.find((m: { manager: string }) => m.manager === 'kubelet');
  assert.is(kubelet.subresource, 'status');
  assert.ok(kubelet.fieldsV1['f:status']['f:message']);
  assert.equal(managers(pod), ['alice/Apply', 'kubelet/Update']);
});

// Engine-level cases, table-driven from the documented merge rules (list types of the schema).
const index = () => schemaIndex();
const live = (spec: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec });
const opts = (manager: string, force = false) => ({ manager, force, index: index(), def: pods, now: NOW.toISOString(), apiVersion: 'v1' });

const mergeCases: Array<{ name: string; before: unknown; applied: unknown; expect: unknown }> = [
  {
    name: 'map lists merge by key: containers by name keep the other entries',
    before: { containers: [{ name: 'a', image: 'x' }] },
    applied: { containers: [{ name: 'b', image: 'y' }] },
    expect: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }],
  },
  {
    name: 'env entries by name: a changed value replaces only that entry',
    before: { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] },
    applied: { containers: [{ name: 'a', image: 'x', env: [{ name: 'B', value: '3' }] }] },
    expect: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] }],
  },
  {
    name: 'atomic lists (command) are replaced whole',
    before: { containers: [{ name: 'a', image: 'x', command: ['sh', '-c', 'x'] }] },
    applied: { containers: [{ name: 'a', image: 'x', command: ['sleep'] }] },
    expect: [{ name: 'a', image: 'x', command: ['sleep'] }],
  },
];

for (const c of mergeCases) {
  test(`apply merge: ${c.name}`, () => {
    // Seed ownership with an updater so the apply merges rather than replaces.
    const seeded = updateManagedFields(undefined, live(c.before), { ...opts('seed'), operation: 'Update' });
    const out = apply(seeded, live(c.applied), { ...opts('me'), force: true }) as { spec: { containers: unknown } };
    assert.equal(out.spec.containers, c.expect);
  });
}

test('FieldSet round-trips the FieldsV1 form, with "." marking a node that is also a member', () => {
  const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } } } };
  assert.equal(FieldSet.fromFieldsV1(v1).toFieldsV1(), v1);
  const set = fieldSetOf(live({ containers: [{ name: 'a', image: 'x' }] }), index(), pods);
  assert.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:image']));
});

test.run();
