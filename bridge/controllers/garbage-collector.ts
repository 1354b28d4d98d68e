import type { ResourceDefinition } from '../../shared/api/resource';
import type { Clock, Logger, Operation } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import { registry } from '../../shared/resources/index';
import type { ObjectStore } from '../../shared/store/object-store';

type Json = any;

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

export interface CollectorOptions {
  store: ObjectStore;
  clock: Clock;
  log: Logger;
  submit: (op: Operation, priority: 'high' | 'medium' | 'low') => Promise<void>;
}

const owners = (obj: KObject) => ((obj.metadata.ownerReferences ?? []) as Json[]).map((r) => r.uid as string);

/**
 * The garbage collector, after kube-controller-manager's: objects whose owners are gone go too
 * (Background), an owner deleted in the Foreground waits — finalizer `foregroundDeletion` — until its
 * dependents are gone, and an Orphan delete — finalizer `orphan` — strips the ownerReferences instead.
 * Dependents with Docker state (pods) are deleted gracefully, through the queue, like an API delete.
 */
export class GarbageCollector {
  private unsubscribe?: () => void;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly o: CollectorOptions) {}

  start() {
    this.unsubscribe = this.o.store.subscribe((change) => {
      const obj = change.object;
      if (change.type === 'DELETED') this.enqueue(() => this.collect(obj));
      else if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.length) this.enqueue(() => this.finalize(obj));
      // A dependent that left may be the last one a foreground-deleting owner waits for.
      if (change.type === 'DELETED' || obj.metadata.deletionTimestamp) {
        for (const uid of owners(obj)) {
          const owner = this.byUid(uid, obj.metadata.namespace);
          if (owner?.obj.metadata.finalizers?.includes(FOREGROUND)) this.enqueue(() => this.finalize(owner.obj));
        }
      }
    });
    // Owners deleted while the server was down: their dependents are collected now.
    this.enqueue(async () => {
      const uids = new Set(registry.flatMap((def) => this.o.store.list(def).map((o) => o.metadata.uid)));
      for (const def of registry) {
        for (const obj of this.o.store.list(def)) {
          const refs = owners(obj);
          if (refs.length && refs.every((uid) => !uids.has(uid))) await this.remove(def, obj);
        }
      }
      for (const def of registry) for (const obj of this.o.store.list(def)) if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.length) await this.finalize(obj);
    });
  }

  stop() {
    this.unsubscribe?.();
  }

  private enqueue(work: () => Promise<void>) {
    this.running = this.running.then(work).catch((err) => this.o.log.warn({ err: (err as Error).message }, 'garbage collection failed'));
  }

  async idle(): Promise<void> {
    let before: Promise<void>;
    do {
      before = this.running;
      await before;
    } while (before !== this.running);
  }

  private byUid(uid: string, namespace?: string): { def: ResourceDefinition; obj: KObject } | undefined {
    for (const def of registry) {
      for (const obj of this.o.store.list(def, def.namespaced ? namespace : undefined)) if (obj.metadata.uid === uid) return { def, obj };
    }
    return undefined;
  }

  private dependents(owner: KObject): Array<{ def: ResourceDefinition; obj: KObject }> {
    const out: Array<{ def: ResourceDefinition; obj: KObject }> = [];
    for (const def of registry) {
      if (def.namespaced && !owner.metadata.namespace && def.resource !== 'namespaces') {
        for (const obj of this.o.store.list(def)) if (owners(obj).includes(owner.metadata.uid!)) out.push({ def, obj });
        continue;
      }
      for (const obj of this.o.store.list(def, def.namespaced ? owner.metadata.namespace : undefined)) if (owners(obj).includes(owner.metadata.uid!)) out.push({ def, obj });
    }
    return out;
  }

  /** An owner is gone: dependents with no other living owner go too. */
  private async collect(owner: KObject) {
    for (const { def, obj } of this.dependents(owner)) {
      const others = owners(obj).filter((uid) => uid !== owner.metadata.uid && this.byUid(uid, obj.metadata.namespace));
      if (others.length) continue;
      await this.remove(def, obj);
    }
  }

  /**
   * Deletes as an API client would: graceful through the queue for kinds with Docker state. In the
   * foreground the delete propagates: a dependent that has dependents of its own waits for them in turn,
   * so the first owner goes only when the last pod under it is gone.
   */
  private async remove(def: ResourceDefinition, obj: KObject, foreground = false) {
    const { namespace, name } = obj.metadata;
    const current = this.o.store.get(def, namespace, name);
    if (!current || current.metadata.deletionTimestamp) return;
    if (foreground && !def.priority && this.dependents(current).length) {
      await this.o.store.modify(def, namespace, name, (c) => ({
        ...c,
        metadata: { ...c.metadata, finalizers: [...new Set([...(c.metadata.finalizers ?? []), FOREGROUND])], deletionTimestamp: c.metadata.deletionTimestamp ?? rfc3339(this.o.clock.now()), deletionGracePeriodSeconds: 0 },
      }));
      return;
    }
    if (def.priority) {
      const marked = await this.o.store.modify(def, namespace, name, (c) => (def.prepareForDelete ? def.prepareForDelete(structuredClone(c), this.o.clock.now(), {}) : c));
      await this.o.submit({ resource: def.resource, namespace, name: marked.metadata.name, action: 'delete' }, def.priority === 'sync' ? 'high' : def.priority);
      return;
    }
    await this.o.store.delete(def, namespace, name).catch(() => undefined);
  }

  /** Works off the finalizers this collector owns; an object with none left is deleted. */
  private async finalize(obj: KObject) {
    const found = this.byUid(obj.metadata.uid!, obj.metadata.namespace);
    if (!found) return;
    const { def } = found;
    let current = found.obj;
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      for (const dep of this.dependents(current)) {
        await this.o.store
          .modify(dep.def, dep.obj.metadata.namespace, dep.obj.metadata.name, (c) => {
            const refs = ((c.metadata.ownerReferences ?? []) as Json[]).filter((r) => r.uid !== current.metadata.uid);
            const { ownerReferences: _, ...rest } = c.metadata;
            return { ...c, metadata: refs.length ? { ...rest, ownerReferences: refs } : rest } as KObject;
          })
          .catch(() => undefined);
      }
      current = await this.drop(def, current, ORPHAN);
    }
    if (current.metadata.finalizers?.includes(FOREGROUND)) {
      const deps = this.dependents(current);
      for (const dep of deps) await this.remove(dep.def, dep.obj, true);
      if (this.dependents(current).length) return;
      current = await this.drop(def, current, FOREGROUND);
    }
    if (!current.metadata.finalizers?.length && current.metadata.deletionTimestamp && !def.priority) {
      await this.o.store.delete(def, current.metadata.namespace, current.metadata.name).catch(() => undefined);
    }
  }

  private async drop(def: ResourceDefinition, obj: KObject, finalizer: string): Promise<KObject> {
    return this.o.store
      .modify(def, obj.metadata.namespace, obj.metadata.name, (c) => {
        const left = (c.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        const { finalizers: _, ...rest } = c.metadata;
        return { ...c, metadata: left.length ? { ...rest, finalizers: left } : rest } as KObject;
      })
      .catch(() => obj);
  }
}
