import type { Ctx } from '../ctx';
import type { KObject } from '../k8s/meta';
import { jsonPatch, mergePatch } from '../k8s/patch';
import { strategicMergePatch } from '../k8s/strategic-merge';
import { namespaces } from '../resources/namespaces';
import { registry } from '../resources/index';
import { dryRun, decodeBody, decodePatch, mediaType, queryParam, rendering } from './request';
import { resourcePaths, type DeleteOptions, type ResourceDefinition, type Verb } from './resource';
import { SchemaIndex } from './schema';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import {
  ApiError,
  badRequest,
  conflict,
  errorResponse,
  forbidden,
  invalid,
  jsonResponse,
  notFound,
  success,
  unsupportedMediaType,
} from './status';
import { toTable } from './table';
import { validateObject } from './validation';
import { watchResponse } from './watch';

export type Handler = (request: Request, ctx: Ctx) => Promise<Response>;

/** A handler that knows where it is mounted; the runtime builds its router from these. */
export type RouteHandler = Handler & { method: string; paths: string[]; verb?: Verb; resource?: string; subresource?: string };

/** Wraps a handler so that whatever it throws reaches the client as a Status. */
export function route(method: string, paths: string[], handle: Handler, meta: { verb?: Verb; resource?: string; subresource?: string } = {}): RouteHandler {
  const wrapped: Handler = async (request, ctx) => {
    try {
      return await handle(request, ctx);
    } catch (err) {
      if (!(err instanceof ApiError)) ctx.log.error({ err, url: request.url }, 'handler failed');
      return errorResponse(err);
    }
  };
  return Object.assign(wrapped, { method, paths, ...meta });
}

let schemas: SchemaIndex | undefined;
/** Built on first use so that handlers that never validate never pay for it. */
export const schemaIndex = () => (schemas ??= new SchemaIndex(registry));

