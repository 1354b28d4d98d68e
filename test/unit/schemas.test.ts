import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { defineResource, type ResourceDefinition } from '../../shared/api/resource';
import { SchemaIndex, type Schema } from '../../shared/api/schema';
import { DeploymentSpec, DeploymentStatus } from '../../shared/k8s/apps-v1';
import { IntOrString, PodSpec, PodStatus, Quantity, ServiceSpec, ServiceStatus } from '../../shared/k8s/core-v1';
import { typeMeta } from '../../shared/k8s/meta';
import { decodeKubernetesProtobuf } from '../../shared/k8s/protobuf';
import { strategicMergePatch } from '../../shared/k8s/strategic-merge';
import { bytesField, envelope, int, msg, str } from '../helpers/protobuf';

// Throwaway kinds built from the shared types; their ids are the test's own so they never meet the real kinds'.
const kind = (group: string, kindName: string, plural: string, shape: z.ZodRawShape) =>
  defineResource({
    group,
    version: 'v1',
    kind: kindName,
    plural,
    namespaced: true,
    verbs: ['get'],
    columns: [],
    schema: z.looseObject({ ...typeMeta, ...shape }).meta({ id: `test.schemas.${kindName}` }),
  }) as unknown as ResourceDefinition;

const podDef = kind('', 'Pod', 'pods', { spec: PodSpec.optional(), status: PodStatus.optional() });
const serviceDef = kind('', 'Service', 'services', { spec: ServiceSpec.optional(), status: ServiceStatus.optional() });
const deploymentDef = kind('apps', 'Deployment', 'deployments', { spec: DeploymentSpec.optional(), status: DeploymentStatus.optional() });
const index = new SchemaIndex([podDef, serviceDef, deploymentDef]);

const podSpec = () => ({
  serviceAccountName: 'web',
  automountServiceAccountToken: false,
  terminationGracePeriodSeconds: 30,
  priorityClassName: 'high',
  enableServiceLinks: false,
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  imagePullSecrets: [{ name: 'registry' }],
  hostAliases: [{ ip: '10.0.0.5', hostnames: ['db.local'] }],
  dnsPolicy: 'ClusterFirst',
  dnsConfig: { options: [{ name: 'ndots', value: '2' }], searches: ['svc.cluster.local'] },
  securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
  initContainers: [
    { name: 'migrate', image: 'registry.example.com/web:1.4.2', command: ['/bin/sh', '-c'], args: ['./migrate up'], volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }] },
    { name: 'log-shipper', image: 'fluent/fluent-bit:3.0', restartPolicy: 'Always', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
  ],
  containers: [
    {
      name: 'web',
      image: 'registry.example.com/web:1.4.2',
      imagePullPolicy: 'IfNotPresent',
      args: ['--port=8080', '--config=/etc/web/config.yaml'],
      workingDir: '/app',
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090 },
      ],
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: false } } },
        { name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'feature' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'web', resource: 'limits.memory', divisor: '1Mi' } } },
      ],
      envFrom: [{ configMapRef: { name: 'web-env' } }, { prefix: 'SECRET_', secretRef: { name: 'web-secrets', optional: true } }],
      resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: 0.1, memory: '128Mi', 'ephemeral-storage': '1Gi' } },
      resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'liveness' }] }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, successThreshold: 1 },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 10 },
      lifecycle: { postStart: { exec: { command: ['/bin/true'] } }, preStop: { sleep: { seconds: 5 } } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      volumeMounts: [
        { name: 'config', mountPath: '/etc/web', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'data', mountPath: '/var/lib/web', subPath: 'web' },
        { name: 'token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      ],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
      stdin: false,
      tty: false,
    },
  ],
  volumes: [
    { name: 'config', configMap: { name: 'web-config', items: [{ key: 'config.yaml', path: 'config.yaml', mode: 0o644 }], defaultMode: 420 } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'certs', secret: { secretName: 'web-tls', optional: true, defaultMode: 256 } },
    { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
    { name: 'host-logs', hostPath: { path: '/var/log', type: 'Directory' } },
    { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    {
      name: 'token',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
    { name: 'legacy', rbd: { monitors: ['10.0.0.1:6789'], image: 'foo', anythingGoes: true } },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] },
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }],
    },
  },
  tolerations: [
    { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ],
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
});

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: {
    replicas: 3,
    revisionHistoryLimit: 5,
    progressDeadlineSeconds: 600,
    minReadySeconds: 5,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: { metadata: { labels: { app: 'web' }, annotations: { 'checksum/config': 'abc' } }, spec: podSpec() },
  },
  status: {
    observedGeneration: 4,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok', lastUpdateTime: '2026-01-01T12:00:00Z', lastTransitionTime: '2026-01-01T12:00:00Z' }],
  },
});

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-7d4b9c-abcde', namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'u1', controller: true }] },
  spec: { ...podSpec(), nodeName: 'k2d', hostname: 'web', subdomain: 'web-headless', os: { name: 'linux' }, readinessGates: [{ conditionType: 'example.com/ready' }], schedulingGates: [] },
  status: {
    phase: 'Running',
    qosClass: 'Burstable',
    hostIP: '172.17.0.1',
    hostIPs: [{ ip: '172.17.0.1' }],
    podIP: '172.17.0.5',
    podIPs: [{ ip: '172.17.0.5' }],
    startTime: '2026-01-01T12:00:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T12:00:01Z' }, { type: 'PodScheduled', status: 'True' }],
    containerStatuses: [
      {
        name: 'web',
        ready: true,
        started: true,
        restartCount: 1,
        image: 'registry.example.com/web:1.4.2',
        imageID: 'docker-pullable://registry.example.com/web@sha256:0123',
        containerID: 'docker://abc',
        state: { running: { startedAt: '2026-01-01T12:00:00Z' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-01-01T11:00:00Z', finishedAt: '2026-01-01T11:59:00Z', containerID: 'docker://old' } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 0, image: 'x', imageID: 'y', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
  },
});

const service = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'web' },
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080, appProtocol: 'http' },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ],
    clusterIP: '10.96.0.10',
    clusterIPs: ['10.96.0.10'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    allocateLoadBalancerNodePorts: true,
  },
  status: { loadBalancer: { ingress: [{ ip: '192.168.1.10', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] } },
});

