import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { namespaces } from '../../shared/resources/namespaces';
import { fakeCtx, namespace, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

const create = routeHandler(namespaces, 'create');
const del = routeHandler(namespaces, 'delete');
const get = routeHandler(namespaces, 'get');
const list = routeHandler(namespaces, 'list');
const patch = routeHandler(namespaces, 'patch');
const update = routeHandler(namespaces, 'update');

test('get of a missing namespace is a 404 NotFound Status naming it', async () => {
  const res = await get(req('GET', '/api/v1/namespaces/nope'), fakeCtx());
  assert.is(res.status, 404);
  const body = await res.json();
  assert.is(body.kind, 'Status');
  assert.is(body.reason, 'NotFound');
  assert.is(body.message, 'namespaces "nope" not found');
  assert.equal(body.details, { name: 'nope', group: '', kind: 'namespaces' });
});

test('create answers 201 with uid, resourceVersion, creationTimestamp, and runs the network work synchronously', async () => {
  const ctx = fakeCtx();
  const res = await create(req('POST', '/api/v1/namespaces', namespace('demo')), ctx);
  assert.is(res.status, 201);
  const ns = await res.json();
  assert.ok(ns.metadata.uid);
  assert.is(ns.metadata.resourceVersion, String(ctx.store.resourceVersion));
  assert.is(ns.metadata.creationTimestamp, '2026-01-01T12:00:00Z');
  assert.is(ns.status.phase, 'Active');
  assert.equal(ns.spec.finalizers, ['kubernetes']);
  assert.is(ns.metadata.labels['kubernetes.io/metadata.name'], 'demo');
  assert.equal(ctx.submitted, [{ op: { resource: 'namespaces', namespace: undefined, name: 'demo', action: 'apply' }, priority: 'sync' }]);
});

test('a namespace whose network cannot be made is not kept', async () => {
  const ctx = fakeCtx({ failSync: new Error('docker says no') });
  const res = await create(req('POST', '/api/v1/namespaces', namespace('doomed')), ctx);
  assert.is(res.status, 500);
  assert.match((await res.json()).message, 'docker says no');
  assert.is(ctx.store.get(namespaces, undefined, 'doomed'), undefined);
});

test('creating a namespace twice is 409 AlreadyExists', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('twice')), ctx);
  const res = await create(req('POST', '/api/v1/namespaces', namespace('twice')), ctx);
  assert.is(res.status, 409);
  const body = await res.json();
  assert.is(body.reason, 'AlreadyExists');
  assert.is(body.message, 'namespaces "twice" already exists');
});

test('a name that is not a DNS-1123 label is 422 Invalid with the field path, and nothing is stored or queued', async () => {
  const ctx = fakeCtx();
  const rv = ctx.store.resourceVersion;
  const res = await create(req('POST', '/api/v1/namespaces', namespace('Bad_Name')), ctx);
  assert.is(res.status, 422);
  const body = await res.json();
  assert.is(body.reason, 'Invalid');
  assert.is(body.details.causes[0].field, 'metadata.name');
  assert.match(body.message, /^Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/);
  assert.is(ctx.store.resourceVersion, rv);
  assert.is(ctx.submitted.length, 0);
});

test('a missing name is 422 Required value', async () => {
  const res = await create(req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: {} }), fakeCtx());
  assert.is(res.status, 422);
  assert.is((await res.json()).details.causes[0].message, 'Required value: name or generateName is required');
});

test('generateName gets a random suffix', async () => {
  const res = await create(req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'gen-' } }), fakeCtx());
  assert.is(res.status, 201);
  assert.match((await res.json()).metadata.name, /^gen-[a-z0-9]{5}$/);
});

test('malformed JSON, wrong apiVersion, wrong kind and a non-object body are 400s', async () => {
  const ctx = fakeCtx();
  const cases: Array<[string | object, RegExp]> = [
    ['{bad', /not valid JSON/],
    [{ apiVersion: 'apps/v1', kind: 'Namespace', metadata: { name: 'x' } }, /API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }, /must be of type Namespace/],
    ['[1,2]', /single object/],
  ];
  for (const [body, message] of cases) {
    const res = await create(req('POST', '/api/v1/namespaces', body), ctx);
    assert.is(res.status, 400, String(body));
    const status = await res.json();
    assert.is(status.reason, 'BadRequest');
    assert.match(status.message, message);
  }
  assert.is(ctx.submitted.length, 0);
});

test('a body without kind and apiVersion takes them from the URL, as the apiserver decodes it (client-node sends that)', async () => {
  const ctx = fakeCtx();
  const res = await create(req('POST', '/api/v1/namespaces', { metadata: { name: 'bare' } }), ctx);
  assert.is(res.status, 201);
  const ns = await res.json();
  assert.equal([ns.apiVersion, ns.kind], ['v1', 'Namespace']);
});

