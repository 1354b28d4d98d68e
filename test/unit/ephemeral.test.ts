import { routeHandler } from '../../shared/api/routes';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { create, registryEnv } from '../../shared/registry/store';
import { pods } from '../../shared/resources/pods';
import { fakeCtx, req } from '../helpers/fake-ctx';

const patchEphemeral = routeHandler(pods, 'patch', 'ephemeralcontainers');
const getEphemeral = routeHandler(pods, 'get', 'ephemeralcontainers');
const updatePod = routeHandler(pods, 'update');

const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const debuggerContainer = { name: 'debugger-abcde', image: 'busybox', stdin: true, tty: true, targetContainerName: 'main' };

async function setup() {
  const ctx = fakeCtx();
  await create(registryEnv(ctx), pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
  ctx.submitted.length = 0;
  return ctx;
}

const path = '/api/v1/namespaces/default/pods/web/ephemeralcontainers';

test('kubectl debug\'s patch adds an ephemeral container, bumps the generation and queues the pod', async () => {
  const ctx = await setup();
  const res = await patchEphemeral(req('PATCH', path, { spec: { ephemeralContainers: [debuggerContainer] } }, SMP), ctx);
  assert.is(res.status, 200);
  const pod = await res.json();
  assert.equal(pod.spec.ephemeralContainers, [debuggerContainer]);
  assert.is(pod.metadata.generation, 2);
  assert.equal(ctx.submitted.map((s) => s.op), [{ resource: 'pods', namespace: 'default', name: 'web', action: 'apply' }]);
  assert.equal((await (await getEphemeral(req('GET', path), ctx)).json()).spec.ephemeralContainers, [debuggerContainer]);
});

test('ephemeral containers cannot be removed, changed, named like another container, or added through the pod itself', async () => {
  const ctx = await setup();
  await patchEphemeral(req('PATCH', path, { spec: { ephemeralContainers: [debuggerContainer] } }, SMP), ctx);
  const removed = await patchEphemeral(req('PATCH', path, [{ op: 'remove', path: '/spec/ephemeralContainers/0' }], { 'content-type': 'application/json-patch+json' }), ctx);
  assert.is(removed.status, 422);
  assert.match((await removed.json()).message, /existing ephemeral containers "debugger-abcde" may not be removed/);
  const changed = await patchEphemeral(req('PATCH', path, { spec: { ephemeralContainers: [{ ...debuggerContainer, image: 'other' }] } }, SMP), ctx);
  assert.is(changed.status, 422);
  assert.match((await changed.json()).message, /may not be changed/);
  const clash = await patchEphemeral(req('PATCH', path, { spec: { ephemeralContainers: [{ name: 'main', image: 'busybox' }] } }, SMP), ctx);
  assert.is(clash.status, 422);
  assert.match((await clash.json()).message, /Duplicate value: "main"/);
  const pod = ctx.store.get(pods, 'default', 'web')!;
  const direct = structuredClone(pod) as any;
  direct.spec.ephemeralContainers.push({ name: 'sneaky', image: 'busybox' });
  const res = await updatePod(req('PUT', '/api/v1/namespaces/default/pods/web', direct), ctx);
  assert.is(res.status, 422);
});

test.run();
