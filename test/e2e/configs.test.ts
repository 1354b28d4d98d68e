import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, dockerName, KUBECTLS, kubectl, run, startServer, until, type RunningServer } from '../helpers/server';

// ConfigMaps and Secrets with real kubectl and a real dockerd, in a namespace of their own.
const t = suite<{ server: RunningServer; ns: string; work: string }>('configs');
const IMAGE = 'k2d-test/busybox:1';

t.before(async (ctx) => {
  ctx.server = await startServer();
  ctx.ns = `i5-cfg-${Math.random().toString(36).slice(2, 7)}`;
  ctx.work = join(ctx.server.dataPath, 'work');
  await run('/bin/mkdir', ['-p', ctx.work]);
  assert.is((await kubectl(ctx.server, ['create', 'namespace', ctx.ns])).code, 0);
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const k = (ctx: { server: RunningServer; ns: string }, args: string[], input?: string) => kubectl(ctx.server, ['-n', ctx.ns, ...args], KUBECTLS[0].bin, input);

async function ok(p: Promise<{ code: number; stdout: string; stderr: string }>) {
  const res = await p;
  assert.is(res.code, 0, res.stderr);
  return res.stdout;
}

/** Every file under the data dir, relative to it: what a request may have written. */
function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), base) : [relative(base, join(dir, e.name))]));
}

t('kubectl create configmap/secret generic/secret tls; get cm,secret; jsonpath | base64 -d gives the value back', async (ctx) => {
  const conf = join(ctx.work, 'app.conf');
  await writeFile(conf, 'port=8080\n');
  await ok(k(ctx, ['create', 'configmap', 'app', '--from-literal=GREETING=hi', `--from-file=conf=${conf}`]));
  await ok(k(ctx, ['create', 'secret', 'generic', 'db', '--from-literal=password=s3cret']));
  const key = join(ctx.work, 'tls.key');
  const crt = join(ctx.work, 'tls.crt');
  await ok(run('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=example.test']));
  await ok(k(ctx, ['create', 'secret', 'tls', 'web-tls', `--cert=${crt}`, `--key=${key}`]));

  const listed = await ok(k(ctx, ['get', 'cm,secret']));
  assert.match(listed, /^NAME\s+DATA\s+AGE$/m);
  assert.match(listed, /^configmap\/app\s+2\s+\d+s$/m);
  assert.match(listed, /^NAME\s+TYPE\s+DATA\s+AGE$/m);
  assert.match(listed, /^secret\/db\s+Opaque\s+1\s+\d+s$/m);
  assert.match(listed, /^secret\/web-tls\s+kubernetes\.io\/tls\s+2\s+\d+s$/m);

  const decoded = await ok(run('/bin/bash', ['-c', `kubectl -n ${ctx.ns} get secret db -o jsonpath='{.data.password}' | base64 -d`], { KUBECONFIG: ctx.server.kubeconfig }));
  assert.is(decoded, 's3cret');
  const cert = await ok(run('/bin/bash', ['-c', `kubectl -n ${ctx.ns} get secret web-tls -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -subject`], { KUBECONFIG: ctx.server.kubeconfig }));
  assert.match(cert, /CN\s*=\s*example\.test/);

  // k2d's layout on disk: one file per key, values as bytes; secret files 0600 in 0700 directories.
  const secretFile = join(ctx.server.dataPath, 'secrets', `${ctx.ns}-db-k2dsec-password`);
  assert.is((await ok(run('/usr/bin/stat', ['-c', '%a', secretFile]))).trim(), '600');
  assert.is((await ok(run('/usr/bin/stat', ['-c', '%a', join(ctx.server.dataPath, 'secrets')]))).trim(), '700');
  assert.is((await ok(run('/bin/cat', [secretFile]))), 's3cret');
  assert.is((await ok(run('/bin/cat', [join(ctx.server.dataPath, 'configmaps', `${ctx.ns}-app-k2dcm-conf`)]))), 'port=8080\n');
});

