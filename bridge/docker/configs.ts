import type { KObject } from '../../shared/k8s/meta';
import { configMaps } from '../../shared/resources/configmaps';
import { pods } from '../../shared/resources/pods';
import { secrets } from '../../shared/resources/secrets';
import type { ObjectStore } from '../../shared/store/object-store';
import type { Mapping } from './mapping';

type Json = any;
export type ConfigKind = 'ConfigMap' | 'Secret';

const defOf = (kind: ConfigKind) => (kind === 'ConfigMap' ? configMaps : secrets);

/** A ConfigMap's or Secret's values as bytes, by key (what a volume shows), or undefined when it does not exist. */
export function configBytes(store: ObjectStore, namespace: string, kind: ConfigKind, name: string): Record<string, Buffer> | undefined {
  const obj = store.get(defOf(kind), namespace, name);
  if (!obj) return undefined;
  const out: Record<string, Buffer> = {};
  if (kind === 'ConfigMap') {
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'utf8');
    for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64');
  } else for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64');
  return out;
}

/**
 * Values for a container's environment, as the kubelet reads them: a ConfigMap's `data` (not its
 * binaryData), a Secret's `data` as text.
 */
export function configEnv(store: ObjectStore, namespace: string, kind: ConfigKind, name: string): Record<string, string> | undefined {
  const obj = store.get(defOf(kind), namespace, name);
  if (!obj) return undefined;
  const data = (obj.data ?? {}) as Record<string, string>;
  if (kind === 'ConfigMap') return { ...data };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** Whether a pod uses the ConfigMap or Secret: env, envFrom, a volume or a projected volume's source. */
export function podUses(pod: KObject, kind: ConfigKind, name: string): boolean {
  const spec = (pod.spec ?? {}) as Json;
  const refKey = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  const fromKey = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Json[]) {
    if ((c.env ?? []).some((e: Json) => e.valueFrom?.[refKey]?.name === name)) return true;
    if ((c.envFrom ?? []).some((e: Json) => e[fromKey]?.name === name)) return true;
  }
  for (const v of (spec.volumes ?? []) as Json[]) {
    if (kind === 'ConfigMap' && v.configMap?.name === name) return true;
    if (kind === 'Secret' && v.secret?.secretName === name) return true;
    const sources = (v.projected?.sources ?? []) as Json[];
    if (sources.some((s) => (kind === 'ConfigMap' ? s.configMap?.name : s.secret?.name) === name)) return true;
  }
  return false;
}

/**
 * ConfigMaps and Secrets need no Docker object: their values are on disk through the store. A change
 * (or their creation) re-applies the pods that use them, so a waiting pod starts and mounted volumes get
 * the new values; a delete takes the object out of the store, then lets those pods notice.
 */
export class ConfigRuntime implements Mapping {
  readonly needsDocker = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly requeue: (pod: KObject) => void,
  ) {
    // Once the object is gone (not when its delete starts), its users see it missing.
    store.subscribe((change) => {
      if (change.type === 'DELETED' && (change.resource === configMaps.resource || change.resource === secrets.resource)) this.reapplyUsers(change.object);
    });
  }

  private reapplyUsers(obj: KObject) {
    const kind = obj.kind as ConfigKind;
    for (const pod of this.store.list(pods, obj.metadata.namespace)) {
      if (!pod.metadata.deletionTimestamp && podUses(pod, kind, obj.metadata.name)) this.requeue(pod);
    }
  }

  async apply(obj: KObject): Promise<void> {
    this.reapplyUsers(obj);
  }

  /** The key files go with the record (the store's persistence); nothing else to remove. */
  async delete(): Promise<void> {}
}
