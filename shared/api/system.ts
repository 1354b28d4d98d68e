import { registry } from '../resources/index';
import { aggregatedDiscovery, aggregatedVersion, apiGroupList, apiGroupOf, apiResourceList, apiVersions } from './discovery';
import { route, schemaIndex, type RouteHandler } from './handlers';
import { buildOpenApi, type OpenApiDocs } from './openapi';
import { encodeOpenApiV2, type V2Document } from './openapi-proto';
import { jsonResponse, noRoute } from './status';

// Routes that are not resources: version, health, discovery, OpenAPI, k2d's own endpoints.

export const versionHandler = (): RouteHandler => route('GET', ['/version'], async (_req, ctx) => jsonResponse(ctx.server.version));

export const healthHandler = (): RouteHandler =>
  route('GET', ['/healthz', '/livez', '/readyz'], async () => new Response('ok', { headers: { 'content-type': 'text/plain; charset=utf-8' } }));

function discoveryResponse(request: Request, core: boolean, legacy: () => unknown): Response {
  const v = aggregatedVersion(request.headers.get('accept'));
  if (!v) return jsonResponse(legacy());
  return jsonResponse(aggregatedDiscovery(registry, core, `apidiscovery.k8s.io/${v}`), 200, {
    'content-type': `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
    vary: 'Accept',
  });
}

export const coreDiscoveryHandler = (): RouteHandler =>
  route('GET', ['/api'], async (request, ctx) =>
    discoveryResponse(request, true, () => apiVersions(`${ctx.server.advertiseAddress}:${ctx.server.port}`)),
  );

export const groupsDiscoveryHandler = (): RouteHandler =>
  route('GET', ['/apis'], async (request) => discoveryResponse(request, false, () => apiGroupList(registry)));

export const coreResourcesHandler = (): RouteHandler =>
  route('GET', ['/api/v1'], async () => jsonResponse(apiResourceList(registry, 'v1')));

export const groupResourcesHandler = (): RouteHandler =>
  route('GET', ['/apis/:group', '/apis/:group/:version'], async (request) => {
    const [group, version] = new URL(request.url).pathname.split('/').slice(2);
    if (!version) {
      const g = apiGroupOf(registry, group);
      if (!g) throw noRoute();
      return jsonResponse(g);
    }
    const list = apiResourceList(registry, `${group}/${version}`);
    if (!list.resources.length) throw noRoute();
    return jsonResponse(list);
  });

let docs: OpenApiDocs | undefined;
const openapi = (version: string) => (docs ??= buildOpenApi(registry, schemaIndex(), version));

/** OpenAPI documents never change while the server runs: hashed URLs are immutable, the rest has an ETag. */
function cached(request: Request, body: unknown, hash: string): Response {
  const etag = `"${hash}"`;
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
  const immutable = new URL(request.url).searchParams.get('hash') === hash;
  return jsonResponse(body, 200, { etag, 'cache-control': immutable ? 'public, immutable' : 'no-cache, private', vary: 'Accept' });
}

/** Clients ask with `@v1.0` or `.v1.0`; the answer uses the dotted form, which Go's MIME parser accepts. */
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const wantsV2Protobuf = (accept: string) => /application\/com\.github\.proto-openapi\.spec\.v2[.@]v1\.0\+protobuf/.test(accept);
let v2Protobuf: Uint8Array | undefined;

export const openApiV2Handler = (): RouteHandler =>
  route('GET', ['/openapi/v2', '/swagger.json'], async (request, ctx) => {
    const d = openapi(ctx.server.version.gitVersion);
    if (!wantsV2Protobuf(request.headers.get('accept') ?? '')) return cached(request, d.v2, d.v2Hash);
    // kubectl 1.27/1.28 read this document only as protobuf.
    v2Protobuf ??= encodeOpenApiV2(d.v2 as V2Document);
    // Each representation has its own ETag, or HTTP caches (kubectl has one) hand JSON to a protobuf reader.
    const etag = `"${d.v2Hash}-protobuf"`;
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(v2Protobuf as Uint8Array<ArrayBuffer>, { headers: { 'content-type': V2_PROTOBUF, etag, vary: 'Accept', 'x-varied-accept': V2_PROTOBUF } });
  });

export const openApiV3Handler = (): RouteHandler =>
  route('GET', ['/openapi/v3', '/openapi/v3/*'], async (request, ctx) => {
    const d = openapi(ctx.server.version.gitVersion);
    const key = new URL(request.url).pathname.replace(/^\/openapi\/v3\/?/, '');
    if (!key) return jsonResponse(d.v3Root, 200, { 'cache-control': 'no-cache, private' });
    const entry = d.v3.get(key);
    if (!entry) throw noRoute();
    const url = new URL(request.url);
    const asked = url.searchParams.get('hash');
    // A client holding an old hash is sent to the current document, as kube-openapi does.
    if (asked && asked !== entry.hash) return new Response(null, { status: 301, headers: { location: `${url.pathname}?hash=${entry.hash}`, 'cache-control': 'no-cache, private' } });
    return cached(request, entry.doc, entry.hash);
  });

export const kubeconfigHandler = (): RouteHandler =>
  route('GET', ['/k2d/kubeconfig'], async (_req, ctx) => new Response(ctx.server.kubeconfig, { headers: { 'content-type': 'application/yaml' } }));

/**
 * `GET /k2d/system/diagnostics` (k2d's endpoint): what an operator asks first — versions, the Docker
 * engine, where the server runs and what its setup cannot do, the data dir, the creation queue and how
 * many objects of each kind there are.
 */
export const diagnosticsHandler = (): RouteHandler =>
  route('GET', ['/k2d/system/diagnostics'], async (_req, ctx) => {
    let docker: Record<string, unknown>;
    try {
      const [info, version] = await Promise.all([ctx.docker.info(), ctx.docker.version()]);
      docker = {
        reachable: true,
        serverVersion: info.ServerVersion ?? version.Version,
        apiVersion: version.ApiVersion,
        minAPIVersion: version.MinAPIVersion,
        operatingSystem: info.OperatingSystem,
        kernelVersion: info.KernelVersion,
        containers: info.Containers,
        images: info.Images,
      };
    } catch (err) {
      docker = { reachable: false, error: (err as Error).message };
    }
    const started = ctx.server.startedAt ? Date.parse(ctx.server.startedAt) : undefined;
    const setup = ctx.docker.setup();
    return jsonResponse({
      version: ctx.server.version,
      instance: ctx.server.instance,
      dataPath: ctx.server.dataPath,
      advertiseAddress: ctx.server.advertiseAddress,
      startedAt: ctx.server.startedAt,
      uptimeSeconds: started ? Math.round((ctx.clock.now().getTime() - started) / 1000) : undefined,
      docker,
      container: setup.container,
      warnings: setup.warnings,
      queue: { depth: ctx.queue.depth(), ...ctx.queue.stats() },
      objects: Object.fromEntries(registry.map((def) => [def.resource, ctx.store.count(def)])),
      resourceVersion: String(ctx.store.resourceVersion),
    });
  });
