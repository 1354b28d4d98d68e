import type { Clock, Queue } from '../ctx';
import type { KObject } from '../k8s/meta';
import { randomSuffix } from '../k8s/names';
import { rfc3339 } from '../k8s/time';
import type { DeleteOptions, ResourceDefinition } from '../api/resource';
import { ApiError, conflict, forbidden, ignoring, invalid, notFound, type StatusCause } from '../api/status';
import { validateObject } from '../api/validation';
import { namespaces } from '../resources/namespaces';
import type { ObjectStore } from '../store/object-store';

// The one write path, after the apiserver's generic registry Store: every create, update and delete —
// from an HTTP handler, a controller, the garbage collector or bootstrap — runs the kind's strategy here
// (defaults, prepareForCreate/Update, validation, namespace admission, allocation, graceful delete,
// finalizers, propagation) and hands the kind's runtime work to the queue. Decoding, field validation
// and managedFields belong to the HTTP layer and arrive as `manage`.

/** What the write path works with: a subset of a handler's ctx, or what the runtime gives its controllers. */
export interface RegistryEnv {
  store: ObjectStore;
  queue: Pick<Queue, 'submit'>;
  clock: Clock;
  /** The one node's name: pods are bound to it as a scheduler would. */
  nodeName: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Records who changed what (metadata.managedFields); runs last, on the object about to be stored. */
  manage?: (old: KObject | undefined, next: KObject) => KObject;
}

export interface UpdateOptions extends WriteOptions {
  /**
   * `status`: only the status of the result is kept, as the apiserver's status strategy does;
   * `ephemeralcontainers`: only a pod's spec.ephemeralContainers (additions, as its strategy allows).
   */
  subresource?: 'status' | 'ephemeralcontainers';
}

/** A delete either removed the object or left it marked (graceful delete, finalizers pending). */
export type DeleteResult = { deleted: true; object: KObject } | { deleted: false; object: KObject };

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** The handlers' ctx as a registry env. */
export const registryEnv = (ctx: { store: ObjectStore; queue: Pick<Queue, 'submit'>; clock: Clock; server: { nodeName: string } }): RegistryEnv => ({
  store: ctx.store,
  queue: ctx.queue,
  clock: ctx.clock,
  nodeName: ctx.server.nodeName,
});

const SYSTEM_FIELDS = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

