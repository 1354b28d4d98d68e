import { ApiError } from '../../shared/api/status';
import type { KObject } from '../../shared/k8s/meta';
import { randomSuffix } from '../../shared/k8s/names';
import * as objects from '../../shared/registry/store';
import type { RegistryEnv } from '../../shared/registry/store';
import { namespaces } from '../../shared/resources/namespaces';
import { pods } from '../../shared/resources/pods';
import type { ObjectStore } from '../../shared/store/object-store';
import type { EventRecorder } from '../events';
import { ownerRef } from './refs';

// Pod control, after client-go's: a workload controller makes and removes its pods through the write
// path, as an API client would (defaults, validation, namespace admission, the queue), and says so in
// an Event on the owner.

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
  spec?: unknown;
}

export interface PodControl {
  env: RegistryEnv;
  events?: Pick<EventRecorder, 'record'>;
  /** Who says it in Events (`replicaset-controller`, `job-controller`...). */
  component: string;
}

/** A pod from the owner's template, named `<owner>-<5 chars>` as generateName makes it. */
export async function createPod(control: PodControl, owner: KObject, template: PodTemplate): Promise<KObject> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const copy = structuredClone(template);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(copy.metadata ?? {}),
        name: `${owner.metadata.name.slice(0, 57)}-${randomSuffix()}`,
        generateName: `${owner.metadata.name}-`,
        namespace: owner.metadata.namespace,
        ownerReferences: [ownerRef(owner)],
      },
      spec: copy.spec,
    } as KObject;
    if (control.env.store.get(pods, pod.metadata.namespace, pod.metadata.name)) continue;
    try {
      const stored = await objects.create(control.env, pods, pod);
      void control.events?.record(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${stored.metadata.name}`, undefined, control.component);
      return stored;
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
  throw new Error(`could not find a free pod name for ${owner.kind} ${owner.metadata.name}`);
}

/** A graceful delete of one pod the owner controls (only that pod: a namesake made since is left). */
export async function deletePod(control: PodControl, owner: KObject, pod: KObject): Promise<void> {
  await objects.remove(control.env, pods, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
  void control.events?.record(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, undefined, control.component);
}

/** A pod that counts toward its owner's replicas: not being deleted, not finished. */
export const isActive = (pod: KObject) => {
  const phase = (pod as { status?: { phase?: string } }).status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
};

/** Nothing new is made in a namespace being deleted, as the apiserver refuses it. */
export function namespaceTerminating(store: ObjectStore, namespace: string): boolean {
  const ns = store.get(namespaces, undefined, namespace);
  return !ns || !!ns.metadata.deletionTimestamp;
}
