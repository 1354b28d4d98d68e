import { defineResource, type Verb } from '../api/resource';
import type { StatusCause } from '../api/status';
import { PersistentVolume, PersistentVolumeClaim } from '../k8s/generated/core-v1';
import { StorageClass } from '../k8s/generated/storage-v1';
import type { KObject } from '../k8s/meta';
import { isQuantity } from '../k8s/quantity';
import { age } from '../k8s/time';

// PersistentVolumeClaims, PersistentVolumes and StorageClasses. A claim is a Docker volume (k2d's
// `k2d-pv-<ns>-<claim>`), bound to a PersistentVolume the runtime makes for it, of the one StorageClass.

export type Claim = KObject & {
  spec?: { accessModes?: string[]; resources?: { requests?: Record<string, string> }; storageClassName?: string; volumeName?: string; volumeMode?: string };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
};
export type Volume = KObject & {
  spec?: { capacity?: Record<string, string>; accessModes?: string[]; persistentVolumeReclaimPolicy?: string; storageClassName?: string; claimRef?: { namespace?: string; name?: string; uid?: string }; volumeMode?: string };
  status?: { phase?: string; reason?: string };
};
type Class = KObject & { provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean };

const VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** The finalizers that keep a claim while a pod uses it, and a bound volume while its claim exists. */
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';
/** The StorageClass the server provides, default for claims that name none. */
export const DEFAULT_CLASS = 'local';
export const PROVISIONER = 'k2d.io/docker-volume';
const DEFAULT_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

const modes = (m?: string[]) => (m ?? []).map((x) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[x] ?? x).join(',');
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/** ValidatePersistentVolumeClaim, as far as a Docker volume needs it, with the apiserver's wording. */
function validateClaim(pvc: Claim, old?: Claim): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = pvc.spec ?? {};
  if (!spec.accessModes?.length) causes.push({ reason: 'FieldValueRequired', field: 'spec.accessModes', message: 'Required value: at least 1 access mode is required' });
  for (const [i, m] of (spec.accessModes ?? []).entries()) {
    if (!ACCESS_MODES.includes(m)) causes.push({ reason: 'FieldValueNotSupported', field: `spec.accessModes[${i}]`, message: `Unsupported value: "${m}": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"` });
  }
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) causes.push({ reason: 'FieldValueRequired', field: 'spec.resources[storage]', message: 'Required value' });
  else if (!isQuantity(storage)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.resources[storage]', message: `Invalid value: "${storage}": must be a quantity` });
  if (old) {
    // Only the size (and the volume a pending claim binds to) may change once a claim exists.
    const frozen = (c: Claim) => JSON.stringify({ ...c.spec, resources: undefined, volumeName: undefined });
    if (frozen(pvc) !== frozen(old)) {
      causes.push({ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
    }
  }
  return causes;
}

export const persistentVolumeClaims = defineResource<Claim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
  shortNames: ['pvc'],
  verbs: VERBS,
  schema: PersistentVolumeClaim,
  subresources: ['status'],
  // Before the pods that mount them, as k2d orders its queue.
  realizedByRuntime: true,
  priority: 'high',
  columns: [
    { name: 'Status', type: 'string', description: 'Phase represents the current phase of PersistentVolumeClaim.', cell: (c) => (c.metadata.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? '')) },
    { name: 'Volume', type: 'string', description: 'volumeName is the binding reference to the PersistentVolume backing this claim.', cell: (c) => c.spec?.volumeName ?? '' },
    { name: 'Capacity', type: 'string', description: 'capacity represents the actual resources of the underlying volume.', cell: (c) => c.status?.capacity?.storage ?? '' },
    { name: 'Access Modes', type: 'string', description: 'accessModes contains the actual access modes the volume backing the PVC has.', cell: (c) => modes(c.status?.accessModes) },
    { name: 'StorageClass', type: 'string', description: 'storageClassName is the name of the StorageClass required by the claim.', cell: (c) => c.spec?.storageClassName ?? '' },
    { name: 'VolumeAttributesClass', type: 'string', description: 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.', cell: () => '<unset>' },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines what type of volume is required by the claim.', cell: (c) => c.spec?.volumeMode ?? 'Filesystem' },
  ],
  defaults: (pvc) => {
    pvc.spec ??= {};
    pvc.spec.volumeMode ??= 'Filesystem';
  },
  validate: validateClaim,
  prepareForCreate: (pvc) => {
    // The DefaultStorageClass admission plugin: a claim that names no class gets the default one.
    if (pvc.spec && pvc.spec.storageClassName === undefined) pvc.spec.storageClassName = DEFAULT_CLASS;
    pvc.metadata.finalizers = [...new Set([...(pvc.metadata.finalizers ?? []), PVC_PROTECTION])];
    pvc.status = { phase: 'Pending' };
  },
  example: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
});

