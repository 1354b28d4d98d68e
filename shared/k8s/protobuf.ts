import { badRequest, unsupportedMediaType } from '../api/status';
import { rfc3339 } from './time';

// kubectl 1.32+ sends typed creates (`kubectl create namespace|configmap|secret …`) as Kubernetes protobuf:
// the magic `k8s\0`, then a runtime.Unknown whose `raw` is the object's message. We decode those bodies to
// the JSON form; answers stay JSON, which every client also accepts.

/**
 * Message layouts: `<field number> <json name> <type>`, where a type is a scalar, another message, `[]T`
 * for repeated, or `map<string,T>`. Written from the Kubernetes API's field numbers (generated.proto).
 * `*T` marks a field whose zero value is kept (a Go pointer or a field without omitempty: `replicas: 0`,
 * `readOnlyRootFilesystem: false`); `...name` marks an embedded struct whose fields JSON inlines.
 */
// core/v1 Container and EphemeralContainerCommon share their field numbers by design.
const CONTAINER_FIELDS = [
    '1 name *string', '2 image string', '3 command []string', '4 args []string', '5 workingDir string',
    '6 ports []ContainerPort', '19 envFrom []EnvFromSource', '7 env []EnvVar', '8 resources ResourceRequirements',
    '23 resizePolicy []ContainerResizePolicy', '24 restartPolicy *string', '9 volumeMounts []VolumeMount',
    '21 volumeDevices []VolumeDevice', '10 livenessProbe Probe', '11 readinessProbe Probe', '22 startupProbe Probe',
    '12 lifecycle Lifecycle', '13 terminationMessagePath string', '20 terminationMessagePolicy string',
    '14 imagePullPolicy string', '15 securityContext SecurityContext', '16 stdin bool', '17 stdinOnce bool', '18 tty bool',
];

