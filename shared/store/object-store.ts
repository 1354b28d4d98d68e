import type { ResourceDefinition } from '../api/resource';
import { alreadyExists, conflict, notFound } from '../api/status';
import type { Clock } from '../ctx';
import type { KObject } from '../k8s/meta';
import { rfc3339 } from '../k8s/time';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  type: ChangeType;
  resource: string;
  object: KObject;
  /** The object before a MODIFIED change, so filtered watches can tell objects entering or leaving. */
  previous?: KObject;
  rv: number;
}

/** Where objects live between restarts; the bridge writes files, tests keep nothing. */
export interface Persistence {
  write(resource: string, obj: KObject): Promise<void>;
  remove(resource: string, obj: KObject): Promise<void>;
  /** Remembers the counter so that it never goes back after deleting the newest object and restarting. */
  writeResourceVersion(rv: number): Promise<void>;
}

export interface StoredObject {
  resource: string;
  object: KObject;
}

export interface StoreOptions {
  clock: Clock;
  persistence?: Persistence;
  objects?: StoredObject[];
  resourceVersion?: number;
  /** How many changes are kept for watches that resume from a resourceVersion. */
  historySize?: number;
}

type Def = Pick<ResourceDefinition, 'resource' | 'plural' | 'group' | 'kind' | 'namespaced'> & Partial<Pick<ResourceDefinition, 'allocate'>>;

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Everything but metadata and status: a change here is a new generation. */
function specOf(obj: KObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/**
 * The API objects, in memory for reads, persisted through `Persistence` before a write is acknowledged.
 * Objects handed out are frozen: callers clone before they change one.
 *
 * Writes to one object go one at a time; writes to different objects persist side by side, so none
 * waits for another's disk write. Each takes its resourceVersion and its place in the commit order at
 * once, and commits (memory, watchers) only after every lower resourceVersion has committed or failed,
 * so watchers still see resourceVersions in order. Kinds that allocate unique values among all their
 * objects (ClusterIPs, node ports) write alone, as every write once did.
 */
export class ObjectStore {
  private readonly byResource = new Map<string, Map<string, KObject>>();
  private readonly listeners = new Set<(change: Change) => void>();
  private readonly history: Change[] = [];
  private readonly historySize: number;
  private historyStart: number;
  private rv: number;
  /** The last resourceVersion handed to a write (committed or not). */
  private assigned: number;
  /** What a write waits for before it may commit: the previous write's turn. */
  private commitTail: Promise<void> = Promise.resolve();
  /** The last write that runs alone; every later write waits for it. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly active = new Set<Promise<unknown>>();
  private readonly keyTails = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: StoreOptions) {
    this.historySize = opts.historySize ?? 10_000;
    let rv = opts.resourceVersion ?? 0;
    for (const { resource, object } of opts.objects ?? []) {
      this.bucket(resource).set(key(object.metadata.namespace, object.metadata.name), deepFreeze(object));
      rv = Math.max(rv, Number(object.metadata.resourceVersion ?? 0));
    }
    this.rv = rv;
    this.assigned = rv;
    this.historyStart = rv;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get(def: Def, namespace: string | undefined, name: string): KObject | undefined {
    return this.byResource.get(def.resource)?.get(key(def.namespaced ? namespace : undefined, name));
  }

  /** Sorted by namespace then name, as etcd returns them. */
  list(def: Def, namespace?: string): KObject[] {
    const items = [...(this.byResource.get(def.resource)?.values() ?? [])].filter(
      (o) => namespace === undefined || o.metadata.namespace === namespace,
    );
    return items.sort((a, b) =>
      key(a.metadata.namespace, a.metadata.name) < key(b.metadata.namespace, b.metadata.name) ? -1 : 1,
    );
  }

  count(def: Def): number {
    return this.byResource.get(def.resource)?.size ?? 0;
  }

  /**
   * Stores a new object. `prepare` runs inside the write section, so what it takes from the other
   * objects (a ClusterIP, a node port) cannot be taken by a concurrent write.
   */
  create(def: Def, input: KObject, prepare?: (obj: KObject) => KObject): Promise<KObject> {
    return this.schedule(def, input.metadata.namespace, input.metadata.name, async () => {
      const { namespace, name } = input.metadata;
      if (this.get(def, namespace, name)) throw alreadyExists(def, name);
      const obj = prepare ? prepare(input) : input;
      const now = rfc3339(this.opts.clock.now());
      const rv = ++this.assigned;
      const stored: KObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: obj.metadata.uid ?? crypto.randomUUID(),
          resourceVersion: String(rv),
          generation: 1,
          creationTimestamp: obj.metadata.creationTimestamp ?? now,
        },
      };
      return this.ordered(() => this.opts.persistence?.write(def.resource, stored), () => this.commit('ADDED', def, stored, rv));
    });
  }

  /**
   * Replaces an object. `metadata.resourceVersion`, when set, is a precondition (optimistic concurrency);
   * uid and creationTimestamp always come from the stored object.
   */
  update(def: Def, obj: KObject): Promise<KObject> {
    return this.modify(def, obj.metadata.namespace, obj.metadata.name, () => obj);
  }

  /**
   * Read-modify-write of one object inside the store's write section, so that concurrent writers (a
   * client's patch, the runtime's status) never lose each other's changes. `change` sees the current
   * object and returns the next one (or undefined to leave it); it may throw an ApiError. A resourceVersion
   * in the returned object is a precondition.
   */
  modify(def: Def, namespace: string | undefined, name: string, change: (current: KObject) => KObject | undefined): Promise<KObject> {
    return this.schedule(def, namespace, name, async () => {
      const old = this.get(def, namespace, name);
      if (!old) throw notFound(def, name);
      const obj = change(old);
      if (!obj) return old;
      const { resourceVersion } = obj.metadata;
      if (resourceVersion && resourceVersion !== old.metadata.resourceVersion) {
        throw conflict(def, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const rv = ++this.assigned;
      const generation = (old.metadata.generation ?? 1) + (specOf(old) === specOf(obj) ? 0 : 1);
      const stored: KObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: old.metadata.uid,
          creationTimestamp: old.metadata.creationTimestamp,
          resourceVersion: String(rv),
          generation,
        },
      };
      return this.ordered(() => this.opts.persistence?.write(def.resource, stored), () => this.commit('MODIFIED', def, stored, rv, old));
    });
  }

  delete(def: Def, namespace: string | undefined, name: string): Promise<KObject> {
    return this.schedule(def, namespace, name, async () => {
      const old = this.get(def, namespace, name);
      if (!old) throw notFound(def, name);
      const rv = ++this.assigned;
      const gone: KObject = { ...old, metadata: { ...old.metadata, resourceVersion: String(rv) } };
      return this.ordered(
        async () => {
          await this.opts.persistence?.remove(def.resource, old);
          await this.opts.persistence?.writeResourceVersion(rv);
        },
        () => this.commit('DELETED', def, gone, rv),
      );
    });
  }

  /** Every change of every kind, in resourceVersion order, from now on. */
  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `rv`, or undefined when they are no longer kept (the client must list again). */
  changesSince(rv: number): Change[] | undefined {
    if (rv < this.historyStart) return undefined;
    const first = this.history.findIndex((c) => c.rv > rv);
    return first < 0 ? [] : this.history.slice(first);
  }

  private bucket(resource: string): Map<string, KObject> {
    let bucket = this.byResource.get(resource);
    if (!bucket) this.byResource.set(resource, (bucket = new Map()));
    return bucket;
  }

  private commit(type: ChangeType, def: Def, obj: KObject, rv: number, previous?: KObject): KObject {
    const ordered = deepFreeze(Object.assign({ apiVersion: obj.apiVersion, kind: obj.kind }, obj));
    const k = key(def.namespaced ? ordered.metadata.namespace : undefined, ordered.metadata.name);
    if (type === 'DELETED') this.bucket(def.resource).delete(k);
    else this.bucket(def.resource).set(k, ordered);
    this.rv = rv;
    const change: Change = { type, resource: def.resource, object: ordered, rv, previous };
    this.history.push(change);
    if (this.history.length > this.historySize) this.historyStart = this.history.shift()!.rv;
    for (const listener of this.listeners) listener(change);
    return ordered;
  }

  /**
   * Persists, then commits in resourceVersion order. Must be called in the same synchronous step that
   * took the resourceVersion, so that the turn it takes matches it.
   */
  private async ordered<T>(persist: () => Promise<void> | undefined, commit: () => T): Promise<T> {
    const previous = this.commitTail;
    let release!: () => void;
    this.commitTail = new Promise<void>((resolve) => (release = resolve));
    try {
      await persist();
      await previous;
      return commit();
    } finally {
      // A write that failed to persist gives its turn up: its resourceVersion is simply never seen.
      await previous;
      release();
    }
  }

  /** Runs a write after the earlier writes of the same object (all earlier writes, for allocating kinds). */
  private schedule<T>(def: Def, namespace: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
    const alone = typeof def.allocate === 'function';
    const barrier = this.exclusive;
    let run: Promise<T>;
    if (alone) {
      run = Promise.allSettled([barrier, ...this.active]).then(work);
      this.exclusive = run.catch(() => undefined);
    } else {
      const k = `${def.resource}\0${key(def.namespaced ? namespace : undefined, name)}`;
      run = Promise.allSettled([barrier, this.keyTails.get(k)]).then(work);
      const settled = run.catch(() => undefined);
      this.keyTails.set(k, settled);
      void settled.then(() => {
        if (this.keyTails.get(k) === settled) this.keyTails.delete(k);
      });
    }
    const tracked = run.catch(() => undefined);
    this.active.add(tracked);
    void tracked.then(() => this.active.delete(tracked));
    return run;
  }
}
