import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, freePort, httpsGet, kubectl, run, startServer, until } from '../helpers/server';

// The server's own life: bad setups fail with one line, SIGTERM ends watches and exits quickly,
// diagnostics answer, and --reset removes exactly what this instance made.
const t = suite('lifecycle');
const MAIN = join(import.meta.dirname, '../../dist/bridge/main.js');

async function runMain(env: Record<string, string>, args: string[] = []) {
  const dataPath = env.K2D_DATA_PATH ?? (await mkdtemp(join(tmpdir(), 'k2d-e2e-')));
  return run(process.execPath, [MAIN, ...args], { K2D_DATA_PATH: dataPath, K2D_PORT: String(await freePort()), K2D_INSTANCE: `e2e-life-${process.pid}`, K2D_BIND_ADDR: '127.0.0.1', ...env });
}

t('a missing Docker socket, a socket that is not one, an unwritable data dir, a port in use: one clear line, non-zero exit', async () => {
  const missing = await runMain({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.is(missing.code, 1);
  assert.is(missing.stderr.trim(), 'k2d-ts: the Docker socket /nonexistent/docker.sock does not exist: start dockerd, mount the socket, or set DOCKER_HOST');
  const notSocket = await runMain({ DOCKER_HOST: `unix://${MAIN}` });
  assert.is(notSocket.code, 1);
  assert.match(notSocket.stderr, 'is not a socket');
  assert.is(notSocket.stderr.trim().split('\n').length, 1);

  // root ignores directory modes; a path under a file is unwritable for everyone.
  const unwritable = await runMain({ K2D_DATA_PATH: join(MAIN, 'data') });
  assert.is(unwritable.code, 2);
  assert.match(unwritable.stderr, /^k2d-ts: the data directory .* is not writable/);
  assert.is(unwritable.stderr.trim().split('\n').length, 1);

  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = (blocker.address() as { port: number }).port;
  const busy = await runMain({ K2D_PORT: String(port) });
  blocker.close();
  assert.is(busy.code, 1);
  assert.match(busy.stderr, `k2d-ts: cannot listen on 127.0.0.1:${port}`);
  assert.not.match(busy.stderr, '    at ');
});

t('SIGTERM with a watch open: the watch ends cleanly and the server exits 0 within seconds; diagnostics answered before', async () => {
  const server = await startServer();
  try {
    const diag = JSON.parse((await httpsGet(server.port, '/k2d/system/diagnostics', server.token)).body);
    assert.is(diag.docker.reachable, true);
    assert.is(diag.instance, server.instance);
    assert.is(diag.objects.namespaces, 4);
    const watch = spawn('/usr/bin/kubectl', ['get', 'ns', '-w'], { env: { ...process.env, KUBECONFIG: server.kubeconfig } });
    let out = '';
    watch.stdout.on('data', (d) => (out += d));
    await until('the watch to list', async () => out.includes('default') || undefined);
    const watchEnded = new Promise<number | null>((r) => watch.on('exit', (code) => r(code)));
    const t0 = Date.now();
    const code = await server.stop('SIGTERM');
    const ms = Date.now() - t0;
    assert.is(code, 0);
    assert.ok(ms < 5000, `exit took ${ms} ms`);
    const watchExit = await Promise.race([watchEnded, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    watch.kill();
    assert.is.not(watchExit, 'still running', 'kubectl get -w ended with the server');
  } finally {
    await cleanup(server);
  }
});

t('--reset removes the containers, networks, volumes and store of this instance, and nothing else', async () => {
  const snapshot = async () => ({
    containers: (await docker.listContainers({ all: true })).map((c) => c.Id).sort(),
    networks: (await docker.listNetworks()).map((n) => n.Id).sort(),
    volumes: ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort(),
  });
  const unrelated = await docker.createContainer({ Image: 'k2d-test/busybox:1', Cmd: ['sleep', '60'], Labels: { 'app.k2d.io/test': 'lifecycle' } });
  await unrelated.start();
  try {
    const instance = `e2e-reset-${process.pid}`;
    const dataPath = await mkdtemp(join(tmpdir(), 'k2d-e2e-'));
    // Other tests' objects come and go meanwhile: only what carries this instance's label is compared.
    const before = await snapshot();
    const server = await startServer({ dataPath, instance });
    const file = join(dataPath, 'things.yaml');
    await writeFile(
      file,
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: reset-e2e}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: reset-e2e, labels: {app: p}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: k2d-test/busybox:1, command: [sleep, "3600"], ports: [{containerPort: 80}]}\n  volumes: [{name: scratch, emptyDir: {}}, {name: cfg, configMap: {name: c}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: reset-e2e}\nspec:\n  selector: {app: p}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: reset-e2e}\ndata: {a: "1"}\n`,
    );
    assert.is((await kubectl(server, ['apply', '-f', file])).code, 0);
    await until('the pod and the proxy', async () => {
      const mine = await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${instance}`] } });
      return mine.length >= 2 || undefined;
    }, 30_000);
    await server.stop();
    assert.ok((await readdir(dataPath)).includes('pods'), 'the pod`s configMap volume was projected under the data dir');
    const res = await run(process.execPath, [MAIN, '--reset'], { K2D_DATA_PATH: dataPath, K2D_INSTANCE: instance, K2D_PORT: String(await freePort()) });
    assert.is(res.code, 0, res.stderr);
    assert.match(res.stdout, 'removed container reset-e2e-p');
    assert.match(res.stdout, 'removed container k2d-svc-reset-e2e-s');
    assert.match(res.stdout, 'removed network k2d-reset-e2e');
    const mine = { label: [`app.k2d.io/instance=${instance}`] };
    assert.is((await docker.listContainers({ all: true, filters: mine })).length, 0);
    assert.is((await docker.listNetworks({ filters: mine })).length, 0);
    assert.is(((await docker.listVolumes({ filters: mine })).Volumes ?? []).length, 0);
    const after = await snapshot();
    for (const id of before.containers) if (id !== unrelated.id) assert.ok(after.containers.includes(id) || !(await docker.getContainer(id).inspect().catch(() => false)), `container ${id} survived`);
    assert.ok(after.containers.includes(unrelated.id), 'the unrelated container survives');
    assert.equal((await readdir(dataPath)).filter((f) => ['store', 'configmaps', 'secrets', 'pods', 'journal.log'].includes(f)), []);
    await cleanup({ ...server, dataPath, instance, stop: async () => null });
  } finally {
    await unrelated.remove({ force: true });
  }
});

t.run();