/** Namespace and name from the URL, laid out as `resourcePaths` mounts them. */
export function locate(def: ResourceDefinition, request: Request): { namespace?: string; name?: string } {
  const rest = new URL(request.url).pathname.slice(def.prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (def.namespaced && rest[0] === 'namespaces' && rest[2] === def.plural) return { namespace: rest[1], name: rest[3] };
  return { name: rest[1] };
}

function requireItem(def: ResourceDefinition, request: Request) {
  const { namespace, name } = locate(def, request);
  if (!name) throw badRequest('a resource name is required');
  return { namespace, name };
}

function getExisting(ctx: Ctx, def: ResourceDefinition, namespace: string | undefined, name: string): KObject {
  const obj = ctx.store.get(def, namespace, name);
  if (!obj) throw notFound(def, name);
  return obj;
}

/** The object as it is, if the API may change it. */
function getWritable(ctx: Ctx, def: ResourceDefinition, namespace: string | undefined, name: string): KObject {
  const obj = getExisting(ctx, def, namespace, name);
  const why = def.readOnly?.(obj);
  if (why) throw forbidden(`${def.resource} "${name}" is forbidden: ${why}`, { name, group: def.group, kind: def.plural });
  return obj;
}

/** Kubernetes writes answer in JSON, or as a one-row Table when that is what the client asked for. */
function respond(def: ResourceDefinition, request: Request, ctx: Ctx, obj: KObject, code = 200): Response {
  const r = rendering(request);
  if (r.as === 'table') return jsonResponse(toTable(def, [obj], ctx.clock.now(), r, { resourceVersion: obj.metadata.resourceVersion }), code);
  return jsonResponse(obj, code);
}

/** Unknown fields per `fieldValidation` (Strict by default for kubectl): a 400, warnings, or nothing. */
function checkFields(def: ResourceDefinition, request: Request, body: unknown, warnings: string[]) {
  const mode = queryParam(request, 'fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(mode)) throw badRequest(`fieldValidation must be one of Strict, Warn or Ignore, not "${mode}"`);
  if (mode === 'Ignore') return;
  const unknown = schemaIndex().unknownFields(def, body);
  if (!unknown.length) return;
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  warnings.push(...unknown.map((f) => `unknown field "${f}"`));
}

function withWarnings(res: Response, warnings: string[]): Response {
  for (const w of warnings) res.headers.append('warning', `299 - "${w.replace(/"/g, '\\"')}"`);
  return res;
}

/** Checks the body names the kind and version of the URL, as the apiserver's decoder does. */
function checkTypeMeta(def: ResourceDefinition, body: Record<string, unknown>) {
  if (!body.kind || !body.apiVersion) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): Object 'Kind' or 'apiVersion' is missing`);
  }
  if (body.apiVersion !== def.apiVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${def.apiVersion})`);
  }
  if (body.kind !== def.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): kind "${String(body.kind)}" does not belong at this URL`);
  }
}

/** A namespaced object can only be created in a namespace that exists and is not being deleted. */
function checkNamespace(ctx: Ctx, def: ResourceDefinition, namespace: string, name: string) {
  const ns = ctx.store.get(namespaces, undefined, namespace);
  if (!ns) throw notFound(namespaces, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(`${def.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      name,
      kind: def.plural,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

/** The object a write would store: body checked against the URL, kind and schema. */
function admit(def: ResourceDefinition, request: Request, body: Record<string, unknown>, url: { namespace?: string; name?: string }, old?: KObject): KObject {
  checkTypeMeta(def, body);
  const metadata = { ...((body.metadata as Record<string, unknown>) ?? {}) } as KObject['metadata'];
  if (def.namespaced) {
    if (metadata.namespace && url.namespace && metadata.namespace !== url.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    metadata.namespace = url.namespace ?? metadata.namespace;
  } else delete metadata.namespace;
  if (url.name && metadata.name && metadata.name !== url.name) {
    throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${url.name})`);
  }
  if (url.name) metadata.name = url.name;
  if (!metadata.name && metadata.generateName && !old) metadata.name = `${metadata.generateName}${randomSuffix()}`;
  const obj = { ...body, metadata } as KObject;
  if (!metadata.name) {
    throw invalid(def, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  const causes = validateObject(def, obj, old);
  if (causes.length) throw invalid(def, metadata.name, causes);
  return obj;
}

async function enqueue(ctx: Ctx, def: ResourceDefinition, obj: KObject, action: 'apply' | 'delete') {
  if (!def.priority) return;
  await ctx.queue.submit({ resource: def.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, action }, def.priority);
}

export function listHandler(def: ResourceDefinition): RouteHandler {
  const { collection } = resourcePaths(def);
  return route(
    'GET',
    collection,
    async (request, ctx) => {
      const url = new URL(request.url);
      const { namespace } = locate(def, request);
      const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined, def.fieldSelectors as never, def.kind);
      const filter = (o: KObject) => labels(o) && fields(o);
      const watch = url.searchParams.get('watch');
      if (watch === 'true' || watch === '1') return watchResponse(def, request, ctx, { namespace, filter });

      const all = ctx.store.list(def, namespace).filter(filter);
      const rv = String(ctx.store.resourceVersion);
      const { items, continueToken, remaining } = paginate(all, url.searchParams.get('limit'), url.searchParams.get('continue'), rv);
      const metadata: Record<string, unknown> = { resourceVersion: rv };
      if (continueToken) Object.assign(metadata, { continue: continueToken, remainingItemCount: remaining });
      const r = rendering(request);
      if (r.as === 'table') return jsonResponse(toTable(def, items, ctx.clock.now(), r, metadata));
      return jsonResponse({ kind: `${def.kind}List`, apiVersion: def.apiVersion, metadata, items });
    },
    { verb: 'list', resource: def.resource },
  );
}

/**
 * `limit`/`continue`: the token remembers the last key returned. We serve pages from the current state
 * rather than a snapshot, which the apiserver also allows once a snapshot is too old.
 */
function paginate(all: KObject[], limitParam: string | null, token: string | null, rv: string) {
  let start = 0;
  if (token) {
    let after: string;
    try {
      ({ after } = JSON.parse(Buffer.from(token, 'base64url').toString()));
    } catch {
      throw badRequest('the continue token is not valid');
    }
    start = all.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    if (start < 0) start = all.length;
  }
  const limit = Number(limitParam ?? 0);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit must be a non-negative integer, not "${limitParam}"`);
  const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
  const items = all.slice(start, end);
  if (end >= all.length) return { items };
  const last = items[items.length - 1];
  const continueToken = Buffer.from(JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
  return { items, continueToken, remaining: all.length - end };
}

export function getHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'GET',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const watch = new URL(request.url).searchParams.get('watch');
      // A watch on an item is a watch on the collection narrowed to that name, as the apiserver does it.
      if (watch === 'true' || watch === '1') return watchResponse(def, request, ctx, { namespace, filter: (o) => o.metadata.name === name });
      return respond(def, request, ctx, getExisting(ctx, def, namespace, name));
    },
    { verb: 'get', resource: def.resource },
  );
}

