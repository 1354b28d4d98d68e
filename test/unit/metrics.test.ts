import { routeHandler } from '../../shared/api/routes';
import { nodeMetrics, podMetrics } from '../../shared/resources/metrics';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import groupHandler from '../../handlers/apis/group';
import { create, registryEnv } from '../../shared/registry/store';
import { nodes } from '../../shared/resources/nodes';
import { pods } from '../../shared/resources/pods';
import { fakeCtx, NOW, req } from '../helpers/fake-ctx';

const listPods = routeHandler(podMetrics, 'list');
const getPod = routeHandler(podMetrics, 'get');
const listNodes = routeHandler(nodeMetrics, 'list');

async function ctxWithPods() {
  const ctx = fakeCtx();
  const env = registryEnv(ctx);
  const a = await create(env, pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default', labels: { tier: 'web' } }, spec: { containers: [{ name: 'c1', image: 'x' }, { name: 'c2', image: 'x' }] } });
  await create(env, pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  await create(env, nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  ctx.docker.metrics = async () => ({
    timestamp: NOW.toISOString(),
    windowSeconds: 10.5,
    node: { cpuNanoCores: 1_500_000_000, memoryBytes: 2 * 1024 * 1024 * 1024 },
    pods: { [a.metadata.uid!]: [{ name: 'c1', cpuNanoCores: 250_000_000.4, memoryBytes: 10 * 1024 * 1024 }, { name: 'c2', cpuNanoCores: 0, memoryBytes: 2048 }] },
  });
  return ctx;
}

test('PodMetrics: running containers in nanocores and Ki, pods without samples left out, label selectors, metrics-server\'s 404', async () => {
  const ctx = await ctxWithPods();
  const list = await (await listPods(req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods'), ctx)).json();
  assert.is(list.kind, 'PodMetricsList');
  assert.equal(list.items.map((m: { metadata: { name: string } }) => m.metadata.name), ['a']);
  assert.equal(list.items[0].containers, [
    { name: 'c1', usage: { cpu: '250000000n', memory: '10240Ki' } },
    { name: 'c2', usage: { cpu: '0n', memory: '2Ki' } },
  ]);
  assert.is(list.items[0].window, '10.5s');
  assert.equal(list.items[0].metadata.labels, { tier: 'web' });
  const none = await (await listPods(req('GET', '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=tier%3Ddb'), ctx)).json();
  assert.equal(none.items, []);
  const one = await (await getPod(req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/a'), ctx)).json();
  assert.is(one.kind, 'PodMetrics');
  const missing = await getPod(req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/pending'), ctx);
  assert.is(missing.status, 404);
  assert.is((await missing.json()).message, 'podmetrics.metrics.k8s.io "pending" not found');
});

test('NodeMetrics: the node from the store with the host\'s usage; the group is discoverable for kubectl top', async () => {
  const ctx = await ctxWithPods();
  const list = await (await listNodes(req('GET', '/apis/metrics.k8s.io/v1beta1/nodes'), ctx)).json();
  assert.equal(list.items.map((m: { metadata: { name: string }; usage: unknown }) => [m.metadata.name, m.usage]), [['node-1', { cpu: '1500000000n', memory: '2097152Ki' }]]);
  const group = await (await groupHandler(req('GET', '/apis/metrics.k8s.io'), ctx)).json();
  assert.equal(group.preferredVersion, { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' });
  const resources = await (await groupHandler(req('GET', '/apis/metrics.k8s.io/v1beta1'), ctx)).json();
  assert.equal(resources.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs]), [['nodes', ['get', 'list']], ['pods', ['get', 'list']]]);
});

test.run();