export const MESSAGES: Record<string, string[]> = {
  'runtime.Unknown': ['1 typeMeta runtime.TypeMeta', '2 raw bytes', '3 contentEncoding string', '4 contentType string'],
  'runtime.TypeMeta': ['1 apiVersion string', '2 kind string'],
  Time: ['1 seconds int64', '2 nanos int32'],
  FieldsV1: ['1 Raw bytes'],
  ObjectMeta: [
    '1 name string', '2 generateName string', '3 namespace string', '4 selfLink string', '5 uid string',
    '6 resourceVersion string', '7 generation int64', '8 creationTimestamp Time', '9 deletionTimestamp Time',
    '10 deletionGracePeriodSeconds *int64', '11 labels map<string,string>', '12 annotations map<string,string>',
    '13 ownerReferences []OwnerReference', '14 finalizers []string', '17 managedFields []ManagedFieldsEntry',
  ],
  OwnerReference: ['5 apiVersion string', '1 kind string', '3 name string', '4 uid string', '6 controller bool', '7 blockOwnerDeletion bool'],
  ManagedFieldsEntry: ['1 manager string', '2 operation string', '3 apiVersion string', '4 time Time', '6 fieldsType string', '7 fieldsV1 FieldsV1', '8 subresource string'],
  Namespace: ['1 metadata ObjectMeta', '2 spec NamespaceSpec', '3 status NamespaceStatus'],
  NamespaceSpec: ['1 finalizers []string'],
  NamespaceStatus: ['1 phase string', '2 conditions []NamespaceCondition'],
  NamespaceCondition: ['1 type string', '2 status string', '4 lastTransitionTime Time', '5 reason string', '6 message string'],
  MicroTime: ['1 seconds int64', '2 nanos int32'],
  RawExtension: ['1 raw bytes'],
  Pod: ['1 metadata ObjectMeta', '2 spec PodSpec', '3 status PodStatus'],
  Service: ['1 metadata ObjectMeta', '2 spec ServiceSpec', '3 status ServiceStatus'],
  // helm's release driver sends the options of its deletes as protobuf too.
  DeleteOptions: ['1 gracePeriodSeconds *int64', '2 preconditions Preconditions', '3 orphanDependents *bool', '4 propagationPolicy *string', '5 dryRun []string'],
  Preconditions: ['1 uid *string', '2 resourceVersion *string'],
  ConfigMap: ['1 metadata ObjectMeta', '4 immutable *bool', '2 data map<string,string>', '3 binaryData map<string,bytes>'],
  Secret: [
    '1 metadata ObjectMeta', '5 immutable *bool', '2 data map<string,bytes>', '4 stringData map<string,string>',
    '3 type string',
  ],
  Deployment: ['1 metadata ObjectMeta', '2 spec DeploymentSpec', '3 status DeploymentStatus'],
  PodSpec: [
    '1 volumes []Volume', '20 initContainers []Container', '2 containers []Container',
    '34 ephemeralContainers []EphemeralContainer', '3 restartPolicy string', '4 terminationGracePeriodSeconds *int64',
    '5 activeDeadlineSeconds *int64', '6 dnsPolicy string', '7 nodeSelector map<string,string>', '8 serviceAccountName string',
    '9 serviceAccount string', '21 automountServiceAccountToken *bool', '10 nodeName string', '11 hostNetwork bool',
    '12 hostPID bool', '13 hostIPC bool', '27 shareProcessNamespace *bool', '14 securityContext PodSecurityContext',
    '15 imagePullSecrets []LocalObjectReference', '16 hostname string', '17 subdomain string', '18 affinity Affinity',
    '19 schedulerName string', '22 tolerations []Toleration', '23 hostAliases []HostAlias', '24 priorityClassName string',
    '25 priority *int32', '26 dnsConfig PodDNSConfig', '28 readinessGates []PodReadinessGate', '29 runtimeClassName *string',
    '30 enableServiceLinks *bool', '31 preemptionPolicy *string', '32 overhead map<string,Quantity>',
    '33 topologySpreadConstraints []TopologySpreadConstraint', '35 setHostnameAsFQDN *bool', '36 os PodOS',
    '37 hostUsers *bool', '38 schedulingGates []PodSchedulingGate', '39 resourceClaims []PodResourceClaim',
    '40 resources ResourceRequirements',
  ],
  PodStatus: [
    '1 phase string', '2 conditions []PodCondition', '3 message string', '4 reason string', '11 nominatedNodeName string',
    '5 hostIP string', '16 hostIPs []HostIP', '6 podIP string', '12 podIPs []PodIP', '7 startTime Time',
    '10 initContainerStatuses []ContainerStatus', '8 containerStatuses []ContainerStatus', '9 qosClass string',
    '13 ephemeralContainerStatuses []ContainerStatus', '14 resize string', '15 resourceClaimStatuses []PodResourceClaimStatus',
  ],
  ServiceSpec: [
    '1 ports []ServicePort', '2 selector map<string,string>', '3 clusterIP string', '18 clusterIPs []string', '4 type string',
    '5 externalIPs []string', '7 sessionAffinity string', '8 loadBalancerIP string', '9 loadBalancerSourceRanges []string',
    '10 externalName string', '11 externalTrafficPolicy string', '12 healthCheckNodePort int32',
    '13 publishNotReadyAddresses bool', '14 sessionAffinityConfig SessionAffinityConfig', '19 ipFamilies []string',
    '17 ipFamilyPolicy *string', '20 allocateLoadBalancerNodePorts *bool', '21 loadBalancerClass *string',
    '22 internalTrafficPolicy *string', '23 trafficDistribution *string',
  ],
  ServiceStatus: ['1 loadBalancer LoadBalancerStatus', '2 conditions []Condition'],
  DeploymentSpec: [
    '1 replicas *int32', '2 selector LabelSelector', '3 template PodTemplateSpec', '4 strategy DeploymentStrategy',
    '5 minReadySeconds int32', '6 revisionHistoryLimit *int32', '7 paused bool', '9 progressDeadlineSeconds *int32',
  ],
  DeploymentStatus: [
    '1 observedGeneration int64', '2 replicas int32', '3 updatedReplicas int32', '7 readyReplicas int32',
    '4 availableReplicas int32', '5 unavailableReplicas int32', '6 conditions []DeploymentCondition', '8 collisionCount *int32',
  ],
  Volume: ['1 name *string', '2 ...volumeSource VolumeSource'],
  Container: CONTAINER_FIELDS,
  EphemeralContainer: ['1 ...ephemeralContainerCommon EphemeralContainerCommon', '2 targetContainerName string'],
  PodSecurityContext: [
    '1 seLinuxOptions SELinuxOptions', '8 windowsOptions WindowsSecurityContextOptions', '2 runAsUser *int64',
    '6 runAsGroup *int64', '3 runAsNonRoot *bool', '4 supplementalGroups []int64', '12 supplementalGroupsPolicy *string',
    '5 fsGroup *int64', '7 sysctls []Sysctl', '9 fsGroupChangePolicy *string', '10 seccompProfile SeccompProfile',
    '11 appArmorProfile AppArmorProfile', '13 seLinuxChangePolicy *string',
  ],
  LocalObjectReference: ['1 name string'],
  ObjectReference: ['1 kind string', '2 namespace string', '3 name string', '4 uid string', '5 apiVersion string', '6 resourceVersion string', '7 fieldPath string'],
  // rbac.authorization.k8s.io/v1, as kubectl create role|rolebinding|clusterrole|clusterrolebinding sends them.
  Role: ['1 metadata ObjectMeta', '2 rules []PolicyRule'],
  ClusterRole: ['1 metadata ObjectMeta', '2 rules []PolicyRule', '3 aggregationRule AggregationRule'],
  PolicyRule: ['1 verbs []string', '2 apiGroups []string', '3 resources []string', '4 resourceNames []string', '5 nonResourceURLs []string'],
  AggregationRule: ['1 clusterRoleSelectors []LabelSelector'],
  RoleBinding: ['1 metadata ObjectMeta', '2 subjects []Subject', '3 roleRef RoleRef'],
  ClusterRoleBinding: ['1 metadata ObjectMeta', '2 subjects []Subject', '3 roleRef RoleRef'],
  Subject: ['1 kind string', '2 apiGroup string', '3 name string', '4 namespace string'],
  RoleRef: ['1 apiGroup string', '2 kind string', '3 name string'],
  ServiceAccount: ['1 metadata ObjectMeta', '2 secrets []ObjectReference', '3 imagePullSecrets []LocalObjectReference', '4 automountServiceAccountToken *bool'],
  Affinity: ['1 nodeAffinity NodeAffinity', '2 podAffinity PodAffinity', '3 podAntiAffinity PodAntiAffinity'],
  Toleration: ['1 key string', '2 operator string', '3 value string', '4 effect string', '5 tolerationSeconds *int64'],
  HostAlias: ['1 ip *string', '2 hostnames []string'],
  PodDNSConfig: ['1 nameservers []string', '2 searches []string', '3 options []PodDNSConfigOption'],
  PodReadinessGate: ['1 conditionType *string'],
  Quantity: ['1 string string'],
  TopologySpreadConstraint: [
    '1 maxSkew *int32', '2 topologyKey *string', '3 whenUnsatisfiable *string', '4 labelSelector LabelSelector',
    '5 minDomains *int32', '6 nodeAffinityPolicy *string', '7 nodeTaintsPolicy *string', '8 matchLabelKeys []string',
  ],
  PodOS: ['1 name *string'],
  PodSchedulingGate: ['1 name *string'],
  PodResourceClaim: ['1 name *string', '3 resourceClaimName *string', '4 resourceClaimTemplateName *string'],
  ResourceRequirements: ['1 limits map<string,Quantity>', '2 requests map<string,Quantity>', '3 claims []ResourceClaim'],
  PodCondition: [
    '1 type *string', '2 status *string', '3 lastProbeTime Time', '4 lastTransitionTime Time', '5 reason string',
    '6 message string',
  ],
  HostIP: ['1 ip *string'],
  PodIP: ['1 ip *string'],
  ContainerStatus: [
    '1 name *string', '2 state ContainerState', '3 lastState ContainerState', '4 ready *bool', '5 restartCount *int32',
    '6 image *string', '7 imageID *string', '8 containerID string', '9 started *bool',
    '10 allocatedResources map<string,Quantity>', '11 resources ResourceRequirements', '12 volumeMounts []VolumeMountStatus',
    '13 user ContainerUser', '14 allocatedResourcesStatus []ResourceStatus',
  ],
  PodResourceClaimStatus: ['1 name *string', '2 resourceClaimName *string'],
  ServicePort: [
    '1 name string', '2 protocol string', '6 appProtocol *string', '3 port *int32', '4 targetPort IntOrString',
    '5 nodePort int32',
  ],
  SessionAffinityConfig: ['1 clientIP ClientIPConfig'],
  LoadBalancerStatus: ['1 ingress []LoadBalancerIngress'],
  Condition: [
    '1 type *string', '2 status *string', '3 observedGeneration int64', '4 lastTransitionTime Time', '5 reason *string',
    '6 message *string',
  ],
  LabelSelector: ['1 matchLabels map<string,string>', '2 matchExpressions []LabelSelectorRequirement'],
  PodTemplateSpec: ['1 metadata ObjectMeta', '2 spec PodSpec'],
  DeploymentStrategy: ['1 type string', '2 rollingUpdate RollingUpdateDeployment'],
  DeploymentCondition: [
    '1 type *string', '2 status *string', '6 lastUpdateTime Time', '7 lastTransitionTime Time', '4 reason string',
    '5 message string',
  ],
  VolumeSource: [
    '1 hostPath HostPathVolumeSource', '2 emptyDir EmptyDirVolumeSource', '3 gcePersistentDisk GCEPersistentDiskVolumeSource',
    '4 awsElasticBlockStore AWSElasticBlockStoreVolumeSource', '5 gitRepo GitRepoVolumeSource', '6 secret SecretVolumeSource',
    '7 nfs NFSVolumeSource', '8 iscsi ISCSIVolumeSource', '9 glusterfs GlusterfsVolumeSource',
    '10 persistentVolumeClaim PersistentVolumeClaimVolumeSource', '11 rbd RBDVolumeSource', '12 flexVolume FlexVolumeSource',
    '13 cinder CinderVolumeSource', '14 cephfs CephFSVolumeSource', '15 flocker FlockerVolumeSource',
    '16 downwardAPI DownwardAPIVolumeSource', '17 fc FCVolumeSource', '18 azureFile AzureFileVolumeSource',
    '19 configMap ConfigMapVolumeSource', '20 vsphereVolume VsphereVirtualDiskVolumeSource', '21 quobyte QuobyteVolumeSource',
    '22 azureDisk AzureDiskVolumeSource', '23 photonPersistentDisk PhotonPersistentDiskVolumeSource',
    '26 projected ProjectedVolumeSource', '24 portworxVolume PortworxVolumeSource', '25 scaleIO ScaleIOVolumeSource',
    '27 storageos StorageOSVolumeSource', '28 csi CSIVolumeSource', '29 ephemeral EphemeralVolumeSource',
    '30 image ImageVolumeSource',
  ],
  ContainerPort: ['1 name string', '2 hostPort int32', '3 containerPort *int32', '4 protocol string', '5 hostIP string'],
  EnvFromSource: ['1 prefix string', '2 configMapRef ConfigMapEnvSource', '3 secretRef SecretEnvSource'],
  EnvVar: ['1 name *string', '2 value string', '3 valueFrom EnvVarSource'],
  ContainerResizePolicy: ['1 resourceName *string', '2 restartPolicy *string'],
  VolumeMount: [
    '1 name *string', '2 readOnly bool', '7 recursiveReadOnly *string', '3 mountPath *string', '4 subPath string',
    '5 mountPropagation *string', '6 subPathExpr string',
  ],
  VolumeDevice: ['1 name *string', '2 devicePath *string'],
  Probe: [
    '1 ...handler ProbeHandler', '2 initialDelaySeconds int32', '3 timeoutSeconds int32', '4 periodSeconds int32',
    '5 successThreshold int32', '6 failureThreshold int32', '7 terminationGracePeriodSeconds *int64',
  ],
  Lifecycle: ['1 postStart LifecycleHandler', '2 preStop LifecycleHandler'],
  SecurityContext: [
    '1 capabilities Capabilities', '2 privileged *bool', '3 seLinuxOptions SELinuxOptions',
    '10 windowsOptions WindowsSecurityContextOptions', '4 runAsUser *int64', '8 runAsGroup *int64', '5 runAsNonRoot *bool',
    '6 readOnlyRootFilesystem *bool', '7 allowPrivilegeEscalation *bool', '9 procMount *string',
    '11 seccompProfile SeccompProfile', '12 appArmorProfile AppArmorProfile',
  ],
  EphemeralContainerCommon: CONTAINER_FIELDS,
  SELinuxOptions: ['1 user string', '2 role string', '3 type string', '4 level string'],
  WindowsSecurityContextOptions: [
    '1 gmsaCredentialSpecName *string', '2 gmsaCredentialSpec *string', '3 runAsUserName *string', '4 hostProcess *bool',
  ],
  Sysctl: ['1 name *string', '2 value *string'],
  SeccompProfile: ['1 type *string', '2 localhostProfile *string'],
  AppArmorProfile: ['1 type *string', '2 localhostProfile *string'],
  NodeAffinity: [
    '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector',
    '2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  ],
  PodAffinity: [
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  ],
  PodAntiAffinity: [
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  ],
  PodDNSConfigOption: ['1 name string', '2 value *string'],
  ResourceClaim: ['1 name *string', '2 request string'],
  ContainerState: ['1 waiting ContainerStateWaiting', '2 running ContainerStateRunning', '3 terminated ContainerStateTerminated'],
  VolumeMountStatus: ['1 name *string', '2 mountPath *string', '3 readOnly bool', '4 recursiveReadOnly *string'],
  ContainerUser: ['1 linux LinuxContainerUser'],
  ResourceStatus: ['1 name *string', '2 resources []ResourceHealth'],
  IntOrString: ['1 type int64', '2 intVal int32', '3 strVal string'],
  ClientIPConfig: ['1 timeoutSeconds *int32'],
  LoadBalancerIngress: ['1 ip string', '2 hostname string', '3 ipMode *string', '4 ports []PortStatus'],
  LabelSelectorRequirement: ['1 key *string', '2 operator *string', '3 values []string'],
  RollingUpdateDeployment: ['1 maxUnavailable *IntOrString', '2 maxSurge *IntOrString'],
  HostPathVolumeSource: ['1 path *string', '2 type *string'],
  EmptyDirVolumeSource: ['1 medium string', '2 sizeLimit *Quantity'],
  GCEPersistentDiskVolumeSource: ['1 pdName *string', '2 fsType string', '3 partition int32', '4 readOnly bool'],
  AWSElasticBlockStoreVolumeSource: ['1 volumeID *string', '2 fsType string', '3 partition int32', '4 readOnly bool'],
  GitRepoVolumeSource: ['1 repository *string', '2 revision string', '3 directory string'],
  SecretVolumeSource: ['1 secretName string', '2 items []KeyToPath', '3 defaultMode *int32', '4 optional *bool'],
  NFSVolumeSource: ['1 server *string', '2 path *string', '3 readOnly bool'],
  ISCSIVolumeSource: [
    '1 targetPortal *string', '2 iqn *string', '3 lun *int32', '4 iscsiInterface string', '5 fsType string', '6 readOnly bool',
    '7 portals []string', '8 chapAuthDiscovery bool', '11 chapAuthSession bool', '10 secretRef LocalObjectReference',
    '12 initiatorName *string',
  ],
  GlusterfsVolumeSource: ['1 endpoints *string', '2 path *string', '3 readOnly bool'],
  PersistentVolumeClaimVolumeSource: ['1 claimName *string', '2 readOnly bool'],
  RBDVolumeSource: [
    '1 monitors []string', '2 image *string', '3 fsType string', '4 pool string', '5 user string', '6 keyring string',
    '7 secretRef LocalObjectReference', '8 readOnly bool',
  ],
  FlexVolumeSource: [
    '1 driver *string', '2 fsType string', '3 secretRef LocalObjectReference', '4 readOnly bool',
    '5 options map<string,string>',
  ],
  CinderVolumeSource: ['1 volumeID *string', '2 fsType string', '3 readOnly bool', '4 secretRef LocalObjectReference'],
  CephFSVolumeSource: [
    '1 monitors []string', '2 path string', '3 user string', '4 secretFile string', '5 secretRef LocalObjectReference',
    '6 readOnly bool',
  ],
  FlockerVolumeSource: ['1 datasetName string', '2 datasetUUID string'],
  DownwardAPIVolumeSource: ['1 items []DownwardAPIVolumeFile', '2 defaultMode *int32'],
  FCVolumeSource: ['1 targetWWNs []string', '2 lun *int32', '3 fsType string', '4 readOnly bool', '5 wwids []string'],
  AzureFileVolumeSource: ['1 secretName *string', '2 shareName *string', '3 readOnly bool'],
  ConfigMapVolumeSource: [
    '1 ...localObjectReference LocalObjectReference', '2 items []KeyToPath', '3 defaultMode *int32', '4 optional *bool',
  ],
  VsphereVirtualDiskVolumeSource: [
    '1 volumePath *string', '2 fsType string', '3 storagePolicyName string', '4 storagePolicyID string',
  ],
  QuobyteVolumeSource: [
    '1 registry *string', '2 volume *string', '3 readOnly bool', '4 user string', '5 group string', '6 tenant string',
  ],
  AzureDiskVolumeSource: [
    '1 diskName *string', '2 diskURI *string', '3 cachingMode *string', '4 fsType *string', '5 readOnly *bool',
    '6 kind *string',
  ],
  PhotonPersistentDiskVolumeSource: ['1 pdID *string', '2 fsType string'],
  ProjectedVolumeSource: ['1 sources []VolumeProjection', '2 defaultMode *int32'],
  PortworxVolumeSource: ['1 volumeID *string', '2 fsType string', '3 readOnly bool'],
  ScaleIOVolumeSource: [
    '1 gateway *string', '2 system *string', '3 secretRef LocalObjectReference', '4 sslEnabled bool',
    '5 protectionDomain string', '6 storagePool string', '7 storageMode string', '8 volumeName string', '9 fsType string',
    '10 readOnly bool',
  ],
  StorageOSVolumeSource: [
    '1 volumeName string', '2 volumeNamespace string', '3 fsType string', '4 readOnly bool', '5 secretRef LocalObjectReference',
  ],
  CSIVolumeSource: [
    '1 driver *string', '2 readOnly *bool', '3 fsType *string', '4 volumeAttributes map<string,string>',
    '5 nodePublishSecretRef LocalObjectReference',
  ],
  EphemeralVolumeSource: ['1 volumeClaimTemplate PersistentVolumeClaimTemplate'],
  ImageVolumeSource: ['1 reference string', '2 pullPolicy string'],
  ConfigMapEnvSource: ['1 ...localObjectReference LocalObjectReference', '2 optional *bool'],
  SecretEnvSource: ['1 ...localObjectReference LocalObjectReference', '2 optional *bool'],
  EnvVarSource: [
    '1 fieldRef ObjectFieldSelector', '2 resourceFieldRef ResourceFieldSelector', '3 configMapKeyRef ConfigMapKeySelector',
    '4 secretKeyRef SecretKeySelector',
  ],
  ProbeHandler: ['1 exec ExecAction', '2 httpGet HTTPGetAction', '3 tcpSocket TCPSocketAction', '4 grpc GRPCAction'],
  LifecycleHandler: ['1 exec ExecAction', '2 httpGet HTTPGetAction', '3 tcpSocket TCPSocketAction', '4 sleep SleepAction'],
  Capabilities: ['1 add []string', '2 drop []string'],
  NodeSelector: ['1 nodeSelectorTerms []NodeSelectorTerm'],
  PreferredSchedulingTerm: ['1 weight *int32', '2 preference NodeSelectorTerm'],
  PodAffinityTerm: [
    '1 labelSelector LabelSelector', '2 namespaces []string', '3 topologyKey *string', '4 namespaceSelector LabelSelector',
    '5 matchLabelKeys []string', '6 mismatchLabelKeys []string',
  ],
  WeightedPodAffinityTerm: ['1 weight *int32', '2 podAffinityTerm PodAffinityTerm'],
  ContainerStateWaiting: ['1 reason string', '2 message string'],
  ContainerStateRunning: ['1 startedAt Time'],
  ContainerStateTerminated: [
    '1 exitCode *int32', '2 signal int32', '3 reason string', '4 message string', '5 startedAt Time', '6 finishedAt Time',
    '7 containerID string',
  ],
  LinuxContainerUser: ['1 uid *int64', '2 gid *int64', '3 supplementalGroups []int64'],
  ResourceHealth: ['1 resourceID *string', '2 health string'],
  PortStatus: ['1 port *int32', '2 protocol *string', '3 error *string'],
  KeyToPath: ['1 key *string', '2 path *string', '3 mode *int32'],
  DownwardAPIVolumeFile: [
    '1 path *string', '2 fieldRef ObjectFieldSelector', '3 resourceFieldRef ResourceFieldSelector', '4 mode *int32',
  ],
  VolumeProjection: [
    '1 secret SecretProjection', '2 downwardAPI DownwardAPIProjection', '3 configMap ConfigMapProjection',
    '4 serviceAccountToken ServiceAccountTokenProjection', '5 clusterTrustBundle ClusterTrustBundleProjection',
  ],
  PersistentVolumeClaimTemplate: ['1 metadata ObjectMeta', '2 spec PersistentVolumeClaimSpec'],
  ObjectFieldSelector: ['1 apiVersion string', '2 fieldPath *string'],
  ResourceFieldSelector: ['1 containerName string', '2 resource *string', '3 divisor Quantity'],
  ConfigMapKeySelector: ['1 ...localObjectReference LocalObjectReference', '2 key *string', '3 optional *bool'],
  SecretKeySelector: ['1 ...localObjectReference LocalObjectReference', '2 key *string', '3 optional *bool'],
  ExecAction: ['1 command []string'],
  HTTPGetAction: ['1 path string', '2 port *IntOrString', '3 host string', '4 scheme string', '5 httpHeaders []HTTPHeader'],
  TCPSocketAction: ['1 port *IntOrString', '2 host string'],
  GRPCAction: ['1 port *int32', '2 service *string'],
  SleepAction: ['1 seconds *int64'],
  NodeSelectorTerm: ['1 matchExpressions []NodeSelectorRequirement', '2 matchFields []NodeSelectorRequirement'],
  SecretProjection: ['1 ...localObjectReference LocalObjectReference', '2 items []KeyToPath', '4 optional *bool'],
  DownwardAPIProjection: ['1 items []DownwardAPIVolumeFile'],
  ConfigMapProjection: ['1 ...localObjectReference LocalObjectReference', '2 items []KeyToPath', '4 optional *bool'],
  ServiceAccountTokenProjection: ['1 audience string', '2 expirationSeconds *int64', '3 path *string'],
  ClusterTrustBundleProjection: [
    '1 name *string', '2 signerName *string', '3 labelSelector LabelSelector', '5 optional *bool', '4 path *string',
  ],
  PersistentVolumeClaimSpec: [
    '1 accessModes []string', '4 selector LabelSelector', '2 resources VolumeResourceRequirements', '3 volumeName string',
    '5 storageClassName *string', '6 volumeMode *string', '7 dataSource TypedLocalObjectReference',
    '8 dataSourceRef TypedObjectReference', '9 volumeAttributesClassName *string',
  ],
  HTTPHeader: ['1 name *string', '2 value *string'],
  NodeSelectorRequirement: ['1 key *string', '2 operator *string', '3 values []string'],
  VolumeResourceRequirements: ['1 limits map<string,Quantity>', '2 requests map<string,Quantity>'],
  TypedLocalObjectReference: ['1 apiGroup *string', '2 kind *string', '3 name *string'],
  TypedObjectReference: ['1 apiGroup *string', '2 kind *string', '3 name *string', '4 namespace *string'],
};

export interface Field {
  name: string;
  type: string;
  repeated: boolean;
  map?: string;
  keepZero: boolean;
  inline: boolean;
}

const layouts = new Map<string, Map<number, Field>>();
function layout(message: string): Map<number, Field> {
  let fields = layouts.get(message);
  if (fields) return fields;
  const spec = MESSAGES[message];
  if (!spec) throw new Error(`no protobuf layout for ${message}`);
  fields = new Map();
  for (const line of spec) {
    const [n, name, written] = line.split(' ');
    const keepZero = written.startsWith('*');
    const type = keepZero ? written.slice(1) : written;
    const map = /^map<string,(.+)>$/.exec(type)?.[1];
    const inline = name.startsWith('...');
    fields.set(Number(n), {
      name: inline ? name.slice(3) : name,
      type: map ?? type.replace(/^\[\]/, ''),
      repeated: type.startsWith('[]') || !!map,
      map,
      keepZero,
      inline,
    });
  }
  layouts.set(message, fields);
  return fields;
}

/** A message's fields by number, or undefined when it has no layout; tests encode with it what we decode. */
export function protobufLayout(message: string): ReadonlyMap<number, Readonly<Field>> | undefined {
  return MESSAGES[message] ? layout(message) : undefined;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('the protobuf body is truncated');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
      if (shift > 70n) throw badRequest('the protobuf body has a malformed varint');
    }
  }

  bytes(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw badRequest('the protobuf body is truncated');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`the protobuf body uses unsupported wire type ${wire}`);
  }
}