export function createHandler(def: ResourceDefinition): RouteHandler {
  const paths = def.namespaced ? [resourcePaths(def).collection[1]] : resourcePaths(def).collection;
  return route(
    'POST',
    paths,
    async (request, ctx) => {
      const warnings: string[] = [];
      const body = await decodeBody(request);
      checkFields(def, request, body, warnings);
      const { namespace } = locate(def, request);
      const obj = admit(def, request, body, { namespace });
      if (def.namespaced) checkNamespace(ctx, def, obj.metadata.namespace!, obj.metadata.name);
      const fresh = structuredClone(obj);
      delete fresh.status;
      for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
        delete fresh.metadata[field];
      }
      def.prepareForCreate?.(fresh, { now: ctx.clock.now(), nodeName: ctx.server.nodeName });
      if (dryRun(request)) {
        if (ctx.store.get(def, fresh.metadata.namespace, fresh.metadata.name)) throw conflict(def, fresh.metadata.name, 'already exists');
        return withWarnings(respond(def, request, ctx, fresh, 201), warnings);
      }
      const stored = await ctx.store.create(def, fresh);
      try {
        await enqueue(ctx, def, stored, 'apply');
      } catch (err) {
        // Nothing half-created: an object whose synchronous Docker work failed is taken back.
        await ctx.store.delete(def, stored.metadata.namespace, stored.metadata.name).catch(() => undefined);
        throw err;
      }
      return withWarnings(respond(def, request, ctx, stored, 201), warnings);
    },
    { verb: 'create', resource: def.resource },
  );
}

/**
 * Shared tail of PUT and PATCH: the new object replaces the current one; status belongs to the system.
 * `next` sees the object as stored at the moment of the write (inside the store's write section), so a
 * patch is applied to the latest version and never loses a concurrent change, as the apiserver's
 * GuaranteedUpdate does.
 */
