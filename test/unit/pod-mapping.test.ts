import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Dockerode from 'dockerode';
import { ContainerConfigError, containerConfig, containerName, environment, expand, type PodContext } from '../../bridge/docker/pod-spec';
import { podStatus, qosClass, type Observed } from '../../bridge/docker/pod-status';
import type { KObject } from '../../shared/k8s/meta';

const pod = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' }, ...meta }, spec }) as KObject;

const ctx = (extra: Partial<PodContext> = {}): PodContext => ({
  network: 'k2d-shop',
  nodeName: 'node-1',
  hostIP: '10.0.0.5',
  apiHost: 'host.docker.internal',
  apiPort: 6443,
  labels: { 'app.k2d.io/managed-by': 'k2d-ts' },
  volumes: {},
  ...extra,
});

test('names: k2d`s <ns>-<pod> for the first container, a suffix for the others and for init containers', () => {
  const p = pod({ containers: [{ name: 'a' }, { name: 'b' }] });
  assert.is(containerName(p, 'a', 0), 'shop-web');
  assert.is(containerName(p, 'b', 1), 'shop-web-b');
  assert.is(containerName(p, 'setup', 0, true), 'shop-web-init-setup');
});

test('$(VAR) expansion follows the kubelet: $$ escapes, unknown references stay', () => {
  assert.is(expand('$(A)-$$(A)-$(NOPE)', { A: 'x' }), 'x-$(A)-$(NOPE)');
});

test('environment: API server variables, fieldRefs, resourceFieldRefs, later entries see earlier ones', () => {
  const c = {
    name: 'a',
    resources: { limits: { memory: '64Mi' } },
    env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'GREETING', value: 'hi $(POD) in $(NS)' },
    ],
  };
  const env = environment(pod({ containers: [c] }), c, ctx());
  assert.is(env.KUBERNETES_SERVICE_HOST, 'host.docker.internal');
  assert.is(env.KUBERNETES_SERVICE_PORT, '6443');
  assert.is(env.APP, 'web');
  assert.is(env.MEM, '64');
  assert.is(env.GREETING, 'hi web in shop');
});

test('environment: a missing ConfigMap key is the kubelet`s config error unless optional', () => {
  const c = { name: 'a', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] };
  assert.throws(() => environment(pod({ containers: [c] }), c, ctx({ lookup: () => undefined })), (e: Error) => e instanceof ContainerConfigError && e.message === 'configmap "cfg" not found');
  const noKey = (_kind: string, _name: string, key?: string) => (key === undefined ? { other: '1' } : undefined);
  assert.throws(() => environment(pod({ containers: [c] }), c, ctx({ lookup: noKey })), (e: Error) => e instanceof ContainerConfigError && /couldn't find key x in ConfigMap shop\/cfg/.test(e.message));
  const optional = { name: 'a', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x', optional: true } } }] };
  assert.is(environment(pod({ containers: [optional] }), optional, ctx({ lookup: () => undefined })).X, undefined);
});

test('containerConfig: the pod`s fsGroup and supplementalGroups are every container`s extra groups', () => {
  const c = { name: 'a', image: 'busybox' };
  assert.equal(containerConfig(pod({ securityContext: { fsGroup: 2000, supplementalGroups: [3000, 2000] }, containers: [c] }), c, 0, ctx()).HostConfig?.GroupAdd, ['2000', '3000']);
  assert.is(containerConfig(pod({ securityContext: { runAsUser: 1000 }, containers: [c] }), c, 0, ctx()).HostConfig?.GroupAdd, undefined);
});

test('containerConfig: the first container owns the network, the second joins it; command/args, limits, security', () => {
  const spec = {
    terminationGracePeriodSeconds: 7,
    containers: [
      { name: 'a', image: 'busybox', command: ['sh', '-c'], args: ['echo $(POD)'], ports: [{ containerPort: 80, hostPort: 8080 }], env: [{ name: 'POD', value: 'web' }] },
      { name: 'b', image: 'busybox', resources: { limits: { cpu: '500m', memory: '128Mi' } }, securityContext: { runAsUser: 1000, runAsGroup: 2000, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } },
    ],
  };
  const p = pod(spec);
  const first = containerConfig(p, spec.containers[0], 0, ctx());
  assert.is(first.name, 'shop-web');
  assert.is(first.HostConfig!.NetworkMode, 'k2d-shop');
  assert.is(first.Hostname, 'web');
  assert.equal(first.Entrypoint, ['sh', '-c']);
  assert.equal(first.Cmd, ['echo web']);
  assert.equal(first.HostConfig!.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.equal(first.HostConfig!.RestartPolicy, { Name: 'no' });
  assert.is(first.StopTimeout, 7);
  assert.is(first.Labels!['pod.k2d.io/uid'], 'u-1');
  assert.is(first.Labels!['resource.k2d.io/namespace-name'], 'shop');

  const second = containerConfig(p, spec.containers[1], 1, ctx());
  assert.is(second.HostConfig!.NetworkMode, 'container:shop-web');
  assert.is(second.Hostname, undefined);
  assert.is(second.HostConfig!.NanoCpus, 500_000_000);
  assert.is(second.HostConfig!.Memory, 128 * 1024 * 1024);
  assert.is(second.User, '1000:2000');
  assert.is(second.HostConfig!.ReadonlyRootfs, true);
  assert.equal(second.HostConfig!.CapDrop, ['ALL']);
});

test('containerConfig: a mount of an undeclared volume is a config error; subPath binds from the host directory', () => {
  const c = { name: 'a', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/d', subPath: 'sub' }] };
  assert.throws(() => containerConfig(pod({ containers: [c] }), c, 0, ctx()), (e: Error) => e instanceof ContainerConfigError && e.message === 'volume "data" is not defined in the pod');
  const cfg = containerConfig(pod({ containers: [c] }), c, 0, ctx({ volumes: { data: { type: 'volume', source: 'k2d-shop-web-data', hostPath: '/var/lib/docker/volumes/x/_data' } } }));
  assert.equal(cfg.HostConfig!.Mounts, [{ Type: 'bind', Source: '/var/lib/docker/volumes/x/_data/sub', Target: '/d', ReadOnly: false }]);
});

const info = (name: string, role: 'app' | 'init', state: Partial<Dockerode.ContainerInspectInfo['State']>, ip = ''): Dockerode.ContainerInspectInfo =>
  ({
    Id: `id-${name}`,
    Image: 'sha256:abc',
    Config: { Labels: { 'pod.k2d.io/container': name, 'pod.k2d.io/role': role } },
    State: { Running: false, Paused: false, Status: 'exited', ExitCode: 0, OOMKilled: false, StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', ...state },
    NetworkSettings: { Networks: { 'k2d-shop': { IPAddress: ip } } },
  }) as unknown as Dockerode.ContainerInspectInfo;

const observed = (containers: Dockerode.ContainerInspectInfo[], extra: Partial<Observed> = {}): Observed => ({
  containers,
  waiting: {},
  ready: {},
  network: 'k2d-shop',
  hostIP: '10.0.0.5',
  now: new Date('2026-01-01T00:00:10Z'),
  restarts: {},
  backingOff: {},
  ...extra,
});

test('status: running and ready gives phase Running, Ready True, podIP from the namespace network', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }] });
  const s = podStatus(p, observed([info('a', 'app', { Running: true, Status: 'running' }, '172.18.0.4')]));
  assert.is(s.phase, 'Running');
  assert.is(s.podIP, '172.18.0.4');
  assert.is(s.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'True');
  assert.is(s.containerStatuses[0].state.running.startedAt, '2026-01-01T00:00:00Z');
  assert.is(s.qosClass, 'BestEffort');
});

