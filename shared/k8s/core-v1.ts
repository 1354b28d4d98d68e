import { z } from 'zod';
import { LabelSelector, ObjectMeta, Time } from './meta';
import { isQuantity } from './quantity';

// The core/v1 types that Pods, Services and pod templates are made of, field for field as in Kubernetes 1.32,
// so that fieldValidation=Strict accepts any valid manifest and `kubectl explain` prints the real text.
// Descriptions are the first sentence or two of the API's doc comments. List extensions are the ones the
// API declares: strategic merge reads the patch keys, server-side apply the list types and keys.

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const int32 = () => z.int32().meta({ format: 'int32' });
export const int64 = () => z.int();
const stringMap = () => z.record(z.string(), z.string());
/** Go writes a zero metav1.Time as null (`lastProbeTime: null` in every pod condition), so null is a valid time. */
export const nullableTime = () => Time.nullable();
/** A type we keep whole without modelling its fields (exotic volume plugins). */
const freeForm = () => z.record(z.string(), z.unknown());

interface ListExtensions {
  type?: 'atomic' | 'set' | 'map';
  keys?: string[];
  mergeKey?: string;
  strategy?: string;
}

/** A list carrying its `x-kubernetes-list-*` and `x-kubernetes-patch-*` extensions, as the API declares them. */
export function list<T extends z.ZodType>(item: T, ext: ListExtensions) {
  return z.array(item).meta({
    ...(ext.type && { 'x-kubernetes-list-type': ext.type }),
    ...(ext.keys && { 'x-kubernetes-list-map-keys': ext.keys }),
    ...(ext.mergeKey && { 'x-kubernetes-patch-merge-key': ext.mergeKey }),
    ...(ext.strategy && { 'x-kubernetes-patch-strategy': ext.strategy }),
  });
}

// Both are strings in OpenAPI (as the apiserver publishes them for v2 and kubectl explain), but accept numbers.
export const IntOrString = z
  .custom<number | string>((v) => typeof v === 'string' || Number.isInteger(v), { message: 'expected an integer or a string' })
  .meta({
    id: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    type: 'string',
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
  });

export const Quantity = z
  .custom<string | number>((v) => (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) && isQuantity(v), {
    message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  })
  .meta({
    id: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
    type: 'string',
    description: 'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.',
  });

// metav1.Condition, the standard condition type that Service status uses.
export const Condition = z
  .looseObject({
    type: z.string().describe('type of condition in CamelCase or in foo.example.com/CamelCase.'),
    status: z.string().describe('status of the condition, one of True, False, Unknown.'),
    observedGeneration: int64().optional().describe('observedGeneration represents the .metadata.generation that the condition was set based upon. For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date with respect to the current state of the instance.'),
    lastTransitionTime: nullableTime().describe('lastTransitionTime is the last time the condition transitioned from one status to another. This should be when the underlying condition changed.'),
    reason: z.string().describe("reason contains a programmatic identifier indicating the reason for the condition's last transition. Producers of specific condition types may define expected values and meanings for this field, and whether the values are considered a guaranteed API."),
    message: z.string().describe('message is a human readable message indicating details about the transition. This may be an empty string.'),
  })
  .meta({ id: `${META}.Condition`, description: 'Condition contains details for one aspect of the current state of this API Resource.' });

