import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RouteHandler } from '../../shared/api/handlers';
import { aggregatedDiscovery, apiResourceList } from '../../shared/api/discovery';
import { resourceRoutes, routeHandler } from '../../shared/api/routes';
import { registry } from '../../shared/resources/index';
import coreDiscovery from '../../handlers/api/discovery';
import openapiV3 from '../../handlers/openapi/v3';
import openapiV2 from '../../handlers/openapi/v2';
import { fakeCtx, req } from '../helpers/fake-ctx';

const root = join(import.meta.dirname, '../../handlers');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** The non-resource routes kept as files, and every kind's routes as the build derives them. */
const fileModules = await Promise.all(
  files(root).map(async (f) => ({ file: relative(root, f), handler: (await import(f)).default as RouteHandler })),
);
const derived = registry.flatMap((def) =>
  resourceRoutes(def).map((r) => ({ def, route: r, file: `${r.file}.ts`, handler: routeHandler(def, r.verb, r.subresource) })),
);
const modules = [...fileModules, ...derived];

test('every route module exports a mounted fetch handler', () => {
  for (const { file, handler } of modules) {
    assert.type(handler, 'function', file);
    assert.ok(handler.paths.length > 0, file);
    assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(handler.method), file);
  }
});

test('handlers/ holds only non-resource routes: a kind has no hand-written modules', () => {
  for (const { file, handler } of fileModules) assert.is(handler.resource, undefined, file);
});

test('each kind has one handler per verb, in the folder its URL names, and none for verbs it lacks', () => {
  for (const def of registry) {
    const own = derived.filter((m) => m.def === def && !m.route.subresource);
    const verbs = def.verbs.filter((v) => v !== 'watch').sort();
    assert.equal(own.map((m) => m.handler.verb).sort(), verbs, def.resource);
    for (const m of own) {
      assert.is(m.handler.resource, def.resource, m.file);
      assert.is(m.handler.subresource, undefined, m.file);
      assert.is(m.file, `${def.prefix.slice(1)}/${def.plural}/${m.handler.verb}.ts`);
    }
    assert.throws(() => routeHandler(def, 'watch'), /no watch route/, def.resource);
  }
});

test('each subresource a kind declares has its handlers, under <plural>/<subresource>, for the verbs the kind has', () => {
  for (const def of registry) {
    const subs = derived.filter((m) => m.def === def && m.route.subresource);
    assert.equal([...new Set(subs.map((m) => m.handler.subresource))].sort(), [...def.subresources].sort(), def.resource);
    for (const m of subs) {
      assert.is(m.handler.resource, def.resource, m.file);
      assert.is(m.handler.subresource, m.route.subresource, m.file);
      assert.is(m.handler.verb, m.route.verb, m.file);
      assert.ok(def.verbs.includes(m.route.verb), m.file);
      assert.ok(m.file.startsWith(`${def.prefix.slice(1)}/${def.plural}/${m.handler.subresource}`), m.file);
    }
  }
  assert.equal(derived.filter((m) => m.def.kind === 'Node' && m.route.subresource).map((m) => m.file), ['api/v1/nodes/status/get.ts']);
});

test('every route is mounted at the URL its module path names', () => {
  for (const { def, route, handler, file } of derived) {
    const item = `${def.prefix}/${def.namespaced ? 'namespaces/:namespace/' : ''}${def.plural}/:name`;
    const expected = route.subresource
      ? [`${item}/${route.subresource}`]
      : ['get', 'update', 'patch', 'delete'].includes(route.verb)
        ? [item]
        : route.verb === 'list' || !def.namespaced
          ? [`${def.prefix}/${def.plural}`, ...(def.namespaced ? [`${def.prefix}/namespaces/:namespace/${def.plural}`] : [])]
          : [`${def.prefix}/namespaces/:namespace/${def.plural}`];
    assert.equal(handler.paths, expected, file);
    const method = { list: 'GET', get: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE' }[route.verb as string];
    assert.is(handler.method, method, file);
  }
});

test('no two handlers claim the same method and path, or the same module path', () => {
  const seen = new Set<string>();
  for (const { handler } of modules) {
    for (const p of handler.paths) {
      const key = `${handler.method} ${p}`;
      assert.not.ok(seen.has(key), key);
      seen.add(key);
    }
  }
  const paths = modules.map((m) => m.file);
  assert.is(new Set(paths).size, paths.length);
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