test('a realistic Deployment, Pod and Service parse and have no unknown fields', () => {
  for (const [def, obj] of [[deploymentDef, deployment()], [podDef, pod()], [serviceDef, service()]] as const) {
    const parsed = def.schema.safeParse(obj);
    assert.ok(parsed.success, `${def.kind}: ${parsed.error?.message}`);
    assert.equal(index.unknownFields(def, obj), [], def.kind);
  }
});

test('a typo is reported at its exact path, inside lists, inlined volume sources and probes', () => {
  const p = pod() as any;
  p.spec.containers[0].imagee = 'nginx';
  p.spec.volumes[0].configMap.nme = 'x';
  p.spec.containers[0].livenessProbe.httpGett = {};
  p.spec.volumes[7].rbd.whatever = 1;
  p.status.containerStatuses[0].state.running.startedAtt = 'x';
  assert.equal(index.unknownFields(podDef, p).sort(), [
    'spec.containers[0].imagee',
    'spec.containers[0].livenessProbe.httpGett',
    'spec.volumes[0].configMap.nme',
    'status.containerStatuses[0].state.running.startedAtt',
  ]);
  const d = deployment() as any;
  d.spec.template.spec.containers[0].imagee = 'nginx';
  d.spec.strategy.rollingUpdate.maxSurg = 1;
  assert.equal(index.unknownFields(deploymentDef, d).sort(), ['spec.strategy.rollingUpdate.maxSurg', 'spec.template.spec.containers[0].imagee']);
});

test('values of the wrong type are rejected; IntOrString and Quantity take both forms', () => {
  assert.ok(IntOrString.safeParse(8080).success);
  assert.ok(IntOrString.safeParse('http').success);
  assert.not.ok(IntOrString.safeParse(1.5).success);
  assert.not.ok(IntOrString.safeParse(true).success);
  for (const q of ['500m', '1Gi', '0.5', '1e3', '128974848', '+1', '.5']) assert.ok(Quantity.safeParse(q).success, q);
  assert.ok(Quantity.safeParse(2).success);
  for (const q of ['1Gb', 'abc', '', '1 Gi']) assert.not.ok(Quantity.safeParse(q).success, q);
  const p = pod() as any;
  p.spec.containers[0].ports[0].containerPort = '8080';
  assert.not.ok(podDef.schema.safeParse(p).success);
  const missing = pod() as any;
  delete missing.spec.containers[0].name;
  assert.not.ok(podDef.schema.safeParse(missing).success);
});

