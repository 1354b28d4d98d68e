import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, dockerName, kubectl, networkExists, startServer, until, type RunningServer } from '../helpers/server';

// Two servers (two K2D_INSTANCEs) on one engine, and a container someone started by hand with k2d's
// namespace label: each server touches only what carries its own labels.
const t = suite<{ a: RunningServer; b: RunningServer; stray?: string }>('isolation');
const NS = 'iso-e2e';
const IMAGE = 'k2d-test/busybox:1';
const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ${NS}}
spec:
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: ${IMAGE}, command: [sleep, "3600"]}]
`;

t.before(async (ctx) => {
  [ctx.a, ctx.b] = await Promise.all([startServer(), startServer()]);
});

t.after(async (ctx) => {
  if (ctx.stray) await docker.getContainer(ctx.stray).remove({ force: true }).catch(() => undefined);
  await Promise.all([ctx.a && cleanup(ctx.a), ctx.b && cleanup(ctx.b)]);
});

t('the same namespace and pod in two instances get their own network and container; deleting one namespace leaves the other and a stranger alone', async (ctx) => {
  for (const server of [ctx.a, ctx.b]) {
    const ns = await kubectl(server, ['create', 'ns', NS]);
    assert.is(ns.code, 0, ns.stderr);
    const applied = await kubectl(server, ['apply', '-f', '-'], undefined, pod);
    assert.is(applied.code, 0, applied.stderr);
  }
  for (const server of [ctx.a, ctx.b]) {
    const wait = await kubectl(server, ['wait', '--for=condition=Ready', `pod/p`, '-n', NS, '--timeout=60s']);
    assert.is(wait.code, 0, wait.stderr);
    assert.ok(await networkExists(dockerName(server.instance, `k2d-${NS}`)));
  }
  const names = async (server: RunningServer) => (await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${server.instance}`, `resource.k2d.io/namespace-name=${NS}`] } })).map((c) => c.Names[0]);
  assert.equal(await names(ctx.a), [`/${dockerName(ctx.a.instance, `${NS}-p`)}`]);
  assert.equal(await names(ctx.b), [`/${dockerName(ctx.b.instance, `${NS}-p`)}`]);

  const stray = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '3600'], name: `iso-stray-${process.pid}`, Labels: { 'resource.k2d.io/namespace-name': NS } });
  ctx.stray = stray.id;
  await stray.start();

  const deleted = await kubectl(ctx.a, ['delete', 'ns', NS, '--timeout=60s']);
  assert.is(deleted.code, 0, deleted.stderr);
  await until('instance a to have removed its container and network', async () => (await names(ctx.a)).length === 0 && !(await networkExists(dockerName(ctx.a.instance, `k2d-${NS}`))), 30_000);
  assert.equal(await names(ctx.b), [`/${dockerName(ctx.b.instance, `${NS}-p`)}`], "the other instance's pod is untouched");
  assert.ok(await networkExists(dockerName(ctx.b.instance, `k2d-${NS}`)));
  assert.is((await stray.inspect()).State.Running, true, 'the hand-started container still runs');
  const b = await kubectl(ctx.b, ['get', 'pod', 'p', '-n', NS, '-o', 'jsonpath={.status.phase}']);
  assert.is(b.stdout, 'Running');
});

t.run();