t('every supported kubectl creates them (JSON from 1.27, protobuf from 1.32 on) and reads them back', async (ctx) => {
  for (const { name, bin } of KUBECTLS) {
    const id = name.replace('.', '-');
    const env = { KUBECONFIG: ctx.server.kubeconfig };
    assert.is((await run(bin, ['-n', ctx.ns, 'create', 'configmap', `v${id}`, '--from-literal=k=v'], env)).code, 0, name);
    assert.is((await run(bin, ['-n', ctx.ns, 'create', 'secret', 'generic', `v${id}`, '--from-literal=k=v', '--type=example.com/custom'], env)).code, 0, name);
    const got = JSON.parse((await run(bin, ['-n', ctx.ns, 'get', `secret/v${id}`, `configmap/v${id}`, '-o', 'json'], env)).stdout);
    assert.equal(got.items.map((o: { kind: string; data: object; type?: string }) => [o.kind, o.data, o.type]), [['Secret', { k: 'dg==' }, 'example.com/custom'], ['ConfigMap', { k: 'v' }, undefined]], name);
  }
});

t('bad keys are refused (kubectl itself, and the server with 422 and the field path); nothing is written', async (ctx) => {
  const before = files(ctx.server.dataPath).filter((f) => !f.startsWith('work/'));
  const client = await k(ctx, ['create', 'cm', 'bad', '--from-literal=../x=1']);
  assert.is.not(client.code, 0);
  assert.match(client.stderr, /"\.\.\/x" is not a valid key name for a ConfigMap/);
  // The same key sent as a manifest reaches the server.
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: { '../x': '1', '../../etc/passwd': 'root' } });
  const server = await k(ctx, ['create', '-f', '-'], manifest);
  assert.is.not(server.code, 0);
  assert.match(server.stderr, /The ConfigMap "bad" is invalid/);
  assert.match(server.stderr, /data\[\.\.\/x\]: Invalid value: "\.\.\/x": .*must not start with '\.\.'/s);
  assert.match(server.stderr, /data\[\.\.\/\.\.\/etc\/passwd\]/);
  const raw = await k(ctx, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b64' }, data: { user: 'billy' } }));
  assert.match(raw.stderr, /Error from server \(BadRequest\).*Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4/);
  const name = await k(ctx, ['create', 'cm', 'Not_DNS', '--from-literal=a=1']);
  assert.match(name.stderr, /metadata\.name: Invalid value: "Not_DNS"/);
  // Only the journal moves; no value file appears anywhere, inside or outside the store.
  const after = files(ctx.server.dataPath).filter((f) => !f.startsWith('work/'));
  assert.equal(after.filter((f) => !before.includes(f) && f !== 'journal.log'), []);
  assert.equal(readdirSync(join(ctx.server.dataPath, '..')).filter((f) => f === 'x' || f === 'etc'), []);
});

t('a pod with env from both, both mounted: values and files; an edit reaches the mounted file within 10 s; subPath keeps its file', async (ctx) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'consumer' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'c',
          image: IMAGE,
          command: ['sh', '-c', 'echo "env GREETING=$GREETING PASSWORD=$PASSWORD CFG_conf=$CFG_conf"; while true; do echo "file conf=$(cat /etc/app/conf) pw=$(cat /etc/db/password) sub=$(cat /etc/sub.conf)"; sleep 0.2; done'],
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app', key: 'GREETING' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app' } }],
          volumeMounts: [
            { name: 'app', mountPath: '/etc/app' },
            { name: 'db', mountPath: '/etc/db' },
            { name: 'app', mountPath: '/etc/sub.conf', subPath: 'conf' },
          ],
        },
      ],
      volumes: [
        { name: 'app', configMap: { name: 'app' } },
        { name: 'db', secret: { secretName: 'db', defaultMode: 0o400 } },
      ],
    },
  };
  await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify(pod)));
  await ok(k(ctx, ['wait', '--for=condition=Ready', 'pod/consumer', '--timeout=60s']));
  const logs = await until('the pod to print its files', async () => {
    const out = (await k(ctx, ['logs', 'consumer'])).stdout;
    return out.includes('file conf=') && out;
  });
  assert.match(logs, /^env GREETING=hi PASSWORD=s3cret CFG_conf=port=8080$/m);
  assert.match(logs, /^file conf=port=8080 pw=s3cret sub=port=8080$/m);
  const container = docker.getContainer(dockerName(ctx.server.instance, `${ctx.ns}-consumer`));
  const mode = await container.exec({ Cmd: ['stat', '-L', '-c', '%a', '/etc/db/password'], AttachStdout: true });
  const stream = await mode.start({});
  const modeOut = await new Promise<string>((resolve) => {
    let s = '';
    stream.on('data', (d: Buffer) => (s += d.toString('latin1')));
    stream.on('end', () => resolve(s));
  });
  assert.match(modeOut, /400/, 'defaultMode is honoured');

  // kubectl edit, the way a person changes it.
  const started = Date.now();
  const edit = await run(KUBECTLS[0].bin, ['-n', ctx.ns, 'edit', 'configmap', 'app'], { KUBECONFIG: ctx.server.kubeconfig, KUBE_EDITOR: 'sed -i s/port=8080/port=9090/' });
  assert.is(edit.code, 0, edit.stderr);
  await until('the mounted file to change', async () => /file conf=port=9090/.test((await k(ctx, ['logs', 'consumer', '--tail=1'])).stdout), 10_000);
  const elapsed = Date.now() - started;
  console.log(`      ConfigMap edit visible in the mounted file after ${elapsed} ms`);
  assert.ok(elapsed < 10_000);
  const last = (await k(ctx, ['logs', 'consumer', '--tail=1'])).stdout;
  assert.match(last, /sub=port=8080/, 'a subPath mount keeps its file, as in Kubernetes');
  const status = JSON.parse(await ok(k(ctx, ['get', 'pod', 'consumer', '-o', 'json'])));
  assert.is(status.status.containerStatuses[0].restartCount, 0, 'changed values restart nothing');
});

