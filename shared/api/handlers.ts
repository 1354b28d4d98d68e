import type { Ctx } from '../ctx';
import type { KObject } from '../k8s/meta';
import { apply, updateManagedFields } from '../k8s/apply';
import { jsonPatch, mergePatch } from '../k8s/patch';
import { strategicMergePatch } from '../k8s/strategic-merge';
import { registry } from '../resources/index';
import { selectorString } from '../resources/workloads';
import { dryRun, decodeBody, decodeDocument, dropNulls, isTrue, mediaType, parseText, readBody, rendering } from './request';
import { resourcePaths, type DeleteOptions, type ResourceDefinition, type Verb } from './resource';
import { SchemaIndex } from './schema';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import {
  ApiError,
  badRequest,
  errorResponse,
  invalid,
  jsonResponse,
  notFound,
  success,
  unsupportedMediaType,
  type StatusCause,
} from './status';
import { toTable } from './table';
import { watchResponse } from './watch';
import { create, registryEnv, remove, removeCollection, update } from '../registry/store';
import { warningHeaders } from './warnings';

export type Handler = (request: Request, ctx: Ctx) => Promise<Response>;

/** A handler that knows where it is mounted; the runtime builds its router from these. */
export type RouteHandler = Handler & { method: string; paths: string[]; verb?: Verb; resource?: string; subresource?: string };

