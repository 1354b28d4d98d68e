import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, dockerName, kubectl, startServer, until, type RunningServer } from '../helpers/server';

let server: RunningServer;

const claim = (name: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`;
const pod = (name: string, claimName: string, command: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  terminationGracePeriodSeconds: 1\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: k2d-test/busybox:1\n    command: ["sh", "-c", ${JSON.stringify(command)}]\n    volumeMounts: [{name: data, mountPath: /data}]\n  volumes:\n  - name: data\n    persistentVolumeClaim: {claimName: ${claimName}}\n`;
const phase = async (kind: string, name: string) => (await kubectl(server, ['get', kind, name, '-o', 'jsonpath={.status.phase}'])).stdout;
const volumeExists = (name: string) => docker.getVolume(name).inspect().then((v) => v.Labels?.['app.k2d.io/instance'] === server.instance, () => false);

test.before(async () => {
  server = await startServer();
});

test.after(async () => {
  await cleanup(server);
});

test('the default StorageClass; a claim is a Docker volume, Bound to a PersistentVolume made for it', async () => {
  const sc = await kubectl(server, ['get', 'sc']);
  assert.match(sc.stdout, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
  assert.match(sc.stdout, /local\s+k2d\.io\/docker-volume\s+Delete\s+Immediate\s+true/);
  await applyYaml(server, 'data', claim('data'));
  await until('the claim bound', async () => (await phase('pvc', 'data')) === 'Bound');
  const pvc = await kubectl(server, ['get', 'pvc', 'data']);
  assert.match(pvc.stdout, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\n/);
  assert.match(pvc.stdout, /data\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+local\s+<unset>/);
  const pv = await kubectl(server, ['get', 'pv']);
  assert.match(pv.stdout, /pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+Delete\s+Bound\s+default\/data\s+local/);
  assert.ok(await volumeExists(dockerName(server.instance, 'k2d-pv-default-data')));
});

test('what a pod writes to its claim, the next pod reads', async () => {
  await applyYaml(server, 'writer', pod('writer', 'data', 'echo kept > /data/file'));
  await until('the writer done', async () => (await phase('pod', 'writer')) === 'Succeeded', 30_000);
  await applyYaml(server, 'reader', pod('reader', 'data', 'cat /data/file'));
  await until('the reader done', async () => (await phase('pod', 'reader')) === 'Succeeded', 30_000);
  assert.is((await kubectl(server, ['logs', 'reader'])).stdout.trim(), 'kept');
  assert.is((await kubectl(server, ['delete', 'pod', 'writer', 'reader'])).code, 0);
});

test('a pod naming a missing claim waits with a FailedMount event and starts once the claim appears', async () => {
  await applyYaml(server, 'waiter', pod('waiter', 'later', 'echo ok > /data/x; sleep 3600'));
  await until('the FailedMount event', async () => /persistentvolumeclaim "later" not found/.test((await kubectl(server, ['describe', 'pod', 'waiter'])).stdout));
  assert.is(await phase('pod', 'waiter'), 'Pending');
  await applyYaml(server, 'later', claim('later'));
  await until('the waiter running', async () => (await phase('pod', 'waiter')) === 'Running', 30_000);
});

test('a claim in use stays Terminating until its pod is gone; then its volume and PersistentVolume go', async () => {
  const pvName = (await kubectl(server, ['get', 'pvc', 'later', '-o', 'jsonpath={.spec.volumeName}'])).stdout;
  assert.is((await kubectl(server, ['delete', 'pvc', 'later', '--wait=false'])).code, 0);
  await new Promise((r) => setTimeout(r, 1500));
  assert.match((await kubectl(server, ['get', 'pvc', 'later'])).stdout, /later\s+Terminating/);
  assert.ok(await volumeExists(dockerName(server.instance, 'k2d-pv-default-later')));
  assert.is((await kubectl(server, ['delete', 'pod', 'waiter'])).code, 0);
  await until('the claim gone', async () => (await kubectl(server, ['get', 'pvc', 'later'])).code === 1, 30_000);
  await until('the volume gone', async () => !(await volumeExists(dockerName(server.instance, 'k2d-pv-default-later'))));
  assert.is((await kubectl(server, ['get', 'pv', pvName])).code, 1);
});

test('bad claims are 422 with field paths; deleting the namespace removes its claims and volumes', async () => {
  const mode = await applyYaml(server, 'bad-mode', `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad}\nspec:\n  accessModes: [Sometimes]\n  resources: {requests: {storage: 1Gi}}\n`, true);
  assert.is(mode.code, 1);
  assert.match(mode.stderr, /spec\.accessModes\[0\]: Unsupported value: "Sometimes"/);
  const size = await applyYaml(server, 'bad-size', `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: lots}}\n`, true);
  assert.is(size.code, 1);
  assert.match(size.stderr, /spec\.resources\.requests\.storage: Invalid value/);
  assert.is((await kubectl(server, ['get', 'pvc', 'bad'])).code, 1);
  assert.is((await kubectl(server, ['create', 'namespace', 'store'])).code, 0);
  await applyYaml(server, 'nsclaim', claim('inner').replace('metadata: {name: inner}', 'metadata: {name: inner, namespace: store}'));
  await until('the inner claim bound', async () => (await kubectl(server, ['get', 'pvc', 'inner', '-n', 'store', '-o', 'jsonpath={.status.phase}'])).stdout === 'Bound');
  assert.ok(await volumeExists(dockerName(server.instance, 'k2d-pv-store-inner')));
  assert.is((await kubectl(server, ['delete', 'namespace', 'store', '--timeout=60s'])).code, 0);
  assert.ok(!(await volumeExists(dockerName(server.instance, 'k2d-pv-store-inner'))));
  assert.is((await kubectl(server, ['delete', 'pvc', 'data'])).code, 0);
  await until('the data volume gone', async () => !(await volumeExists(dockerName(server.instance, 'k2d-pv-default-data'))));
});

test.run();
