import type { Ctx } from '../ctx';
import type { KObject } from '../k8s/meta';
import { rfc3339 } from '../k8s/time';
import { apply, updateManagedFields } from '../k8s/apply';
import { jsonPatch, mergePatch } from '../k8s/patch';
import { strategicMergePatch } from '../k8s/strategic-merge';
import { namespaces } from '../resources/namespaces';
import { registry } from '../resources/index';
import { selectorString } from '../resources/workloads';
import { dryRun, decodeBody, decodeDocument, dropNulls, mediaType, parseText, readBody, rendering } from './request';
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
  type StatusCause,
} from './status';
import { toTable } from './table';
import { validateObject } from './validation';
import { watchResponse } from './watch';
import { warningHeaders } from './warnings';
import { randomSuffix } from '../k8s/names';

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
  return { manager: given || agent, force: force === 'true', validation: validation as FieldValidation };
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
function track(def: ResourceDefinition, ctx: Ctx, manager: string, old: KObject | undefined, next: KObject, subresource?: string): KObject {
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
  try {
    def.defaults?.(obj);
  } catch (err) {
    // Defaulting assumes well-typed fields (`spec.template: "x"`, `data: 0`, `ports: {}` broke it): a
    // type error in the input is the 422 it causes, not a 500.
    const causes = err instanceof ApiError ? [] : validateObject(def, obj, old);
    if (causes.length) throw invalid(def, metadata.name, causes);
    throw err;
  }
  const causes = validateObject(def, obj, old);
  if (causes.length) throw invalid(def, metadata.name, causes);
  return obj;
}

/** The kind's unique values (ClusterIPs, node ports), taken among all its other objects. */
function allocate(def: ResourceDefinition, ctx: Ctx, obj: KObject, old?: KObject): KObject {
  if (!def.allocate) return obj;
  const copy = structuredClone(obj);
  const others = ctx.store.list(def).filter((o) => o.metadata.uid !== old?.metadata.uid && !(o.metadata.namespace === copy.metadata.namespace && o.metadata.name === copy.metadata.name));
  def.allocate(copy, others, old);
  return copy;
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

/** Shared by POST and by a server-side apply that creates: admit, default, store, enqueue, answer 201. */
async function createObject(def: ResourceDefinition, request: Request, ctx: Ctx, body: Record<string, unknown>, url: { namespace?: string; name?: string }, warnings: string[], manage: (obj: KObject) => KObject) {
  const obj = admit(def, request, body, url);
  if (def.namespaced) checkNamespace(ctx, def, obj.metadata.namespace!, obj.metadata.name);
  let fresh = structuredClone(obj);
  delete fresh.status;
  for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    delete fresh.metadata[field];
  }
  def.prepareForCreate?.(fresh, { now: ctx.clock.now(), nodeName: ctx.server.nodeName });
  fresh = manage(fresh);
  if (dryRun(request)) {
    if (ctx.store.get(def, fresh.metadata.namespace, fresh.metadata.name)) throw conflict(def, fresh.metadata.name, 'already exists');
    return withWarnings(respond(def, request, ctx, allocate(def, ctx, fresh), 201), warnings);
  }
  const stored = await ctx.store.create(def, fresh, (obj) => allocate(def, ctx, obj));
  try {
    await enqueue(ctx, def, stored, 'apply');
  } catch (err) {
    // Nothing half-created: an object whose synchronous Docker work failed is taken back.
    await ctx.store.delete(def, stored.metadata.namespace, stored.metadata.name).catch(() => undefined);
    throw err;
  }
  return withWarnings(respond(def, request, ctx, stored, 201), warnings);
}