/** Wraps a handler so that whatever it throws reaches the client as a Status. */
export function route(method: string, paths: string[], handle: Handler, meta: { verb?: Verb; resource?: string; subresource?: string } = {}): RouteHandler {
  const wrapped: Handler = async (request, ctx) => {
    try {
      // What the answer can be is settled before a write commits, so an Accept we cannot serve is a 406
      // that changed nothing rather than one that follows a stored write.
      if (meta.verb && meta.verb !== 'get' && meta.verb !== 'list' && meta.verb !== 'watch') rendering(request);
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

/** Kubernetes writes answer in JSON, or as a one-row Table when that is what the client asked for. */
function respond(def: ResourceDefinition, request: Request, ctx: Ctx, obj: KObject, code = 200): Response {
  const r = rendering(request);
  if (r.as === 'table') {
    try {
      return jsonResponse(toTable(def, [obj], ctx.clock.now(), r, { resourceVersion: obj.metadata.resourceVersion }), code);
    } catch (err) {
      // After a committed write the answer must be a success: the object itself, if its row cannot be made.
      ctx.log.warn({ err: (err as Error).message, resource: def.resource }, 'table row failed; answering the object');
    }
  }
  return jsonResponse(obj, code);
}

type WriteVerb = 'create' | 'update' | 'patch';
type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** What CreateOptions/UpdateOptions/PatchOptions a write carries in its query, checked as the apiserver does. */
interface WriteOptions {
  /** Who makes the change: `fieldManager`, else the client's User-Agent up to its first `/`. */
  manager: string;
  force: boolean;
  validation: FieldValidation;
}

const OPTIONS_KIND: Record<WriteVerb, string> = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' };

function writeOptions(request: Request, verb: WriteVerb, isApply = false): WriteOptions {
  const params = new URL(request.url).searchParams;
  const given = params.get('fieldManager') ?? '';
  const force = params.get('force');
  const validation = params.get('fieldValidation') ?? 'Warn';
  const causes: StatusCause[] = [];
  if (verb === 'patch' && isApply && !given) causes.push({ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' });
  if (verb === 'patch' && !isApply && force !== null) causes.push({ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' });
  if (given.length > 128) causes.push({ reason: 'FieldValueTooLong', field: 'fieldManager', message: 'Too long: may not be more than 128 bytes' });
  if (/\p{C}/u.test(given)) causes.push({ reason: 'FieldValueInvalid', field: 'fieldManager', message: `Invalid value: ${JSON.stringify(given)}: must only contain printable characters` });
  if (!['Strict', 'Warn', 'Ignore'].includes(validation)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'fieldValidation', message: `Unsupported value: ${JSON.stringify(validation)}: supported values: "Ignore", "Strict", "Warn"` });
  }
  if (causes.length) throw invalid({ kind: OPTIONS_KIND[verb], group: 'meta.k8s.io', plural: '' }, '', causes);
  const agent = (request.headers.get('user-agent') ?? '').split('/')[0].replace(/\p{C}/gu, '').slice(0, 128);
  return { manager: given || agent, force: isTrue(force), validation: validation as FieldValidation };
}

/**
 * Unknown and duplicate fields per `fieldValidation`: an error, `Warning` headers, or nothing. The
 * error is the one the apiserver's strict decoder gives: a 400 for a body, a 422 on `patch` for a patch.
 */
function checkFields(def: ResourceDefinition, opts: WriteOptions, obj: unknown, duplicates: string[], warnings: string[], patch?: unknown) {
  if (opts.validation !== 'Strict') {
    // Unknown fields are never stored, as the apiserver's decoder drops them; Warn says which.
    const dropped = schemaIndex().dropUnknownFields(def, obj);
    if (opts.validation === 'Warn') warnings.push(...duplicates.map((f) => `duplicate field "${f}"`), ...dropped.map((f) => `unknown field "${f}"`));
    return;
  }
  const problems = [...duplicates.map((f) => `duplicate field "${f}"`), ...schemaIndex().unknownFields(def, obj).map((f) => `unknown field "${f}"`)];
  if (!problems.length) return;
  const error = `strict decoding error: ${problems.join(', ')}`;
  if (patch === undefined) throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${error}`);
  const message = `Invalid value: ${JSON.stringify(JSON.stringify(patch))}: ${error}`;
  throw new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, { causes: [{ reason: 'FieldValueInvalid', field: 'patch', message }] });
}

/** Unknown fields already failed the apply's typed conversion; keys given twice are left to report. */
function checkApplyDuplicates(opts: WriteOptions, duplicates: string[], warnings: string[]) {
  if (opts.validation === 'Ignore' || !duplicates.length) return;
  const problems = duplicates.map((f) => `duplicate field "${f}"`);
  if (opts.validation === 'Strict') throw badRequest(`error strict decoding YAML: ${problems.join(', ')}`);
  if (!warnings.length) warnings.push(...problems);
}

/** Records who changed which fields (metadata.managedFields), as the apiserver's field manager does. */
export function track(def: ResourceDefinition, ctx: Ctx, manager: string, old: KObject | undefined, next: KObject, subresource?: string): KObject {
  const opts = { manager, operation: 'Update' as const, subresource, now: ctx.clock.now().toISOString(), apiVersion: def.apiVersion, index: schemaIndex(), def };
  return updateManagedFields(old, next, opts) as unknown as KObject;
}

/** Server-side apply of `config` onto `live` (undefined: the apply creates the object). */
function applyConfig(def: ResourceDefinition, ctx: Ctx, opts: WriteOptions, live: KObject | undefined, config: Record<string, unknown>, subresource?: string): KObject {
  // Typed conversion of an applied configuration is always strict for built-in kinds.
  const unknown = schemaIndex().unknownFields(def, config);
  if (unknown.length) {
    throw badRequest(`failed to create typed patch object (${def.group}/${def.version}, Kind=${def.kind}): ${unknown.map((f) => `.${f}: field not declared in schema`).join(', ')}`);
  }
  const applied = apply(live, config, { manager: opts.manager, force: opts.force, index: schemaIndex(), def, now: ctx.clock.now().toISOString(), apiVersion: def.apiVersion, subresource });
  return applied as unknown as KObject;
}

function withWarnings(res: Response, warnings: string[]): Response {
  for (const header of warningHeaders(warnings)) res.headers.append('warning', header);
  return res;
}

/**
 * Checks the body names the kind and version of the URL, as the apiserver's decoder does; a body that
 * names neither gets them from the URL (the decoder's defaults), as typed clients send it.
 */
function checkTypeMeta(def: ResourceDefinition, body: Record<string, unknown>) {
  body.apiVersion ||= def.apiVersion;
  body.kind ||= def.kind;
  if (body.apiVersion !== def.apiVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${def.apiVersion})`);
  }
  if (body.kind !== def.kind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): kind "${String(body.kind)}" does not belong at this URL`);
  }
}

/** The object a body asks for: its kind and version checked, namespace and name as the URL says. */
function admitBody(def: ResourceDefinition, body: Record<string, unknown>, url: { namespace?: string; name?: string }): KObject {
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
  return { ...body, metadata } as KObject;
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
      if (isTrue(watch)) return watchResponse(def, request, ctx, { namespace, filter });

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
      if (isTrue(watch)) return watchResponse(def, request, ctx, { namespace, filter: (o) => o.metadata.name === name });
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
      const opts = writeOptions(request, 'create');
      const warnings: string[] = [];
      const { body, duplicates } = await decodeDocument(request);
      checkFields(def, opts, body, duplicates, warnings);
      const { namespace } = locate(def, request);
      return createObject(def, request, ctx, body, { namespace }, warnings, (obj) => track(def, ctx, opts.manager, undefined, obj));
    },
    { verb: 'create', resource: def.resource },
  );
}

/** Shared by POST and by a server-side apply that creates: the registry creates, the answer is a 201. */
async function createObject(def: ResourceDefinition, request: Request, ctx: Ctx, body: Record<string, unknown>, url: { namespace?: string; name?: string }, warnings: string[], manage: (obj: KObject) => KObject) {
  const obj = admitBody(def, body, url);
  const stored = await create(registryEnv(ctx), def, obj, { dryRun: dryRun(request), manage: (_, next) => manage(next) });
  return withWarnings(respond(def, request, ctx, stored, 201), warnings);
}

/**
 * Shared tail of PUT and PATCH: `next` sees the object as stored at the moment of the write, so a patch
 * applies to the latest version and never loses a concurrent change (the registry's GuaranteedUpdate).
 */
async function replace(
  def: ResourceDefinition,
  request: Request,
  ctx: Ctx,
  url: { namespace?: string; name: string },
  next: (current: KObject) => Record<string, unknown>,
  warnings: string[],
  manage: (current: KObject, merged: KObject) => KObject,
) {
  const tryUpdate = (current: KObject) => admitBody(def, next(current), { namespace: current.metadata.namespace, name: current.metadata.name });
  const stored = await update(registryEnv(ctx), def, url.namespace, url.name, tryUpdate, { dryRun: dryRun(request), manage: (current, merged) => manage(current!, merged) });
  return withWarnings(respond(def, request, ctx, stored), warnings);
}

export function updateHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PUT',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const opts = writeOptions(request, 'update');
      const warnings: string[] = [];
      const { body, duplicates } = await decodeDocument(request);
      checkFields(def, opts, body, duplicates, warnings);
      const meta = (body.metadata ?? {}) as Record<string, unknown>;
      if (!meta.resourceVersion && def.allowUnconditionalUpdate === false) {
        throw invalid(def, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
      return replace(def, request, ctx, { namespace, name }, () => body, warnings, (current, merged) => track(def, ctx, opts.manager, current, merged));
    },
    { verb: 'update', resource: def.resource },
  );
}

const APPLY = 'application/apply-patch+yaml';
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', APPLY];

/** A patch body: JSON (an object, or a list of operations for a JSON patch), YAML for an apply. */
export async function decodePatch(request: Request, type: string): Promise<{ patch: unknown; duplicates: string[] }> {
  const text = await readBody(request);
  if (!text.trim()) throw badRequest('the patch is empty');
  const { value, duplicates } = parseText(text, type === APPLY ? 'YAML' : 'JSON');
  if (type === APPLY && (!value || typeof value !== 'object' || Array.isArray(value))) throw badRequest('error decoding YAML: the apply patch must be an object');
  return { patch: value, duplicates: type === 'application/json-patch+json' ? [] : duplicates };
}

/** The patched form of `current` for the three classic patch types. */
export function patched(def: ResourceDefinition, type: string, current: KObject, patch: unknown): Record<string, unknown> {
  const copy = structuredClone(current) as unknown as Record<string, unknown>;
  let next: unknown;
  if (type === 'application/json-patch+json') next = jsonPatch(copy, patch);
  else if (type === 'application/merge-patch+json') next = mergePatch(copy, patch);
  else next = strategicMergePatch(copy, patch, schemaIndex(), def);
  if (!next || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the patch did not produce an object');
  // As after decoding a body: a null left in the result (a JSON patch value, a merge of null into a
  // list item) means "not set" to Go's decoder.
  return dropNulls(next) as Record<string, unknown>;
}

/** Only a resourceVersion the patch itself sets is a precondition. */
function keepPrecondition(next: Record<string, unknown>, patch: unknown) {
  if (!next || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the patch did not produce an object');
  const patchMeta = (Array.isArray(patch) ? {} : ((patch as Record<string, unknown>)?.metadata ?? {})) as Record<string, unknown>;
  const meta = (next.metadata ?? {}) as KObject['metadata'];
  if (!patchMeta.resourceVersion) delete meta.resourceVersion;
}

export function patchHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PATCH',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      const type = mediaType(request);
      if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(type, PATCH_TYPES);
      const opts = writeOptions(request, 'patch', type === APPLY);
      const { patch, duplicates } = await decodePatch(request, type);
      const warnings: string[] = [];
      if (type === APPLY) {
        const config = patch as Record<string, unknown>;
        if (!ctx.store.get(def, namespace, name)) {
          // An apply creates what does not exist yet.
          const created = applyConfig(def, ctx, opts, undefined, config) as unknown as Record<string, unknown>;
          checkApplyDuplicates(opts, duplicates, warnings);
          return createObject(def, request, ctx, created, { namespace, name }, warnings, (obj) => obj);
        }
        return replace(def, request, ctx, { namespace, name }, (current) => {
          const next = applyConfig(def, ctx, opts, current, config) as unknown as Record<string, unknown>;
          checkApplyDuplicates(opts, duplicates, warnings);
          keepPrecondition(next, config);
          return next;
        }, warnings, (_, merged) => merged);
      }
      return replace(def, request, ctx, { namespace, name }, (current) => {
        const next = patched(def, type, current, patch);
        warnings.length = 0;
        checkFields(def, opts, next, duplicates, warnings, patch);
        keepPrecondition(next, patch);
        return next;
      }, warnings, (current, merged) => track(def, ctx, opts.manager, current, merged));
    },
    { verb: 'patch', resource: def.resource },
  );
}

async function deleteOptions(request: Request): Promise<DeleteOptions> {
  if (!request.body) return {};
  // Read once, within the body limit: an unbounded read of a DELETE body was a way around it.
  const text = await readBody(request);
  const options: DeleteOptions = text.trim() ? await decodeBody(new Request(request.url, { method: 'POST', headers: request.headers, body: text })) : {};
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
      const options = await deleteOptions(request);
      const result = await remove(registryEnv(ctx), def, namespace, name, options, { dryRun: dryRun(request, options) });
      if (!result.deleted) return respond(def, request, ctx, result.object);
      return jsonResponse(success({ name, group: def.group, kind: def.plural, uid: result.object.metadata.uid }));
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
      const items = await removeCollection(registryEnv(ctx), def, namespace, (o) => labels(o) && fields(o), options, { dryRun: dryRun(request, options) });
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
async function writeStatus(def: ResourceDefinition, request: Request, ctx: Ctx, manager: string, next: (current: KObject) => unknown, applied = false) {
  const { namespace, name } = requireItem(def, request);
  // An apply computed the object's managedFields already; other writes are tracked here.
  let appliedFields: unknown;
  const tryUpdate = (current: KObject) => {
    const obj = next(current) as KObject;
    if (!obj || typeof obj !== 'object') throw badRequest('the request did not produce an object');
    schemaIndex().dropUnknownFields(def, obj);
    appliedFields = obj.metadata?.managedFields;
    return obj;
  };
  const manage = (current: KObject | undefined, result: KObject) =>
    applied ? ({ ...result, metadata: { ...result.metadata, managedFields: appliedFields } } as KObject) : track(def, ctx, manager, current, result, 'status');
  const stored = await update(registryEnv(ctx), def, namespace, name, tryUpdate, { subresource: 'status', dryRun: dryRun(request), manage });
  return respond(def, request, ctx, stored);
}

export function statusUpdateHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PUT',
    [subresourcePath(def, 'status')],
    async (request, ctx) => {
      const opts = writeOptions(request, 'update');
      const body = await decodeBody(request);
      return writeStatus(def, request, ctx, opts.manager, () => body);
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
      const opts = writeOptions(request, 'patch', type === APPLY);
      const { patch } = await decodePatch(request, type);
      if (type === APPLY) {
        return writeStatus(def, request, ctx, opts.manager, (current) => {
          const next = applyConfig(def, ctx, opts, current, patch as Record<string, unknown>, 'status') as unknown as Record<string, unknown>;
          keepPrecondition(next, patch);
          return next;
        }, true);
      }
      return writeStatus(def, request, ctx, opts.manager, (current) => {
        const next = patched(def, type, current, patch);
        keepPrecondition(next, patch);
        return next;
      });
    },
    { verb: 'patch', resource: def.resource, subresource: 'status' },
  );
}

/** A workload seen through `/scale`: an autoscaling/v1 Scale, as `kubectl scale` and autoscalers use it. */
function toScale(obj: KObject): Record<string, unknown> {
  const o = obj as KObject & { spec?: { replicas?: number; selector?: unknown }; status?: { replicas?: number } };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
  };
}

const SCALE_KIND = { kind: 'Scale', group: 'autoscaling', plural: 'scale' };

/** Writes through `/scale` change spec.replicas only; a resourceVersion in the Scale is a precondition. */
async function writeScale(def: ResourceDefinition, request: Request, ctx: Ctx, manager: string, next: (scale: Record<string, unknown>) => unknown) {
  const { namespace, name } = requireItem(def, request);
  const tryUpdate = (current: KObject) => {
    const scale = next(toScale(current)) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
    const replicas = scale?.spec?.replicas;
    if (replicas === undefined || !Number.isInteger(replicas) || (replicas as number) < 0) {
      throw invalid(SCALE_KIND, name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const spec = { ...((current as { spec?: object }).spec ?? {}), replicas };
    return { ...current, spec, metadata: { ...current.metadata, resourceVersion: scale.metadata?.resourceVersion } } as KObject;
  };
  const manage = (current: KObject | undefined, updated: KObject) => track(def, ctx, manager, current, updated, 'scale');
  return jsonResponse(toScale(await update(registryEnv(ctx), def, namespace, name, tryUpdate, { dryRun: dryRun(request), manage })));
}

export function scaleGetHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'GET',
    [subresourcePath(def, 'scale')],
    async (request, ctx) => {
      const { namespace, name } = requireItem(def, request);
      return jsonResponse(toScale(getExisting(ctx, def, namespace, name)));
    },
    { verb: 'get', resource: def.resource, subresource: 'scale' },
  );
}

export function scaleUpdateHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PUT',
    [subresourcePath(def, 'scale')],
    async (request, ctx) => {
      const opts = writeOptions(request, 'update');
      const body = await decodeBody(request);
      return writeScale(def, request, ctx, opts.manager, () => body);
    },
    { verb: 'update', resource: def.resource, subresource: 'scale' },
  );
}

export function scalePatchHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'PATCH',
    [subresourcePath(def, 'scale')],
    async (request, ctx) => {
      const type = mediaType(request);
      const accepted = PATCH_TYPES.filter((t) => t !== APPLY);
      if (!accepted.includes(type)) throw unsupportedMediaType(type, accepted);
      const opts = writeOptions(request, 'patch');
      const { patch } = await decodePatch(request, type);
      return writeScale(def, request, ctx, opts.manager, (scale) => {
        const copy = structuredClone(scale);
        // A Scale has no merge keys: a strategic merge patch is a merge patch here.
        const next = type === 'application/json-patch+json' ? jsonPatch(copy, patch) : mergePatch(copy, patch);
        keepPrecondition(next as Record<string, unknown>, patch);
        return next;
      });
    },
    { verb: 'patch', resource: def.resource, subresource: 'scale' },
  );
}
