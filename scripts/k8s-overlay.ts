// What the generator's sources (the client's models, cdk8s' descriptions) do not carry, kept by hand and
// kept small. Keys are `<group>.<version>.<Type>.<jsonField>` or `<group>.<version>.<Type>`; the generator
// fails on any entry that names nothing it emits.
import type { ListExtensions } from '../shared/k8s/primitives';

/** The packages we emit, each from the kinds it starts at; a type belongs to the first package reaching it. */
export const GENERATED = [
  { key: 'meta.v1', prefix: 'io.k8s.apimachinery.pkg.apis.meta.v1', roots: ['ObjectMeta', 'LabelSelector', 'Condition'] },
  {
    key: 'core.v1',
    prefix: 'io.k8s.api.core.v1',
    roots: ['Pod', 'PodTemplate', 'Service', 'ConfigMap', 'Secret', 'Namespace', 'Node', 'Event', 'Endpoints', 'ServiceAccount', 'PersistentVolumeClaim', 'PersistentVolume'],
  },
  { key: 'apps.v1', prefix: 'io.k8s.api.apps.v1', roots: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'] },
  { key: 'discovery.v1', prefix: 'io.k8s.api.discovery.v1', roots: ['EndpointSlice'] },
  { key: 'batch.v1', prefix: 'io.k8s.api.batch.v1', roots: ['Job', 'CronJob'] },
  { key: 'networking.v1', prefix: 'io.k8s.api.networking.v1', roots: ['Ingress', 'IngressClass'] },
  { key: 'rbac.v1', prefix: 'io.k8s.api.rbac.v1', roots: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'] },
  { key: 'storage.v1', prefix: 'io.k8s.api.storage.v1', roots: ['StorageClass'] },
  { key: 'coordination.v1', prefix: 'io.k8s.api.coordination.v1', roots: ['Lease'] },
  { key: 'apiextensions.v1', prefix: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1', roots: ['CustomResourceDefinition'] },
];

/** Model classes whose package the client's name does not tell and that no root of their own package reaches. */
export const PACKAGES: Record<string, string> = {
  // core/v1 types that only StorageClass.allowedTopologies refers to
  V1TopologySelectorTerm: 'core.v1',
  V1TopologySelectorLabelRequirement: 'core.v1',
};

/** Non-atomic lists. Every other list is `x-kubernetes-list-type: atomic`, as Kubernetes 1.32 declares them. */
export const LISTS: Record<string, ListExtensions> = {
  'apiextensions.v1.CustomResourceDefinitionStatus.conditions': { type: 'map', keys: ['type'] },
  'apps.v1.DaemonSetStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'apps.v1.DeploymentStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'apps.v1.ReplicaSetStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'apps.v1.StatefulSetStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'batch.v1.JobStatus.conditions': { type: 'atomic', mergeKey: 'type', strategy: 'merge' },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement.values': { type: 'set' },
  'batch.v1.UncountedTerminatedPods.failed': { type: 'set' },
  'batch.v1.UncountedTerminatedPods.succeeded': { type: 'set' },
  'core.v1.Container.env': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.Container.ports': { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' },
  'core.v1.Container.volumeDevices': { type: 'map', keys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' },
  'core.v1.Container.volumeMounts': { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' },
  'core.v1.ContainerStatus.allocatedResourcesStatus': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.ContainerStatus.volumeMounts': { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' },
  'core.v1.EphemeralContainer.env': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.EphemeralContainer.ports': { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' },
  'core.v1.EphemeralContainer.volumeDevices': { type: 'map', keys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' },
  'core.v1.EphemeralContainer.volumeMounts': { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' },
  'core.v1.NamespaceStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'core.v1.NodeSpec.podCIDRs': { type: 'set', strategy: 'merge' },
  'core.v1.NodeStatus.addresses': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'core.v1.NodeStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'core.v1.PersistentVolumeClaimStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'core.v1.PodSpec.containers': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.PodSpec.ephemeralContainers': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.PodSpec.hostAliases': { type: 'map', keys: ['ip'], mergeKey: 'ip', strategy: 'merge' },
  'core.v1.PodSpec.imagePullSecrets': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.PodSpec.initContainers': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.PodSpec.resourceClaims': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' },
  'core.v1.PodSpec.schedulingGates': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.PodSpec.topologySpreadConstraints': { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], mergeKey: 'topologyKey', strategy: 'merge' },
  'core.v1.PodSpec.volumes': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' },
  'core.v1.PodStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'core.v1.PodStatus.hostIPs': { type: 'atomic', mergeKey: 'ip', strategy: 'merge' },
  'core.v1.PodStatus.podIPs': { type: 'map', keys: ['ip'], mergeKey: 'ip', strategy: 'merge' },
  'core.v1.PodStatus.resourceClaimStatuses': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' },
  'core.v1.ResourceRequirements.claims': { type: 'map', keys: ['name'] },
  'core.v1.ResourceStatus.resources': { type: 'map', keys: ['resourceID'] },
  'core.v1.ServiceAccount.secrets': { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' },
  'core.v1.ServiceSpec.ports': { type: 'map', keys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' },
  'core.v1.ServiceStatus.conditions': { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' },
  'discovery.v1.Endpoint.addresses': { type: 'set' },
};

/** Lists served without any list extension. */
export const UNTYPED_LISTS: string[] = [
  // Served as this server always has: patches replace them whole. The API declares ownerReferences a map by
  // uid, finalizers a set and managedFields atomic; taking that on changes how patches merge them, a change
  // of its own with its own tests.
  'meta.v1.ObjectMeta.ownerReferences',
  'meta.v1.ObjectMeta.finalizers',
  'meta.v1.ObjectMeta.managedFields',
];

/** Fields (or map values) of type resource.Quantity, which the client's models flatten to strings. */
export const QUANTITIES: string[] = [
  'core.v1.ContainerStatus.allocatedResources',
  'core.v1.EmptyDirVolumeSource.sizeLimit',
  'core.v1.NodeStatus.allocatable',
  'core.v1.NodeStatus.capacity',
  'core.v1.PersistentVolumeClaimStatus.allocatedResources',
  'core.v1.PersistentVolumeClaimStatus.capacity',
  'core.v1.PersistentVolumeSpec.capacity',
  'core.v1.PodSpec.overhead',
  'core.v1.ResourceFieldSelector.divisor',
  'core.v1.ResourceRequirements.limits',
  'core.v1.ResourceRequirements.requests',
  'core.v1.VolumeResourceRequirements.limits',
  'core.v1.VolumeResourceRequirements.requests',
];

/** Structs with `x-kubernetes-map-type: atomic`. */
export const ATOMIC_TYPES: string[] = [
  'core.v1.ConfigMapKeySelector',
  'core.v1.EndpointAddress',
  'core.v1.EndpointPort',
  'core.v1.LocalObjectReference',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.ObjectFieldSelector',
  'core.v1.ObjectReference',
  'core.v1.ResourceFieldSelector',
  'core.v1.SecretKeySelector',
  'core.v1.SecretReference',
  'core.v1.TopologySelectorTerm',
  'core.v1.TypedLocalObjectReference',
  'discovery.v1.EndpointPort',
  'meta.v1.LabelSelector',
  'networking.v1.ServiceBackendPort',
  'rbac.v1.RoleRef',
  'rbac.v1.Subject',
];

/** String maps with `x-kubernetes-map-type: atomic`. */
export const ATOMIC_MAPS: string[] = [
  'core.v1.PodSpec.nodeSelector',
  'core.v1.ServiceSpec.selector',
];

/** Types kept whole (`{type: object}`), without modelling their fields. */
export const FREE_FORM: string[] = [
  // The in-tree volume plugins a pod may name but Docker cannot mount: any fields pass.
  'core.v1.GCEPersistentDiskVolumeSource',
  'core.v1.AWSElasticBlockStoreVolumeSource',
  'core.v1.GitRepoVolumeSource',
  'core.v1.ISCSIVolumeSource',
  'core.v1.GlusterfsVolumeSource',
  'core.v1.RBDVolumeSource',
  'core.v1.FlexVolumeSource',
  'core.v1.CinderVolumeSource',
  'core.v1.CephFSVolumeSource',
  'core.v1.FlockerVolumeSource',
  'core.v1.FCVolumeSource',
  'core.v1.AzureFileVolumeSource',
  'core.v1.VsphereVirtualDiskVolumeSource',
  'core.v1.QuobyteVolumeSource',
  'core.v1.AzureDiskVolumeSource',
  'core.v1.PhotonPersistentDiskVolumeSource',
  'core.v1.PortworxVolumeSource',
  'core.v1.ScaleIOVolumeSource',
  'core.v1.StorageOSVolumeSource',
  'core.v1.EphemeralVolumeSource',
  // Recursive (a schema of schemas): a CRD's openAPIV3Schema is taken as it comes.
  'apiextensions.v1.JSONSchemaProps',
];

/** Untyped fields that hold any JSON value rather than an object. */
export const JSON_VALUES: string[] = [];

/** Go writes a zero metav1.Time as null; only the object's own metadata never carries one. */
export const timeIsNullable = (pkg: string, type: string) => pkg !== 'meta.v1' || type === 'Condition';
