import type { KObject } from '../../shared/k8s/meta';
import { ignoring } from '../../shared/api/status';
import * as objects from '../../shared/registry/store';
import { pods } from '../../shared/resources/pods';
import { DEFAULT_CLASS, PROVISIONER, PV_PROTECTION, PVC_PROTECTION, persistentVolumeClaims, persistentVolumes, storageClasses, type Claim, type Volume } from '../../shared/resources/storage';
import type { ObjectStore } from '../../shared/store/object-store';
import { INSTANCE, instanceName, isNotFound, NAMESPACE_LABEL } from './client';
import { VolumeError } from './config-volumes';
import type { BridgeEnv, Mapping } from './mapping';

/** k2d's name for a claim's Docker volume, so a k2d user's data is found where it was (other instances: `<instance>_k2d-pv-...`). */
export const claimVolumeName = (namespace: string, claim: string, instance?: string) => instanceName(instance, `k2d-pv-${namespace}-${claim}`);
const CLAIM_LABEL = 'storage.k2d.io/claim';

/** The claims a pod mounts. */
export const claimsOf = (pod: KObject): string[] =>
  (((pod.spec as { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> })?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean) as string[]);

/** The Docker volume a pod's `persistentVolumeClaim` volume mounts, once its claim is bound. */
export function boundVolume(store: ObjectStore, namespace: string, volume: string, claimName: string, instance?: string): string {
  const pvc = store.get(persistentVolumeClaims, namespace, claimName) as Claim | undefined;
  if (!pvc) throw new VolumeError(volume, `persistentvolumeclaim "${claimName}" not found`);
  if (pvc.metadata.deletionTimestamp) throw new VolumeError(volume, `persistentvolumeclaim "${claimName}" is being deleted`);
  if (pvc.status?.phase !== 'Bound') throw new VolumeError(volume, `persistentvolumeclaim "${claimName}" is not bound`);
  return claimVolumeName(namespace, claimName, instance);
}

/**
 * A PersistentVolumeClaim is a Docker volume, provisioned at once (`volumeBindingMode: Immediate`) and
 * bound to a PersistentVolume made for it, as a dynamic provisioner and the binder would. A claim in
 * use by a pod is protected (`kubernetes.io/pvc-protection`): its delete waits for the last such pod.
 * Its volume then goes, or stays with the PersistentVolume `Released` under `reclaimPolicy: Retain`.
 */
export class ClaimRuntime implements Mapping {
  constructor(
    store: ObjectStore,
    private readonly requeue: (op: { resource: string; namespace?: string; name: string; action: 'apply' | 'delete' }) => void,
  ) {
    store.subscribe((change) => {
      if (change.resource !== pods.resource || change.type !== 'DELETED') return;
      // The last pod using a claim being deleted is gone: the claim's delete can finish.
      for (const claim of claimsOf(change.object)) {
        const pvc = store.get(persistentVolumeClaims, change.object.metadata.namespace, claim);
        if (pvc?.metadata.deletionTimestamp) this.requeue({ resource: persistentVolumeClaims.resource, namespace: pvc.metadata.namespace, name: claim, action: 'delete' });
      }
    });
  }

  async apply(obj: KObject, env: BridgeEnv): Promise<void> {
    const pvc = obj as Claim;
    const namespace = pvc.metadata.namespace!;
    const name = claimVolumeName(namespace, pvc.metadata.name, env.labels[INSTANCE]);
    await env.docker.createVolume({ Name: name, Labels: { ...env.labels, [NAMESPACE_LABEL]: namespace, [CLAIM_LABEL]: `${namespace}/${pvc.metadata.name}` } });
    if (pvc.status?.phase !== 'Bound') await this.bind(pvc, name, env);
    for (const pod of env.store.list(pods, namespace)) {
      if (!pod.metadata.deletionTimestamp && claimsOf(pod).includes(pvc.metadata.name)) this.requeue({ resource: pods.resource, namespace, name: pod.metadata.name, action: 'apply' });
    }
  }

  /** The PersistentVolume for the claim, then the claim bound to it, through the registry. */
  private async bind(pvc: Claim, dockerVolume: string, env: BridgeEnv) {
    const className = pvc.spec?.storageClassName ?? DEFAULT_CLASS;
    const sc = env.store.get(storageClasses, undefined, className) as { reclaimPolicy?: string } | undefined;
    const pvName = pvc.spec?.volumeName || `pvc-${pvc.metadata.uid}`;
    const storage = pvc.spec?.resources?.requests?.storage ?? '1Gi';
    if (!env.store.get(persistentVolumes, undefined, pvName)) {
      const pv = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER }, finalizers: [PV_PROTECTION] },
        spec: {
          capacity: { storage },
          accessModes: pvc.spec?.accessModes,
          persistentVolumeReclaimPolicy: sc?.reclaimPolicy ?? 'Delete',
          storageClassName: className,
          volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
          claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
          csi: { driver: PROVISIONER, volumeHandle: dockerVolume },
        },
      } as KObject;
      await objects.create(env, persistentVolumes, pv).catch(ignoring(409));
    }
    await objects.update(env, persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name, (current) => {
      if (current.metadata.uid !== pvc.metadata.uid) return undefined;
      const c = current as Claim;
      return {
        ...c,
        metadata: { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } },
        spec: { ...c.spec, volumeName: pvName },
      } as KObject;
    });
    await objects.update(env, persistentVolumeClaims, pvc.metadata.namespace, pvc.metadata.name, (current) => ({ ...current, status: { phase: 'Bound', accessModes: pvc.spec?.accessModes, capacity: { storage } } }) as KObject, { subresource: 'status' });
  }

  async delete(obj: KObject, env: BridgeEnv): Promise<boolean> {
    const pvc = obj as Claim;
    const namespace = pvc.metadata.namespace!;
    if (env.store.list(pods, namespace).some((p) => claimsOf(p).includes(pvc.metadata.name))) return false;
    const pvName = pvc.spec?.volumeName;
    const pv = pvName ? (env.store.get(persistentVolumes, undefined, pvName) as Volume | undefined) : undefined;
    if (pv && pv.spec?.claimRef?.uid === pvc.metadata.uid) {
      if (pv.spec?.persistentVolumeReclaimPolicy === 'Retain') {
        await objects.update(env, persistentVolumes, undefined, pv.metadata.name, (c) => ({ ...c, status: { phase: 'Released' } }) as KObject, { subresource: 'status' });
      } else {
        await this.removeVolume(env, claimVolumeName(namespace, pvc.metadata.name, env.labels[INSTANCE]));
        await objects.update(env, persistentVolumes, undefined, pv.metadata.name, (c) => ({ ...c, metadata: { ...c.metadata, finalizers: (c.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION) } }));
        await objects.remove(env, persistentVolumes, undefined, pv.metadata.name).catch(ignoring(404));
      }
    } else if (!pv) await this.removeVolume(env, claimVolumeName(namespace, pvc.metadata.name, env.labels[INSTANCE]));
    // No pod uses it: the protection finalizer goes, and with it the claim.
    await objects.update(env, persistentVolumeClaims, namespace, pvc.metadata.name, (c) => {
      if (c.metadata.uid !== pvc.metadata.uid || !c.metadata.finalizers?.includes(PVC_PROTECTION)) return undefined;
      return { ...c, metadata: { ...c.metadata, finalizers: c.metadata.finalizers.filter((f) => f !== PVC_PROTECTION) } } as KObject;
    }).catch(ignoring(404));
    return true;
  }

  private async removeVolume(env: BridgeEnv, name: string) {
    await env.docker
      .getVolume(name)
      .remove()
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
  }
}
