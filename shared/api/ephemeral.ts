// pods/ephemeralcontainers, as `kubectl debug` uses it: the pod itself on GET; a patch or update that
// may only add to spec.ephemeralContainers. The runtime then starts each new one in the pod.
import { pods } from '../resources/pods';
import { update, registryEnv } from '../registry/store';
import { decodeBody, dryRun, mediaType } from './request';
import { decodePatch, locate, patched, route, subresourcePath, track, type RouteHandler } from './handlers';
import { jsonResponse, notFound, unsupportedMediaType } from './status';
import type { KObject } from '../k8s/meta';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const SUB = 'ephemeralcontainers';

async function write(request: Request, ctx: Parameters<RouteHandler>[1], next: (current: KObject) => KObject) {
  const { namespace, name } = locate(pods, request);
  const manager = (request.headers.get('user-agent') ?? '').split('/')[0] || 'unknown';
  const manage = (current: KObject | undefined, result: KObject) => track(pods, ctx, manager, current, result, SUB);
  const stored = await update(registryEnv(ctx), pods, namespace, name!, next, { subresource: SUB, dryRun: dryRun(request), manage });
  return jsonResponse(stored);
}

export function ephemeralGetHandler(): RouteHandler {
  return route(
    'GET',
    [subresourcePath(pods, SUB)],
    async (request, ctx) => {
      const { namespace, name } = locate(pods, request);
      const pod = ctx.store.get(pods, namespace, name!);
      if (!pod) throw notFound(pods, name!);
      return jsonResponse(pod);
    },
    { verb: 'get', resource: pods.resource, subresource: SUB },
  );
}

export function ephemeralPatchHandler(): RouteHandler {
  return route(
    'PATCH',
    [subresourcePath(pods, SUB)],
    async (request, ctx) => {
      const type = mediaType(request);
      if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(type, PATCH_TYPES);
      const { patch } = await decodePatch(request, type);
      return write(request, ctx, (current) => patched(pods, type, current, patch) as unknown as KObject);
    },
    { verb: 'patch', resource: pods.resource, subresource: SUB },
  );
}

export function ephemeralUpdateHandler(): RouteHandler {
  return route(
    'PUT',
    [subresourcePath(pods, SUB)],
    async (request, ctx) => {
      const body = (await decodeBody(request)) as KObject;
      return write(request, ctx, () => body);
    },
    { verb: 'update', resource: pods.resource, subresource: SUB },
  );
}
