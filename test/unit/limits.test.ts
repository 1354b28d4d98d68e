import { routeHandler } from '../../shared/api/routes';
import { pods } from '../../shared/resources/pods';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_ANNOTATIONS_BYTES, MAX_OBJECT_BYTES } from '../../shared/api/limits';
import { createHandler } from '../../shared/api/handlers';
import { configMaps } from '../../shared/resources/configmaps';
import { deployments } from '../../shared/resources/workloads';
import { fakeCtx, req, type FakeCtx } from '../helpers/fake-ctx';

const cmCreate = routeHandler(configMaps, 'create');
const cmPatch = routeHandler(configMaps, 'patch');
const cmUpdate = routeHandler(configMaps, 'update');
const cmDelete = routeHandler(configMaps, 'delete');
const podCreate = routeHandler(pods, 'create');

const t = suite('limits');
const NS = '/api/v1/namespaces/default';
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

async function withCm(ctx: FakeCtx, data: Record<string, string> = { a: 'x'.repeat(40) }) {
  const res = await cmCreate(req('POST', `${NS}/configmaps`, cm('c', { data })), ctx);
  assert.is(res.status, 201);
}

/** The ~900-byte patch of the issue: each `copy` doubles the list it copies into. */
const doubling = (n: number) => [{ op: 'add', path: '/data/l', value: 'x' }, ...Array.from({ length: n }, () => ({ op: 'copy', from: '/metadata/annotations', path: '/metadata/annotations/x' }))];
const amplifying = (n: number) => [
  { op: 'add', path: '/metadata/annotations', value: { k: 'y'.repeat(64) } },
  ...Array.from({ length: n }, (_, i) => ({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/k${i}` })),
];

for (const dry of [false, true]) {
  t(`json patch: 30 doubling copies answer 422 at once, nothing changes${dry ? ' (dryRun)' : ''}`, async () => {
    const ctx = fakeCtx();
    await withCm(ctx);
    const before = ctx.store.get(configMaps, 'default', 'c');
    const started = performance.now();
    const res = await cmPatch(req('PATCH', `${NS}/configmaps/c${dry ? '?dryRun=All' : ''}`, amplifying(30), JSON_PATCH), ctx);
    const ms = performance.now() - started;
    assert.is(res.status, 422);
    const status = await res.json();
    assert.is(status.kind, 'Status');
    assert.match(status.message, 'accumulated size increase of copy');
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.is(ctx.store.get(configMaps, 'default', 'c'), before);
  });
}

t('json patch: more than 10000 operations is a 413; 10000 small ones are fine', async () => {
  const ctx = fakeCtx();
  await withCm(ctx);
  const many = (n: number) => Array.from({ length: n }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }));
  const over = await cmPatch(req('PATCH', `${NS}/configmaps/c`, many(10_001), JSON_PATCH), ctx);
  assert.is(over.status, 413);
  assert.match((await over.json()).message, 'The allowed maximum operations in a JSON patch is 10000, got 10001');
  const ok = await cmPatch(req('PATCH', `${NS}/configmaps/c`, [...many(9_999), { op: 'add', path: '/data/b', value: '1' }], JSON_PATCH), ctx);
  assert.is(ok.status, 200);
  assert.is((await ok.json()).data.b, '1');
});

t('json patch: copies and moves of a path that does not exist are 422, a failed test too', async () => {
  const ctx = fakeCtx();
  await withCm(ctx);
  for (const op of [{ op: 'move', from: '', path: '/data/x' }, { op: 'move', from: '/metadata', path: '/metadata/labels/x' }, { op: 'copy', from: '/nope', path: '/data/x' }, { op: 'move', from: '/nope', path: '/data/x' }, { op: 'replace', path: '/nope', value: 1 }, { op: 'test', path: '/kind', value: 'Pod' }]) {
    const res = await cmPatch(req('PATCH', `${NS}/configmaps/c`, [op], JSON_PATCH), ctx);
    assert.is(res.status, 422, JSON.stringify(op));
  }
  const ok = await cmPatch(req('PATCH', `${NS}/configmaps/c`, doubling(3).slice(0, 1), JSON_PATCH), ctx);
  assert.is(ok.status, 200);
});

t('an object larger than the store holds is a 413 on create, update, patch and dryRun; nothing is stored', async () => {
  const ctx = fakeCtx();
  const big = 'x'.repeat(200_000);
  const command = Array.from({ length: Math.ceil(MAX_OBJECT_BYTES / big.length) + 1 }, () => big);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'i', command }] } };
  for (const q of ['', '?dryRun=All']) {
    const res = await podCreate(req('POST', `${NS}/pods${q}`, pod), ctx);
    assert.is(res.status, 413);
    assert.is((await res.json()).reason, 'RequestEntityTooLarge');
  }
  assert.is(ctx.submitted.length, 0);
  await withCm(ctx);
  const data = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, big]));
  const current = ctx.store.get(configMaps, 'default', 'c')!;
  const annotations = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, big.slice(0, 25_000)]));
  const update = await cmUpdate(req('PUT', `${NS}/configmaps/c`, { ...cm('c', { data: { a: big } }), metadata: { name: 'c', resourceVersion: current.metadata.resourceVersion, annotations: { ...annotations, more: big.repeat(7) } } }), ctx);
  assert.is(update.status, 413);
  const patch = await cmPatch(req('PATCH', `${NS}/configmaps/c`, { binaryData: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.ok(patch.status === 413 || patch.status === 422, String(patch.status));
  assert.is(ctx.store.get(configMaps, 'default', 'c'), current);
});

t('annotations over 256 KiB in total are a 422 naming metadata.annotations', async () => {
  const ctx = fakeCtx();
  const half = 'v'.repeat(MAX_ANNOTATIONS_BYTES / 2);
  const res = await cmCreate(req('POST', `${NS}/configmaps`, { ...cm('c'), metadata: { name: 'c', annotations: { a: half, b: half } } }), ctx);
  assert.is(res.status, 422);
  const status = await res.json();
  assert.is(status.details.causes[0].field, 'metadata.annotations');
  assert.match(status.message, 'Too long: must have at most 262144 bytes');
  const fits = await cmCreate(req('POST', `${NS}/configmaps`, { ...cm('d'), metadata: { name: 'd', annotations: { a: half.slice(10) } } }), ctx);
  assert.is(fits.status, 201);
});

t('a DELETE body is read within the request limit', async () => {
  const ctx = fakeCtx();
  await withCm(ctx);
  const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', pad: 'x'.repeat(4 * 1024 * 1024) });
  const res = await cmDelete(req('DELETE', `${NS}/configmaps/c`, body), ctx);
  assert.is(res.status, 413);
  assert.ok(ctx.store.get(configMaps, 'default', 'c'));
});

t('unknown fields are dropped, not stored: with a Warning (Warn), silently (Ignore), refused (Strict)', async () => {
  const ctx = fakeCtx();
  const junk = { junk: 'j'.repeat(2_900_000), data: { a: '1' }, metadata: { name: 'c', bogus: 1 } };
  const res = await cmCreate(req('POST', `${NS}/configmaps`, { ...cm('c'), ...junk }), ctx);
  assert.is(res.status, 201);
  assert.match(res.headers.get('warning') ?? '', 'unknown field \\"junk\\"');
  assert.match(res.headers.get('warning') ?? '', 'unknown field \\"metadata.bogus\\"');
  const stored = ctx.store.get(configMaps, 'default', 'c')! as unknown as Record<string, unknown>;
  assert.is(stored.junk, undefined);
  assert.is((stored.metadata as Record<string, unknown>).bogus, undefined);
  assert.equal(stored.data, { a: '1' });
  assert.not.match(JSON.stringify(await res.json()), 'jjjj');
  const ignored = await cmCreate(req('POST', `${NS}/configmaps?fieldValidation=Ignore`, { ...cm('d'), junk: 1 }), ctx);
  assert.is(ignored.status, 201);
  assert.is(ignored.headers.get('warning'), null);
  assert.is((ctx.store.get(configMaps, 'default', 'd') as unknown as Record<string, unknown>).junk, undefined);
  const strict = await cmCreate(req('POST', `${NS}/configmaps?fieldValidation=Strict`, { ...cm('e'), junk: 1 }), ctx);
  assert.is(strict.status, 400);
  assert.is(ctx.store.get(configMaps, 'default', 'e'), undefined);
  const patched = await cmPatch(req('PATCH', `${NS}/configmaps/c`, { more: 'x', data: { b: '2' } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(patched.status, 200);
  assert.is((ctx.store.get(configMaps, 'default', 'c') as unknown as Record<string, unknown>).more, undefined);
});

t('a memory limit below what Docker accepts (6Mi) is a 422 for pods and pod templates; 6Mi and 0 are fine', async () => {
  const ctx = fakeCtx();
  const pod = (name: string, memory: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'a', image: 'i', resources: { limits: { memory } } }] } });
  const small = await podCreate(req('POST', `${NS}/pods`, pod('p', '4Mi')), ctx);
  assert.is(small.status, 422);
  const status = await small.json();
  assert.is(status.details.causes[0].field, 'spec.containers[0].resources.limits.memory');
  assert.match(status.message, 'at least 6Mi');
  assert.is((await podCreate(req('POST', `${NS}/pods`, pod('q', '6Mi')), ctx)).status, 201);
  assert.is((await podCreate(req('POST', `${NS}/pods`, pod('r', '0')), ctx)).status, 201);
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: pod('x', '5000000').spec } },
  };
  const d = await createHandler(deployments)(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment), ctx);
  assert.is(d.status, 422);
  assert.match((await d.json()).message, 'spec.template.spec.containers[0].resources.limits.memory');
});

t.run();