t('a non-root pod with fsGroup reads a 0400 secret (group-readable, as the kubelet makes it) and sees its rotation', async (ctx) => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nonroot' },
    spec: {
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsUser: 1001, fsGroup: 1001 },
      containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'echo "groups=$(id -G)"; while true; do echo "pw=$(cat /s/password) $(stat -L -c %a:%g /s/password)"; sleep 0.2; done'], volumeMounts: [{ name: 's', mountPath: '/s' }] }],
      volumes: [{ name: 's', secret: { secretName: 'db', defaultMode: 0o400 } }],
    },
  };
  await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify(pod)));
  await ok(k(ctx, ['wait', '--for=condition=Ready', 'pod/nonroot', '--timeout=60s']));
  const logs = await until('the pod to read its secret', async () => {
    const out = (await k(ctx, ['logs', 'nonroot'])).stdout;
    return out.includes('pw=') && out;
  });
  assert.match(logs, /^groups=.*\b1001\b/m);
  assert.match(logs, /^pw=s3cret 440:1001$/m);
  await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'rotated' } })));
  await until('the rotated value, still readable', async () => /^pw=rotated 440:1001$/m.test((await k(ctx, ['logs', 'nonroot', '--tail=1'])).stdout), 10_000);
  await ok(k(ctx, ['delete', 'pod', 'nonroot', '--wait=true']));
});

t('immutable ConfigMaps refuse new values with the apiserver`s message', async (ctx) => {
  await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } })));
  const res = await k(ctx, ['patch', 'configmap', 'frozen', '--type=merge', '-p', '{"data":{"a":"2"}}']);
  assert.is.not(res.code, 0);
  assert.match(res.stderr, /data: Forbidden: field is immutable when `immutable` is set/);
  await ok(k(ctx, ['label', 'configmap', 'frozen', 'team=a']));
});

t('a pod waiting for a missing ConfigMap (CreateContainerConfigError) or Secret volume (ContainerCreating) starts once it exists', async (ctx) => {
  const pods = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiter' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'echo late=$LATE; sleep 3600'], env: [{ name: 'LATE', valueFrom: { configMapKeyRef: { name: 'late', key: 'v' } } }] }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mounter' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: IMAGE, command: ['sh', '-c', 'echo mounted=$(cat /m/v); sleep 3600'], volumeMounts: [{ name: 'm', mountPath: '/m' }] }], volumes: [{ name: 'm', secret: { secretName: 'late-secret' } }] } },
  ];
  for (const p of pods) await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify(p)));
  await until('the waiting reasons', async () => {
    const rows = (await k(ctx, ['get', 'pods', 'waiter', 'mounter', '--no-headers'])).stdout;
    return /^waiter\s+0\/1\s+CreateContainerConfigError/m.test(rows) && /^mounter\s+0\/1\s+ContainerCreating/m.test(rows);
  });
  const waiting = JSON.parse(await ok(k(ctx, ['get', 'pod', 'waiter', '-o', 'json']))).status.containerStatuses[0].state.waiting;
  assert.equal(waiting, { reason: 'CreateContainerConfigError', message: 'configmap "late" not found' });
  const events = await ok(k(ctx, ['get', 'events', '--field-selector', 'involvedObject.name=mounter', '--no-headers']));
  assert.match(events, /FailedMount\s+pod\/mounter\s+MountVolume\.SetUp failed for volume "m" : secret "late-secret" not found/);

  const started = Date.now();
  await ok(k(ctx, ['create', 'configmap', 'late', '--from-literal=v=now']));
  await ok(k(ctx, ['create', 'secret', 'generic', 'late-secret', '--from-literal=v=there']));
  await ok(k(ctx, ['wait', '--for=condition=Ready', 'pod/waiter', 'pod/mounter', '--timeout=30s']));
  console.log(`      waiting pods Ready ${Date.now() - started} ms after their ConfigMap/Secret was created`);
  assert.match(await until('the waiter`s log', async () => (await k(ctx, ['logs', 'waiter'])).stdout || undefined), /late=now/);
  assert.match(await until('the mounter`s log', async () => (await k(ctx, ['logs', 'mounter'])).stdout || undefined), /mounted=there/);
});