const GO_ZERO_TIME_SECONDS = -62135596800n;
const text = new TextDecoder();
/** Messages whose bytes are JSON or a nested object, not base64 data. */
const RAW_BYTES = new Set(['runtime.Unknown', 'FieldsV1', 'RawExtension']);

function scalar(type: string, wire: number, r: Reader): unknown {
  switch (type) {
    case 'string':
      return text.decode(r.bytes());
    case 'bytes':
      return r.bytes();
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    default:
      if (wire !== 2) throw badRequest(`the protobuf field of type ${type} has wire type ${wire}`);
      return decodeMessage(type, r.bytes());
  }
}

/** Go's zero values are written on the wire but omitted from JSON; drop them the same way. */
function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === undefined;
}

/** Message-level conversions to the JSON forms Kubernetes uses. */
function toJson(message: string, obj: Record<string, unknown>): unknown {
  if (message === 'Time' || message === 'MicroTime') {
    const seconds = BigInt((obj.seconds as number | undefined) ?? 0);
    if (seconds === 0n || seconds === GO_ZERO_TIME_SECONDS) return undefined;
    const time = rfc3339(new Date(Number(seconds) * 1000));
    if (message === 'Time') return time;
    const micros = Math.floor(((obj.nanos as number | undefined) ?? 0) / 1000);
    return time.replace(/Z$/, `.${String(micros).padStart(6, '0')}Z`);
  }
  if (message === 'FieldsV1') return obj.Raw ? JSON.parse(text.decode(obj.Raw as Uint8Array)) : {};
  // intstr.IntOrString: type 0 is intVal, type 1 is strVal; JSON carries whichever is set.
  if (message === 'IntOrString') return obj.type === 1 ? ((obj.strVal as string | undefined) ?? '') : ((obj.intVal as number | undefined) ?? 0);
  if (message === 'Quantity') return (obj.string as string | undefined) ?? '0';
  if (message === 'RawExtension') {
    const raw = obj.raw as Uint8Array | undefined;
    if (!raw?.length) return undefined;
    if (MAGIC.every((b, i) => raw[i] === b)) return decodeKubernetesProtobuf(raw);
    try {
      return JSON.parse(text.decode(raw));
    } catch {
      throw badRequest('the protobuf body has an embedded object that is neither JSON nor protobuf');
    }
  }
  return obj;
}

