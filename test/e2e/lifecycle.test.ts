import { execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, dockerName, freePort, httpsGet, kubectl, run, startServer, until, type Result, type RunningServer } from '../helpers/server';

// The server's own life: bad setups fail with one line, SIGTERM ends watches and log streams and exits
// quickly, diagnostics answer, and --reset removes exactly what this instance made.
const t = suite('lifecycle');
const MAIN = join(import.meta.dirname, '../../dist/bridge/main.js');
const id = Math.random().toString(36).slice(2, 7);

async function runMain(env: Record<string, string>, args: string[] = [], as?: { uid: number; gid: number }): Promise<Result> {
  const dataPath = env.K2D_DATA_PATH ?? (await mkdtemp(join(tmpdir(), 'k2d-e2e-')));
  const full = { ...process.env, K2D_DATA_PATH: dataPath, K2D_PORT: String(await freePort()), K2D_INSTANCE: `e2e-life-${process.pid}`, K2D_BIND_ADDR: '127.0.0.1', ...env };
  return new Promise((resolve) =>
    execFile(process.execPath, [MAIN, ...args], { env: full, timeout: 30_000, ...as }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
}

const oneLine = (r: Result) => r.stderr.trim().split('\n').length === 1 && !r.stderr.includes('    at ');

t('a missing Docker socket, a socket that is not one, an unwritable data dir, a port in use: one clear line, non-zero exit', async () => {
  const missing = await runMain({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.is(missing.code, 1);
  assert.is(missing.stderr.trim(), 'k2d-ts: the Docker socket /nonexistent/docker.sock does not exist: start dockerd, mount the socket, or set DOCKER_HOST');
  const notSocket = await runMain({ DOCKER_HOST: `unix://${MAIN}` });
  assert.is(notSocket.code, 1);
  assert.is(notSocket.stderr.trim(), `k2d-ts: ${MAIN} is not a socket: point DOCKER_HOST at the Docker engine's socket`);

  // root ignores directory modes; a path under a file is unwritable for everyone.
  const unwritable = await runMain({ K2D_DATA_PATH: join(MAIN, 'data') });
  assert.is(unwritable.code, 2);
  assert.match(unwritable.stderr, /^k2d-ts: the data directory .*main\.js\/data is not writable: ENOTDIR/);
  assert.ok(oneLine(unwritable), unwritable.stderr);

  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = (blocker.address() as { port: number }).port;
  const busy = await runMain({ K2D_PORT: String(port) });
  blocker.close();
  assert.is(busy.code, 1);
  assert.match(busy.stderr, `k2d-ts: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  assert.ok(oneLine(busy), busy.stderr);
  // The port is taken before the runtime starts: a second server on a taken port never touched Docker.
  assert.not.match(busy.stdout, 'connected to the Docker engine');
});

t('as a user outside the socket group: one line naming the group to add', async () => {
  if (process.getuid?.() !== 0) return console.log('  (skipped: needs root to run the server as another user)');
  const dataPath = await mkdtemp(join(tmpdir(), 'k2d-e2e-'));
  await chown(dataPath, 65534, 65534);
  const gid = (await import('node:fs')).statSync('/var/run/docker.sock').gid;
  const res = await runMain({ K2D_DATA_PATH: dataPath, DOCKER_HOST: 'unix:///var/run/docker.sock' }, [], { uid: 65534, gid: 65534 });
  assert.is(res.code, 1);
  assert.is(res.stderr.trim(), `k2d-ts: the Docker socket /var/run/docker.sock is not accessible to uid 65534: it belongs to gid ${gid} (in a container: --group-add ${gid})`);
  const unwritable = await runMain({ K2D_DATA_PATH: '/var/lib/k2d-e2e-not-mine' }, [], { uid: 65534, gid: 65534 });
  assert.is(unwritable.code, 2);
  assert.is(unwritable.stderr.trim(), "k2d-ts: the data directory /var/lib/k2d-e2e-not-mine is not writable: EACCES: permission denied, mkdir '/var/lib/k2d-e2e-not-mine'");
});

t('SIGTERM with a watch and a logs -f open: both end cleanly, the server exits 0 at once; diagnostics answered before', async () => {
  const server = await startServer();
  const ns = `life-${id}`;
  try {
    const diag = JSON.parse((await httpsGet(server.port, '/k2d/system/diagnostics', server.token)).body);
    assert.is(diag.docker.reachable, true);
    assert.match(diag.docker.apiVersion, /^1\.\d+$/);
    assert.is(diag.instance, server.instance);
    assert.is(diag.dataPath, server.dataPath);
    assert.is(diag.objects.namespaces, 4);
    assert.equal(diag.warnings, [], 'nothing missing when running on the host as root');
    assert.is(diag.container, undefined);

    assert.is((await kubectl(server, ['create', 'ns', ns])).code, 0);
    const created = await kubectl(server, ['run', 'ticker', '-n', ns, '--image=k2d-test/busybox:1', '--command', '--', 'sh', '-c', 'while true; do echo tick; sleep 1; done']);
    assert.is(created.code, 0, created.stderr);
    const ready = await kubectl(server, ['wait', '--for=condition=Ready', `pod/ticker`, '-n', ns, '--timeout=30s']);
    assert.is(ready.code, 0, ready.stderr);
    const counts = JSON.parse((await httpsGet(server.port, '/k2d/system/diagnostics', server.token)).body);
    assert.is(counts.objects.namespaces, 5);
    assert.ok(counts.objects.pods >= 1);

    const env = { ...process.env, KUBECONFIG: server.kubeconfig };
    const follow = (args: string[]) => {
      const child = spawn('/usr/bin/kubectl', args, { env });
      const out = { text: '', exit: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
      child.stdout.on('data', (d) => (out.text += d));
      child.stderr.on('data', (d) => (out.text += d));
      return { child, out };
    };
    const watch = follow(['get', 'ns', '-w']);
    const logs = follow(['logs', '-f', 'ticker', '-n', ns]);
    await until('the watch to list', async () => watch.out.text.includes(ns) || undefined);
    await until('the log to follow', async () => logs.out.text.includes('tick') || undefined);
    const t0 = Date.now();
    const code = await server.stop('SIGTERM');
    const ms = Date.now() - t0;
    console.log(`  SIGTERM with a watch and a logs -f open: exit ${code} after ${ms} ms`);
    assert.is(code, 0);
    // Below the 2 s after which stopServer closes connections by force: every stream ended by itself.
    assert.ok(ms < 1900, `exit took ${ms} ms`);
    const settled = (p: Promise<number | null>) => Promise.race([p, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    const [watchExit, logsExit] = await Promise.all([settled(watch.out.exit), settled(logs.out.exit)]);
    watch.child.kill();
    logs.child.kill();
    assert.is(watchExit, 0, `kubectl get -w: ${watch.out.text}`);
    assert.is(logsExit, 0, `kubectl logs -f: ${logs.out.text}`);
    assert.not.match(logs.out.text, 'unexpected EOF');
  } finally {
    await cleanup(server);
  }
});

/** Containers, networks and volumes that are not another instance's: other helpers' servers come and go meanwhile. */
async function snapshot(instance: string) {
  const mineOrNobodys = (labels: Record<string, string> | null | undefined) => {
    const owner = labels?.['app.k2d.io/instance'];
    return owner === undefined || owner === instance;
  };
  return {
    containers: (await docker.listContainers({ all: true })).filter((c) => mineOrNobodys(c.Labels)).map((c) => `${c.Names[0]} ${c.Id}`).sort(),
    networks: (await docker.listNetworks()).filter((n) => mineOrNobodys(n.Labels)).map((n) => `${n.Name} ${n.Id}`).sort(),
    volumes: ((await docker.listVolumes()).Volumes ?? []).filter((v) => mineOrNobodys(v.Labels)).map((v) => v.Name).sort(),
  };
}

t('--reset leaves docker ps -a, network ls and volume ls as before the first start, and an empty store; a hand-started container survives', async () => {
  const instance = `e2e-reset-${process.pid}-${id}`;
  const unrelated = await docker.createContainer({ name: `k2d-e2e-unrelated-${id}`, Image: 'k2d-test/busybox:1', Cmd: ['sleep', '300'], Labels: { 'app.k2d.io/test': `lifecycle-${id}` } });
  await unrelated.start();
  const dataPath = await mkdtemp(join(tmpdir(), 'k2d-e2e-'));
  let server: RunningServer | undefined;
  try {
    const before = await snapshot(instance);
    server = await startServer({ dataPath, instance });
    const ns = `reset-${id}`;
    const file = join(dataPath, 'things.yaml');
    await writeFile(
      file,
      [
        `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${ns}}\ndata: {a: "1"}`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${ns}, labels: {app: p}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: k2d-test/busybox:1\n    command: [sleep, "3600"]\n    ports: [{containerPort: 80}]\n    volumeMounts: [{name: scratch, mountPath: /scratch}, {name: cfg, mountPath: /cfg}]\n  volumes: [{name: scratch, emptyDir: {}}, {name: cfg, configMap: {name: c}}]`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: ${ns}, labels: {app: p}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: k2d-test/busybox:1, command: [sleep, "3600"]}`,
        `apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ${ns}}\nspec:\n  selector: {app: p}\n  ports: [{port: 80}]`,
      ].join('\n---\n'),
    );
    const applied = await kubectl(server, ['apply', '-f', file]);
    assert.is(applied.code, 0, applied.stderr);
    const mine = { label: [`app.k2d.io/instance=${instance}`] };
    await until('both pods and the proxy running', async () => (await docker.listContainers({ filters: mine })).length >= 3 || undefined, 60_000);
    assert.ok(((await docker.listVolumes({ filters: mine })).Volumes ?? []).length >= 1, 'the emptyDir volume exists');
    assert.ok((await docker.listNetworks({ filters: mine })).length >= 1, 'the namespace network exists');
    const images = (await docker.listImages({ filters: { reference: ['k2d-ts/runtime'], label: [`app.k2d.io/instance=${instance}`] } })).map((i) => i.RepoTags?.[0]);
    assert.ok((await readdir(dataPath)).includes('pods'), "the pod's configMap volume was projected under the data dir");
    await server.stop();

    const res = await run(process.execPath, [MAIN, '--reset'], { K2D_DATA_PATH: dataPath, K2D_INSTANCE: instance, K2D_PORT: String(await freePort()) });
    assert.is(res.code, 0, res.stderr);
    for (const line of [...[`${ns}-p`, `${ns}-q`, `k2d-svc-${ns}-s`].map((c) => `removed container ${dockerName(instance, c)}`), `removed network ${dockerName(instance, `k2d-${ns}`)}`, `removed volume ${dockerName(instance, `k2d-${ns}-p-scratch`)}`, `removed ${join(dataPath, 'store')}`, `removed ${join(dataPath, 'pods')}`, `removed ${join(dataPath, 'journal.log')}`]) {
      assert.match(res.stdout, line);
    }
    // The proxy image is removed when this instance built it, unless another instance's proxies run from it.
    for (const image of images) assert.match(res.stdout, new RegExp(`^(removed image ${image}|kept image ${image}: .*)$`, 'm'));
    assert.is(res.stdout.trim().split('\n').pop(), `k2d-ts: reset done for instance ${instance}`);

    assert.equal(await snapshot(instance), before);
    assert.is((await docker.getContainer(unrelated.id).inspect()).State.Running, true, 'the hand-started container still runs');
    const left = (await readdir(dataPath)).filter((f) => f !== 'things.yaml').sort();
    assert.ok(left.every((f) => ['ca.crt', 'ca.key', 'kubeconfig', 'server.crt', 'server.key', 'token'].includes(f)), `left in the data dir: ${left}`);

    // Started again on the same data dir: only the built-in namespaces, no pods, and the old kubeconfig works.
    server = await startServer({ dataPath, instance });
    const namespaces = await kubectl(server, ['get', 'ns', '-o', 'name']);
    assert.is(namespaces.code, 0, namespaces.stderr);
    assert.equal(namespaces.stdout.trim().split('\n').sort(), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
    const podsLeft = await kubectl(server, ['get', 'pods', '-n', ns, '-o', 'name']);
    assert.is(podsLeft.stdout.trim(), '');
  } finally {
    await cleanup(server ?? ({ dataPath, instance, stop: async () => null } as unknown as RunningServer));
    await unrelated.remove({ force: true });
  }
});

t.run();
