import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, kubectl, run, startServer, until, type RunningServer } from '../helpers/server';

// ConfigMaps and Secrets through real kubectl, and pods that use them.
const t = suite<{ server: RunningServer }>('configs');
const NS = 'cfg-e2e';

t.before(async (ctx) => {
  ctx.server = await startServer();
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const k = (server: RunningServer, ...args: string[]) => kubectl(server, [...args, '-n', NS]);

t('kubectl create configmap / secret generic / secret tls; get cm,secret; the secret reads back', async ({ server }) => {
  assert.is((await kubectl(server, ['create', 'namespace', NS])).code, 0);
  const conf = join(server.dataPath, 'app.conf');
  await writeFile(conf, 'listen 8080\n');
  assert.is((await k(server, 'create', 'configmap', 'app', '--from-literal=GREETING=hi', `--from-file=conf=${conf}`)).code, 0);
  assert.is((await k(server, 'create', 'secret', 'generic', 'db', '--from-literal=password=s3cret')).code, 0);
  const key = join(server.dataPath, 'tls.key');
  const crt = join(server.dataPath, 'tls.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=web'], { stdio: 'ignore' });
  const tls = await k(server, 'create', 'secret', 'tls', 'web-tls', `--cert=${crt}`, `--key=${key}`);
  assert.is(tls.code, 0, tls.stderr);
  const list = await k(server, 'get', 'cm,secret');
  assert.match(list.stdout, /configmap\/app\s+2\s/);
  assert.match(list.stdout, /secret\/db\s+Opaque\s+1\s/);
  assert.match(list.stdout, /secret\/web-tls\s+kubernetes\.io\/tls\s+2\s/);
  const password = await k(server, 'get', 'secret', 'db', '-o', 'jsonpath={.data.password}');
  assert.is(Buffer.from(password.stdout, 'base64').toString(), 's3cret');
  // helm keeps its releases as Secrets found by labels.
  assert.is((await k(server, 'label', 'secret', 'db', 'owner=helm', 'name=rel')).code, 0);
  assert.match((await k(server, 'get', 'secrets', '-l', 'owner=helm,name=rel', '-o', 'name')).stdout, 'secret/db');
});

t('a pod reads both through env and mounted files; the secret file on the host is 0600; an edited ConfigMap reaches the file', async ({ server }) => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: reader, namespace: ${NS}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: k2d-test/busybox:1
    command: [sh, -c, 'echo "GREETING=$GREETING PASSWORD=$DB_PASSWORD"; cat /etc/app/conf /etc/db/password; echo; sleep 3600']
    env:
    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
    envFrom:
    - configMapRef: {name: app}
    volumeMounts:
    - {name: app, mountPath: /etc/app}
    - {name: db, mountPath: /etc/db}
  volumes:
  - {name: app, configMap: {name: app}}
  - {name: db, secret: {secretName: db, defaultMode: 0400}}
`;
  const file = join(server.dataPath, 'reader.yaml');
  await writeFile(file, pod);
  assert.is((await kubectl(server, ['apply', '-f', file])).code, 0);
  assert.is((await k(server, 'wait', '--for=condition=Ready', 'pod/reader', '--timeout=30s')).code, 0);
  const logs = await until('the pod to print', async () => {
    const r = await k(server, 'logs', 'reader');
    return r.stdout.includes('s3cret\n') ? r.stdout : undefined;
  });
  assert.match(logs, 'GREETING=hi PASSWORD=s3cret');
  assert.match(logs, 'listen 8080');
  const secretFile = join(server.dataPath, 'secrets', `${NS}-db-k2dsec-password`);
  assert.is((await stat(secretFile)).mode & 0o777, 0o600);
  assert.is((await run('docker', ['exec', `${NS}-reader`, 'stat', '-L', '-c', '%a', '/etc/db/password'])).stdout.trim(), '400');

  const patch = await k(server, 'patch', 'configmap', 'app', '--type=merge', '-p', '{"data":{"conf":"listen 9090\\n"}}');
  assert.is(patch.code, 0, patch.stderr);
  const started = Date.now();
  await until('the mounted file to change', async () => (await run('docker', ['exec', `${NS}-reader`, 'cat', '/etc/app/conf'])).stdout.includes('9090') || undefined, 10_000);
  const ms = Date.now() - started;
  assert.ok(ms < 10_000, `took ${ms} ms`);
  // The running container was not restarted for it (env stays as it was, as in Kubernetes).
  const p = JSON.parse((await k(server, 'get', 'pod', 'reader', '-o', 'json')).stdout);
  assert.is(p.status.containerStatuses[0].restartCount, 0);
});

t('a key that would leave the store is refused (kubectl, and the server with 422) and no file is written', async ({ server }) => {
  const created = await k(server, 'create', 'cm', 'bad', '--from-literal=../x=1');
  assert.is(created.code, 1);
  const file = join(server.dataPath, 'bad.yaml');
  await writeFile(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: ${NS}}\ndata:\n  "../../x": "1"\n`);
  const applied = await kubectl(server, ['apply', '-f', file]);
  assert.is(applied.code, 1);
  assert.match(applied.stderr, 'The ConfigMap "bad" is invalid');
  assert.match(applied.stderr, 'data[../../x]: Invalid value: "../../x"');
  // Where `data/configmaps/../../x` and `../x` would land if a key were ever used as a path.
  for (const path of [join(dirname(server.dataPath), 'x'), join(server.dataPath, 'x'), join(server.dataPath, 'configmaps', 'x')]) assert.not.ok(existsSync(path), path);
  assert.ok(!(await readdir(join(server.dataPath, 'configmaps'))).some((f) => f.includes('bad')));
  assert.is((await k(server, 'get', 'cm', 'bad')).code, 1);
});

t('a pod missing its ConfigMap waits in CreateContainerConfigError and starts once it exists', async ({ server }) => {
  const file = join(server.dataPath, 'waiter.yaml');
  await writeFile(file, `apiVersion: v1\nkind: Pod\nmetadata: {name: waiter, namespace: ${NS}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: k2d-test/busybox:1\n    command: [sh, -c, 'echo "LATE=$LATE"; sleep 3600']\n    env:\n    - {name: LATE, valueFrom: {configMapKeyRef: {name: late, key: value}}}\n`);
  assert.is((await kubectl(server, ['apply', '-f', file])).code, 0);
  const status = await until('CreateContainerConfigError', async () => {
    const r = await k(server, 'get', 'pod', 'waiter', '--no-headers');
    return r.stdout.includes('CreateContainerConfigError') ? r.stdout : undefined;
  });
  assert.match(status, 'CreateContainerConfigError');
  assert.is((await k(server, 'create', 'cm', 'late', '--from-literal=value=arrived')).code, 0);
  assert.is((await k(server, 'wait', '--for=condition=Ready', 'pod/waiter', '--timeout=30s')).code, 0);
  assert.match(await until('the value', async () => ((await k(server, 'logs', 'waiter')).stdout.includes('arrived') ? 'arrived' : undefined)), 'arrived');
  assert.is((await kubectl(server, ['delete', 'namespace', NS])).code, 0);
  assert.equal((await readdir(join(server.dataPath, 'secrets'))).filter((f) => f.startsWith(`${NS}-`)), []);
});

t.run();