async function replace(def: ResourceDefinition, request: Request, ctx: Ctx, url: { namespace?: string; name: string }, next: (current: KObject) => Record<string, unknown>, warnings: string[]) {
  const merge = (current: KObject): KObject => {
    const obj = admit(def, request, next(current), { namespace: current.metadata.namespace, name: current.metadata.name }, current);
    if (obj.metadata.uid && obj.metadata.uid !== current.metadata.uid) {
      throw conflict(def, current.metadata.name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    const merged: KObject = {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
        deletionTimestamp: current.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds,
      },
    };
    if (current.status !== undefined) merged.status = current.status;
    else delete merged.status;
    return merged;
  };
  if (dryRun(request)) {
    const current = getExisting(ctx, def, url.namespace, url.name);
    const merged = merge(current);
    if (merged.metadata.resourceVersion && merged.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(def, url.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return withWarnings(respond(def, request, ctx, { ...merged, metadata: { ...merged.metadata, resourceVersion: current.metadata.resourceVersion } }), warnings);
  }
  let before: number | undefined;
  const stored = await ctx.store.modify(def, url.namespace, url.name, (current) => {
    before = current.metadata.generation;
    return merge(current);
  });
  if (stored.metadata.generation !== before) await enqueue(ctx, def, stored, 'apply');
  return withWarnings(respond(def, request, ctx, stored), warnings);
}

export function updateHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PUT',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const warnings: string[] = [];
      const body = await decodeBody(request);
      checkFields(def, request, body, warnings);
      getWritable(ctx, def, namespace, name);
      const meta = (body.metadata ?? {}) as Record<string, unknown>;
      if (!meta.resourceVersion) {
        throw invalid(def, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
      return replace(def, request, ctx, { namespace, name }, () => body, warnings);
    },
    { verb: 'update', resource: def.resource },
  );
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

export function patchHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PATCH',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const type = mediaType(request);
      if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(type, PATCH_TYPES);
      getWritable(ctx, def, namespace, name);
      const patch = await decodePatch(request);
      const warnings: string[] = [];
      // Only a resourceVersion the patch itself sets is a precondition.
      const patchMeta = (Array.isArray(patch) ? {} : ((patch as Record<string, unknown>)?.metadata ?? {})) as Record<string, unknown>;
      return replace(def, request, ctx, { namespace, name }, (current) => {
        const copy = structuredClone(current) as unknown as Record<string, unknown>;
        let next: unknown;
        if (type === 'application/json-patch+json') next = jsonPatch(copy, patch);
        else if (type === 'application/merge-patch+json') next = mergePatch(copy, patch);
        else next = strategicMergePatch(copy, patch, schemaIndex(), def);
        if (!next || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the patch did not produce an object');
        warnings.length = 0;
        checkFields(def, request, next, warnings);
        const meta = ((next as KObject).metadata ?? {}) as KObject['metadata'];
        if (!patchMeta.resourceVersion) delete meta.resourceVersion;
        return next as Record<string, unknown>;
      }, warnings);
    },
    { verb: 'patch', resource: def.resource },
  );
}

async function deleteOne(def: ResourceDefinition, request: Request, ctx: Ctx, old: KObject, options: DeleteOptions): Promise<KObject | undefined> {
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== old.metadata.uid) {
    throw conflict(def, old.metadata.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(def, old.metadata.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  }
  getWritable(ctx, def, old.metadata.namespace, old.metadata.name);
  def.validateDelete?.(old);
  if (dryRun(request)) return old;
  if (!def.priority) {
    await ctx.store.delete(def, old.metadata.namespace, old.metadata.name);
    return undefined;
  }
  // Objects with Docker state are deleted gracefully: marked, then removed by the runtime once Docker is clean.
  // A second delete with a shorter grace period shortens it, as `kubectl delete --grace-period=0 --force` needs.
  const shorter = typeof options.gracePeriodSeconds === 'number' && options.gracePeriodSeconds < (old.metadata.deletionGracePeriodSeconds ?? Infinity);
  if (old.metadata.deletionTimestamp && !shorter) return old;
  const stored = await ctx.store.modify(def, old.metadata.namespace, old.metadata.name, (current) =>
    def.prepareForDelete ? def.prepareForDelete(structuredClone(current), ctx.clock.now(), options) : current,
  );
  await enqueue(ctx, def, stored, 'delete');
  return stored;
}

async function deleteOptions(request: Request): Promise<DeleteOptions> {
  if (!request.body) return {};
  const text = await request.clone().text();
  const options: DeleteOptions = text.trim() ? await decodeBody(request) : {};
  const grace = new URL(request.url).searchParams.get('gracePeriodSeconds');
  if (grace !== null) options.gracePeriodSeconds = Number(grace);
  return options;
}

export function deleteHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'DELETE',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const old = getExisting(ctx, def, namespace, name);
      const remaining = await deleteOne(def, request, ctx, old, await deleteOptions(request));
      if (remaining) return respond(def, request, ctx, remaining);
      return jsonResponse(success({ name, group: def.group, kind: def.plural, uid: old.metadata.uid }));
    },
    { verb: 'delete', resource: def.resource },
  );
}

