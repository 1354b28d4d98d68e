import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RouteHandler } from '../../shared/api/handlers';
import { aggregatedDiscovery, apiResourceList } from '../../shared/api/discovery';
import { registry } from '../../shared/resources/index';
import coreDiscovery from '../../handlers/api/discovery';
import openapiV3 from '../../handlers/openapi/v3';
import openapiV2 from '../../handlers/openapi/v2';
import { fakeCtx, req } from '../helpers/fake-ctx';

const root = join(import.meta.dirname, '../../handlers');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const modules = await Promise.all(
  files(root).map(async (f) => ({ file: relative(root, f), handler: (await import(f)).default as RouteHandler })),
);

test('every handler module exports a mounted fetch handler', () => {
  for (const { file, handler } of modules) {
    assert.type(handler, 'function', file);
    assert.ok(handler.paths.length > 0, file);
    assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(handler.method), file);
  }
});

test('each kind has one handler per verb, in the folder its URL names, and none for verbs it lacks', () => {
  for (const def of registry) {
    const own = modules.filter((m) => m.handler.resource === def.resource && !m.handler.subresource);
    const verbs = def.verbs.filter((v) => v !== 'watch').sort();
    assert.equal(own.map((m) => m.handler.verb).sort(), verbs, def.resource);
    for (const m of own) assert.is(m.file, `${def.prefix.slice(1)}/${def.plural}/${m.handler.verb}.ts`);
  }
});

test('each subresource a kind declares has its handlers, under <plural>/<subresource>', () => {
  for (const def of registry) {
    const subs = new Set(modules.filter((m) => m.handler.resource === def.resource && m.handler.subresource).map((m) => m.handler.subresource));
    assert.equal([...subs].sort(), [...def.subresources].sort(), def.resource);
    for (const m of modules.filter((m) => m.handler.resource === def.resource && m.handler.subresource)) {
      assert.ok(m.file.startsWith(`${def.prefix.slice(1)}/${def.plural}/${m.handler.subresource}`), m.file);
    }
  }
});

test('no two handlers claim the same method and path', () => {
  const seen = new Set<string>();
  for (const { handler } of modules) {
    for (const p of handler.paths) {
      const key = `${handler.method} ${p}`;
      assert.not.ok(seen.has(key), key);
      seen.add(key);
    }
  }
});

test('discovery lists exactly the registry, in both forms', async () => {
  const legacy = apiResourceList(registry, 'v1').resources.filter((r) => !r.name.includes('/')).map((r) => r.name).sort();
  assert.equal(legacy, registry.filter((d) => d.apiVersion === 'v1').map((d) => d.plural).sort());
  const res = await coreDiscovery(req('GET', '/api', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' }), fakeCtx());
  assert.is(res.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const agg = await res.json();
  assert.equal(agg, aggregatedDiscovery(registry, true, 'apidiscovery.k8s.io/v2'));
  assert.equal(agg.items[0].versions[0].resources.map((r: { resource: string }) => r.resource).sort(), legacy);
  const plain = await (await coreDiscovery(req('GET', '/api', undefined, { accept: 'application/json' }), fakeCtx())).json();
  assert.is(plain.kind, 'APIVersions');
});

test('OpenAPI v3 has a schema with the group-version-kind of every kind, and fieldValidation on writes', async () => {
  const ctx = fakeCtx();
  const rootDoc = await (await openapiV3(req('GET', '/openapi/v3'), ctx)).json();
  const url = rootDoc.paths['api/v1'].serverRelativeURL;
  const res = await openapiV3(req('GET', url), ctx);
  assert.is(res.headers.get('cache-control'), 'public, immutable');
  const doc = await res.json();
  for (const def of registry) {
    const schema = Object.values(doc.components.schemas as Record<string, any>).find((s) =>
      s['x-kubernetes-group-version-kind']?.some((g: any) => g.kind === def.kind && g.version === def.version),
    );
    assert.ok(schema, def.kind);
    assert.ok(schema.properties.metadata, def.kind);
  }
  const patchOp = doc.paths['/api/v1/namespaces/{name}'].patch;
  assert.ok(patchOp.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
  const again = await openapiV3(req('GET', url, undefined, { 'if-none-match': res.headers.get('etag')! }), ctx);
  assert.is(again.status, 304);
  const stale = await openapiV3(req('GET', '/openapi/v3/api/v1?hash=0123'), ctx);
  assert.is(stale.status, 301);
  assert.is(stale.headers.get('location'), url);
});

test('OpenAPI v2 refers only to definitions it has', async () => {
  const doc = await (await openapiV2(req('GET', '/openapi/v2'), fakeCtx())).json();
  const refs = JSON.stringify(doc).match(/"#\/definitions\/[^"]+"/g) ?? [];
  assert.ok(refs.length > 0);
  for (const ref of refs) assert.ok(doc.definitions[ref.slice(15, -1)], ref);
});

test.run();
