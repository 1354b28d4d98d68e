import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, httpsGet, KUBECTLS, kubectl, startServer, until, type RunningServer } from '../helpers/server';
import { httpdDeployment, workloadContainers } from '../helpers/workloads';

// Deployments when things go wrong or get old: containers removed behind the server's back, deleted
// pods, a rollout past its progress deadline, adoption after an orphaning delete, a namespace deleted
// under a running Deployment; the controllers' Events; scale and rollout with every kubectl we have.
const t = suite<{ server: RunningServer }>('deployments-recovery');
const NS = 'i6-deploy-recovery';

t.before(async (ctx) => {
  ctx.server = await startServer();
  assert.is((await kubectl(ctx.server, ['create', 'namespace', NS])).code, 0);
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const deployment = (name: string, replicas: number, extra = '', ns = NS) => httpdDeployment(name, replicas, { ns, extra });

const running = (server: RunningServer, app: string, ns = NS) => workloadContainers(server, ns, app);

const get = async (server: RunningServer, args: string[], ns = NS) => JSON.parse((await kubectl(server, ['get', ...args, '-n', ns, '-o', 'json'])).stdout);
const livePods = async (server: RunningServer, app: string) =>
  ((await get(server, ['pods', '-l', `app=${app}`])).items as Array<{ metadata: { name: string; deletionTimestamp?: string } }>).filter((p) => !p.metadata.deletionTimestamp);
const rolloutStatus = (server: RunningServer, name: string, timeout = '90s', bin?: string) => kubectl(server, ['rollout', 'status', `deploy/${name}`, '-n', NS, `--timeout=${timeout}`], bin);
const alive = async (server: RunningServer) => (await httpsGet(server.port, '/healthz', server.token)).status === 200;

/** The probe agents this server runs (nsenter children of its process). */
function probeAgents(server: RunningServer): number {
  const out = execFileSync('ps', ['-o', 'args=', '--ppid', String(server.child.pid)], { encoding: 'utf8' }).trim();
  return out ? out.split('\n').filter((l) => l.includes('probe-agent')).length : 0;
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const value = await fn();
  console.log(`  ${what}: ${Date.now() - start} ms`);
  return value;
}

t('containers removed with docker rm -f come back and a deleted pod is replaced, with the server up throughout', async ({ server }) => {
  await applyYaml(server, 'web', deployment('web', 3));
  assert.is((await timed('3 replicas with readiness probes rolled out', () => rolloutStatus(server, 'web'))).code, 0);
  const pods = (await livePods(server, 'web')).map((p) => p.metadata.name).sort();
  // All at once, twice: probe agents lose their network namespace while a probe may be writing to them.
  for (let round = 0; round < 2; round++) {
    for (const c of await running(server, 'web')) await docker.getContainer(c.Id).remove({ force: true });
    await until('three containers again', async () => (await running(server, 'web')).length === 3, 30_000);
    assert.ok(await alive(server), 'the server survived');
  }
  assert.equal((await livePods(server, 'web')).map((p) => p.metadata.name).sort(), pods, 'the same pods, their containers recreated');
  assert.is((await rolloutStatus(server, 'web')).code, 0);

  assert.is((await kubectl(server, ['delete', 'pod', pods[0], '-n', NS, '--wait=false'])).code, 0);
  const replaced = await until('a replacement pod', async () => {
    const names = (await livePods(server, 'web')).map((p) => p.metadata.name);
    return names.length === 3 && !names.includes(pods[0]) ? names : undefined;
  }, 30_000);
  assert.ok(replaced.every((n) => n.startsWith(`${pods[0].split('-').slice(0, 2).join('-')}-`)), replaced.join());
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  await until('three containers', async () => (await running(server, 'web')).length === 3, 30_000);
  assert.ok(await alive(server));
});

t('kubectl describe shows the deployment and replicaset controllers\' Events', async ({ server }) => {
  const rs = (await get(server, ['rs', '-l', 'app=web'])).items[0].metadata.name;
  const d = await kubectl(server, ['describe', 'deploy', 'web', '-n', NS]);
  assert.match(d.stdout, new RegExp(`ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rs} from 0 to 3`));
  const r = await kubectl(server, ['describe', 'rs', rs, '-n', NS]);
  assert.match(r.stdout, new RegExp(`SuccessfulCreate\\s+\\S+\\s+replicaset-controller\\s+Created pod: ${rs}-`));
});

for (const { name, bin } of KUBECTLS) {
  t(`kubectl ${name}: scale, set image, history, undo, pause/resume, restart`, async ({ server }) => {
    const scaled = await timed(`kubectl ${name} scale 3 → 5 → available`, async () => {
      assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=5'], bin)).code, 0);
      return rolloutStatus(server, 'web', '90s', bin);
    });
    assert.is(scaled.code, 0, scaled.stderr);
    await until('five containers', async () => (await running(server, 'web')).length === 5, 30_000);
    await timed(`kubectl ${name} scale 5 → 3 → three containers`, async () => {
      assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=3'], bin)).code, 0);
      await until('three containers', async () => (await running(server, 'web')).length === 3, 30_000);
    });
    assert.is((await kubectl(server, ['set', 'image', 'deploy/web', '-n', NS, 'httpd=k2d-test/busybox:2'], bin)).code, 0);
    assert.is((await timed(`kubectl ${name} rolling update of 3`, () => rolloutStatus(server, 'web', '90s', bin))).code, 0);
    const history = await kubectl(server, ['rollout', 'history', 'deploy/web', '-n', NS], bin);
    const revisions = [...history.stdout.matchAll(/^(\d+)\s+<none>$/gm)].map((m) => Number(m[1]));
    assert.ok(revisions.length >= 2, history.stdout);
    const shown = await kubectl(server, ['rollout', 'history', 'deploy/web', '-n', NS, `--revision=${revisions[revisions.length - 1]}`], bin);
    assert.match(shown.stdout, 'k2d-test/busybox:2');
    assert.is((await kubectl(server, ['rollout', 'undo', 'deploy/web', '-n', NS], bin)).code, 0);
    assert.is((await rolloutStatus(server, 'web', '90s', bin)).code, 0);
    assert.is((await get(server, ['deploy', 'web'])).spec.template.spec.containers[0].image, 'k2d-test/busybox:1');

    assert.is((await kubectl(server, ['rollout', 'pause', 'deploy/web', '-n', NS], bin)).code, 0);
    assert.is((await kubectl(server, ['set', 'env', 'deploy/web', '-n', NS, `KUBECTL=${name}`], bin)).code, 0);
    await new Promise((r) => setTimeout(r, 1000));
    const paused = await get(server, ['deploy', 'web']);
    assert.is(paused.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason, 'DeploymentPaused');
    assert.is(paused.status.updatedReplicas, 0, 'no rollout while paused');
    assert.is((await kubectl(server, ['rollout', 'resume', 'deploy/web', '-n', NS], bin)).code, 0);
    assert.is((await rolloutStatus(server, 'web', '90s', bin)).code, 0);
    const before = (await livePods(server, 'web')).map((p) => p.metadata.name);
    assert.is((await kubectl(server, ['rollout', 'restart', 'deploy/web', '-n', NS], bin)).code, 0);
    assert.is((await rolloutStatus(server, 'web', '90s', bin)).code, 0);
    const after = (await livePods(server, 'web')).map((p) => p.metadata.name);
    assert.is(after.length, 3);
    assert.ok(after.every((n) => !before.includes(n)), 'every pod was replaced');
  });
}

t('past its progress deadline a rollout fails rollout status at once and stays failed until undone', async ({ server }) => {
  assert.is((await kubectl(server, ['patch', 'deploy', 'web', '-n', NS, '-p', '{"spec":{"progressDeadlineSeconds":4}}'])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  assert.is((await kubectl(server, ['set', 'image', 'deploy/web', '-n', NS, 'httpd=k2d-test/not-there:1'])).code, 0);
  const failed = await timed('rollout status of a stalled rollout with a 4 s deadline', () => rolloutStatus(server, 'web', '60s'));
  assert.is(failed.code, 1);
  assert.match(failed.stderr, 'deployment "web" exceeded its progress deadline');
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setTimeout(r, 3000));
    const progressing = (await get(server, ['deploy', 'web'])).status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal([progressing.status, progressing.reason], ['False', 'ProgressDeadlineExceeded']);
  }
  const start = Date.now();
  assert.is((await rolloutStatus(server, 'web', '60s')).code, 1);
  assert.ok(Date.now() - start < 5000, 'failed at once');
  assert.ok((await get(server, ['deploy', 'web'])).status.availableReplicas >= 2, 'the old pods keep serving');
  assert.is((await kubectl(server, ['rollout', 'undo', 'deploy/web', '-n', NS])).code, 0);
  assert.is((await rolloutStatus(server, 'web')).code, 0);
  const progressing = (await get(server, ['deploy', 'web'])).status.conditions.find((c: { type: string }) => c.type === 'Progressing');
  assert.equal([progressing.status, progressing.reason], ['True', 'NewReplicaSetAvailable']);
});

t('re-applied after an orphaning delete, a Deployment adopts its ReplicaSet and keeps its pods and containers', async ({ server }) => {
  await applyYaml(server, 'keep', deployment('keep', 2));
  assert.is((await rolloutStatus(server, 'keep')).code, 0);
  const ids = (await running(server, 'keep')).map((c) => c.Id).sort();
  assert.is(ids.length, 2);
  assert.is((await kubectl(server, ['delete', 'deploy', 'keep', '-n', NS, '--cascade=orphan'])).code, 0);
  await until('the ReplicaSet orphaned', async () => {
    const rs = (await get(server, ['rs', '-l', 'app=keep'])).items;
    return rs.length === 1 && !rs[0].metadata.ownerReferences;
  });
  await applyYaml(server, 'keep', deployment('keep', 2));
  const d = await get(server, ['deploy', 'keep']);
  await until('the ReplicaSet adopted', async () => (await get(server, ['rs', '-l', 'app=keep'])).items[0]?.metadata.ownerReferences?.[0]?.uid === d.metadata.uid);
  assert.is((await rolloutStatus(server, 'keep')).code, 0);
  assert.is((await get(server, ['rs', '-l', 'app=keep'])).items.length, 1);
  assert.is((await livePods(server, 'keep')).length, 2);
  assert.equal((await running(server, 'keep')).map((c) => c.Id).sort(), ids, 'the same containers');
});

t('deleting the namespace under a running Deployment leaves no container, pod or probe agent, and nothing comes back', async ({ server }) => {
  const ns = 'i6-deploy-doomed';
  assert.is((await kubectl(server, ['create', 'namespace', ns])).code, 0);
  await applyYaml(server, 'doomed', deployment('doomed', 3, '', ns));
  assert.is((await kubectl(server, ['rollout', 'status', 'deploy/doomed', '-n', ns, '--timeout=90s'])).code, 0);
  assert.ok(probeAgents(server) >= 3);
  assert.is((await kubectl(server, ['delete', 'namespace', ns])).code, 0);
  await until('the namespace gone', async () => (await kubectl(server, ['get', 'namespace', ns])).code === 1, 30_000);
  await new Promise((r) => setTimeout(r, 2000));
  assert.is((await running(server, 'doomed', ns)).length, 0);
  const left = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, `resource.k2d.io/namespace-name=${ns}`] } });
  assert.is(left.length, 0, left.map((c) => c.Names[0]).join());
  for (const kind of ['deploy', 'rs', 'pods', 'events']) assert.is((await get(server, [kind], ns)).items.length, 0, kind);
  // The other namespace's probes keep running: only the doomed pods' agents went.
  const others = (await livePods(server, 'web')).length + (await livePods(server, 'keep')).length;
  await until('only the other pods\' probe agents', async () => probeAgents(server) <= others, 10_000);
  assert.ok(await alive(server));
});

t('kubectl delete --cascade=foreground returns once the pods and their containers are gone', async ({ server }) => {
  const res = await timed('foreground delete of a Deployment of 2', () => kubectl(server, ['delete', 'deploy', 'keep', '-n', NS, '--cascade=foreground']));
  assert.is(res.code, 0, res.stderr);
  assert.is((await get(server, ['pods', '-l', 'app=keep'])).items.length, 0);
  assert.is((await get(server, ['rs', '-l', 'app=keep'])).items.length, 0);
  assert.is((await running(server, 'keep')).length, 0);
});

t.run();