const component = (id: string) => index.components[`io.k8s.api.${id}`];
const prop = (id: string, name: string) => component(id).properties![name] as Schema;

test('OpenAPI carries the list extensions strategic merge and server-side apply read', () => {
  const byName = { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] };
  const ext = (s: Schema) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('x-')));
  for (const field of ['containers', 'initContainers', 'ephemeralContainers', 'imagePullSecrets']) assert.equal(ext(prop('core.v1.PodSpec', field)), byName, field);
  assert.equal(ext(prop('core.v1.PodSpec', 'volumes')), { ...byName, 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
  assert.equal(ext(prop('core.v1.Container', 'env')), byName);
  assert.equal(ext(prop('core.v1.Container', 'ports')), {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    'x-kubernetes-patch-merge-key': 'containerPort',
    'x-kubernetes-patch-strategy': 'merge',
  });
  assert.equal(ext(prop('core.v1.Container', 'volumeMounts')), {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['mountPath'],
    'x-kubernetes-patch-merge-key': 'mountPath',
    'x-kubernetes-patch-strategy': 'merge',
  });
  assert.equal(ext(prop('core.v1.Container', 'args')), { 'x-kubernetes-list-type': 'atomic' });
  assert.equal(ext(prop('core.v1.PodSpec', 'tolerations')), { 'x-kubernetes-list-type': 'atomic' });
  assert.is(prop('core.v1.PodSpec', 'hostAliases')['x-kubernetes-patch-merge-key'], 'ip');
  assert.equal(ext(prop('core.v1.ServiceSpec', 'ports')), {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['port', 'protocol'],
    'x-kubernetes-patch-merge-key': 'port',
    'x-kubernetes-patch-strategy': 'merge',
  });
  assert.equal(index.components['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
  assert.is(index.components['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.is(index.components['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  assert.is(component('core.v1.Container').description, 'A single application container that you want to run within a pod.');
  assert.equal(component('core.v1.Container').required, ['name']);
  assert.is(prop('core.v1.ContainerPort', 'containerPort').format, 'int32');
});

test('a strategic merge patch of a Deployment merges containers by name and env by name', () => {
  const patched = strategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.5.0', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }, { name: 'sidecar', image: 'busybox' }] } } } },
    index,
    deploymentDef,
  ) as any;
  const containers = patched.spec.template.spec.containers;
  assert.equal(containers.map((c: { name: string }) => c.name), ['web', 'sidecar']);
  assert.is(containers[0].image, 'registry.example.com/web:1.5.0');
  assert.is(containers[0].ports.length, 2);
  assert.equal(containers[0].env[0], { name: 'LOG_LEVEL', value: 'debug' });
  assert.is(containers[0].env.length, 5);
  assert.equal(patched.spec.template.spec.tolerations, deployment().spec.template.spec.tolerations);
});

const entry = (n: number, key: string, value: number[]) => msg(n, str(1, key), value);
const quantity = (n: number, q: string) => msg(n, str(1, q));
const intOrInt = (n: number, v: number) => msg(n, int(1, 0), int(2, v), str(3, ''));
const intOrStr = (n: number, s: string) => msg(n, int(1, 1), int(2, 0), str(3, s));


test('a protobuf Pod decodes: inlined probe handlers and volume sources, IntOrString, Quantity, kept zeros', () => {
  const container = [
    str(1, 'web'),
    str(2, 'nginx:1.27'),
    str(4, '-g'),
    str(4, 'daemon off;'),
    msg(6, str(1, 'http'), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
    msg(7, str(1, 'PASSWORD'), str(2, ''), msg(3, msg(4, msg(1, str(1, 'db')), str(2, 'password')))),
    msg(8, entry(1, 'cpu', quantity(2, '500m')), entry(1, 'memory', quantity(2, '128Mi')), entry(2, 'cpu', quantity(2, '100m'))),
    msg(9, str(1, 'cache'), int(2, 0), str(3, '/cache')),
    msg(10, msg(1, msg(2, str(1, '/healthz'), intOrStr(2, 'http'), str(4, 'HTTP'))), int(2, 5), int(3, 1)),
    msg(11, msg(1, msg(3, intOrInt(1, 80))), int(4, 10)),
    msg(15, int(4, 0), int(6, 0), int(7, 0), msg(1, str(2, 'ALL'))),
    str(13, '/dev/termination-log'),
    int(16, 0),
  ];
  const raw = [
    ...msg(1, str(1, 'pb-pod'), str(3, 'default'), msg(11, str(1, 'app'), str(2, 'web'))),
    ...msg(
      2,
      msg(1, str(1, 'cache'), msg(2, msg(2, str(1, 'Memory'), quantity(2, '64Mi')))),
      msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'web-config')), int(3, 420)))),
      msg(2, ...container),
      str(3, 'Always'),
      int(4, 0),
      int(11, 0),
      msg(22, str(1, 'dedicated'), str(2, 'Equal'), str(3, 'web'), str(4, 'NoSchedule')),
    ),
  ];
  const obj = decodeKubernetesProtobuf(envelope('v1', 'Pod', raw));
  assert.equal(obj, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pb-pod', namespace: 'default', labels: { app: 'web' } },
    spec: {
      volumes: [
        { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'cfg', configMap: { name: 'web-config', defaultMode: 420 } },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          args: ['-g', 'daemon off;'],
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
          volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, timeoutSeconds: 1 },
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10 },
          securityContext: { runAsUser: 0, readOnlyRootFilesystem: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          terminationMessagePath: '/dev/termination-log',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    },
  });
  assert.ok(podDef.schema.safeParse(obj).success);
  assert.equal(index.unknownFields(podDef, obj), []);
});