/**
 * Shared tail of PUT and PATCH: the new object replaces the current one; status belongs to the system.
 * `next` sees the object as stored at the moment of the write (inside the store's write section), so a
 * patch is applied to the latest version and never loses a concurrent change, as the apiserver's
 * GuaranteedUpdate does.
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
    return manage(current, allocate(def, ctx, merged, current));
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
  // The last finalizer of an object being deleted was just removed: it goes now.
  if (!def.priority && stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length) {
    await ctx.store.delete(def, stored.metadata.namespace, stored.metadata.name).catch(() => undefined);
    return withWarnings(respond(def, request, ctx, stored), warnings);
  }
  if (stored.metadata.generation !== before) await enqueue(ctx, def, stored, 'apply');
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
      getWritable(ctx, def, namespace, name);
      const meta = (body.metadata ?? {}) as Record<string, unknown>;
      if (!meta.resourceVersion) {
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
async function decodePatch(request: Request, type: string): Promise<{ patch: unknown; duplicates: string[] }> {
  const text = await readBody(request);
  if (!text.trim()) throw badRequest('the patch is empty');
  const { value, duplicates } = parseText(text, type === APPLY ? 'YAML' : 'JSON');
  if (type === APPLY && (!value || typeof value !== 'object' || Array.isArray(value))) throw badRequest('error decoding YAML: the apply patch must be an object');
  return { patch: value, duplicates: type === 'application/json-patch+json' ? [] : duplicates };
}

/** The patched form of `current` for the three classic patch types. */
function patched(def: ResourceDefinition, type: string, current: KObject, patch: unknown): Record<string, unknown> {
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
        getWritable(ctx, def, namespace, name);
        return replace(def, request, ctx, { namespace, name }, (current) => {
          const next = applyConfig(def, ctx, opts, current, config) as unknown as Record<string, unknown>;
          checkApplyDuplicates(opts, duplicates, warnings);
          keepPrecondition(next, config);
          return next;
        }, warnings, (_, merged) => merged);
      }
      getWritable(ctx, def, namespace, name);
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
  const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw invalid({ kind: 'DeleteOptions', group: 'meta.k8s.io', plural: '' }, '', [
      { reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  if (dryRun(request)) return old;
  if (!def.priority) {
    // Foreground and Orphan deletes are finalizers the garbage collector works off; any finalizer keeps
    // the object, marked for deletion, until it is removed.
    const add = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    const finalizers = [...new Set([...(old.metadata.finalizers ?? []), ...(add ? [add] : [])])];
    if (!finalizers.length) {
      await ctx.store.delete(def, old.metadata.namespace, old.metadata.name);
      return undefined;
    }
    return ctx.store.modify(def, old.metadata.namespace, old.metadata.name, (current) => ({
      ...current,
      metadata: { ...current.metadata, finalizers, deletionTimestamp: current.metadata.deletionTimestamp ?? rfc3339(ctx.clock.now()), deletionGracePeriodSeconds: 0 },
    }));
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
async function writeStatus(def: ResourceDefinition, request: Request, ctx: Ctx, manager: string, next: (current: KObject) => unknown, applied = false) {
  const { namespace, name } = requireItem(def, request);
  getExisting(ctx, def, namespace, name);
  const write = (current: KObject) => {
    const obj = next(current) as KObject;
    if (!obj || typeof obj !== 'object') throw badRequest('the request did not produce an object');
    schemaIndex().dropUnknownFields(def, obj);
    const rv = obj.metadata?.resourceVersion;
    let result = { ...current, status: obj.status, metadata: { ...current.metadata, resourceVersion: rv } } as KObject;
    const causes = validateObject(def, result);
    if (causes.length) throw invalid(def, name, causes);
    if (applied) result.metadata.managedFields = obj.metadata?.managedFields;
    else result = track(def, ctx, manager, current, result, 'status');
    return result;
  };
  if (dryRun(request)) return respond(def, request, ctx, write(getExisting(ctx, def, namespace, name)));
  const stored = await ctx.store.modify(def, namespace, name, write);
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
  getWritable(ctx, def, namespace, name);
  const write = (current: KObject) => {
    const scale = next(toScale(current)) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
    const replicas = scale?.spec?.replicas;
    if (replicas === undefined || !Number.isInteger(replicas) || (replicas as number) < 0) {
      throw invalid(SCALE_KIND, name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const spec = { ...((current as { spec?: object }).spec ?? {}), replicas };
    const updated = { ...current, spec, metadata: { ...current.metadata, resourceVersion: scale.metadata?.resourceVersion } } as KObject;
    return track(def, ctx, manager, current, updated, 'scale');
  };
  if (dryRun(request)) return jsonResponse(toScale(write(getExisting(ctx, def, namespace, name))));
  const stored = await ctx.store.modify(def, namespace, name, write);
  return jsonResponse(toScale(stored));
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