export function deleteCollectionHandler(def: ResourceDefinition): RouteHandler {
  const paths = def.namespaced ? [resourcePaths(def).collection[1]] : resourcePaths(def).collection;
  return route(
    'DELETE',
    paths,
    async (request, ctx) => {
      const url = new URL(request.url);
      const { namespace } = locate(def, request);
      const labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined, def.fieldSelectors as never, def.kind);
      const options = await deleteOptions(request);
      const items: KObject[] = [];
      for (const obj of ctx.store.list(def, namespace).filter((o) => labels(o) && fields(o))) {
        items.push((await deleteOne(def, request, ctx, obj, options)) ?? obj);
      }
      return jsonResponse({ kind: `${def.kind}List`, apiVersion: def.apiVersion, metadata: { resourceVersion: String(ctx.store.resourceVersion) }, items });
    },
    { verb: 'deletecollection', resource: def.resource },
  );
}

/** The path of a subresource of one object, e.g. `/api/v1/namespaces/:namespace/pods/:name/status`. */
export const subresourcePath = (def: ResourceDefinition, sub: string) => `${resourcePaths(def).item}/${sub}`;

/** GET of `/status`: the whole object, as the apiserver answers it. */
export function statusGetHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'GET',
    [subresourcePath(def, 'status')],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      return respond(def, request, ctx, getExisting(ctx, def, namespace, name));
    },
    { verb: 'get', resource: def.resource, subresource: 'status' },
  );
}

/** Writes through `/status` change the status only; the rest of the object stays as stored. */
async function writeStatus(def: ResourceDefinition, request: Request, ctx: Ctx, next: (current: KObject) => unknown) {
  const { namespace, name } = requireItem(def, request);
  getExisting(ctx, def, namespace, name);
  const stored = await ctx.store.modify(def, namespace, name, (current) => {
    const obj = next(current) as KObject;
    if (!obj || typeof obj !== 'object') throw badRequest('the request did not produce an object');
    const rv = obj.metadata?.resourceVersion;
    const result = { ...current, status: obj.status, metadata: { ...current.metadata, resourceVersion: rv } } as KObject;
    const causes = validateObject(def, result);
    if (causes.length) throw invalid(def, name, causes);
    return result;
  });
  return respond(def, request, ctx, stored);
}

export function statusUpdateHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PUT',
    [subresourcePath(def, 'status')],
    async (request, ctx) => {
      const body = await decodeBody(request);
      return writeStatus(def, request, ctx, () => body);
    },
    { verb: 'update', resource: def.resource, subresource: 'status' },
  );
}

export function statusPatchHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PATCH',
    [subresourcePath(def, 'status')],
    async (request, ctx) => {
      const type = mediaType(request);
      if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(type, PATCH_TYPES);
      const patch = await decodePatch(request);
      return writeStatus(def, request, ctx, (current) => {
        const copy = structuredClone(current) as unknown as Record<string, unknown>;
        const next =
          type === 'application/json-patch+json' ? jsonPatch(copy, patch) : type === 'application/merge-patch+json' ? mergePatch(copy, patch) : strategicMergePatch(copy, patch, schemaIndex(), def);
        const meta = ((next as KObject).metadata ?? {}) as KObject['metadata'];
        if (!(patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion) delete meta.resourceVersion;
        return next;
      });
    },
    { verb: 'patch', resource: def.resource, subresource: 'status' },
  );
}
