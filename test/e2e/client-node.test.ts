import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, startServer, until, type RunningServer } from '../helpers/server';

// @kubernetes/client-node, as an application would use it: our kubeconfig, the typed APIs, Watch, Log
// and the generic KubernetesObjectApi.

let server: RunningServer;
let kc: k8s.KubeConfig;

test.before(async () => {
  server = await startServer();
  kc = new k8s.KubeConfig();
  kc.loadFromString(await readFile(server.kubeconfig, 'utf8'));
});

test.after(async () => {
  await cleanup(server);
});

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

test('CoreV1Api: create, list, merge patch, replace, delete a ConfigMap; 404 and 409 as ApiExceptions', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cfg', labels: { app: 'demo' } }, data: { a: '1' } } });
  const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app=demo' });
  assert.equal(list.items.map((c) => c.metadata?.name), ['cfg']);
  const patched = await core.patchNamespacedConfigMap({ namespace: 'default', name: 'cfg', body: { data: { b: '2' } } }, merge);
  assert.equal(patched.data, { a: '1', b: '2' });
  const replaced = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'cfg', body: { ...patched, data: { c: '3' } } });
  assert.equal(replaced.data, { c: '3' });
  try {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cfg' } } });
    assert.unreachable('a second create succeeded');
  } catch (err) {
    assert.is((err as k8s.ApiException<unknown>).code, 409);
  }
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cfg' });
  // The runtime finishes a ConfigMap's delete (its key files) a moment after the API answers.
  const code = await until('the ConfigMap gone', () => core.readNamespacedConfigMap({ namespace: 'default', name: 'cfg' }).then(() => undefined, (err: k8s.ApiException<unknown>) => err.code));
  assert.is(code, 404);
});

test('AppsV1Api and Watch: a Deployment created through the API is seen ADDED and then available', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const seen: string[] = [];
  let available = false;
  const watch = new k8s.Watch(kc);
  const controller = await watch.watch('/apis/apps/v1/namespaces/default/deployments', {}, (phase, obj) => {
    if (obj?.metadata?.name !== 'api-web') return;
    seen.push(phase);
    if ((obj.status?.availableReplicas ?? 0) >= 1) available = true;
  }, () => undefined);
  const labels = { app: 'api-web' };
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'api-web' },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'k2d-test/httpd:1' }] } } },
    },
  });
  await until('the watch to see the Deployment available', async () => available, 60_000);
  controller.abort();
  assert.is(seen[0], 'ADDED');
  assert.ok(seen.includes('MODIFIED'));
  const scaled = await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'api-web', body: { spec: { replicas: 2 } } }, merge);
  assert.is(scaled.spec?.replicas, 2);
  await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'api-web', propagationPolicy: 'Foreground' });
  await until('the Deployment gone', async () => !(await apps.listNamespacedDeployment({ namespace: 'default' })).items.some((d) => d.metadata?.name === 'api-web'), 60_000);
});

test('Log follow streams a running container until aborted', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedPod({
    namespace: 'default',
    body: { metadata: { name: 'talker' }, spec: { containers: [{ name: 'c', image: 'k2d-test/busybox:1', command: ['sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done'] }] } },
  });
  await until('the pod running', async () => (await core.readNamespacedPod({ namespace: 'default', name: 'talker' })).status?.phase === 'Running', 60_000);
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const abort = await new k8s.Log(kc).log('default', 'talker', 'c', out, { follow: true });
  await until('three lines followed', async () => (text.match(/line \d+/g) ?? []).length >= 3, 20_000);
  abort.abort();
  await core.deleteNamespacedPod({ namespace: 'default', name: 'talker', gracePeriodSeconds: 0 });
});

test('KubernetesObjectApi: generic create, read, server-side apply, delete of several kinds', async () => {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const specs: k8s.KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'generic', namespace: 'default' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'generic', namespace: 'default' }, spec: { ports: [{ port: 80 }], selector: { app: 'generic' } } } as k8s.KubernetesObject,
  ];
  for (const spec of specs) await client.create(spec);
  const svc = (await client.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'generic', namespace: 'default' } })) as k8s.V1Service;
  assert.match(svc.spec?.clusterIP ?? '', /^10\./);
  const applied = (await client.patch(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: 'default' }, data: { k: 'v' } } as k8s.KubernetesObject,
    undefined,
    undefined,
    'client-node-test',
    undefined,
    k8s.PatchStrategy.ServerSideApply,
  )) as k8s.V1ConfigMap;
  assert.equal(applied.data, { k: 'v' });
  assert.ok(applied.metadata?.managedFields?.some((m) => m.manager === 'client-node-test'));
  for (const spec of [...specs, applied]) await client.delete(spec);
});

test.run();
