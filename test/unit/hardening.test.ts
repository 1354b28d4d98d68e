import { routeHandler } from '../../shared/api/routes';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHandler, patchHandler } from '../../shared/api/handlers';
import { warningText } from '../../shared/api/warnings';
import { deployments } from '../../shared/resources/workloads';
import { secrets } from '../../shared/resources/secrets';
import { services } from '../../shared/resources/services';
import { configMaps } from '../../shared/resources/configmaps';
import { fakeCtx, req } from '../helpers/fake-ctx';

const cmCreate = routeHandler(configMaps, 'create');
const cmPatch = routeHandler(configMaps, 'patch');
const cmUpdate = routeHandler(configMaps, 'update');

// Writes either commit and answer 2xx, or answer 4xx and commit nothing — whatever the input.
const t = suite('hardening');
const NS = '/api/v1/namespaces/default';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });
const warnings = (res: Response) => (res.headers.get('warning') ?? '').split(/,\s*(?=299 )/).filter(Boolean).map(warningText);

t('an unknown field named outside Latin-1 (or with a newline) is a 201 with a Warning, and later updates work', async () => {
  const ctx = fakeCtx();
  const res = await cmCreate(req('POST', `${NS}/configmaps`, { ...cm('c', { data: { a: '1' } }), ключ: 1, 'a\nb': 2 }), ctx);
  assert.is(res.status, 201);
  const texts = warnings(res);
  assert.ok(texts.includes('unknown field "ключ"'), texts.join(' | '));
  assert.ok(texts.includes('unknown field "a b"'), texts.join(' | '));
  for (const v of res.headers.get('warning')!) assert.ok(v.charCodeAt(0) <= 0xff);
  const current = ctx.store.get(configMaps, 'default', 'c')!;
  const update = await cmUpdate(req('PUT', `${NS}/configmaps/c`, { ...current, data: { a: '2' }, ключ: 3 }), ctx);
  assert.is(update.status, 200);
  const patch = await cmPatch(req('PATCH', `${NS}/configmaps/c`, { data: { b: '1' } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(patch.status, 200);
});

t('warnings are cut as the apiserver cuts them: 4096 runes in all, then 256 each', async () => {
  const ctx = fakeCtx();
  const junk = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}-${'ж'.repeat(300)}`, 1]));
  const res = await cmCreate(req('POST', `${NS}/configmaps`, { ...cm('c'), ...junk }), ctx);
  assert.is(res.status, 201);
  const texts = warnings(res);
  assert.ok(texts.length > 0);
  assert.ok(texts.every((w) => [...w].length <= 256), 'each cut to 256 runes');
  assert.ok(texts.reduce((n, w) => n + [...w].length, 0) <= 4096 + 256);
});

t('an Accept the server cannot answer in is a 406 before the write: nothing is stored or queued', async () => {
  const ctx = fakeCtx();
  const res = await cmCreate(req('POST', `${NS}/configmaps`, cm('c'), { accept: 'application/vnd.kubernetes.protobuf' }), ctx);
  assert.is(res.status, 406);
  assert.is(ctx.store.get(configMaps, 'default', 'c'), undefined);
  assert.is(ctx.submitted.length, 0);
});

const deployment = (name: string, template: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'a' } }, template },
});
const goodTemplate = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'i' }] } };

t('ill-typed fields that defaulting trips over are 422s naming the field, on create and on patch', async () => {
  const ctx = fakeCtx();
  const cases: Array<[typeof deployments, string, Record<string, unknown>, string]> = [
    [deployments, '/apis/apps/v1/namespaces/default/deployments', deployment('d', 'x'), 'spec.template'],
    [secrets, `${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: 0, stringData: { a: 'b' } }, 'data'],
    [services, `${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: {} } }, 'spec.ports'],
  ];
  for (const [def, path, body, field] of cases) {
    const res = await createHandler(def)(req('POST', path, body), ctx);
    assert.is(res.status, 422, `${def.kind}: ${res.status}`);
    const status = await res.json();
    assert.ok(status.details.causes.some((c: { field: string }) => c.field === field), JSON.stringify(status));
  }
  assert.is(ctx.submitted.length, 0);
  const created = await createHandler(deployments)(req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('d', goodTemplate)), ctx);
  assert.is(created.status, 201);
  const before = ctx.store.get(deployments, 'default', 'd');
  const patch = await patchHandler(deployments)(req('PATCH', '/apis/apps/v1/namespaces/default/deployments/d', { spec: { template: 'x' } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  assert.is(patch.status, 422);
  assert.is(ctx.store.get(deployments, 'default', 'd'), before);
});

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

t('JSON nested thousands of levels deep is a 400 in bodies and patches, not a stack overflow', async () => {
  const ctx = fakeCtx();
  for (const depth of [2000, 20_000]) {
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"x":${nested(depth)}}`;
    const res = await cmCreate(req('POST', `${NS}/configmaps`, body), ctx);
    assert.is(res.status, 400);
    assert.match((await res.json()).message, 'nested more than 100 levels');
    const yaml = await cmCreate(req('POST', `${NS}/configmaps`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: ${nested(depth)}\n`, { 'content-type': 'application/yaml' }), ctx);
    assert.is(yaml.status, 400);
  }
  assert.is((await cmCreate(req('POST', `${NS}/configmaps`, cm('c')), ctx)).status, 201);
  for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml']) {
    const body = type === 'application/json-patch+json' ? `[{"op":"add","path":"/x","value":${nested(5000)}}]` : `{"x":${nested(5000)}}`;
    const res = await cmPatch(req('PATCH', `${NS}/configmaps/c?fieldManager=m`, body, { 'content-type': type }), ctx);
    assert.is(res.status, 400, type);
  }
  assert.equal(ctx.store.get(configMaps, 'default', 'c')!.metadata.resourceVersion, String(ctx.store.resourceVersion));
});

t.run();