t('helm-style release Secrets are found by labels and by type', async (ctx) => {
  const release = (name: string, version: number, status: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${name}.v${version}`, labels: { owner: 'helm', name, status, version: String(version) } },
    data: { release: Buffer.from(`H4sI-${name}-${version}`).toString('base64') },
  });
  const list = { apiVersion: 'v1', kind: 'List', items: [release('web', 1, 'superseded'), release('web', 2, 'deployed'), release('api', 1, 'deployed')] };
  await ok(k(ctx, ['apply', '-f', '-'], JSON.stringify(list)));
  const names = async (args: string[]) => (await ok(k(ctx, ['get', 'secrets', ...args, '-o', 'name']))).trim().split('\n').sort();
  assert.equal(await names(['-l', 'owner=helm,name=web']), ['secret/sh.helm.release.v1.web.v1', 'secret/sh.helm.release.v1.web.v2']);
  assert.equal(await names(['-l', 'owner=helm,name=web,status=deployed']), ['secret/sh.helm.release.v1.web.v2']);
  assert.equal(await names(['--field-selector', 'type=helm.sh/release.v1']), ['secret/sh.helm.release.v1.api.v1', 'secret/sh.helm.release.v1.web.v1', 'secret/sh.helm.release.v1.web.v2']);
  const rows = await ok(k(ctx, ['get', 'secrets', '-l', 'owner=helm', '--no-headers']));
  assert.match(rows, /^sh\.helm\.release\.v1\.web\.v2\s+helm\.sh\/release\.v1\s+1\s+/m);
});

t('a restart loses nothing; deleting removes the files; a ConfigMap delete leaves running pods alone', async (ctx) => {
  const before = await ok(k(ctx, ['get', 'secret/db', 'secret/web-tls', 'configmap/app', '-o', 'json']));
  await ctx.server.stop();
  const again = await startServer({ dataPath: ctx.server.dataPath, instance: ctx.server.instance, port: ctx.server.port });
  ctx.server = again;
  const after = await ok(k(ctx, ['get', 'secret/db', 'secret/web-tls', 'configmap/app', '-o', 'json']));
  assert.equal(JSON.parse(after).items, JSON.parse(before).items);

  await ok(k(ctx, ['delete', 'configmap', 'app']));
  assert.equal(readdirSync(join(ctx.server.dataPath, 'configmaps')).filter((f) => f.startsWith(`${ctx.ns}-app-`)), []);
  assert.match(await ok(k(ctx, ['get', 'pod', 'consumer', '--no-headers'])), /^consumer\s+1\/1\s+Running\s+0/);
  await ok(k(ctx, ['delete', 'pod', 'consumer', '--wait=true']));
  const uid = (await ok(k(ctx, ['get', 'pod', 'mounter', '-o', 'jsonpath={.metadata.uid}']))).trim();
  // Only the remaining pod with a projected volume keeps its directory (removed right after the pod).
  await until('the deleted pod`s volume directory to go', async () => JSON.stringify(readdirSync(join(ctx.server.dataPath, 'pods'))) === JSON.stringify([uid]), 5_000);
  assert.is(statSync(join(ctx.server.dataPath, 'secrets')).mode & 0o777, 0o700);

  // Deleting the namespace takes every value file and volume directory with it.
  await ok(kubectl(ctx.server, ['delete', 'namespace', ctx.ns]));
  for (const dir of ['configmaps', 'secrets']) assert.equal(readdirSync(join(ctx.server.dataPath, dir)).filter((f) => f.startsWith(`${ctx.ns}-`)), [], dir);
  await until('the pods` volume directories to go', async () => readdirSync(join(ctx.server.dataPath, 'pods')).length === 0);
});

t.run();
