import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { docker, dockerName, freePort, httpsGet, run, until } from '../helpers/server';

// The k2d-ts image, built offline, run as users run it: socket mounted, a named volume for the data dir,
// the port published; kubectl on the host works through it. Then --reset from the image, and the
// unprivileged variant (socket group; the image's data dir belongs to its user, so a new volume does too).
const t = suite('image');
const ROOT = join(import.meta.dirname, '../..');
const id = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
// A tag of its own: the test neither uses nor replaces the k2d-ts:latest someone built by hand.
const IMAGE = `k2d-ts:e2e-${id}`;
const instance = `e2e-image-${id}`;
const name = `k2d-e2e-server-${id}`;
const rootless = `${name}-rootless`;
const volume = `k2d-e2e-data-${id}`;
const ns = `image-${id}`;

async function removeInstance(which: string) {
  const filters = { label: [`app.k2d.io/instance=${which}`] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  for (const i of await docker.listImages({ filters: { reference: ['k2d-ts/runtime'], ...filters } })) await docker.getImage(i.Id).remove().catch(() => undefined);
}

t.after(async () => {
  for (const c of [name, rootless]) await docker.getContainer(c).remove({ force: true }).catch(() => undefined);
  await removeInstance(instance);
  await removeInstance(`${instance}-rootless`);
  for (const v of [volume, `${volume}-rootless`]) await docker.getVolume(v).remove().catch(() => undefined);
  await docker.getImage(IMAGE).remove().catch(() => undefined);
});

/** A file from the container, as `docker cp` reads it: here the token the server generated in its volume. */
async function readFromContainer(container: string, path: string): Promise<string> {
  const archive = (await docker.getContainer(container).getArchive({ path })) as unknown as NodeJS.ReadableStream;
  return new Promise((resolve, reject) => {
    let text = '';
    const ex = extract();
    ex.on('entry', (_header, stream, next) => {
      stream.on('data', (d) => (text += d));
      stream.on('end', next);
    });
    ex.on('finish', () => resolve(text));
    ex.on('error', reject);
    archive.pipe(ex);
  });
}

async function kubeconfigOf(container: string, port: number): Promise<{ file: string; token: string }> {
  const token = await until('the token', async () => (await readFromContainer(container, '/var/lib/k2d/token').catch(() => '')).trim(), 30_000);
  const body = await until('the kubeconfig endpoint', async () => {
    const res = await httpsGet(port, '/k2d/kubeconfig', token).catch(() => undefined);
    return res?.status === 200 ? res.body : undefined;
  }, 30_000);
  assert.match(body, `server: https://127.0.0.1:${port}`);
  const file = join(await mkdtemp(join(tmpdir(), 'k2d-e2e-')), 'kubeconfig');
  await writeFile(file, body);
  return { file, token };
}

const podWithEverything = (namespace: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: greeting, namespace: ${namespace}}
data: {text: hello-from-configmap}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${namespace}, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: httpd
    image: k2d-test/busybox:1
    command: [sh, -c, 'cat /cfg/text; echo; nc -w 3 $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT </dev/null && echo api-reachable; mkdir -p /www; echo ok > /www/index.html; exec httpd -f -p 80 -h /www']
    ports: [{containerPort: 80}]
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
    volumeMounts: [{name: cfg, mountPath: /cfg}]
  volumes: [{name: cfg, configMap: {name: greeting}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${namespace}}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;

t('the offline image runs the server: kubeconfig with the generated token, a running pod with a ConfigMap volume and an httpGet probe, a Service proxy, a clean stop', async () => {
  const build = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-image.ts'), '--tag', IMAGE]);
  assert.is(build.code, 0, build.stderr);
  const image = await docker.getImage(IMAGE).inspect();
  const mb = image.Size / 1e6;
  console.log(`  ${build.stdout.trim()}`);
  assert.ok(mb < 150, `image is ${mb.toFixed(0)} MB`);
  assert.equal(image.Config.ExposedPorts, { '6443/tcp': {} });
  assert.equal(image.Config.Volumes, { '/var/lib/k2d': {} });

  const port = await freePort();
  const proxyImagesBefore = new Set((await docker.listImages({ filters: { reference: ['k2d-ts/runtime'] } })).map((i) => i.Id));
  // The documented run line; a free port on both sides, so that kubeconfig and pods agree on it.
  const started = await run('docker', [
    'run', '-d', '--name', name, '--pid=host', '--cap-add', 'SYS_ADMIN',
    '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${volume}:/var/lib/k2d`, '-p', `${port}:${port}`,
    '-e', 'K2D_ADVERTISE_ADDR=127.0.0.1', '-e', `K2D_PORT=${port}`, '-e', `K2D_INSTANCE=${instance}`,
    IMAGE,
  ]);
  assert.is(started.code, 0, started.stderr);
  const { file, token } = await kubeconfigOf(name, port);
  const kubectl = (...args: string[]) => run('/usr/bin/kubectl', args, { KUBECONFIG: file });

  const diag = JSON.parse((await httpsGet(port, '/k2d/system/diagnostics', token)).body);
  assert.equal(diag.container, { id: (await docker.getContainer(name).inspect()).Id, name });
  assert.equal(diag.warnings, [], 'nothing missing with the documented run line');
  const health = await run('docker', ['exec', name, '/usr/local/bin/node', '/app/dist/healthcheck.mjs']);
  assert.is(health.code, 0, `HEALTHCHECK: ${health.stderr}`);

  assert.is((await kubectl('get', 'nodes')).code, 0);
  assert.is((await kubectl('create', 'namespace', ns)).code, 0);
  const applied = await run('/usr/bin/kubectl', ['apply', '-f', '-'], { KUBECONFIG: file }, podWithEverything(ns));
  assert.is(applied.code, 0, applied.stderr);
  // Ready needs the httpGet probe, which runs through nsenter from inside the server's container.
  const ready = await kubectl('wait', '--for=condition=Ready', 'pod/web', '-n', ns, '--timeout=60s');
  assert.is(ready.code, 0, `${ready.stderr}\n${(await run('docker', ['logs', name])).stdout}`);
  const logs = await until('the pod output', async () => {
    const out = (await kubectl('logs', 'web', '-n', ns)).stdout;
    return out.includes('api-reachable') ? out : undefined;
  });
  assert.match(logs, 'hello-from-configmap', 'the ConfigMap volume from a data dir on a named volume');
  // The proxy image is assembled inside the container from its own node binary.
  const proxy = await until('the Service proxy', async () => {
    const [c] = await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${instance}`, 'service.k2d.io/name=web'] } });
    return c?.State === 'running' ? c : undefined;
  }, 60_000);
  assert.match(proxy.Image, /^k2d-ts\/runtime:/);

  // docker stop with a watch open: the server ends it and exits 0.
  const watch = spawn('/usr/bin/kubectl', ['get', 'ns', '-w'], { env: { ...process.env, KUBECONFIG: file } });
  let out = '';
  watch.stdout.on('data', (d) => (out += d));
  const watchExit = new Promise<number | null>((r) => watch.on('exit', (code) => r(code)));
  await until('the watch to list', async () => out.includes(ns) || undefined);
  const t0 = Date.now();
  const stop = await run('docker', ['stop', '-t', '10', name]);
  const ms = Date.now() - t0;
  console.log(`  docker stop with a watch open: ${ms} ms`);
  assert.is(stop.code, 0);
  assert.is((await docker.getContainer(name).inspect()).State.ExitCode, 0);
  assert.ok(ms < 5000, `docker stop took ${ms} ms`);
  assert.is(await Promise.race([watchExit, new Promise((r) => setTimeout(() => r('still running'), 5000))]), 0);

  // --reset from the same image and volume removes what this instance made.
  const reset = await run('docker', ['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${volume}:/var/lib/k2d`, '-e', `K2D_INSTANCE=${instance}`, IMAGE, '--reset']);
  assert.is(reset.code, 0, reset.stderr);
  assert.match(reset.stdout, `removed container ${dockerName(instance, `${ns}-web`)}`);
  assert.match(reset.stdout, `removed container ${dockerName(instance, `k2d-svc-${ns}-web`)}`);
  assert.match(reset.stdout, `removed network ${dockerName(instance, `k2d-${ns}`)}`);
  if (!proxyImagesBefore.has(proxy.ImageID)) assert.match(reset.stdout, `removed image ${proxy.Image}`);
  const mine = { label: [`app.k2d.io/instance=${instance}`] };
  assert.is((await docker.listContainers({ all: true, filters: mine })).length, 0);
  assert.is((await docker.listNetworks({ filters: mine })).length, 0);
});

t('unprivileged: --user 10001 with the socket group and a named volume; a ConfigMap volume works, probes are reported as unavailable', async () => {
  const port = await freePort();
  const gid = statSync('/var/run/docker.sock').gid;
  const started = await run('docker', [
    'run', '-d', '--name', rootless, '--user', '10001', '--group-add', String(gid),
    '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${volume}-rootless:/var/lib/k2d`, '-p', `${port}:${port}`,
    '-e', 'K2D_ADVERTISE_ADDR=127.0.0.1', '-e', `K2D_PORT=${port}`, '-e', `K2D_INSTANCE=${instance}-rootless`,
    IMAGE,
  ]);
  assert.is(started.code, 0, started.stderr);
  const { file, token } = await kubeconfigOf(rootless, port);
  const diag = JSON.parse((await httpsGet(port, '/k2d/system/diagnostics', token)).body);
  assert.is(diag.warnings.length, 1, JSON.stringify(diag.warnings));
  assert.match(diag.warnings[0], 'httpGet and tcpSocket probes will fail');
  const kubectl = (...args: string[]) => run('/usr/bin/kubectl', args, { KUBECONFIG: file });
  const rootlessNs = `${ns}-rootless`;
  assert.is((await kubectl('create', 'namespace', rootlessNs)).code, 0);
  assert.is((await kubectl('create', 'configmap', 'greeting', '-n', rootlessNs, '--from-literal=text=hello-unprivileged')).code, 0);
  const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${rootlessNs}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: k2d-test/busybox:1, command: [sh, -c, 'cat /cfg/text; echo; sleep 3600'], volumeMounts: [{name: cfg, mountPath: /cfg}]}\n  volumes: [{name: cfg, configMap: {name: greeting}}]\n`;
  assert.is((await run('/usr/bin/kubectl', ['apply', '-f', '-'], { KUBECONFIG: file }, pod)).code, 0);
  const ready = await kubectl('wait', '--for=condition=Ready', 'pod/p', '-n', rootlessNs, '--timeout=60s');
  assert.is(ready.code, 0, ready.stderr);
  assert.match((await until('the pod output', async () => (await kubectl('logs', 'p', '-n', rootlessNs)).stdout || undefined)), 'hello-unprivileged');
  assert.is((await run('docker', ['stop', '-t', '10', rootless])).code, 0);
  assert.is((await docker.getContainer(rootless).inspect()).State.ExitCode, 0);
});

t.run();