function decodeMessage(message: string, buf: Uint8Array): unknown {
  const fields = layout(message);
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    const n = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const field = fields.get(n);
    if (!field) {
      r.skip(wire);
      continue;
    }
    if (field.map) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value: unknown;
      while (entry.pos < entry.end) {
        const t = entry.varint();
        if (Number(t >> 3n) === 1) key = text.decode(entry.bytes());
        else if (Number(t >> 3n) === 2) value = scalar(field.type, Number(t & 7n), entry);
        else entry.skip(Number(t & 7n));
      }
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[key] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : (value ?? '');
      continue;
    }
    if (field.repeated && wire === 2 && ['int32', 'int64', 'bool'].includes(field.type)) {
      const packed = new Reader(r.bytes());
      while (packed.pos < packed.end) ((out[field.name] ??= []) as unknown[]).push(scalar(field.type, 0, packed));
      continue;
    }
    let value = scalar(field.type, wire, r);
    if (value instanceof Uint8Array) value = RAW_BYTES.has(message) ? value : Buffer.from(value).toString('base64');
    if (field.inline) Object.assign(out, value);
    else if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else if (field.keepZero ? value !== undefined : !isZero(value)) out[field.name] = value;
  }
  return toJson(message, out);
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form. */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw badRequest('the protobuf body does not start with the Kubernetes magic number');
  const unknown = decodeMessage('runtime.Unknown', body.subarray(4)) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  const kind = unknown.typeMeta?.kind ?? '';
  if (!MESSAGES[kind]) throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (for ${kind || 'an unnamed kind'}; send this kind as JSON)`);
  const obj = decodeMessage(kind, unknown.raw ?? new Uint8Array()) as Record<string, unknown>;
  return { apiVersion: unknown.typeMeta?.apiVersion, kind, ...obj };
}