export const LocalObjectReference = z
  .looseObject({
    name: z.string().optional().describe('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty.'),
  })
  .meta({ id: `${CORE}.LocalObjectReference`, description: 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', 'x-kubernetes-map-type': 'atomic' });

export const ObjectFieldSelector = z
  .looseObject({
    apiVersion: z.string().optional().describe('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
    fieldPath: z.string().describe('Path of the field to select in the specified API version.'),
  })
  .meta({ id: `${CORE}.ObjectFieldSelector`, description: 'ObjectFieldSelector selects an APIVersioned field of an object.', 'x-kubernetes-map-type': 'atomic' });

export const ResourceFieldSelector = z
  .looseObject({
    containerName: z.string().optional().describe('Container name: required for volumes, optional for env vars'),
    resource: z.string().describe('Required: resource to select'),
    divisor: Quantity.optional().describe('Specifies the output format of the exposed resources, defaults to "1"'),
  })
  .meta({ id: `${CORE}.ResourceFieldSelector`, description: 'ResourceFieldSelector represents container resources (cpu, memory) and their output format', 'x-kubernetes-map-type': 'atomic' });

export const ConfigMapKeySelector = z
  .looseObject({
    ...LocalObjectReference.shape,
    key: z.string().describe('The key to select.'),
    optional: z.boolean().optional().describe('Specify whether the ConfigMap or its key must be defined'),
  })
  .meta({ id: `${CORE}.ConfigMapKeySelector`, description: 'Selects a key from a ConfigMap.', 'x-kubernetes-map-type': 'atomic' });

export const SecretKeySelector = z
  .looseObject({
    ...LocalObjectReference.shape,
    key: z.string().describe('The key of the secret to select from. Must be a valid secret key.'),
    optional: z.boolean().optional().describe('Specify whether the Secret or its key must be defined'),
  })
  .meta({ id: `${CORE}.SecretKeySelector`, description: 'SecretKeySelector selects a key of a Secret.', 'x-kubernetes-map-type': 'atomic' });

export const EnvVarSource = z
  .looseObject({
    fieldRef: ObjectFieldSelector.optional().describe("Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs."),
    resourceFieldRef: ResourceFieldSelector.optional().describe('Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported.'),
    configMapKeyRef: ConfigMapKeySelector.optional().describe('Selects a key of a ConfigMap.'),
    secretKeyRef: SecretKeySelector.optional().describe("Selects a key of a secret in the pod's namespace"),
  })
  .meta({ id: `${CORE}.EnvVarSource`, description: 'EnvVarSource represents a source for the value of an EnvVar.' });

export const EnvVar = z
  .looseObject({
    name: z.string().describe('Name of the environment variable. Must be a C_IDENTIFIER.'),
    value: z.string().optional().describe('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. If a variable cannot be resolved, the reference in the input string will be unchanged.'),
    valueFrom: EnvVarSource.optional().describe("Source for the environment variable's value. Cannot be used if value is not empty."),
  })
  .meta({ id: `${CORE}.EnvVar`, description: 'EnvVar represents an environment variable present in a Container.' });

export const ConfigMapEnvSource = z
  .looseObject({
    ...LocalObjectReference.shape,
    optional: z.boolean().optional().describe('Specify whether the ConfigMap must be defined'),
  })
  .meta({ id: `${CORE}.ConfigMapEnvSource`, description: "ConfigMapEnvSource selects a ConfigMap to populate the environment variables with. The contents of the target ConfigMap's Data field will represent the key-value pairs as environment variables." });

export const SecretEnvSource = z
  .looseObject({
    ...LocalObjectReference.shape,
    optional: z.boolean().optional().describe('Specify whether the Secret must be defined'),
  })
  .meta({ id: `${CORE}.SecretEnvSource`, description: "SecretEnvSource selects a Secret to populate the environment variables with. The contents of the target Secret's Data field will represent the key-value pairs as environment variables." });

export const EnvFromSource = z
  .looseObject({
    prefix: z.string().optional().describe('An optional identifier to prepend to each key in the ConfigMap. Must be a C_IDENTIFIER.'),
    configMapRef: ConfigMapEnvSource.optional().describe('The ConfigMap to select from'),
    secretRef: SecretEnvSource.optional().describe('The Secret to select from'),
  })
  .meta({ id: `${CORE}.EnvFromSource`, description: 'EnvFromSource represents the source of a set of ConfigMaps' });

export const ContainerPort = z
  .looseObject({
    name: z.string().optional().describe('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name.'),
    hostPort: int32().optional().describe('Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536. If HostNetwork is specified, this must match ContainerPort.'),
    containerPort: int32().describe("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
    protocol: z.string().optional().describe('Protocol for port. Must be UDP, TCP, or SCTP.'),
    hostIP: z.string().optional().describe('What host IP to bind the external port to.'),
  })
  .meta({ id: `${CORE}.ContainerPort`, description: 'ContainerPort represents a network port in a single container.' });

export const VolumeMount = z
  .looseObject({
    name: z.string().describe('This must match the Name of a Volume.'),
    readOnly: z.boolean().optional().describe('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
    recursiveReadOnly: z.string().optional().describe('RecursiveReadOnly specifies whether read-only mounts should be handled recursively. If ReadOnly is false, this field has no meaning and must be unspecified.'),
    mountPath: z.string().describe("Path within the container at which the volume should be mounted. Must not contain ':'."),
    subPath: z.string().optional().describe('Path within the volume from which the container\'s volume should be mounted. Defaults to "" (volume\'s root).'),
    mountPropagation: z.string().optional().describe('mountPropagation determines how mounts are propagated from the host to container and the other way around. When not set, MountPropagationNone is used.'),
    subPathExpr: z.string().optional().describe("Expanded path within the volume from which the container's volume should be mounted. Behaves similarly to SubPath but environment variable references $(VAR_NAME) are expanded using the container's environment."),
  })
  .meta({ id: `${CORE}.VolumeMount`, description: 'VolumeMount describes a mounting of a Volume within a container.' });

export const VolumeDevice = z
  .looseObject({
    name: z.string().describe('name must match the name of a persistentVolumeClaim in the pod'),
    devicePath: z.string().describe('devicePath is the path inside of the container that the device will be mapped to.'),
  })
  .meta({ id: `${CORE}.VolumeDevice`, description: 'volumeDevice describes a mapping of a raw block device within a container.' });

export const KeyToPath = z
  .looseObject({
    key: z.string().describe('key is the key to project.'),
    path: z.string().describe('path is the relative path of the file to map the key to. May not be an absolute path.'),
    mode: int32().optional().describe('mode is Optional: mode bits used to set permissions on this file. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits.'),
  })
  .meta({ id: `${CORE}.KeyToPath`, description: 'Maps a string key to a path within a volume.' });

export const EmptyDirVolumeSource = z
  .looseObject({
    medium: z.string().optional().describe('medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium.'),
    sizeLimit: Quantity.optional().describe('sizeLimit is the total amount of local storage required for this EmptyDir volume. The size limit is also applicable for memory medium.'),
  })
  .meta({ id: `${CORE}.EmptyDirVolumeSource`, description: 'Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.' });

export const HostPathVolumeSource = z
  .looseObject({
    path: z.string().describe('path of the directory on the host. If the path is a symlink, it will follow the link to the real path.'),
    type: z.string().optional().describe('type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath'),
  })
  .meta({ id: `${CORE}.HostPathVolumeSource`, description: 'Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.' });

export const ConfigMapVolumeSource = z
  .looseObject({
    ...LocalObjectReference.shape,
    items: list(KeyToPath, { type: 'atomic' }).optional().describe('items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.'),
    defaultMode: int32().optional().describe('defaultMode is optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits.'),
    optional: z.boolean().optional().describe('optional specify whether the ConfigMap or its keys must be defined'),
  })
  .meta({ id: `${CORE}.ConfigMapVolumeSource`, description: "Adapts a ConfigMap into a volume. The contents of the target ConfigMap's Data field will be presented in a volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths." });

export const SecretVolumeSource = z
  .looseObject({
    secretName: z.string().optional().describe("secretName is the name of the secret in the pod's namespace to use. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret"),
    items: list(KeyToPath, { type: 'atomic' }).optional().describe('items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.'),
    defaultMode: int32().optional().describe('defaultMode is Optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits.'),
    optional: z.boolean().optional().describe('optional field specify whether the Secret or its keys must be defined'),
  })
  .meta({ id: `${CORE}.SecretVolumeSource`, description: "Adapts a Secret into a volume. The contents of the target Secret's Data field will be presented in a volume as files using the keys in the Data field as the file names." });

export const PersistentVolumeClaimVolumeSource = z
  .looseObject({
    claimName: z.string().describe('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims'),
    readOnly: z.boolean().optional().describe('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
  })
  .meta({ id: `${CORE}.PersistentVolumeClaimVolumeSource`, description: "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace. This volume finds the bound PV and mounts that volume for the pod." });

export const DownwardAPIVolumeFile = z
  .looseObject({
    path: z.string().describe("Required: Path is the relative path name of the file to be created. Must not be absolute or contain the '..' path."),
    fieldRef: ObjectFieldSelector.optional().describe('Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.'),
    resourceFieldRef: ResourceFieldSelector.optional().describe('Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, requests.cpu and requests.memory) are currently supported.'),
    mode: int32().optional().describe('Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. If not specified, the volume defaultMode will be used.'),
  })
  .meta({ id: `${CORE}.DownwardAPIVolumeFile`, description: 'DownwardAPIVolumeFile represents information to create the file containing the pod field' });

export const DownwardAPIVolumeSource = z
  .looseObject({
    items: list(DownwardAPIVolumeFile, { type: 'atomic' }).optional().describe('Items is a list of downward API volume file'),
    defaultMode: int32().optional().describe('Optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. Defaults to 0644.'),
  })
  .meta({ id: `${CORE}.DownwardAPIVolumeSource`, description: 'DownwardAPIVolumeSource represents a volume containing downward API info. Downward API volumes support ownership management and SELinux relabeling.' });

export const SecretProjection = z
  .looseObject({
    ...LocalObjectReference.shape,
    items: list(KeyToPath, { type: 'atomic' }).optional().describe('items if unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.'),
    optional: z.boolean().optional().describe('optional field specify whether the Secret or its key must be defined'),
  })
  .meta({ id: `${CORE}.SecretProjection`, description: "Adapts a secret into a projected volume. The contents of the target Secret's Data field will be presented in a projected volume as files using the keys in the Data field as the file names." });

export const ConfigMapProjection = z
  .looseObject({
    ...LocalObjectReference.shape,
    items: list(KeyToPath, { type: 'atomic' }).optional().describe('items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.'),
    optional: z.boolean().optional().describe('optional specify whether the ConfigMap or its keys must be defined'),
  })
  .meta({ id: `${CORE}.ConfigMapProjection`, description: "Adapts a ConfigMap into a projected volume. The contents of the target ConfigMap's Data field will be presented in a projected volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths." });

export const DownwardAPIProjection = z
  .looseObject({
    items: list(DownwardAPIVolumeFile, { type: 'atomic' }).optional().describe('Items is a list of DownwardAPIVolume file'),
  })
  .meta({ id: `${CORE}.DownwardAPIProjection`, description: 'Represents downward API info for projecting into a projected volume. Note that this is identical to a downwardAPI volume source without the default mode.' });

export const ServiceAccountTokenProjection = z
  .looseObject({
    audience: z.string().optional().describe('audience is the intended audience of the token. A recipient of a token must identify itself with an identifier specified in the audience of the token, and otherwise should reject the token.'),
    expirationSeconds: int64().optional().describe('expirationSeconds is the requested duration of validity of the service account token. As the token approaches expiration, the kubelet volume plugin will proactively rotate the service account token.'),
    path: z.string().describe('path is the path relative to the mount point of the file to project the token into.'),
  })
  .meta({ id: `${CORE}.ServiceAccountTokenProjection`, description: 'ServiceAccountTokenProjection represents a projected service account token volume. This projection can be used to insert a service account token into the pods runtime filesystem for use against APIs (Kubernetes API Server or otherwise).' });

export const ClusterTrustBundleProjection = z
  .looseObject({
    name: z.string().optional().describe('Select a single ClusterTrustBundle by object name. Mutually-exclusive with signerName and labelSelector.'),
    signerName: z.string().optional().describe('Select all ClusterTrustBundles that match this signer name. Mutually-exclusive with name.'),
    labelSelector: LabelSelector.optional().describe('Select all ClusterTrustBundles that match this label selector. Only has effect if signerName is set.'),
    optional: z.boolean().optional().describe("If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available. If using name, then the named ClusterTrustBundle is allowed not to exist."),
    path: z.string().describe('Relative path from the volume root to write the bundle.'),
  })
  .meta({ id: `${CORE}.ClusterTrustBundleProjection`, description: 'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.' });

export const VolumeProjection = z
  .looseObject({
    secret: SecretProjection.optional().describe('secret information about the secret data to project'),
    downwardAPI: DownwardAPIProjection.optional().describe('downwardAPI information about the downwardAPI data to project'),
    configMap: ConfigMapProjection.optional().describe('configMap information about the configMap data to project'),
    serviceAccountToken: ServiceAccountTokenProjection.optional().describe('serviceAccountToken is information about the serviceAccountToken data to project'),
    clusterTrustBundle: ClusterTrustBundleProjection.optional().describe('ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file. Alpha, gated by the ClusterTrustBundleProjection feature gate.'),
  })
  .meta({ id: `${CORE}.VolumeProjection`, description: 'Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.' });

export const ProjectedVolumeSource = z
  .looseObject({
    sources: list(VolumeProjection, { type: 'atomic' }).optional().describe('sources is the list of volume projections. Each entry in this list handles one source.'),
    defaultMode: int32().optional().describe('defaultMode are the mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits.'),
  })
  .meta({ id: `${CORE}.ProjectedVolumeSource`, description: 'Represents a projected volume source' });

export const NFSVolumeSource = z
  .looseObject({
    server: z.string().describe('server is the hostname or IP address of the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs'),
    path: z.string().describe('path that is exported by the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs'),
    readOnly: z.boolean().optional().describe('readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false.'),
  })
  .meta({ id: `${CORE}.NFSVolumeSource`, description: 'Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.' });

export const CSIVolumeSource = z
  .looseObject({
    driver: z.string().describe('driver is the name of the CSI driver that handles this volume. Consult with your admin for the correct name as registered in the cluster.'),
    readOnly: z.boolean().optional().describe('readOnly specifies a read-only configuration for the volume. Defaults to false (read/write).'),
    fsType: z.string().optional().describe('fsType to mount. Ex. "ext4", "xfs", "ntfs".'),
    volumeAttributes: stringMap().optional().describe("volumeAttributes stores driver-specific properties that are passed to the CSI driver. Consult your driver's documentation for supported values."),
    nodePublishSecretRef: LocalObjectReference.optional().describe('nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and may be empty if no secret is required.'),
  })
  .meta({ id: `${CORE}.CSIVolumeSource`, description: 'Represents a source location of a volume to mount, managed by an external CSI driver' });

export const ImageVolumeSource = z
  .looseObject({
    reference: z.string().optional().describe('Required: Image or artifact reference to be used. Behaves in the same way as pod.spec.containers[*].image.'),
    pullPolicy: z.string().optional().describe('Policy for pulling OCI objects: Always, Never or IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.'),
  })
  .meta({ id: `${CORE}.ImageVolumeSource`, description: 'ImageVolumeSource represents a image volume resource.' });

// Go embeds VolumeSource in Volume and JSON inlines it, so it has no OpenAPI definition of its own.
const VolumeSource = z.looseObject({
  hostPath: HostPathVolumeSource.optional().describe('hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. This is generally used for system agents or other privileged things that are allowed to see the host machine.'),
  emptyDir: EmptyDirVolumeSource.optional().describe("emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir"),
  gcePersistentDisk: freeForm().optional().describe("gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Deprecated: GCEPersistentDisk is deprecated."),
  awsElasticBlockStore: freeForm().optional().describe("awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Deprecated: AWSElasticBlockStore is deprecated."),
  gitRepo: freeForm().optional().describe('gitRepo represents a git repository at a particular revision. Deprecated: GitRepo is deprecated.'),
  secret: SecretVolumeSource.optional().describe('secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret'),
  nfs: NFSVolumeSource.optional().describe("nfs represents an NFS mount on the host that shares a pod's lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs"),
  iscsi: freeForm().optional().describe("iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. More info: https://examples.k8s.io/volumes/iscsi/README.md"),
  glusterfs: freeForm().optional().describe("glusterfs represents a Glusterfs mount on the host that shares a pod's lifetime. Deprecated: Glusterfs is deprecated and the in-tree glusterfs type is no longer supported."),
  persistentVolumeClaim: PersistentVolumeClaimVolumeSource.optional().describe('persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims'),
  rbd: freeForm().optional().describe("rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported."),
  flexVolume: freeForm().optional().describe('flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. Deprecated: FlexVolume is deprecated.'),
  cinder: freeForm().optional().describe('cinder represents a cinder volume attached and mounted on kubelets host machine. Deprecated: Cinder is deprecated.'),
  cephfs: freeForm().optional().describe("cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported."),
  flocker: freeForm().optional().describe("flocker represents a Flocker volume attached to a kubelet's host machine. This depends on the Flocker control service being running."),
  downwardAPI: DownwardAPIVolumeSource.optional().describe('downwardAPI represents downward API about the pod that should populate this volume'),
  fc: freeForm().optional().describe("fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod."),
  azureFile: freeForm().optional().describe('azureFile represents an Azure File Service mount on the host and bind mount to the pod. Deprecated: AzureFile is deprecated.'),
  configMap: ConfigMapVolumeSource.optional().describe('configMap represents a configMap that should populate this volume'),
  vsphereVolume: freeForm().optional().describe('vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. Deprecated: VsphereVolume is deprecated.'),
  quobyte: freeForm().optional().describe("quobyte represents a Quobyte mount on the host that shares a pod's lifetime. Deprecated: Quobyte is deprecated and the in-tree quobyte type is no longer supported."),
  azureDisk: freeForm().optional().describe('azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. Deprecated: AzureDisk is deprecated.'),
  photonPersistentDisk: freeForm().optional().describe('photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. Deprecated: PhotonPersistentDisk is deprecated and the in-tree photonPersistentDisk type is no longer supported.'),
  projected: ProjectedVolumeSource.optional().describe('projected items for all in one resources secrets, configmaps, and downward API'),
  portworxVolume: freeForm().optional().describe('portworxVolume represents a portworx volume attached and mounted on kubelets host machine. Deprecated: PortworxVolume is deprecated.'),
  scaleIO: freeForm().optional().describe('scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. Deprecated: ScaleIO is deprecated and the in-tree scaleIO type is no longer supported.'),
  storageos: freeForm().optional().describe('storageOS represents a StorageOS volume attached and mounted on Kubernetes nodes. Deprecated: StorageOS is deprecated and the in-tree storageos type is no longer supported.'),
  csi: CSIVolumeSource.optional().describe('csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.'),
  ephemeral: freeForm().optional().describe("ephemeral represents a volume that is handled by a cluster storage driver. The volume's lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed."),
  image: ImageVolumeSource.optional().describe("image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine. The volume is resolved at pod startup depending on which PullPolicy value is provided."),
});

export const Volume = z
  .looseObject({
    name: z.string().describe('name of the volume. Must be a DNS_LABEL and unique within the pod.'),
    ...VolumeSource.shape,
  })
  .meta({ id: `${CORE}.Volume`, description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.' });

export const ExecAction = z
  .looseObject({
    command: list(z.string(), { type: 'atomic' }).optional().describe("Command is the command line to execute inside the container, the working directory for the command is root ('/') in the container's filesystem. The command is simply exec'd, it is not run inside a shell, so traditional shell instructions ('|', etc) won't work."),
  })
  .meta({ id: `${CORE}.ExecAction`, description: 'ExecAction describes a "run in container" action.' });

export const HTTPHeader = z
  .looseObject({
    name: z.string().describe('The header field name. This will be canonicalized upon output, so case-variant names will be understood as the same header.'),
    value: z.string().describe('The header field value'),
  })
  .meta({ id: `${CORE}.HTTPHeader`, description: 'HTTPHeader describes a custom header to be used in HTTP probes' });

export const HTTPGetAction = z
  .looseObject({
    path: z.string().optional().describe('Path to access on the HTTP server.'),
    port: IntOrString.describe('Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
    host: z.string().optional().describe('Host name to connect to, defaults to the pod IP. You probably want to set "Host" in httpHeaders'),
    scheme: z.string().optional().describe('Scheme to use for connecting to the host. Defaults to HTTP.'),
    httpHeaders: list(HTTPHeader, { type: 'atomic' }).optional().describe('Custom headers to set in the request. HTTP allows repeated headers.'),
  })
  .meta({ id: `${CORE}.HTTPGetAction`, description: 'HTTPGetAction describes an action based on HTTP Get requests.' });

export const TCPSocketAction = z
  .looseObject({
    port: IntOrString.describe('Number or name of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
    host: z.string().optional().describe('Optional: Host name to connect to, defaults to the pod IP.'),
  })
  .meta({ id: `${CORE}.TCPSocketAction`, description: 'TCPSocketAction describes an action based on opening a socket' });

export const GRPCAction = z
  .looseObject({
    port: int32().describe('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
    service: z.string().optional().describe('Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md). If this is not specified, the default behavior is defined by gRPC.'),
  })
  .meta({ id: `${CORE}.GRPCAction`, description: 'GRPCAction specifies an action involving a GRPC service.' });

export const SleepAction = z
  .looseObject({
    seconds: int64().describe('Seconds is the number of seconds to sleep.'),
  })
  .meta({ id: `${CORE}.SleepAction`, description: 'SleepAction describes a "sleep" action.' });

// Inlined into Probe, like VolumeSource into Volume.
const ProbeHandler = z.looseObject({
  exec: ExecAction.optional().describe('Exec specifies a command to execute in the container.'),
  httpGet: HTTPGetAction.optional().describe('HTTPGet specifies an HTTP GET request to perform.'),
  tcpSocket: TCPSocketAction.optional().describe('TCPSocket specifies a connection to a TCP port.'),
  grpc: GRPCAction.optional().describe('GRPC specifies a GRPC HealthCheckRequest.'),
});

export const Probe = z
  .looseObject({
    ...ProbeHandler.shape,
    initialDelaySeconds: int32().optional().describe('Number of seconds after the container has started before liveness probes are initiated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    timeoutSeconds: int32().optional().describe('Number of seconds after which the probe times out. Defaults to 1 second.'),
    periodSeconds: int32().optional().describe('How often (in seconds) to perform the probe. Default to 10 seconds.'),
    successThreshold: int32().optional().describe('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup.'),
    failureThreshold: int32().optional().describe('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1.'),
    terminationGracePeriodSeconds: int64().optional().describe('Optional duration in seconds the pod needs to terminate gracefully upon probe failure. The grace period is the duration in seconds after the processes running in the pod are sent a termination signal and the time when the processes are forcibly halted with a kill signal.'),
  })
  .meta({ id: `${CORE}.Probe`, description: 'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.' });

export const LifecycleHandler = z
  .looseObject({
    exec: ExecAction.optional().describe('Exec specifies a command to execute in the container.'),
    httpGet: HTTPGetAction.optional().describe('HTTPGet specifies an HTTP GET request to perform.'),
    tcpSocket: TCPSocketAction.optional().describe('Deprecated. TCPSocket is NOT supported as a LifecycleHandler and kept for backward compatibility.'),
    sleep: SleepAction.optional().describe('Sleep represents a duration that the container should sleep.'),
  })
  .meta({ id: `${CORE}.LifecycleHandler`, description: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook. One and only one of the fields, except TCPSocket must be specified.' });

export const Lifecycle = z
  .looseObject({
    postStart: LifecycleHandler.optional().describe('PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy.'),
    preStop: LifecycleHandler.optional().describe("PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. The handler is not called if the container crashes or exits. The Pod's termination grace period countdown begins before the PreStop hook is executed."),
  })
  .meta({ id: `${CORE}.Lifecycle`, description: 'Lifecycle describes actions that the management system should take in response to container lifecycle events. For the PostStart and PreStop lifecycle handlers, management of the container blocks until the action is complete, unless the container process fails, in which case the handler is aborted.' });

export const ResourceClaim = z
  .looseObject({
    name: z.string().describe('Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used. It makes that resource available inside a container.'),
    request: z.string().optional().describe('Request is the name chosen for a request in the referenced claim. If empty, everything from the claim is made available, otherwise only the result of this request.'),
  })
  .meta({ id: `${CORE}.ResourceClaim`, description: 'ResourceClaim references one entry in PodSpec.ResourceClaims.' });

export const ResourceRequirements = z
  .looseObject({
    limits: z.record(z.string(), Quantity).optional().describe('Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
    requests: z.record(z.string(), Quantity).optional().describe('Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value.'),
    claims: list(ResourceClaim, { type: 'map', keys: ['name'] }).optional().describe('Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container. This is an alpha field and requires enabling the DynamicResourceAllocation feature gate.'),
  })
  .meta({ id: `${CORE}.ResourceRequirements`, description: 'ResourceRequirements describes the compute resource requirements.' });

export const ContainerResizePolicy = z
  .looseObject({
    resourceName: z.string().describe('Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.'),
    restartPolicy: z.string().describe('Restart policy to apply when specified resource is resized. If not specified, it defaults to NotRequired.'),
  })
  .meta({ id: `${CORE}.ContainerResizePolicy`, description: 'ContainerResizePolicy represents resource resize policy for the container.' });

export const Capabilities = z
  .looseObject({
    add: list(z.string(), { type: 'atomic' }).optional().describe('Added capabilities'),
    drop: list(z.string(), { type: 'atomic' }).optional().describe('Removed capabilities'),
  })
  .meta({ id: `${CORE}.Capabilities`, description: 'Adds and removes POSIX capabilities from running containers.' });

export const SELinuxOptions = z
  .looseObject({
    user: z.string().optional().describe('User is a SELinux user label that applies to the container.'),
    role: z.string().optional().describe('Role is a SELinux role label that applies to the container.'),
    type: z.string().optional().describe('Type is a SELinux type label that applies to the container.'),
    level: z.string().optional().describe('Level is SELinux level label that applies to the container.'),
  })
  .meta({ id: `${CORE}.SELinuxOptions`, description: 'SELinuxOptions are the labels to be applied to the container' });

export const WindowsSecurityContextOptions = z
  .looseObject({
    gmsaCredentialSpecName: z.string().optional().describe('GMSACredentialSpecName is the name of the GMSA credential spec to use.'),
    gmsaCredentialSpec: z.string().optional().describe('GMSACredentialSpec is where the GMSA admission webhook (https://github.com/kubernetes-sigs/windows-gmsa) inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field.'),
    runAsUserName: z.string().optional().describe('The UserName in Windows to run the entrypoint of the container process. Defaults to the user specified in image metadata if unspecified.'),
    hostProcess: z.boolean().optional().describe("HostProcess determines if a container should be run as a 'Host Process' container. All of a Pod's containers must have the same effective HostProcess value (it is not allowed to have a mix of HostProcess containers and non-HostProcess containers)."),
  })
  .meta({ id: `${CORE}.WindowsSecurityContextOptions`, description: 'WindowsSecurityContextOptions contain Windows-specific options and credentials.' });

export const SeccompProfile = z
  .looseObject({
    type: z.string().describe('type indicates which kind of seccomp profile will be applied. Valid options are: Localhost (a profile defined in a file on the node), RuntimeDefault (the container runtime default profile) and Unconfined (no profile).'),
    localhostProfile: z.string().optional().describe('localhostProfile indicates a profile defined in a file on the node should be used. The profile must be preconfigured on the node to work.'),
  })
  .meta({ id: `${CORE}.SeccompProfile`, description: "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set." });

export const AppArmorProfile = z
  .looseObject({
    type: z.string().describe('type indicates which kind of AppArmor profile will be applied. Valid options are: Localhost (a profile pre-loaded on the node), RuntimeDefault (the container runtime default profile) and Unconfined (no AppArmor enforcement).'),
    localhostProfile: z.string().optional().describe('localhostProfile indicates a profile loaded on the node that should be used. The profile must be preconfigured on the node to work.'),
  })
  .meta({ id: `${CORE}.AppArmorProfile`, description: "AppArmorProfile defines a pod or container's AppArmor settings." });

export const SecurityContext = z
  .looseObject({
    capabilities: Capabilities.optional().describe('The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime.'),
    privileged: z.boolean().optional().describe('Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host.'),
    seLinuxOptions: SELinuxOptions.optional().describe('The SELinux context to be applied to the container. If unspecified, the container runtime will allocate a random SELinux context for each container.'),
    windowsOptions: WindowsSecurityContextOptions.optional().describe('The Windows specific settings applied to all containers. If unspecified, the options from the PodSecurityContext will be used.'),
    runAsUser: int64().optional().describe('The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.'),
    runAsGroup: int64().optional().describe('The GID to run the entrypoint of the container process. Uses runtime default if unset.'),
    runAsNonRoot: z.boolean().optional().describe('Indicates that the container must run as a non-root user. If true, the Kubelet will validate the image at runtime to ensure that it does not run as UID 0 (root) and fail to start the container if it does.'),
    readOnlyRootFilesystem: z.boolean().optional().describe('Whether this container has a read-only root filesystem. Default is false.'),
    allowPrivilegeEscalation: z.boolean().optional().describe('AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process. This bool directly controls if the no_new_privs flag will be set on the container process.'),
    procMount: z.string().optional().describe('procMount denotes the type of proc mount to use for the containers. The default value is Default which uses the container runtime defaults for readonly paths and masked paths.'),
    seccompProfile: SeccompProfile.optional().describe('The seccomp options to use by this container. If seccomp options are provided at both the pod & container level, the container options override the pod options.'),
    appArmorProfile: AppArmorProfile.optional().describe("appArmorProfile is the AppArmor options to use by this container. If set, this profile overrides the pod's appArmorProfile."),
  })
  .meta({ id: `${CORE}.SecurityContext`, description: 'SecurityContext holds security configuration that will be applied to a container. Some fields are present in both SecurityContext and PodSecurityContext.' });

export const Container = z
  .looseObject({
    name: z.string().describe('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL).'),
    image: z.string().optional().describe('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images'),
    command: list(z.string(), { type: 'atomic' }).optional().describe('Entrypoint array. Not executed within a shell.'),
    args: list(z.string(), { type: 'atomic' }).optional().describe("Arguments to the entrypoint. The container image's CMD is used if this is not provided."),
    workingDir: z.string().optional().describe("Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image."),
    ports: list(ContainerPort, { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' }).optional().describe('List of ports to expose from the container. Not specifying a port here DOES NOT prevent that port from being exposed.'),
    envFrom: list(EnvFromSource, { type: 'atomic' }).optional().describe('List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER.'),
    env: list(EnvVar, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('List of environment variables to set in the container. Cannot be updated.'),
    resources: ResourceRequirements.optional().describe('Compute Resources required by this container. Cannot be updated.'),
    resizePolicy: list(ContainerResizePolicy, { type: 'atomic' }).optional().describe('Resources resize policy for the container.'),
    restartPolicy: z.string().optional().describe('RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is "Always".'),
    volumeMounts: list(VolumeMount, { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }).optional().describe("Pod volumes to mount into the container's filesystem. Cannot be updated."),
    volumeDevices: list(VolumeDevice, { type: 'map', keys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' }).optional().describe('volumeDevices is the list of block devices to be used by the container.'),
    livenessProbe: Probe.optional().describe('Periodic probe of container liveness. Container will be restarted if the probe fails.'),
    readinessProbe: Probe.optional().describe('Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.'),
    startupProbe: Probe.optional().describe('StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully.'),
    lifecycle: Lifecycle.optional().describe('Actions that the management system should take in response to container lifecycle events. Cannot be updated.'),
    terminationMessagePath: z.string().optional().describe("Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Message written is intended to be brief final status, such as an assertion failure message."),
    terminationMessagePolicy: z.string().optional().describe('Indicate how the termination message should be populated. File will use the contents of terminationMessagePath to populate the container status message on both success and failure.'),
    imagePullPolicy: z.string().optional().describe('Image pull policy. One of Always, Never, IfNotPresent.'),
    securityContext: SecurityContext.optional().describe('SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext.'),
    stdin: z.boolean().optional().describe('Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF.'),
    stdinOnce: z.boolean().optional().describe('Whether the container runtime should close the stdin channel after it has been opened by a single attach. When stdin is true the stdin stream will remain open across multiple attach sessions.'),
    tty: z.boolean().optional().describe("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false."),
  })
  .meta({ id: `${CORE}.Container`, description: 'A single application container that you want to run within a pod.' });

// Inlined into EphemeralContainer: the fields of Container, with the ephemeral-specific descriptions.
const EphemeralContainerCommon = z.looseObject({
  name: z.string().describe('Name of the ephemeral container specified as a DNS_LABEL. This name must be unique among all containers, init containers and ephemeral containers.'),
  image: z.string().optional().describe('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images'),
  command: list(z.string(), { type: 'atomic' }).optional().describe('Entrypoint array. Not executed within a shell.'),
  args: list(z.string(), { type: 'atomic' }).optional().describe("Arguments to the entrypoint. The image's CMD is used if this is not provided."),
  workingDir: z.string().optional().describe("Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image."),
  ports: list(ContainerPort, { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' }).optional().describe('Ports are not allowed for ephemeral containers.'),
  envFrom: list(EnvFromSource, { type: 'atomic' }).optional().describe('List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER.'),
  env: list(EnvVar, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('List of environment variables to set in the container. Cannot be updated.'),
  resources: ResourceRequirements.optional().describe('Resources are not allowed for ephemeral containers. Ephemeral containers use spare resources already allocated to the pod.'),
  resizePolicy: list(ContainerResizePolicy, { type: 'atomic' }).optional().describe('Resources resize policy for the container.'),
  restartPolicy: z.string().optional().describe('Restart policy for the container to manage the restart behavior of each container within a pod. This may only be set for init containers.'),
  volumeMounts: list(VolumeMount, { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }).optional().describe("Pod volumes to mount into the container's filesystem. Subpath mounts are not allowed for ephemeral containers."),
  volumeDevices: list(VolumeDevice, { type: 'map', keys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' }).optional().describe('volumeDevices is the list of block devices to be used by the container.'),
  livenessProbe: Probe.optional().describe('Probes are not allowed for ephemeral containers.'),
  readinessProbe: Probe.optional().describe('Probes are not allowed for ephemeral containers.'),
  startupProbe: Probe.optional().describe('Probes are not allowed for ephemeral containers.'),
  lifecycle: Lifecycle.optional().describe('Lifecycle is not allowed for ephemeral containers.'),
  terminationMessagePath: z.string().optional().describe("Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Message written is intended to be brief final status, such as an assertion failure message."),
  terminationMessagePolicy: z.string().optional().describe('Indicate how the termination message should be populated. File will use the contents of terminationMessagePath to populate the container status message on both success and failure.'),
  imagePullPolicy: z.string().optional().describe('Image pull policy. One of Always, Never, IfNotPresent.'),
  securityContext: SecurityContext.optional().describe('Optional: SecurityContext defines the security options the ephemeral container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext.'),
  stdin: z.boolean().optional().describe('Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF.'),
  stdinOnce: z.boolean().optional().describe('Whether the container runtime should close the stdin channel after it has been opened by a single attach. When stdin is true the stdin stream will remain open across multiple attach sessions.'),
  tty: z.boolean().optional().describe("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false."),
});

export const EphemeralContainer = z
  .looseObject({
    ...EphemeralContainerCommon.shape,
    targetContainerName: z.string().optional().describe('If set, the name of the container from PodSpec that this ephemeral container targets. The ephemeral container will be run in the namespaces (IPC, PID, etc) of this container.'),
  })
  .meta({ id: `${CORE}.EphemeralContainer`, description: 'An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging. Ephemeral containers have no resource or scheduling guarantees, and they will not be restarted when they exit or when a Pod is removed or restarted.' });

export const Sysctl = z
  .looseObject({
    name: z.string().describe('Name of a property to set'),
    value: z.string().describe('Value of a property to set'),
  })
  .meta({ id: `${CORE}.Sysctl`, description: 'Sysctl defines a kernel parameter to be set' });

export const PodSecurityContext = z
  .looseObject({
    seLinuxOptions: SELinuxOptions.optional().describe('The SELinux context to be applied to all containers. If unspecified, the container runtime will allocate a random SELinux context for each container.'),
    windowsOptions: WindowsSecurityContextOptions.optional().describe("The Windows specific settings applied to all containers. If unspecified, the options within a container's SecurityContext will be used."),
    runAsUser: int64().optional().describe('The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.'),
    runAsGroup: int64().optional().describe('The GID to run the entrypoint of the container process. Uses runtime default if unset.'),
    runAsNonRoot: z.boolean().optional().describe('Indicates that the container must run as a non-root user. If true, the Kubelet will validate the image at runtime to ensure that it does not run as UID 0 (root) and fail to start the container if it does.'),
    supplementalGroups: list(int64(), { type: 'atomic' }).optional().describe("A list of groups applied to the first process run in each container, in addition to the container's primary GID and fsGroup (if specified). If the SupplementalGroupsPolicy feature is enabled, the supplementalGroupsPolicy field determines whether these are in addition to or instead of any group memberships defined in the container image."),
    supplementalGroupsPolicy: z.string().optional().describe('Defines how supplemental groups of the first container processes are calculated. Valid values are "Merge" and "Strict".'),
    fsGroup: int64().optional().describe("A special supplemental group that applies to all containers in a pod."),
    sysctls: list(Sysctl, { type: 'atomic' }).optional().describe('Sysctls hold a list of namespaced sysctls used for the pod. Pods with unsupported sysctls (by the container runtime) might fail to launch.'),
    fsGroupChangePolicy: z.string().optional().describe('fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod. This field will only apply to volume types which support fsGroup based ownership(and permissions).'),
    seccompProfile: SeccompProfile.optional().describe('The seccomp options to use by the containers in this pod. Note that this field cannot be set when spec.os.name is windows.'),
    appArmorProfile: AppArmorProfile.optional().describe('appArmorProfile is the AppArmor options to use by the containers in this pod. Note that this field cannot be set when spec.os.name is windows.'),
    seLinuxChangePolicy: z.string().optional().describe("seLinuxChangePolicy defines how the container's SELinux label is applied to all volumes used by the Pod. It has no effect on nodes that do not support SELinux or to volumes does not support SELinux."),
  })
  .meta({ id: `${CORE}.PodSecurityContext`, description: 'PodSecurityContext holds pod-level security attributes and common container settings. Some fields are also present in container.securityContext.' });

export const NodeSelectorRequirement = z
  .looseObject({
    key: z.string().describe('The label key that the selector applies to.'),
    operator: z.string().describe("Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist."),
    values: list(z.string(), { type: 'atomic' }).optional().describe('An array of string values. If the operator is In or NotIn, the values array must be non-empty.'),
  })
  .meta({ id: `${CORE}.NodeSelectorRequirement`, description: 'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.' });

export const NodeSelectorTerm = z
  .looseObject({
    matchExpressions: list(NodeSelectorRequirement, { type: 'atomic' }).optional().describe("A list of node selector requirements by node's labels."),
    matchFields: list(NodeSelectorRequirement, { type: 'atomic' }).optional().describe("A list of node selector requirements by node's fields."),
  })
  .meta({ id: `${CORE}.NodeSelectorTerm`, description: 'A null or empty node selector term matches no objects. The requirements of them are ANDed.', 'x-kubernetes-map-type': 'atomic' });

export const NodeSelector = z
  .looseObject({
    nodeSelectorTerms: list(NodeSelectorTerm, { type: 'atomic' }).describe('Required. A list of node selector terms.'),
  })
  .meta({ id: `${CORE}.NodeSelector`, description: 'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.', 'x-kubernetes-map-type': 'atomic' });

export const PreferredSchedulingTerm = z
  .looseObject({
    weight: int32().describe('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'),
    preference: NodeSelectorTerm.describe('A node selector term, associated with the corresponding weight.'),
  })
  .meta({ id: `${CORE}.PreferredSchedulingTerm`, description: "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it's a no-op). A null preferred scheduling term matches no objects (i.e. is also a no-op)." });

export const NodeAffinity = z
  .looseObject({
    requiredDuringSchedulingIgnoredDuringExecution: NodeSelector.optional().describe('If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to an update), the system may or may not try to eventually evict the pod from its node.'),
    preferredDuringSchedulingIgnoredDuringExecution: list(PreferredSchedulingTerm, { type: 'atomic' }).optional().describe('The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.'),
  })
  .meta({ id: `${CORE}.NodeAffinity`, description: 'Node affinity is a group of node affinity scheduling rules.' });

export const PodAffinityTerm = z
  .looseObject({
    labelSelector: LabelSelector.optional().describe("A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods."),
    namespaces: list(z.string(), { type: 'atomic' }).optional().describe('namespaces specifies a static list of namespace names that the term applies to. The term is applied to the union of the namespaces listed in this field and the ones selected by namespaceSelector.'),
    topologyKey: z.string().describe('This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running. Empty topologyKey is not allowed.'),
    namespaceSelector: LabelSelector.optional().describe('A label query over the set of namespaces that the term applies to. The term is applied to the union of the namespaces selected by this field and the ones listed in the namespaces field.'),
    matchLabelKeys: list(z.string(), { type: 'atomic' }).optional().describe("MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key in (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity."),
    mismatchLabelKeys: list(z.string(), { type: 'atomic' }).optional().describe("MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key notin (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity."),
  })
  .meta({ id: `${CORE}.PodAffinityTerm`, description: 'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which a pod of the set of pods is running' });

export const WeightedPodAffinityTerm = z
  .looseObject({
    weight: int32().describe('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'),
    podAffinityTerm: PodAffinityTerm.describe('Required. A pod affinity term, associated with the corresponding weight.'),
  })
  .meta({ id: `${CORE}.WeightedPodAffinityTerm`, description: 'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)' });

export const PodAffinity = z
  .looseObject({
    requiredDuringSchedulingIgnoredDuringExecution: list(PodAffinityTerm, { type: 'atomic' }).optional().describe('If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node.'),
    preferredDuringSchedulingIgnoredDuringExecution: list(WeightedPodAffinityTerm, { type: 'atomic' }).optional().describe('The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.'),
  })
  .meta({ id: `${CORE}.PodAffinity`, description: 'Pod affinity is a group of inter pod affinity scheduling rules.' });

export const PodAntiAffinity = z
  .looseObject({
    requiredDuringSchedulingIgnoredDuringExecution: list(PodAffinityTerm, { type: 'atomic' }).optional().describe('If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the anti-affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node.'),
    preferredDuringSchedulingIgnoredDuringExecution: list(WeightedPodAffinityTerm, { type: 'atomic' }).optional().describe('The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.'),
  })
  .meta({ id: `${CORE}.PodAntiAffinity`, description: 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.' });

export const Affinity = z
  .looseObject({
    nodeAffinity: NodeAffinity.optional().describe('Describes node affinity scheduling rules for the pod.'),
    podAffinity: PodAffinity.optional().describe('Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).'),
    podAntiAffinity: PodAntiAffinity.optional().describe('Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).'),
  })
  .meta({ id: `${CORE}.Affinity`, description: 'Affinity is a group of affinity scheduling rules.' });

export const Toleration = z
  .looseObject({
    key: z.string().optional().describe('Key is the taint key that the toleration applies to. Empty means match all taint keys.'),
    operator: z.string().optional().describe("Operator represents a key's relationship to the value. Valid operators are Exists and Equal."),
    value: z.string().optional().describe('Value is the taint value the toleration matches to. If the operator is Exists, the value should be empty, otherwise just a regular string.'),
    effect: z.string().optional().describe('Effect indicates the taint effect to match. Empty means match all taint effects.'),
    tolerationSeconds: int64().optional().describe('TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint. By default, it is not set, which means tolerate the taint forever (do not evict).'),
  })
  .meta({ id: `${CORE}.Toleration`, description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.' });

export const HostAlias = z
  .looseObject({
    ip: z.string().describe('IP address of the host file entry.'),
    hostnames: list(z.string(), { type: 'atomic' }).optional().describe('Hostnames for the above IP address.'),
  })
  .meta({ id: `${CORE}.HostAlias`, description: "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file." });

export const PodDNSConfigOption = z
  .looseObject({
    name: z.string().optional().describe("Name is this DNS resolver option's name. Required."),
    value: z.string().optional().describe("Value is this DNS resolver option's value."),
  })
  .meta({ id: `${CORE}.PodDNSConfigOption`, description: 'PodDNSConfigOption defines DNS resolver options of a pod.' });

export const PodDNSConfig = z
  .looseObject({
    nameservers: list(z.string(), { type: 'atomic' }).optional().describe('A list of DNS name server IP addresses. This will be appended to the base nameservers generated from DNSPolicy.'),
    searches: list(z.string(), { type: 'atomic' }).optional().describe('A list of DNS search domains for host-name lookup. This will be appended to the base search paths generated from DNSPolicy.'),
    options: list(PodDNSConfigOption, { type: 'atomic' }).optional().describe('A list of DNS resolver options. This will be merged with the base options generated from DNSPolicy.'),
  })
  .meta({ id: `${CORE}.PodDNSConfig`, description: 'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.' });

export const PodReadinessGate = z
  .looseObject({
    conditionType: z.string().describe("ConditionType refers to a condition in the pod's condition list with matching type."),
  })
  .meta({ id: `${CORE}.PodReadinessGate`, description: 'PodReadinessGate contains the reference to a pod condition' });

export const TopologySpreadConstraint = z
  .looseObject({
    maxSkew: int32().describe('MaxSkew describes the degree to which pods may be unevenly distributed. When `whenUnsatisfiable=DoNotSchedule`, it is the maximum permitted difference between the number of matching pods in the target topology and the global minimum.'),
    topologyKey: z.string().describe('TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology.'),
    whenUnsatisfiable: z.string().describe("WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint: DoNotSchedule (default) tells the scheduler not to schedule it, ScheduleAnyway tells the scheduler to schedule the pod in any location, but giving higher precedence to topologies that would help reduce the skew."),
    labelSelector: LabelSelector.optional().describe('LabelSelector is used to find matching pods. Pods that match this label selector are counted to determine the number of pods in their corresponding topology domain.'),
    minDomains: int32().optional().describe('MinDomains indicates a minimum number of eligible domains. When the number of eligible domains with matching topology keys is less than minDomains, Pod Topology Spread treats "global minimum" as 0, and then the calculation of Skew is performed.'),
    nodeAffinityPolicy: z.string().optional().describe("NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew. Options are Honor (only nodes matching nodeAffinity/nodeSelector are included in the calculations) and Ignore; defaults to Honor."),
    nodeTaintsPolicy: z.string().optional().describe('NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew. Options are Honor (nodes without taints, along with tainted nodes for which the incoming pod has a toleration, are included) and Ignore; defaults to Ignore.'),
    matchLabelKeys: list(z.string(), { type: 'atomic' }).optional().describe('MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated. The keys are used to lookup values from the incoming pod labels, those key-value labels are ANDed with labelSelector to select the group of existing pods over which spreading will be calculated for the incoming pod.'),
  })
  .meta({ id: `${CORE}.TopologySpreadConstraint`, description: 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.' });

export const PodOS = z
  .looseObject({
    name: z.string().describe('Name is the name of the operating system. The currently supported values are linux and windows.'),
  })
  .meta({ id: `${CORE}.PodOS`, description: 'PodOS defines the OS parameters of a pod.' });

export const PodSchedulingGate = z
  .looseObject({
    name: z.string().describe('Name of the scheduling gate. Each scheduling gate must have a unique name field.'),
  })
  .meta({ id: `${CORE}.PodSchedulingGate`, description: 'PodSchedulingGate is associated to a Pod to guard its scheduling.' });

export const PodResourceClaim = z
  .looseObject({
    name: z.string().describe('Name uniquely identifies this resource claim inside the pod. This must be a DNS_LABEL.'),
    resourceClaimName: z.string().optional().describe('ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod. Exactly one of ResourceClaimName and ResourceClaimTemplateName must be set.'),
    resourceClaimTemplateName: z.string().optional().describe('ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod. The template will be used to create a new ResourceClaim, which will be bound to this pod.'),
  })
  .meta({ id: `${CORE}.PodResourceClaim`, description: 'PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod. It adds a name to it that uniquely identifies the ResourceClaim inside the Pod.' });

export const PodSpec = z
  .looseObject({
    volumes: list(Volume, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }).optional().describe('List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes'),
    initContainers: list(Container, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.'),
    containers: list(Container, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).describe('List of containers belonging to the pod. Containers cannot currently be added or removed.'),
    ephemeralContainers: list(EphemeralContainer, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('List of ephemeral containers run in this pod. Ephemeral containers may be run in an existing pod to perform user-initiated actions such as debugging.'),
    restartPolicy: z.string().optional().describe('Restart policy for all containers within the pod. One of Always, OnFailure, Never.'),
    terminationGracePeriodSeconds: int64().optional().describe('Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request.'),
    activeDeadlineSeconds: int64().optional().describe('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers. Value must be a positive integer.'),
    dnsPolicy: z.string().optional().describe('Set DNS policy for the pod. Defaults to "ClusterFirst".'),
    nodeSelector: stringMap().meta({ 'x-kubernetes-map-type': 'atomic' }).optional().describe("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    serviceAccountName: z.string().optional().describe('ServiceAccountName is the name of the ServiceAccount to use to run this pod. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'),
    serviceAccount: z.string().optional().describe('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.'),
    automountServiceAccountToken: z.boolean().optional().describe('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
    nodeName: z.string().optional().describe('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.'),
    hostNetwork: z.boolean().optional().describe("Host networking requested for this pod. Use the host's network namespace."),
    hostPID: z.boolean().optional().describe("Use the host's pid namespace. Optional: Default to false."),
    hostIPC: z.boolean().optional().describe("Use the host's ipc namespace. Optional: Default to false."),
    shareProcessNamespace: z.boolean().optional().describe('Share a single process namespace between all of the containers in a pod. When this is set containers will be able to view and signal processes from other containers in the same pod, and the first process in each container will not be assigned PID 1. HostPID and ShareProcessNamespace cannot both be set.'),
    securityContext: PodSecurityContext.optional().describe('SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.'),
    imagePullSecrets: list(LocalObjectReference, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec. If specified, these secrets will be passed to individual puller implementations for them to use.'),
    hostname: z.string().optional().describe("Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value."),
    subdomain: z.string().optional().describe('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>". If not specified, the pod will not have a domainname at all.'),
    affinity: Affinity.optional().describe("If specified, the pod's scheduling constraints"),
    schedulerName: z.string().optional().describe('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.'),
    tolerations: list(Toleration, { type: 'atomic' }).optional().describe("If specified, the pod's tolerations."),
    hostAliases: list(HostAlias, { type: 'map', keys: ['ip'], mergeKey: 'ip', strategy: 'merge' }).optional().describe("HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified."),
    priorityClassName: z.string().optional().describe('If specified, indicates the pod\'s priority. "system-node-critical" and "system-cluster-critical" are two special keywords which indicate the highest priorities with the former being the highest priority.'),
    priority: int32().optional().describe('The priority value. Various system components use this field to find the priority of the pod.'),
    dnsConfig: PodDNSConfig.optional().describe('Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.'),
    readinessGates: list(PodReadinessGate, { type: 'atomic' }).optional().describe('If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates'),
    runtimeClassName: z.string().optional().describe('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod. If no RuntimeClass resource matches the named class, the pod will not be run.'),
    enableServiceLinks: z.boolean().optional().describe("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables, matching the syntax of Docker links. Optional: Defaults to true."),
    preemptionPolicy: z.string().optional().describe('PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority.'),
    overhead: z.record(z.string(), Quantity).optional().describe('Overhead represents the resource overhead associated with running a pod for a given RuntimeClass. This field will be autopopulated at admission time by the RuntimeClass admission controller.'),
    topologySpreadConstraints: list(TopologySpreadConstraint, { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], mergeKey: 'topologyKey', strategy: 'merge' }).optional().describe('TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. Scheduler will schedule pods in a way which abides by the constraints.'),
    setHostnameAsFQDN: z.boolean().optional().describe("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default). In Linux containers, this means setting the FQDN in the hostname field of the kernel (the nodename field of struct utsname)."),
    os: PodOS.optional().describe('Specifies the OS of the containers in the pod. Some pod and container fields are restricted if this is set.'),
    hostUsers: z.boolean().optional().describe("Use the host's user namespace. Optional: Default to true."),
    schedulingGates: list(PodSchedulingGate, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('SchedulingGates is an opaque list of values that if specified will block scheduling the pod. If schedulingGates is not empty, the pod will stay in the SchedulingGated state and the scheduler will not attempt to schedule the pod.'),
    resourceClaims: list(PodResourceClaim, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }).optional().describe('ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start. The resources will be made available to those containers which consume them by name.'),
    resources: ResourceRequirements.optional().describe('Resources is the total amount of CPU and Memory resources required by all containers in the pod. It supports specifying Requests and Limits for "cpu" and "memory" resource names only.'),
  })
  .meta({ id: `${CORE}.PodSpec`, description: 'PodSpec is a description of a pod.' });

export const ContainerStateWaiting = z
  .looseObject({
    reason: z.string().optional().describe('(brief) reason the container is not yet running.'),
    message: z.string().optional().describe('Message regarding why the container is not yet running.'),
  })
  .meta({ id: `${CORE}.ContainerStateWaiting`, description: 'ContainerStateWaiting is a waiting state of a container.' });

export const ContainerStateRunning = z
  .looseObject({
    startedAt: nullableTime().optional().describe('Time at which the container was last (re-)started'),
  })
  .meta({ id: `${CORE}.ContainerStateRunning`, description: 'ContainerStateRunning is a running state of a container.' });

export const ContainerStateTerminated = z
  .looseObject({
    exitCode: int32().describe('Exit status from the last termination of the container'),
    signal: int32().optional().describe('Signal from the last termination of the container'),
    reason: z.string().optional().describe('(brief) reason from the last termination of the container'),
    message: z.string().optional().describe('Message regarding the last termination of the container'),
    startedAt: nullableTime().optional().describe('Time at which previous execution of the container started'),
    finishedAt: nullableTime().optional().describe('Time at which the container last terminated'),
    containerID: z.string().optional().describe("Container's ID in the format '<type>://<container_id>'"),
  })
  .meta({ id: `${CORE}.ContainerStateTerminated`, description: 'ContainerStateTerminated is a terminated state of a container.' });

export const ContainerState = z
  .looseObject({
    waiting: ContainerStateWaiting.optional().describe('Details about a waiting container'),
    running: ContainerStateRunning.optional().describe('Details about a running container'),
    terminated: ContainerStateTerminated.optional().describe('Details about a terminated container'),
  })
  .meta({ id: `${CORE}.ContainerState`, description: 'ContainerState holds a possible state of container. Only one of its members may be specified.' });

export const VolumeMountStatus = z
  .looseObject({
    name: z.string().describe('Name corresponds to the name of the original VolumeMount.'),
    mountPath: z.string().describe('MountPath corresponds to the original VolumeMount.'),
    readOnly: z.boolean().optional().describe('ReadOnly corresponds to the original VolumeMount.'),
    recursiveReadOnly: z.string().optional().describe('RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts). An IfPossible value in the original VolumeMount must be translated to Disabled or Enabled, depending on the mount result.'),
  })
  .meta({ id: `${CORE}.VolumeMountStatus`, description: 'VolumeMountStatus shows status of volume mounts.' });

export const LinuxContainerUser = z
  .looseObject({
    uid: int64().describe('UID is the primary uid initially attached to the first process in the container'),
    gid: int64().describe('GID is the primary gid initially attached to the first process in the container'),
    supplementalGroups: list(int64(), { type: 'atomic' }).optional().describe('SupplementalGroups are the supplemental groups initially attached to the first process in the container'),
  })
  .meta({ id: `${CORE}.LinuxContainerUser`, description: 'LinuxContainerUser represents user identity information in Linux containers' });

export const ContainerUser = z
  .looseObject({
    linux: LinuxContainerUser.optional().describe('Linux holds user identity information initially attached to the first process of the containers in Linux. Note that the actual running identity can be changed if the process has enough privilege to do so.'),
  })
  .meta({ id: `${CORE}.ContainerUser`, description: 'ContainerUser represents user identity information' });

export const ResourceHealth = z
  .looseObject({
    resourceID: z.string().describe('ResourceID is the unique identifier of the resource. See the ResourceID type for more information.'),
    health: z.string().optional().describe('Health of the resource: Healthy, Unhealthy or Unknown.'),
  })
  .meta({ id: `${CORE}.ResourceHealth`, description: 'ResourceHealth represents the health of a resource. It has the latest device health information.' });

export const ResourceStatus = z
  .looseObject({
    name: z.string().describe('Name of the resource. Must be unique within the pod and in case of non-DRA resource, match one of the resources from the pod spec.'),
    resources: list(ResourceHealth, { type: 'map', keys: ['resourceID'] }).optional().describe('List of unique resources health. Each element in the list contains an unique resource ID and its health.'),
  })
  .meta({ id: `${CORE}.ResourceStatus`, description: 'ResourceStatus represents the status of a single resource allocated to a Pod.' });

export const ContainerStatus = z
  .looseObject({
    name: z.string().describe('Name is a DNS_LABEL representing the unique name of the container. Each container in a pod must have a unique name across all container types.'),
    state: ContainerState.optional().describe("State holds details about the container's current condition."),
    lastState: ContainerState.optional().describe('LastTerminationState holds the last termination state of the container to help debug container crashes and restarts. This field is not populated if the container is still running and RestartCount is 0.'),
    ready: z.boolean().describe('Ready specifies whether the container is currently passing its readiness check. The value will change as readiness probes keep executing.'),
    restartCount: int32().describe('RestartCount holds the number of times the container has been restarted. Kubelet makes an effort to always increment the value, but there are cases when the state may be lost due to node restarts and then the value may be reset to 0. The value is never negative.'),
    image: z.string().describe('Image is the name of container image that the container is running. The container image may not match the image used in the PodSpec, as it may have been resolved by the runtime.'),
    imageID: z.string().describe("ImageID is the image ID of the container's image. The image ID may not match the image ID of the image used in the PodSpec, as it may have been resolved by the runtime."),
    containerID: z.string().optional().describe('ContainerID is the ID of the container in the format \'<type>://<container_id>\'. Where type is a container runtime identifier, returned from Version call of CRI API (for example "containerd").'),
    started: z.boolean().optional().describe('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe. Initialized as false, becomes true after startupProbe is considered successful.'),
    allocatedResources: z.record(z.string(), Quantity).optional().describe('AllocatedResources represents the compute resources allocated for this container by the node. Kubelet sets this value to Container.Resources.Requests upon successful pod admission and after successfully admitting desired pod resize.'),
    resources: ResourceRequirements.optional().describe('Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.'),
    volumeMounts: list(VolumeMountStatus, { type: 'map', keys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }).optional().describe('Status of volume mounts.'),
    user: ContainerUser.optional().describe('User represents user identity information initially attached to the first process of the container'),
    allocatedResourcesStatus: list(ResourceStatus, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge' }).optional().describe('AllocatedResourcesStatus represents the status of various resources allocated for this Pod.'),
  })
  .meta({ id: `${CORE}.ContainerStatus`, description: 'ContainerStatus contains details for the current status of this container.' });

export const PodCondition = z
  .looseObject({
    type: z.string().describe('Type is the type of the condition. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions'),
    status: z.string().describe('Status is the status of the condition. Can be True, False, Unknown.'),
    lastProbeTime: nullableTime().optional().describe('Last time we probed the condition.'),
    lastTransitionTime: nullableTime().optional().describe('Last time the condition transitioned from one status to another.'),
    reason: z.string().optional().describe("Unique, one-word, CamelCase reason for the condition's last transition."),
    message: z.string().optional().describe('Human-readable message indicating details about last transition.'),
  })
  .meta({ id: `${CORE}.PodCondition`, description: 'PodCondition contains details for the current condition of this pod.' });

export const HostIP = z
  .looseObject({
    ip: z.string().describe('IP is the IP address assigned to the host'),
  })
  .meta({ id: `${CORE}.HostIP`, description: 'HostIP represents a single IP address allocated to the host.' });

export const PodIP = z
  .looseObject({
    ip: z.string().describe('IP is the IP address assigned to the pod'),
  })
  .meta({ id: `${CORE}.PodIP`, description: 'PodIP represents a single IP address allocated to the pod.' });

export const PodResourceClaimStatus = z
  .looseObject({
    name: z.string().describe('Name uniquely identifies this resource claim inside the pod. This must match the name of an entry in pod.spec.resourceClaims, which implies that the string must be a DNS_LABEL.'),
    resourceClaimName: z.string().optional().describe('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. If this is unset, then generating a ResourceClaim was not necessary.'),
  })
  .meta({ id: `${CORE}.PodResourceClaimStatus`, description: 'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. It stores the generated name for the corresponding ResourceClaim.' });

export const PodStatus = z
  .looseObject({
    phase: z.string().optional().describe("The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. The conditions array, the reason and message fields, and the individual container status arrays contain more detail about the pod's status."),
    conditions: list(PodCondition, { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' }).optional().describe('Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions'),
    message: z.string().optional().describe('A human readable message indicating details about why the pod is in this condition.'),
    reason: z.string().optional().describe("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
    nominatedNodeName: z.string().optional().describe('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node.'),
    hostIP: z.string().optional().describe('hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.'),
    hostIPs: list(HostIP, { type: 'atomic', mergeKey: 'ip', strategy: 'merge' }).optional().describe('hostIPs holds the IP addresses allocated to the host. If this field is specified, the first entry must match the hostIP field.'),
    podIP: z.string().optional().describe('podIP address allocated to the pod. Routable at least within the cluster.'),
    podIPs: list(PodIP, { type: 'map', keys: ['ip'], mergeKey: 'ip', strategy: 'merge' }).optional().describe('podIPs holds the IP addresses allocated to the pod. If this field is specified, the 0th entry must match the podIP field.'),
    startTime: nullableTime().optional().describe('RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.'),
    initContainerStatuses: list(ContainerStatus, { type: 'atomic' }).optional().describe('Statuses of init containers in this pod. The most recent successful non-restartable init container will have ready = true, the most recently started container will have startTime set.'),
    containerStatuses: list(ContainerStatus, { type: 'atomic' }).optional().describe('Statuses of containers in this pod. Each container in the pod should have at most one status in this list, and all statuses should be for containers in the pod.'),
    qosClass: z.string().optional().describe('The Quality of Service (QOS) classification assigned to the pod based on resource requirements See PodQOSClass type for available QOS classes More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#quality-of-service-classes'),
    ephemeralContainerStatuses: list(ContainerStatus, { type: 'atomic' }).optional().describe('Statuses for any ephemeral containers that have run in this pod. Each ephemeral container in the pod should have at most one status in this list, and all statuses should be for containers in the pod.'),
    resize: z.string().optional().describe("Status of resources resize desired for pod's containers. It is empty if no resources resize is pending."),
    resourceClaimStatuses: list(PodResourceClaimStatus, { type: 'map', keys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }).optional().describe('Status of resource claims.'),
  })
  .meta({ id: `${CORE}.PodStatus`, description: 'PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.' });

export const PodTemplateSpec = z
  .looseObject({
    metadata: ObjectMeta.optional().describe("Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    spec: PodSpec.optional().describe('Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  })
  .meta({ id: `${CORE}.PodTemplateSpec`, description: 'PodTemplateSpec describes the data a pod should have when created from a template' });

export const ServicePort = z
  .looseObject({
    name: z.string().optional().describe('The name of this port within the service. This must be a DNS_LABEL.'),
    protocol: z.string().optional().describe('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP".'),
    appProtocol: z.string().optional().describe('The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand.'),
    port: int32().describe('The port that will be exposed by this service.'),
    targetPort: IntOrString.optional().describe('Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
    nodePort: int32().optional().describe('The port on each node on which this service is exposed when type is NodePort or LoadBalancer. Usually assigned by the system.'),
  })
  .meta({ id: `${CORE}.ServicePort`, description: "ServicePort contains information on service's port." });

export const ClientIPConfig = z
  .looseObject({
    timeoutSeconds: int32().optional().describe('timeoutSeconds specifies the seconds of ClientIP type session sticky time. The value must be >0 && <=86400(for 1 day) if ServiceAffinity == "ClientIP".'),
  })
  .meta({ id: `${CORE}.ClientIPConfig`, description: 'ClientIPConfig represents the configurations of Client IP based session affinity.' });

export const SessionAffinityConfig = z
  .looseObject({
    clientIP: ClientIPConfig.optional().describe('clientIP contains the configurations of Client IP based session affinity.'),
  })
  .meta({ id: `${CORE}.SessionAffinityConfig`, description: 'SessionAffinityConfig represents the configurations of session affinity.' });

export const ServiceSpec = z
  .looseObject({
    ports: list(ServicePort, { type: 'map', keys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' }).optional().describe('The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
    selector: stringMap().meta({ 'x-kubernetes-map-type': 'atomic' }).optional().describe('Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify.'),
    clusterIP: z.string().optional().describe('clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail.'),
    clusterIPs: list(z.string(), { type: 'atomic' }).optional().describe('ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail.'),
    type: z.string().optional().describe('type determines how the Service is exposed. Defaults to ClusterIP.'),
    externalIPs: list(z.string(), { type: 'atomic' }).optional().describe('externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service. These IPs are not managed by Kubernetes.'),
    sessionAffinity: z.string().optional().describe('Supports "ClientIP" and "None". Used to maintain session affinity.'),
    loadBalancerIP: z.string().optional().describe('Only applies to Service Type: LoadBalancer. This feature depends on whether the underlying cloud-provider supports specifying the loadBalancerIP when a load balancer is created.'),
    loadBalancerSourceRanges: list(z.string(), { type: 'atomic' }).optional().describe('If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs. This field will be ignored if the cloud-provider does not support the feature." More info: https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/'),
    externalName: z.string().optional().describe('externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record). No proxying will be involved.'),
    externalTrafficPolicy: z.string().optional().describe('externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs).'),
    healthCheckNodePort: int32().optional().describe('healthCheckNodePort specifies the healthcheck nodePort for the service. This only applies when type is set to LoadBalancer and externalTrafficPolicy is set to Local.'),
    publishNotReadyAddresses: z.boolean().optional().describe("publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready. The primary use case for setting this field is for a StatefulSet's Headless Service to propagate SRV DNS records for its Pods for the purpose of peer discovery."),
    sessionAffinityConfig: SessionAffinityConfig.optional().describe('sessionAffinityConfig contains the configurations of session affinity.'),
    ipFamilies: list(z.string(), { type: 'atomic' }).optional().describe('IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service. This field is usually assigned automatically based on cluster configuration and the ipFamilyPolicy field.'),
    ipFamilyPolicy: z.string().optional().describe('IPFamilyPolicy represents the dual-stack-ness requested or required by this Service. If there is no value provided, then this field will be set to SingleStack.'),
    allocateLoadBalancerNodePorts: z.boolean().optional().describe('allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer. Default is "true".'),
    loadBalancerClass: z.string().optional().describe('loadBalancerClass is the class of the load balancer implementation this Service belongs to. If specified, the value of this field must be a label-style identifier, with an optional prefix, e.g. "internal-vip" or "example.com/internal-vip".'),
    internalTrafficPolicy: z.string().optional().describe('InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP. If set to "Local", the proxy will assume that pods only want to talk to endpoints of the service on the same node as the pod, dropping the traffic if there are no local endpoints.'),
    trafficDistribution: z.string().optional().describe('TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints. Implementations can use this field as a hint, but are not required to guarantee strict adherence.'),
  })
  .meta({ id: `${CORE}.ServiceSpec`, description: 'ServiceSpec describes the attributes that a user creates on a service.' });

export const PortStatus = z
  .looseObject({
    port: int32().describe('Port is the port number of the service port of which status is recorded here'),
    protocol: z.string().describe('Protocol is the protocol of the service port of which status is recorded here The supported values are: "TCP", "UDP", "SCTP"'),
    error: z.string().optional().describe('Error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use CamelCase names - cloud provider specific error values must have names that comply with the format foo.example.com/CamelCase.'),
  })
  .meta({ id: `${CORE}.PortStatus`, description: 'PortStatus represents the error condition of a service port' });

export const LoadBalancerIngress = z
  .looseObject({
    ip: z.string().optional().describe('IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers)'),
    hostname: z.string().optional().describe('Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers)'),
    ipMode: z.string().optional().describe('IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified. Setting this to "VIP" indicates that traffic is delivered to the node with the destination set to the load-balancer\'s IP and port.'),
    ports: list(PortStatus, { type: 'atomic' }).optional().describe('Ports is a list of records of service ports If used, every port defined in the service should have an entry in it'),
  })
  .meta({ id: `${CORE}.LoadBalancerIngress`, description: 'LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point.' });

export const LoadBalancerStatus = z
  .looseObject({
    ingress: list(LoadBalancerIngress, { type: 'atomic' }).optional().describe('Ingress is a list containing ingress points for the load-balancer. Traffic intended for the service should be sent to these ingress points.'),
  })
  .meta({ id: `${CORE}.LoadBalancerStatus`, description: 'LoadBalancerStatus represents the status of a load-balancer.' });

export const ServiceStatus = z
  .looseObject({
    loadBalancer: LoadBalancerStatus.optional().describe('LoadBalancer contains the current status of the load-balancer, if one is present.'),
    conditions: list(Condition, { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' }).optional().describe('Current service state'),
  })
  .meta({ id: `${CORE}.ServiceStatus`, description: 'ServiceStatus represents the current status of a service.' });