/** A namespaced object can only be created in a namespace that exists and is not being deleted. */
function admitNamespace(env: RegistryEnv, def: ResourceDefinition, namespace: string, name: string) {
  const ns = env.store.get(namespaces, undefined, namespace);
  if (!ns) throw notFound(namespaces, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(`${def.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
      name,
      kind: def.plural,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

function admitWritable(def: ResourceDefinition, obj: KObject) {
  const why = def.readOnly?.(obj);
  if (why) throw forbidden(`${def.resource} "${obj.metadata.name}" is forbidden: ${why}`, { name: obj.metadata.name, group: def.group, kind: def.plural });
}

/** The kind's unique values (ClusterIPs, node ports), taken among all its other objects. */
function allocate(env: RegistryEnv, def: ResourceDefinition, obj: KObject, old?: KObject): KObject {
  if (!def.allocate) return obj;
  const copy = structuredClone(obj);
  const others = env.store.list(def).filter((o) => o.metadata.uid !== old?.metadata.uid && !(o.metadata.namespace === copy.metadata.namespace && o.metadata.name === copy.metadata.name));
  def.allocate(copy, others, old);
  return copy;
}

/** Runtime work for an object of a kind the runtime realizes, in the kind's queue position. */
async function enqueue(env: RegistryEnv, def: ResourceDefinition, obj: KObject, action: 'apply' | 'delete') {
  if (!def.realizedByRuntime) return;
  await env.queue.submit({ resource: def.resource, namespace: obj.metadata.namespace, name: obj.metadata.name, action }, def.priority ?? 'medium');
}

/**
 * The kind's defaulting. It assumes well-typed fields (`spec.template: "x"`, `data: 0`, `ports: {}`
 * break it): a type error in the input is the 422 it causes, not a 500.
 */
function defaulted(def: ResourceDefinition, obj: KObject, old?: KObject) {
  try {
    def.defaults?.(obj);
  } catch (err) {
    const causes = err instanceof ApiError ? [] : validateObject(def, obj, old);
    if (causes.length) throw invalid(def, obj.metadata.name, causes);
    throw err;
  }
}

function validated(def: ResourceDefinition, obj: KObject, old?: KObject) {
  const causes = validateObject(def, obj, old);
  if (causes.length) throw invalid(def, obj.metadata.name, causes);
}

/**
 * Creates an object: name from generateName, defaults, validation, namespace admission, the kind's
 * prepareForCreate, allocation inside the store's write section, then the runtime's work. An object
 * whose synchronous runtime work fails is taken back: nothing half-created.
 */
export async function create(env: RegistryEnv, def: ResourceDefinition, input: KObject, opts: WriteOptions = {}): Promise<KObject> {
  const obj = structuredClone(input);
  const metadata = (obj.metadata ??= {} as KObject['metadata']);
  if (!def.namespaced) delete metadata.namespace;
  if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}${randomSuffix()}`;
  if (!metadata.name) {
    throw invalid(def, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  defaulted(def, obj);
  validated(def, obj);
  if (def.namespaced) admitNamespace(env, def, metadata.namespace!, metadata.name);
  let fresh = obj;
  delete fresh.status;
  for (const field of SYSTEM_FIELDS) delete fresh.metadata[field];
  def.prepareForCreate?.(fresh, { now: env.clock.now(), nodeName: env.nodeName });
  if (opts.manage) fresh = opts.manage(undefined, fresh);
  if (opts.dryRun) {
    if (env.store.get(def, fresh.metadata.namespace, fresh.metadata.name)) throw conflict(def, fresh.metadata.name, 'already exists');
    return allocate(env, def, fresh);
  }
  const stored = await env.store.create(def, fresh, (o) => allocate(env, def, o));
  try {
    await enqueue(env, def, stored, 'apply');
  } catch (err) {
    await env.store.delete(def, stored.metadata.namespace, stored.metadata.name).catch(() => undefined);
    throw err;
  }
  return stored;
}

/**
 * The apiserver's GuaranteedUpdate: `tryUpdate` sees the object as stored at the moment of the write
 * (inside the store's write section), so an update never loses a concurrent change; a resourceVersion in
 * its result is a precondition (409 when stale). System fields come from the stored object, status too
 * (or everything but status, for the status subresource). An object being deleted whose last finalizer
 * goes is removed (or, for runtime kinds, handed to the runtime to finish).
 */
export async function update(
  env: RegistryEnv,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  tryUpdate: (current: KObject) => KObject | undefined,
  opts: UpdateOptions = {},
): Promise<KObject> {
  const existing = env.store.get(def, namespace, name);
  if (!existing) throw notFound(def, name);
  admitWritable(def, existing);
  let unchanged = false;
  const merge = (current: KObject): KObject | undefined => {
    const next = tryUpdate(current);
    if (!next) {
      unchanged = true;
      return undefined;
    }
    if (typeof next !== 'object') throw new ApiError(400, 'BadRequest', 'the request did not produce an object');
    if (opts.subresource === 'status') return prepareStatusUpdate(def, current, next, opts);
    if (opts.subresource === 'ephemeralcontainers') return prepareEphemeralUpdate(def, current, next, opts);
    return prepareUpdate(env, def, current, next, opts);
  };
  if (opts.dryRun) {
    const current = env.store.get(def, namespace, name) ?? existing;
    const merged = merge(current) ?? current;
    if (merged.metadata.resourceVersion && merged.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(def, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return { ...merged, metadata: { ...merged.metadata, resourceVersion: current.metadata.resourceVersion } };
  }
  let generation: number | undefined;
  const stored = await env.store.modify(def, namespace, name, (current) => {
    generation = current.metadata.generation;
    return merge(current);
  });
  if (unchanged) return stored;
  if (stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length) {
    if (def.realizedByRuntime) await enqueue(env, def, stored, 'delete');
    else await env.store.delete(def, stored.metadata.namespace, stored.metadata.name).catch(() => undefined);
    return stored;
  }
  if (stored.metadata.generation !== generation) await enqueue(env, def, stored, 'apply');
  return stored;
}

function prepareUpdate(env: RegistryEnv, def: ResourceDefinition, current: KObject, next: KObject, opts: UpdateOptions): KObject {
  const obj = { ...next, metadata: { ...(next.metadata ?? {}), name: current.metadata.name } } as KObject;
  if (def.namespaced) obj.metadata.namespace = current.metadata.namespace;
  else delete obj.metadata.namespace;
  defaulted(def, obj, current);
  def.prepareForUpdate?.(obj, current);
  const causes = def.validateUpdate ? [...validateObject(def, obj), ...def.validateUpdate(obj, current)] : validateObject(def, obj, current);
  if (causes.length) throw invalid(def, obj.metadata.name, causes);
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
  // Status belongs to the system: a write of the object itself keeps the stored status.
  if (current.status !== undefined) merged.status = current.status;
  else delete merged.status;
  const allocated = allocate(env, def, merged, current);
  return opts.manage ? opts.manage(current, allocated) : allocated;
}

/** The status strategy: the stored object with the new status; a resourceVersion given is a precondition. */
function prepareStatusUpdate(def: ResourceDefinition, current: KObject, next: KObject, opts: UpdateOptions): KObject {
  const result = { ...current, status: next.status, metadata: { ...current.metadata, resourceVersion: next.metadata?.resourceVersion } } as KObject;
  if (result.status === undefined) delete result.status;
  const causes = validateObject(def, result);
  if (causes.length) throw invalid(def, current.metadata.name, causes);
  return opts.manage ? opts.manage(current, result) : result;
}

/**
 * The ephemeral containers strategy: the stored pod with the new list. Ephemeral containers cannot be
 * changed or removed once added (the apiserver's ValidatePodEphemeralContainersUpdate).
 */
function prepareEphemeralUpdate(def: ResourceDefinition, current: KObject, next: KObject, opts: UpdateOptions): KObject {
  type Spec = { ephemeralContainers?: Array<{ name: string }> };
  const before = (current as { spec?: Spec }).spec?.ephemeralContainers ?? [];
  const after = (next as { spec?: Spec }).spec?.ephemeralContainers ?? [];
  const causes: StatusCause[] = [];
  for (const old of before) {
    const now = after.find((c) => c.name === old.name);
    if (!now) causes.push({ reason: 'FieldValueForbidden', field: 'spec.ephemeralContainers', message: `Forbidden: existing ephemeral containers "${old.name}" may not be removed` });
    else if (JSON.stringify(now) !== JSON.stringify(old)) causes.push({ reason: 'FieldValueForbidden', field: `spec.ephemeralContainers[${after.indexOf(now)}]`, message: `Forbidden: existing ephemeral containers "${old.name}" may not be changed` });
  }
  const spec = { ...((current as { spec?: object }).spec ?? {}), ephemeralContainers: after };
  const result = { ...current, spec, metadata: { ...current.metadata, resourceVersion: next.metadata?.resourceVersion } } as KObject;
  causes.push(...validateObject(def, result));
  if (causes.length) throw invalid(def, current.metadata.name, causes);
  return opts.manage ? opts.manage(current, result) : result;
}

const PROPAGATION = ['Orphan', 'Background', 'Foreground'];

/**
 * Deletes an object, as the apiserver's Store.Delete does: preconditions, the kind's own checks,
 * propagation (Foreground and Orphan are finalizers the garbage collector works off), finalizers (an
 * object with any stays, marked), and graceful deletion for kinds the runtime realizes (marked, then
 * removed by the runtime once Docker is clean). A second delete with a shorter grace period shortens it.
 */
export async function remove(env: RegistryEnv, def: ResourceDefinition, namespace: string | undefined, name: string, options: DeleteOptions = {}, opts: WriteOptions = {}): Promise<DeleteResult> {
  const old = env.store.get(def, namespace, name);
  if (!old) throw notFound(def, name);
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== old.metadata.uid) {
    throw conflict(def, old.metadata.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(def, old.metadata.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  }
  admitWritable(def, old);
  def.validateDelete?.(old);
  const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
  if (policy !== undefined && !PROPAGATION.includes(policy)) {
    throw invalid({ kind: 'DeleteOptions', group: 'meta.k8s.io', plural: '' }, '', [
      { reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  if (opts.dryRun) return { deleted: false, object: old };
  const add = policy === 'Foreground' ? FOREGROUND : policy === 'Orphan' ? ORPHAN : undefined;
  if (!def.realizedByRuntime) {
    const finalizers = [...new Set([...(old.metadata.finalizers ?? []), ...(add ? [add] : [])])];
    if (!finalizers.length) return { deleted: true, object: await env.store.delete(def, namespace, name) };
    const marked = await env.store.modify(def, namespace, name, (current) => ({
      ...current,
      metadata: { ...current.metadata, finalizers, deletionTimestamp: current.metadata.deletionTimestamp ?? rfc3339(env.clock.now()), deletionGracePeriodSeconds: 0 },
    }));
    return { deleted: false, object: marked };
  }
  const grace = def.checkGracefulDelete?.(old, options) ?? 0;
  const shorter = grace < (old.metadata.deletionGracePeriodSeconds ?? Infinity);
  if (old.metadata.deletionTimestamp && !shorter && !add) return { deleted: false, object: old };
  const marked = await env.store.modify(def, namespace, name, (current) => {
    const finalizers = [...new Set([...(current.metadata.finalizers ?? []), ...(add ? [add] : [])])];
    const next = structuredClone(current) as KObject;
    if (finalizers.length) next.metadata.finalizers = finalizers;
    if (!current.metadata.deletionTimestamp || shorter) {
      next.metadata.deletionTimestamp = rfc3339(new Date(env.clock.now().getTime() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
    }
    def.prepareForDelete?.(next);
    return next;
  });
  await enqueue(env, def, marked, 'delete');
  return { deleted: false, object: marked };
}

/** Deletes every object the filter takes, each through `remove`; answers what each delete left. */
export async function removeCollection(env: RegistryEnv, def: ResourceDefinition, namespace: string | undefined, filter: (o: KObject) => boolean, options: DeleteOptions = {}, opts: WriteOptions = {}): Promise<KObject[]> {
  const items: KObject[] = [];
  for (const obj of env.store.list(def, namespace).filter(filter)) {
    // Gone meanwhile (a concurrent delete, the garbage collector): nothing left to delete.
    const result = await remove(env, def, obj.metadata.namespace, obj.metadata.name, options, opts).catch(ignoring(404));
    if (result) items.push(result.object);
  }
  return items;
}

/**
 * The runtime's last step of a delete: its Docker (or disk) side is clean, so the object goes — unless
 * it was replaced meanwhile (another uid) or finalizers still hold it.
 */
export async function finishDelete(env: RegistryEnv, def: ResourceDefinition, obj: KObject): Promise<boolean> {
  const current = env.store.get(def, obj.metadata.namespace, obj.metadata.name);
  if (!current || current.metadata.uid !== obj.metadata.uid || current.metadata.finalizers?.length) return false;
  await env.store.delete(def, obj.metadata.namespace, obj.metadata.name).catch(() => undefined);
  return true;
}
