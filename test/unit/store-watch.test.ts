import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { humanDuration } from '../../shared/k8s/time';
import { namespaces } from '../../shared/resources/namespaces';
import { ObjectStore } from '../../shared/store/object-store';
import { fakeCtx, namespace, req, TABLE_ACCEPT } from '../helpers/fake-ctx';
import { watchEvents } from '../helpers/watch';

const create = routeHandler(namespaces, 'create');
const get = routeHandler(namespaces, 'get');
const list = routeHandler(namespaces, 'list');
const patch = routeHandler(namespaces, 'patch');

test('store: resourceVersions grow, generation follows spec changes, deletes bump the version', async () => {
  const store = new ObjectStore({ clock: { now: () => new Date(0) } });
  const a = await store.create(namespaces, namespace('a') as never);
  assert.is(a.metadata.resourceVersion, '1');
  assert.is(a.metadata.generation, 1);
  const labelled = await store.update(namespaces, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
  assert.is(labelled.metadata.generation, 1);
  const spec = await store.update(namespaces, { ...labelled, spec: { finalizers: ['f'] } });
  assert.is(spec.metadata.generation, 2);
  assert.is(spec.metadata.uid, a.metadata.uid);
  const gone = await store.delete(namespaces, undefined, 'a');
  assert.is(gone.metadata.resourceVersion, '4');
  assert.is(store.get(namespaces, undefined, 'a'), undefined);
  assert.throws(() => (a as any).metadata.name = 'mutated');
});

test('store: concurrent creates of one name give one winner and one AlreadyExists', async () => {
  const store = new ObjectStore({ clock: { now: () => new Date(0) } });
  const results = await Promise.allSettled([store.create(namespaces, namespace('race') as never), store.create(namespaces, namespace('race') as never)]);
  assert.equal(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
});

test('store: changes since a resourceVersion, and none once they are no longer kept', async () => {
  const store = new ObjectStore({ clock: { now: () => new Date(0) }, historySize: 2 });
  for (const n of ['a', 'b', 'c']) await store.create(namespaces, namespace(n) as never);
  assert.equal(store.changesSince(1)!.map((c) => c.object.metadata.name), ['b', 'c']);
  assert.is(store.changesSince(0), undefined);
});

test('watch from now: ADDED for what exists, then live changes in order, DELETED/ADDED when a selector stops/starts matching', async () => {
  const ctx = fakeCtx();
  const abort = new AbortController();
  const res = await list(new Request('https://k2d.test/api/v1/namespaces?watch=true&labelSelector=team%3Da', { signal: abort.signal }), ctx);
  assert.is(res.status, 200);
  const pending = watchEvents(res, 3, abort);
  await create(req('POST', '/api/v1/namespaces', namespace('w', { labels: { team: 'b' } })), ctx);
  await patch(req('PATCH', '/api/v1/namespaces/w', { metadata: { labels: { team: 'a' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  await patch(req('PATCH', '/api/v1/namespaces/w', { metadata: { labels: { x: '1' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  await patch(req('PATCH', '/api/v1/namespaces/w', { metadata: { labels: { team: 'c' } } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  const got = await pending;
  assert.equal(got.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  assert.ok(got.every((e) => e.object.metadata.name === 'w'));
});

test('watch resumes after a resourceVersion without repeating older changes', async () => {
  const ctx = fakeCtx();
  await create(req('POST', '/api/v1/namespaces', namespace('one')), ctx);
  const rv = ctx.store.resourceVersion;
  await create(req('POST', '/api/v1/namespaces', namespace('two')), ctx);
  const abort = new AbortController();
  const res = await list(new Request(`https://k2d.test/api/v1/namespaces?watch=1&resourceVersion=${rv}`, { signal: abort.signal }), ctx);
  const got = await watchEvents(res, 1, abort);
  assert.equal(got.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'two']]);
});

test('watch from a resourceVersion no longer kept gets one ERROR event with a 410 Expired Status', async () => {
  const ctx = fakeCtx({ historySize: 1 });
  await create(req('POST', '/api/v1/namespaces', namespace('a')), ctx);
  await create(req('POST', '/api/v1/namespaces', namespace('b')), ctx);
  const abort = new AbortController();
  const res = await list(new Request('https://k2d.test/api/v1/namespaces?watch=true&resourceVersion=1', { signal: abort.signal }), ctx);
  const [event] = await watchEvents(res, 1, abort);
  assert.is(event.type, 'ERROR');
  assert.is(event.object.code, 410);
  assert.is(event.object.reason, 'Expired');
  assert.match(event.object.message, /^too old resource version: 1 \(/);
});

test('watch with sendInitialEvents ends the initial state with a marked BOOKMARK', async () => {
  const ctx = fakeCtx();
  const abort = new AbortController();
  const res = await list(new Request('https://k2d.test/api/v1/namespaces?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan', { signal: abort.signal }), ctx);
  const got = await watchEvents(res, 5, abort);
  assert.equal(got.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
  assert.is(got[4].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
});

test('a Table watch sends column definitions in the first event only', async () => {
  const ctx = fakeCtx();
  const abort = new AbortController();
  const res = await list(new Request('https://k2d.test/api/v1/namespaces?watch=true', { signal: abort.signal, headers: { accept: TABLE_ACCEPT } }), ctx);
  const got = await watchEvents(res, 2, abort);
  assert.is(got[0].object.kind, 'Table');
  assert.is(got[0].object.columnDefinitions.length, 3);
  assert.equal(got[1].object.columnDefinitions, []);
  assert.is(got[1].object.rows.length, 1);
});

test('a watch on one item sees only that item', async () => {
  const ctx = fakeCtx();
  const abort = new AbortController();
  const res = await get(new Request('https://k2d.test/api/v1/namespaces/default?watch=true', { signal: abort.signal }), ctx);
  const got = await watchEvents(res, 1, abort);
  assert.equal(got.map((e) => e.object.metadata.name), ['default']);
});

test('a watch ends when the client goes away and stops listening to the store', async () => {
  const ctx = fakeCtx();
  const abort = new AbortController();
  const res = await list(new Request('https://k2d.test/api/v1/namespaces?watch=true&resourceVersion=' + ctx.store.resourceVersion, { signal: abort.signal }), ctx);
  const reader = res.body!.getReader();
  abort.abort();
  const { done } = await reader.read();
  assert.ok(done);
  assert.is((ctx.store as any).listeners.size, 0);
});

test('AGE reads as kubectl prints it', () => {
  const s = 1000;
  const cases: Array<[number, string]> = [[-5 * s, '<invalid>'], [-1.5 * s, '0s'], [0, '0s'], [119 * s, '119s'], [120 * s, '2m'], [150 * s, '2m30s'], [10 * 60 * s, '10m'], [179 * 60 * s, '179m'], [3 * 3600 * s, '3h'], [(3 * 3600 + 90) * s, '3h1m'], [47 * 3600 * s, '47h'], [50 * 3600 * s, '2d2h'], [8 * 86400 * s, '8d'], [730 * 86400 * s, '2y'], [731 * 86400 * s, '2y1d'], [9 * 365 * 86400 * s, '9y']];
  for (const [ms, want] of cases) assert.is(humanDuration(ms), want, `${ms}ms`);
});

test.run();