test('YAML bodies are accepted; an unknown content type is 415', async () => {
  const ctx = fakeCtx();
  const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-yaml\n';
  const ok = await create(req('POST', '/api/v1/namespaces', yaml, { 'content-type': 'application/yaml' }), ctx);
  assert.is(ok.status, 201);
  const bad = await create(req('POST', '/api/v1/namespaces', 'x', { 'content-type': 'text/plain' }), ctx);
  assert.is(bad.status, 415);
  assert.is((await bad.json()).reason, 'UnsupportedMediaType');
});

test('a body over 3 MiB is 413 and nothing is stored', async () => {
  const ctx = fakeCtx();
  const big = JSON.stringify({ ...namespace('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024) } } });
  const res = await create(req('POST', '/api/v1/namespaces', big), ctx);
  assert.is(res.status, 413);
  assert.is((await res.json()).reason, 'RequestEntityTooLarge');
  assert.is(ctx.store.get(namespaces, undefined, 'big'), undefined);
});

test('fieldValidation=Strict rejects unknown fields by path; Warn answers with a Warning header', async () => {
  const ctx = fakeCtx();
  const body = { ...namespace('strict'), spec: { bogus: 1 } };
  const strict = await create(req('POST', '/api/v1/namespaces?fieldValidation=Strict', body), ctx);
  assert.is(strict.status, 400);
  assert.is((await strict.json()).message, 'Namespace in version "v1" cannot be handled as a Namespace: strict decoding error: unknown field "spec.bogus"');
  const warn = await create(req('POST', '/api/v1/namespaces?fieldValidation=Warn', body), ctx);
  assert.is(warn.status, 201);
  assert.is(warn.headers.get('warning'), '299 - "unknown field \\"spec.bogus\\""');
});

test('null fields are treated as unset, as Go clients send them', async () => {
  const res = await create(req('POST', '/api/v1/namespaces?fieldValidation=Strict', { ...namespace('nulls', { creationTimestamp: null }), spec: {}, status: {} }), fakeCtx());
  assert.is(res.status, 201);
});

test('dryRun=All validates and answers without storing or queueing', async () => {
  const ctx = fakeCtx();
  const res = await create(req('POST', '/api/v1/namespaces?dryRun=All', namespace('dry')), ctx);
  assert.is(res.status, 201);
  assert.is(ctx.store.get(namespaces, undefined, 'dry'), undefined);
  assert.is(ctx.submitted.length, 0);
});

test('list answers a NamespaceList with the store resourceVersion; label and field selectors filter', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('team-a', { labels: { team: 'a' } })), ctx);
  await create(req('POST', '/api/v1/namespaces', namespace('team-b', { labels: { team: 'b' } })), ctx);
  const all = await (await list(req('GET', '/api/v1/namespaces'), ctx)).json();
  assert.is(all.kind, 'NamespaceList');
  assert.is(all.metadata.resourceVersion, String(ctx.store.resourceVersion));
  assert.equal(all.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-a', 'team-b']);
  const names = async (q: string) => (await (await list(req('GET', `/api/v1/namespaces?${q}`), ctx)).json()).items.map((n: { metadata: { name: string } }) => n.metadata.name);
  assert.equal(await names('labelSelector=team%3Da'), ['team-a']);
  assert.equal(await names('labelSelector=team%20in%20(a,b)'), ['team-a', 'team-b']);
  assert.equal(await names('labelSelector=team,team!%3Db'), ['team-a']);
  assert.equal(await names('labelSelector=!team'), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  assert.equal(await names('fieldSelector=metadata.name%3Dteam-b'), ['team-b']);
  const bad = await list(req('GET', '/api/v1/namespaces?fieldSelector=spec.nope%3Dx'), ctx);
  assert.is(bad.status, 400);
});

test('limit and continue page through a list', async () => {
  const ctx = fakeCtx();
  const first = await (await list(req('GET', '/api/v1/namespaces?limit=3'), ctx)).json();
  assert.is(first.items.length, 3);
  assert.is(first.metadata.remainingItemCount, 1);
  const second = await (await list(req('GET', `/api/v1/namespaces?limit=3&continue=${first.metadata.continue}`), ctx)).json();
  assert.equal(second.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['kube-system']);
  assert.is(second.metadata.continue, undefined);
});

test('Table output has kubectl columns, PartialObjectMetadata rows, and the object resourceVersion for one item', async () => {
  const ctx = fakeCtx();
  const table = await (await list(req('GET', '/api/v1/namespaces', undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.is(table.kind, 'Table');
  assert.is(table.apiVersion, 'meta.k8s.io/v1');
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Status', 'Age']);
  assert.equal(table.rows[0].cells, ['default', 'Active', '12h']);
  assert.is(table.rows[0].object.kind, 'PartialObjectMetadata');
  const one = await (await get(req('GET', '/api/v1/namespaces/default', undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.is(one.metadata.resourceVersion, '1');
  assert.is(one.rows.length, 1);
});

test('protobuf-only Accept is 406 NotAcceptable', async () => {
  const res = await list(req('GET', '/api/v1/namespaces', undefined, { accept: 'application/vnd.kubernetes.protobuf' }), fakeCtx());
  assert.is(res.status, 406);
});

test('update needs the current resourceVersion: a stale one is 409 Conflict', async () => {
  const ctx = fakeCtx();
  const created = await (await create(req('POST', '/api/v1/namespaces', namespace('upd')), ctx)).json();
  const labelled = { ...created, metadata: { ...created.metadata, labels: { ...created.metadata.labels, x: 'y' } } };
  const ok = await update(req('PUT', '/api/v1/namespaces/upd', labelled), ctx);
  assert.is(ok.status, 200);
  assert.is((await ok.json()).metadata.labels.x, 'y');
  const stale = await update(req('PUT', '/api/v1/namespaces/upd', labelled), ctx);
  assert.is(stale.status, 409);
  assert.match((await stale.json()).message, 'the object has been modified');
  const mismatch = await update(req('PUT', '/api/v1/namespaces/upd', { ...labelled, metadata: { ...labelled.metadata, name: 'other' } }), ctx);
  assert.is(mismatch.status, 400);
});

test('update keeps status: it belongs to the system', async () => {
  const ctx = fakeCtx();
  const created = await (await create(req('POST', '/api/v1/namespaces', namespace('st')), ctx)).json();
  const res = await update(req('PUT', '/api/v1/namespaces/st', { ...created, status: { phase: 'Terminating' } }), ctx);
  assert.is((await res.json()).status.phase, 'Active');
});

test('merge, JSON and strategic merge patches change labels; a failed JSON patch test is 422 and changes nothing', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('p', { labels: { a: '1', b: '2' } })), ctx);
  const merge = await patch(req('PATCH', '/api/v1/namespaces/p', { metadata: { labels: { a: null, c: '3' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.equal((await merge.json()).metadata.labels, { b: '2', 'kubernetes.io/metadata.name': 'p', c: '3' });
  const json = await patch(req('PATCH', '/api/v1/namespaces/p', [{ op: 'replace', path: '/metadata/labels/b', value: 'two' }], { 'content-type': 'application/json-patch+json' }), ctx);
  assert.is((await json.json()).metadata.labels.b, 'two');
  const smp = await patch(req('PATCH', '/api/v1/namespaces/p', { metadata: { labels: { d: '4' } } }, { 'content-type': 'application/strategic-merge-patch+json' }), ctx);
  assert.is((await smp.json()).metadata.labels.d, '4');
  const rv = ctx.store.resourceVersion;
  const failed = await patch(req('PATCH', '/api/v1/namespaces/p', [{ op: 'test', path: '/metadata/labels/b', value: 'nope' }, { op: 'remove', path: '/metadata/labels/b' }], { 'content-type': 'application/json-patch+json' }), ctx);
  assert.is(failed.status, 422);
  assert.is(ctx.store.resourceVersion, rv);
  const unknown = await patch(req('PATCH', '/api/v1/namespaces/p', {}, { 'content-type': 'application/foo' }), ctx);
  assert.is(unknown.status, 415);
});

test('a patch that makes the object invalid is 422 and the object is unchanged', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('keep')), ctx);
  const res = await patch(req('PATCH', '/api/v1/namespaces/keep', { metadata: { labels: { 'bad key!': 'x' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(res.status, 422);
  assert.is(ctx.store.get(namespaces, undefined, 'keep')!.metadata.labels!['bad key!'], undefined);
});

test('delete marks the namespace Terminating and queues its clean-up; a second delete is 409', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('gone')), ctx);
  const res = await del(req('DELETE', '/api/v1/namespaces/gone', { propagationPolicy: 'Background' }), ctx);
  assert.is(res.status, 200);
  const ns = await res.json();
  assert.is(ns.status.phase, 'Terminating');
  assert.ok(ns.metadata.deletionTimestamp);
  assert.equal(ctx.submitted.at(-1), { op: { resource: 'namespaces', namespace: undefined, name: 'gone', action: 'delete' }, priority: 'sync' });
  const again = await del(req('DELETE', '/api/v1/namespaces/gone'), ctx);
  assert.is(again.status, 409);
});

test('the built-in namespaces cannot be deleted', async () => {
  const res = await del(req('DELETE', '/api/v1/namespaces/default'), fakeCtx());
  assert.is(res.status, 403);
  assert.is((await res.json()).message, 'namespaces "default" is forbidden: this namespace may not be deleted');
});

test('a delete precondition on a different uid is 409', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('pre')), ctx);
  const res = await del(req('DELETE', '/api/v1/namespaces/pre', { preconditions: { uid: 'someone-else' } }), ctx);
  assert.is(res.status, 409);
});

test.run();
