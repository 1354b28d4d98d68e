import type { ResourceDefinition } from '../../shared/api/resource';
import { ignoring } from '../../shared/api/status';
import type { Logger } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { registry } from '../../shared/resources/index';
import { FOREGROUND, ORPHAN, type RegistryEnv } from '../../shared/registry/store';
import * as objects from '../../shared/registry/store';

export { FOREGROUND, ORPHAN };

export interface CollectorOptions extends RegistryEnv {
  log: Logger;
}

const owners = (obj: KObject) => (obj.metadata.ownerReferences ?? []).map((r) => r.uid);

/** A write that lost a race (the object went, or changed uid): nothing is left to do for it. */
const gone = ignoring(404, 409);

/**
 * The garbage collector, after kube-controller-manager's: objects whose owners are gone go too
 * (Background), an owner deleted in the Foreground waits — finalizer `foregroundDeletion` — until its
 * dependents are gone, and an Orphan delete — finalizer `orphan` — strips the ownerReferences instead.
 * Every delete and update goes through the registry, as an API client's would: pods are deleted
 * gracefully, an object whose last finalizer goes is removed.
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
   * Deletes as an API client would. In the foreground the delete propagates: a dependent that has
   * dependents of its own waits for them in turn, so the first owner goes only when the last pod under
   * it is gone.
   */
  private async remove(def: ResourceDefinition, obj: KObject, foreground = false) {
    const { namespace, name } = obj.metadata;
    const current = this.o.store.get(def, namespace, name);
    if (!current || current.metadata.deletionTimestamp) return;
    const propagationPolicy = foreground && this.dependents(current).length ? 'Foreground' : 'Background';
    await objects.remove(this.o, def, namespace, name, { propagationPolicy, preconditions: { uid: current.metadata.uid } }).catch(gone);
  }

  /** Works off the finalizers this collector owns; the registry removes an object with none left. */
  private async finalize(obj: KObject) {
    const found = this.byUid(obj.metadata.uid!, obj.metadata.namespace);
    if (!found) return;
    const { def } = found;
    let current = found.obj;
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      for (const dep of this.dependents(current)) {
        await objects.update(this.o, dep.def, dep.obj.metadata.namespace, dep.obj.metadata.name, (c) => {
          const refs = (c.metadata.ownerReferences ?? []).filter((r) => r.uid !== current.metadata.uid);
          const { ownerReferences: _, ...rest } = c.metadata;
          return { ...c, metadata: refs.length ? { ...rest, ownerReferences: refs } : rest } as KObject;
        }).catch(gone);
      }
      current = await this.drop(def, current, ORPHAN);
    }
    if (current.metadata.finalizers?.includes(FOREGROUND)) {
      const deps = this.dependents(current);
      for (const dep of deps) await this.remove(dep.def, dep.obj, true);
      if (this.dependents(current).length) return;
      await this.drop(def, current, FOREGROUND);
    }
  }

  private async drop(def: ResourceDefinition, obj: KObject, finalizer: string): Promise<KObject> {
    const next = await objects.update(this.o, def, obj.metadata.namespace, obj.metadata.name, (c) => {
      if (c.metadata.uid !== obj.metadata.uid) return undefined;
      const left = (c.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      const { finalizers: _, ...rest } = c.metadata;
      return { ...c, metadata: left.length ? { ...rest, finalizers: left } : rest } as KObject;
    }).catch(gone);
    return next ?? obj;
  }
}