export const persistentVolumes = defineResource<Volume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  namespaced: false,
  shortNames: ['pv'],
  verbs: VERBS,
  schema: PersistentVolume,
  subresources: ['status'],
  columns: [
    { name: 'Capacity', type: 'string', description: 'capacity is the description of the persistent volume\'s resources and capacity.', cell: (v) => v.spec?.capacity?.storage ?? '' },
    { name: 'Access Modes', type: 'string', description: 'accessModes contains all ways the volume can be mounted.', cell: (v) => modes(v.spec?.accessModes) },
    { name: 'Reclaim Policy', type: 'string', description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.', cell: (v) => v.spec?.persistentVolumeReclaimPolicy ?? '' },
    { name: 'Status', type: 'string', description: 'phase indicates if a volume is available, bound to a claim, or released by a claim.', cell: (v) => v.status?.phase ?? '' },
    { name: 'Claim', type: 'string', description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.', cell: (v) => (v.spec?.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : '') },
    { name: 'StorageClass', type: 'string', description: 'storageClassName is the name of StorageClass to which this persistent volume belongs.', cell: (v) => v.spec?.storageClassName ?? '' },
    { name: 'VolumeAttributesClass', type: 'string', description: 'Name of VolumeAttributesClass to which this persistent volume belongs.', cell: () => '<unset>' },
    { name: 'Reason', type: 'string', description: 'reason is a brief CamelCase string that describes any failure.', cell: (v) => v.status?.reason ?? '' },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', cell: (v) => v.spec?.volumeMode ?? 'Filesystem' },
  ],
  defaults: (pv) => {
    pv.spec ??= {};
    pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
    pv.spec.volumeMode ??= 'Filesystem';
  },
  prepareForCreate: (pv) => {
    pv.status = { phase: pv.spec?.claimRef ? 'Bound' : 'Available' };
  },
  example: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'manual' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/manual' } } },
});

export const storageClasses = defineResource<Class>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  namespaced: false,
  shortNames: ['sc'],
  verbs: VERBS,
  schema: StorageClass,
  columns: [
    { name: 'Provisioner', type: 'string', description: 'provisioner indicates the type of the provisioner.', cell: (c) => c.provisioner ?? '' },
    { name: 'ReclaimPolicy', type: 'string', description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.', cell: (c) => c.reclaimPolicy ?? 'Delete' },
    { name: 'VolumeBindingMode', type: 'string', description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.', cell: (c) => c.volumeBindingMode ?? 'Immediate' },
    { name: 'AllowVolumeExpansion', type: 'string', description: 'allowVolumeExpansion shows whether the storage class allow volume expand.', cell: (c) => String(c.allowVolumeExpansion ?? false) },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  defaults: (c) => {
    c.reclaimPolicy ??= 'Delete';
    c.volumeBindingMode ??= 'Immediate';
  },
  example: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: PROVISIONER },
});

/** The StorageClass made at start, as a cluster's default one. */
export const defaultStorageClass = (): KObject =>
  ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_CLASS, annotations: { [DEFAULT_ANNOTATION]: 'true' } },
    provisioner: PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  }) as KObject;
