import type { ResourceDefinition } from '../../shared/api/resource';
import type { z } from 'zod';
import type { KObject, LabelSelector } from '../../shared/k8s/meta';
import * as objects from '../../shared/registry/store';
import type { RegistryEnv } from '../../shared/registry/store';
import { selectorMatches } from '../../shared/resources/workloads';
import type { ObjectStore } from '../../shared/store/object-store';

// The controller-ref manager, after client-go's ControllerRefManager: which objects a controller owns.

export type ControllerRef = NonNullable<KObject['metadata']['ownerReferences']>[number];

/** The owner that controls an object (its ownerReference with `controller: true`). */
export function controllerOf(obj: KObject): ControllerRef | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/** The reference an owner puts on what it controls; blocking, so a foreground delete waits for it. */
export const ownerRef = (owner: KObject): ControllerRef => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/** An owner with a label selector: ReplicaSets, Deployments (and the workloads to come). */
type Selecting = KObject & { spec?: { selector?: z.infer<typeof LabelSelector> } };

/**
 * Claims what the owner's selector takes: orphans are adopted (they get a controller ownerReference),
 * owned objects the selector no longer takes are released, others' are left alone; nothing is adopted
 * by an owner being deleted. Returns the objects the owner controls afterwards.
 */
export async function claim(env: RegistryEnv, def: ResourceDefinition, owner: Selecting, candidates: KObject[]): Promise<KObject[]> {
  const selector = owner.spec?.selector;
  const mine: KObject[] = [];
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    const matches = selectorMatches(selector, obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) mine.push(obj);
      else if (!owner.metadata.deletionTimestamp) await setController(env, def, obj, owner, false);
      continue;
    }
    if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue;
    const adopted = await setController(env, def, obj, owner, true);
    if (adopted && controllerOf(adopted)?.uid === owner.metadata.uid) mine.push(adopted);
  }
  return mine;
}

/** Adds (adopt) or removes (release) the owner's controller reference, if the object still allows it. */
async function setController(env: RegistryEnv, def: ResourceDefinition, obj: KObject, owner: KObject, adopt: boolean): Promise<KObject | undefined> {
  return objects
    .update(env, def, obj.metadata.namespace, obj.metadata.name, (current) => {
      if (current.metadata.uid !== obj.metadata.uid) return undefined;
      const refs = current.metadata.ownerReferences ?? [];
      const holder = controllerOf(current);
      if (adopt ? holder : holder?.uid !== owner.metadata.uid) return undefined;
      const next = adopt ? [...refs.filter((r) => r.uid !== owner.metadata.uid), ownerRef(owner)] : refs.filter((r) => r.uid !== owner.metadata.uid);
      const { ownerReferences: _, ...meta } = current.metadata;
      return { ...current, metadata: next.length ? { ...meta, ownerReferences: next } : meta } as KObject;
    })
    .catch(() => undefined);
}

/** The objects of a kind in the owner's namespace that it controls. */
export function ownedBy(store: ObjectStore, def: ResourceDefinition, owner: KObject): KObject[] {
  return store.list(def, owner.metadata.namespace).filter((o) => controllerOf(o)?.uid === owner.metadata.uid);
}

/** The owners of a kind whose selector takes the object: who may adopt an orphan. */
export function selecting(store: ObjectStore, def: ResourceDefinition, orphan: KObject): KObject[] {
  return store.list(def, orphan.metadata.namespace).filter((owner) => selectorMatches((owner as Selecting).spec?.selector, orphan.metadata.labels));
}
