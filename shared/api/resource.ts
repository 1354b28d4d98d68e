import type { z } from 'zod';
import type { KObject } from '../k8s/meta';
import type { StatusCause } from './status';

export type Verb = 'list' | 'get' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'watch';

/**
 * Where a kind's Docker work goes: `sync` is done before the API answers (namespaces: their network must
 * exist before anything is created in them); the others are creation-queue priorities.
 */
export type Priority = 'sync' | 'high' | 'medium' | 'low';

export interface Column<T> {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = always shown, 1 = only with `-o wide` (the apiserver's convention). */
  priority?: number;
  cell: (obj: T, now: Date) => string | number | boolean | null;
}

/** What a kind's hooks may know of the server. */
export interface HookContext {
  now: Date;
  /** The one node's name: pods are bound to it as a scheduler would. */
  nodeName: string;
}

/** metav1.DeleteOptions, as far as hooks use it. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  [field: string]: unknown;
}

export interface ResourceSpec<T extends KObject> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular?: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  /** The whole object; loose so unknown fields round-trip. Its `.meta({id})` names it in OpenAPI. */
  schema: z.ZodType;
  /** Table columns after NAME (and NAMESPACE, which kubectl adds itself). */
  columns: Column<T>[];
  /** `label` (63 chars, namespaces) or `subdomain` (253 chars, most kinds), as the apiserver validates. */
  nameFormat?: 'label' | 'subdomain';
  priority?: Priority;
  /** Subresources beyond the object itself; each is served and listed in discovery. */
  subresources?: Array<'status' | 'log' | 'scale' | 'exec' | 'attach' | 'portforward' | 'ephemeralcontainers'>;
  /** Extra field selectors beyond metadata.name/metadata.namespace. */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
  /**
   * Takes what must be unique among all objects of the kind (a Service's ClusterIP and node ports) on
   * create and update. Runs inside the store's write section; `others` are the kind's other objects.
   * Throws an ApiError (422/409) when a requested value is taken or invalid.
   */
  allocate?: (obj: T, others: T[], old?: T) => void;
  /** The apiserver's defaulting: runs on every create and update, before validation. */
  defaults?: (obj: T) => void;
  /** Fills server-side fields on create (status, finalizers...). */
  prepareForCreate?: (obj: T, hook: HookContext) => void;
  /** Adjusts an update before it is validated (`old` is the stored object). */
  prepareForUpdate?: (obj: T, old: T) => void;
  /** The kind's rules on create (and on update, with `old`, unless validateUpdate is given). */
  validate?: (obj: T, old?: T) => StatusCause[];
  /** Rules only an update has (immutable fields); the create rules run too. */
  validateUpdate?: (obj: T, old: T) => StatusCause[];
  /** May a PUT without a resourceVersion replace the object? The apiserver allows it for built-in kinds. */
  allowUnconditionalUpdate?: boolean;
  /**
   * Objects of this kind are realized by the runtime (containers, networks, files): their writes are
   * queued (at `priority`), their deletes are graceful — marked, then removed by the runtime once its
   * side is clean — and they are reconciled when Docker (re)connects.
   */
  realizedByRuntime?: boolean;
  /** A reason when the object may not be changed or deleted through the API at all. */
  readOnly?: (obj: T) => string | undefined;
  /** Throws an ApiError when the object may not be deleted (the built-in namespaces). */
  validateDelete?: (obj: T) => void;
  /** The grace period of a graceful delete, in seconds (0 when absent). Runtime kinds only. */
  checkGracefulDelete?: (obj: T, options: DeleteOptions) => number;
  /** Marks the object being deleted beyond deletionTimestamp (a namespace's Terminating phase). */
  prepareForDelete?: (obj: T) => void;
  /**
   * A valid object of the kind as a client sends it (no namespace, no server fields): the conformance
   * suite (test/unit/conformance.test.ts) creates, reads, watches and deletes it, so a kind is tested
   * the moment it is registered.
   */
  example?: { apiVersion: string; kind: string; metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>;
}

type Hooks = 'validate' | 'validateUpdate' | 'prepareForCreate' | 'prepareForUpdate' | 'priority' | 'validateDelete' | 'checkGracefulDelete' | 'prepareForDelete' | 'readOnly' | 'allocate' | 'defaults' | 'allowUnconditionalUpdate' | 'realizedByRuntime' | 'example';

export interface ResourceDefinition<T extends KObject = KObject> extends Required<Omit<ResourceSpec<T>, Hooks>>, Pick<ResourceSpec<T>, Hooks> {
  /** `v1` or `apps/v1`: what objects carry in apiVersion. */
  apiVersion: string;
  /** `/api/v1` or `/apis/apps/v1`. */
  prefix: string;
  /** `namespaces` or `deployments.apps`: the store's key space and the apiserver's message form. */
  resource: string;
}

/** A kind's definition; its hooks are typed by the kind inside, the result is uniform for the registry. */
export function defineResource<T extends KObject>(spec: ResourceSpec<T>): ResourceDefinition {
  const apiVersion = spec.group ? `${spec.group}/${spec.version}` : spec.version;
  return {
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    nameFormat: 'subdomain',
    subresources: [],
    fieldSelectors: {},
    ...spec,
    apiVersion,
    prefix: spec.group ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
    resource: spec.group ? `${spec.plural}.${spec.group}` : spec.plural,
  } as unknown as ResourceDefinition;
}

/** Collection and item paths in itty-router syntax, as the apiserver lays them out. */
export function resourcePaths(def: ResourceDefinition): { collection: string[]; item: string } {
  if (!def.namespaced) return { collection: [`${def.prefix}/${def.plural}`], item: `${def.prefix}/${def.plural}/:name` };
  const scoped = `${def.prefix}/namespaces/:namespace/${def.plural}`;
  return { collection: [`${def.prefix}/${def.plural}`, scoped], item: `${scoped}/:name` };
}
