import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import cmCreate from '../../handlers/api/v1/configmaps/create';
import cmPatch from '../../handlers/api/v1/configmaps/patch';
import cmUpdate from '../../handlers/api/v1/configmaps/update';
import { warningText } from '../../shared/api/warnings';
import { configMaps } from '../../shared/resources/configmaps';
import { fakeCtx, req } from '../helpers/fake-ctx';

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

t.run();