test('a protobuf Service and Deployment decode IntOrString ports and keep an explicit zero', () => {
  const svc = decodeKubernetesProtobuf(
    envelope('v1', 'Service', [
      ...msg(1, str(1, 'web')),
      ...msg(
        2,
        msg(1, str(1, 'http'), str(2, 'TCP'), int(3, 80), intOrInt(4, 8080), int(5, 0)),
        msg(1, str(1, 'https'), str(2, 'TCP'), int(3, 443), intOrStr(4, 'https')),
        msg(1, str(1, 'dns'), str(2, 'UDP'), int(3, 53), intOrInt(4, 0)),
        msg(2, str(1, 'app'), str(2, 'web')),
        str(4, 'ClusterIP'),
      ),
      ...msg(3, msg(1)),
    ]),
  );
  assert.equal(svc.spec, {
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
      { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
      { name: 'dns', protocol: 'UDP', port: 53 },
    ],
    selector: { app: 'web' },
    type: 'ClusterIP',
  });
  assert.equal(svc.status, { loadBalancer: {} });
  assert.equal(index.unknownFields(serviceDef, svc), []);

  const deploy = decodeKubernetesProtobuf(
    envelope('apps/v1', 'Deployment', [
      ...msg(1, str(1, 'web')),
      ...msg(
        2,
        int(1, 0),
        msg(2, msg(1, str(1, 'app'), str(2, 'web'))),
        msg(3, msg(1, msg(11, str(1, 'app'), str(2, 'web'))), msg(2, msg(2, str(1, 'web'), str(2, 'nginx')))),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrInt(1, 0), intOrStr(2, '25%'))),
        int(7, 0),
      ),
    ]),
  );
  assert.equal(deploy, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
    },
  });
  assert.ok(deploymentDef.schema.safeParse(deploy).success);
  assert.equal(index.unknownFields(deploymentDef, deploy), []);
});

test('a protobuf Secret and ConfigMap carry their bytes as base64', () => {
  const bytes = [0x00, 0xff, 0x10, 0x80];
  const secret = decodeKubernetesProtobuf(
    envelope('v1', 'Secret', [
      ...msg(1, str(1, 'creds')),
      ...msg(2, str(1, 'password'), bytesField(2, [...new TextEncoder().encode('s3cret')])),
      ...msg(2, str(1, 'blob'), bytesField(2, bytes)),
      ...msg(4, str(1, 'user'), str(2, 'admin')),
      ...str(3, 'Opaque'),
      ...int(5, 0),
    ]),
  );
  assert.equal(secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds' },
    data: { password: Buffer.from('s3cret').toString('base64'), blob: Buffer.from(bytes).toString('base64') },
    stringData: { user: 'admin' },
    type: 'Opaque',
    immutable: false,
  });
  const cm = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', [...msg(1, str(1, 'cfg')), ...msg(2, str(1, 'a'), str(2, '1')), ...msg(3, str(1, 'bin'), bytesField(2, bytes))]));
  assert.equal(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' }, binaryData: { bin: 'AP8QgA==' } });
});

test.run();