test('status: a failing readiness probe keeps Ready False; a pending init keeps PodInitializing', () => {
  const p = pod({ initContainers: [{ name: 'i', image: 'busybox' }], containers: [{ name: 'a', image: 'busybox' }] });
  const initializing = podStatus(p, observed([info('i', 'init', { Running: true, Status: 'running' })]));
  assert.is(initializing.phase, 'Pending');
  assert.is(initializing.containerStatuses[0].state.waiting.reason, 'PodInitializing');
  assert.is(initializing.conditions.find((c: { type: string }) => c.type === 'Initialized').reason, 'ContainersNotInitialized');
  const notReady = podStatus(p, observed([info('i', 'init', { ExitCode: 0 }), info('a', 'app', { Running: true, Status: 'running' })], { ready: { a: false } }));
  assert.is(notReady.phase, 'Running');
  assert.is(notReady.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'False');
});

test('status: exits per restartPolicy — Never and a failure is Failed, all zero is Succeeded, back-off is CrashLoopBackOff', () => {
  const never = pod({ restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox' }] });
  assert.is(podStatus(never, observed([info('a', 'app', { ExitCode: 1 })])).phase, 'Failed');
  assert.is(podStatus(never, observed([info('a', 'app', { ExitCode: 0 })])).phase, 'Succeeded');
  const always = pod({ containers: [{ name: 'a', image: 'busybox' }] });
  const s = podStatus(always, observed([info('a', 'app', { ExitCode: 1 })], { backingOff: { a: 'back-off 20s restarting failed container' }, restarts: { a: 2 } }));
  assert.is(s.phase, 'Running');
  assert.is(s.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  assert.is(s.containerStatuses[0].restartCount, 2);
  assert.is(s.containerStatuses[0].lastState.terminated.exitCode, 1);
});

test('status: a missing image shows the runtime`s waiting reason', () => {
  const p = pod({ containers: [{ name: 'a', image: 'nope' }] });
  const s = podStatus(p, observed([], { waiting: { a: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } }));
  assert.is(s.phase, 'Pending');
  assert.equal(s.containerStatuses[0].state.waiting, { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' });
});

test('qosClass: Guaranteed, Burstable, BestEffort as the kubelet classifies', () => {
  assert.is(qosClass({ containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }] }), 'Guaranteed');
  assert.is(qosClass({ containers: [{ resources: { requests: { cpu: '1' } } }] }), 'Burstable');
  assert.is(qosClass({ containers: [{}] }), 'BestEffort');
});

test.run();
