import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, kubectl, startServer, until, type RunningServer } from '../helpers/server';
import { httpdDeployment, workloadContainers } from '../helpers/workloads';

// Deployments through real kubectl: replicas, scale, rolling updates that keep availability, undo,
// history, a stalled rollout, a server killed mid-rollout, cascading deletes, bad input.
const t = suite<{ server: RunningServer }>('deployments');
const NS = 'deploy-e2e';

t.before(async (ctx) => {
  ctx.server = await startServer();
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const deployment = (name: string, replicas: number, image = 'k2d-test/busybox:1', extra = '') => httpdDeployment(name, replicas, { ns: NS, image, extra });

const apply = (server: RunningServer, name: string, yaml: string) => applyYaml(server, name, yaml, true);

const containers = (server: RunningServer, app: string) => workloadContainers(server, NS, app);

const get = async (server: RunningServer, args: string[]) => JSON.parse((await kubectl(server, ['get', ...args, '-n', NS, '-o', 'json'])).stdout);

async function rolloutStatus(server: RunningServer, name: string, timeout = '90s') {
  return kubectl(server, ['rollout', 'status', `deploy/${name}`, '-n', NS, `--timeout=${timeout}`]);
}

t('replicas 3 with a readiness probe: rollout status exits 0, three containers run; scale 5 then 1 converges', async ({ server }) => {
  assert.is((await kubectl(server, ['create', 'namespace', NS])).code, 0);
  assert.is((await apply(server, 'web', deployment('web', 3))).code, 0);
  const status = await rolloutStatus(server, 'web');
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, 'deployment "web" successfully rolled out');
  assert.is((await containers(server, 'web')).length, 3);
  const table = await kubectl(server, ['get', 'deploy', 'web', '-n', NS]);
  assert.match(table.stdout, /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
  assert.match(table.stdout, /web\s+3\/3\s+3\s+3/);
  const rs = await kubectl(server, ['get', 'rs', '-n', NS]);
  assert.match(rs.stdout, /NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE/);
  assert.match(rs.stdout, /web-[a-z0-9]+\s+3\s+3\s+3/);

  assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=5'])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  assert.is((await containers(server, 'web')).length, 5);
  assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=1'])).code, 0);
  await until('one pod left', async () => ((await get(server, ['pods', '-l', 'app=web'])).items.length === 1 ? true : undefined), 30_000);
  await until('one container left', async () => ((await containers(server, 'web')).length === 1 ? true : undefined), 30_000);
  const d = await get(server, ['deploy', 'web']);
  assert.is(d.status.replicas, 1);
  assert.is(d.status.availableReplicas, 1);
});

t('set image rolls pods over without going below replicas - maxUnavailable ready; undo returns; history lists revisions', async ({ server }) => {
  assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=4'])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  // maxUnavailable 25% of 4 = 1: at least 3 ready pods at every moment.
  let minReady = Infinity;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const pods = (await get(server, ['pods', '-l', 'app=web'])).items as Array<{ metadata: { deletionTimestamp?: string }; status: { conditions?: Array<{ type: string; status: string }> } }>;
      const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      minReady = Math.min(minReady, ready);
    }
  })();
  assert.is((await kubectl(server, ['set', 'image', 'deploy/web', '-n', NS, 'httpd=k2d-test/busybox:2'])).code, 0);
  const status = await rolloutStatus(server, 'web');
  sampling = false;
  await sampler;
  assert.is(status.code, 0, status.stderr);
  assert.ok(minReady >= 3, `only ${minReady} ready pods during the rollout`);
  const live = (await get(server, ['pods', '-l', 'app=web'])).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
  const images = live.map((p: { spec: { containers: Array<{ image: string }> } }) => p.spec.containers[0].image);
  assert.equal([...new Set(images)], ['k2d-test/busybox:2']);

  const history = await kubectl(server, ['rollout', 'history', 'deploy/web', '-n', NS]);
  assert.match(history.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
  assert.is((await kubectl(server, ['rollout', 'undo', 'deploy/web', '-n', NS])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  const d = await get(server, ['deploy', 'web']);
  assert.is(d.spec.template.spec.containers[0].image, 'k2d-test/busybox:1');
  assert.is(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
  assert.match((await kubectl(server, ['rollout', 'history', 'deploy/web', '-n', NS])).stdout, /2\s+<none>\n3\s+<none>/);
});

t('a rollout to a missing image stalls with image-pull pods while the old pods keep serving; rollout status --timeout fails', async ({ server }) => {
  assert.is((await kubectl(server, ['set', 'image', 'deploy/web', '-n', NS, 'httpd=k2d-test/does-not-exist:1'])).code, 0);
  const status = await rolloutStatus(server, 'web', '20s');
  assert.is(status.code, 1);
  const pods = (await get(server, ['pods', '-l', 'app=web'])).items as Array<{ spec: { containers: Array<{ image: string }> }; status: { containerStatuses?: Array<{ state: { waiting?: { reason: string } } }> } }>;
  const stuck = pods.filter((p) => p.spec.containers[0].image === 'k2d-test/does-not-exist:1');
  assert.ok(stuck.length >= 1);
  for (const p of stuck) assert.match(p.status.containerStatuses?.[0].state.waiting?.reason ?? '', /ErrImagePull|ImagePullBackOff/);
  // The old pods keep serving: never fewer than replicas - maxUnavailable = 3 available.
  const d = await get(server, ['deploy', 'web']);
  assert.ok(d.status.availableReplicas >= 3, String(d.status.availableReplicas));
  assert.is((await kubectl(server, ['rollout', 'undo', 'deploy/web', '-n', NS])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
});

t('kill -9 of the server mid-rollout: after a restart the rollout completes with the right count of pods', async (ctx) => {
  const { server } = ctx;
  assert.is((await kubectl(server, ['set', 'image', 'deploy/web', '-n', NS, 'httpd=k2d-test/busybox:2'])).code, 0);
  await new Promise((r) => setTimeout(r, 700));
  await server.stop('SIGKILL');
  ctx.server = await startServer({ dataPath: server.dataPath, instance: server.instance, port: server.port });
  const status = await rolloutStatus(ctx.server, 'web');
  assert.is(status.code, 0, status.stderr);
  await until('four pods of the new image', async () => {
    const pods = (await get(ctx.server, ['pods', '-l', 'app=web'])).items as Array<{ metadata: { deletionTimestamp?: string }; spec: { containers: Array<{ image: string }> } }>;
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    return live.length === 4 && live.every((p) => p.spec.containers[0].image === 'k2d-test/busybox:2') ? true : undefined;
  }, 30_000);
  await until('four containers', async () => ((await containers(ctx.server, 'web')).length === 4 ? true : undefined), 30_000);
});

t('Recreate: the old pods go before new ones start, and the rollout completes', async ({ server }) => {
  assert.is((await apply(server, 'recreate', deployment('recreate', 2, 'k2d-test/busybox:1', '  strategy: {type: Recreate}\n'))).code, 0);
  assert.is((await rolloutStatus(server, 'recreate')).code, 0);
  let overlap = false;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const live = (await get(server, ['pods', '-l', 'app=recreate'])).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
      const images = new Set(live.map((p: { spec: { containers: Array<{ image: string }> } }) => p.spec.containers[0].image));
      if (images.size > 1) overlap = true;
    }
  })();
  assert.is((await kubectl(server, ['set', 'image', 'deploy/recreate', '-n', NS, 'httpd=k2d-test/busybox:2'])).code, 0);
  const status = await rolloutStatus(server, 'recreate');
  sampling = false;
  await sampler;
  assert.is(status.code, 0, status.stderr);
  assert.not.ok(overlap, 'old and new pods ran together');
  assert.is((await kubectl(server, ['delete', 'deploy', 'recreate', '-n', NS])).code, 0);
});

t('bad Deployments are refused with the field path and nothing is created', async ({ server }) => {
  const cases: Array<[string, RegExp]> = [
    [deployment('bad', -1), /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/],
    [deployment('bad', 1).replace('selector: {matchLabels: {app: bad}}', 'selector: {matchLabels: {app: other}}'), /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/],
    [deployment('bad', 1, 'k2d-test/busybox:1', '  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n'), /spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0/],
    [`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: ${NS}}\nspec:\n  selector: {matchLabels: {app: bad}}\n`, /spec\.template: Required value/],
  ];
  for (const [yaml, message] of cases) {
    const res = await apply(server, 'bad', yaml);
    assert.is(res.code, 1, yaml);
    assert.match(res.stderr, message);
    assert.is((await kubectl(server, ['get', 'deploy', 'bad', '-n', NS])).code, 1);
  }
  // The selector cannot change once set.
  const moved = await kubectl(server, ['patch', 'deploy', 'web', '-n', NS, '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}']);
  assert.is(moved.code, 1);
  assert.match(moved.stderr, 'field is immutable');
});

t('deleting a Deployment removes its ReplicaSets, pods and containers; --cascade=orphan keeps the pods', async ({ server }) => {
  assert.is((await kubectl(server, ['delete', 'deploy', 'web', '-n', NS])).code, 0);
  await until('no ReplicaSets', async () => ((await get(server, ['rs'])).items.length === 0 ? true : undefined), 30_000);
  await until('no pods', async () => ((await get(server, ['pods'])).items.length === 0 ? true : undefined), 30_000);
  await until('no containers', async () => ((await containers(server, 'web')).length === 0 ? true : undefined), 30_000);

  assert.is((await apply(server, 'keep', deployment('keep', 2))).code, 0);
  assert.is((await rolloutStatus(server, 'keep')).code, 0);
  assert.is((await kubectl(server, ['delete', 'deploy', 'keep', '-n', NS, '--cascade=orphan'])).code, 0);
  await until('the ReplicaSet orphaned', async () => {
    const rs = (await get(server, ['rs'])).items;
    return rs.length === 1 && !rs[0].metadata.ownerReferences ? true : undefined;
  });
  assert.is((await get(server, ['pods', '-l', 'app=keep'])).items.length, 2);
  assert.is((await kubectl(server, ['delete', 'rs', '--all', '-n', NS, '--cascade=foreground'])).code, 0);
  await until('the orphans gone too', async () => ((await get(server, ['pods'])).items.length === 0 ? true : undefined), 30_000);
  assert.is((await kubectl(server, ['delete', 'namespace', NS])).code, 0);
});

t.run();
