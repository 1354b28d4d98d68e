import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, dockerName, kubectl, startServer, until, type RunningServer } from '../helpers/server';

const t = suite<{ server: RunningServer }>('pods');
const IMAGE = 'k2d-test/busybox:1';

t.before(async (ctx) => {
  ctx.server = await startServer();
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const apply = (server: RunningServer, name: string, yaml: string) => applyYaml(server, name, yaml);

const podJson = async (server: RunningServer, name: string) => JSON.parse((await kubectl(server, ['get', 'pod', name, '-o', 'json'])).stdout);

t('a pod with an init container and two containers: Init, then Running; Ready; the second reaches the first on localhost; logs -f streams', async ({ server }) => {
  const watcher = spawn('/usr/bin/kubectl', ['get', 'pods', '-w'], { env: { ...process.env, KUBECONFIG: server.kubeconfig } });
  let watched = '';
  watcher.stdout.on('data', (d) => (watched += d));
  try {
    await apply(
      server,
      'web',
      `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: setup
    image: ${IMAGE}
    command: ["sh", "-c", "sleep 1; echo page-from-init > /www/index.html"]
    volumeMounts: [{name: www, mountPath: /www}]
  containers:
  - name: server
    image: ${IMAGE}
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: [{containerPort: 8080}]
    volumeMounts: [{name: www, mountPath: /www}]
    readinessProbe:
      httpGet: {path: /, port: 8080}
      periodSeconds: 1
  - name: fetcher
    image: ${IMAGE}
    command: ["sh", "-c", "while true; do wget -qO- localhost:8080; sleep 1; done"]
  volumes:
  - name: www
    emptyDir: {}
`,
    );
    const wait = await kubectl(server, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
    assert.is(wait.code, 0, wait.stderr);
    await until('the watch to show Running', async () => /^web\s+2\/2\s+Running/m.test(watched));
    assert.match(watched, /^web\s+0\/2\s+Init:0\/1/m);
    const wide = await kubectl(server, ['get', 'pod', 'web', '-o', 'wide', '--no-headers']);
    assert.match(wide.stdout, /^web\s+2\/2\s+Running\s+0\s+\S+\s+\d+\.\d+\.\d+\.\d+\s+\S+/);
  } finally {
    watcher.kill();
  }
  const follower = spawn('/usr/bin/kubectl', ['logs', 'web', '-c', 'fetcher', '-f'], { env: { ...process.env, KUBECONFIG: server.kubeconfig } });
  let followed = '';
  follower.stdout.on('data', (d) => (followed += d));
  try {
    await until('two fetched pages in the followed log', async () => (followed.match(/page-from-init/g) ?? []).length >= 2);
  } finally {
    follower.kill();
  }
  const containers = await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${server.instance}`, 'pod.k2d.io/name=web'] } });
  const names = containers.map((c) => c.Names[0]).sort();
  const web = `/${dockerName(server.instance, 'default-web')}`;
  assert.equal(names, [web, `${web}-fetcher`]);
  const owner = containers.find((c) => c.Names[0] === web)!;
  assert.is(owner.Labels['resource.k2d.io/namespace-name'], 'default');
  assert.is(owner.Labels['pod.k2d.io/container'], 'server');
  const events = await kubectl(server, ['get', 'events', '--field-selector', 'involvedObject.name=web', '--no-headers']);
  assert.match(events.stdout, /Started\s+pod\/web\s+Started container server/);
});

t('a command that exits 1 under restartPolicy Always goes into CrashLoopBackOff with rising restarts', async ({ server }) => {
  await apply(server, 'crash', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: ${IMAGE}\n    command: ["sh", "-c", "echo run; exit 1"]\n`);
  const status = await until('two restarts and back-off', async () => {
    const pod = await podJson(server, 'crash');
    const c = pod.status?.containerStatuses?.[0];
    return c?.restartCount >= 1 && c.state?.waiting?.reason === 'CrashLoopBackOff' ? c : undefined;
  }, 30_000);
  assert.is(status.lastState.terminated.exitCode, 1);
  const row = await kubectl(server, ['get', 'pod', 'crash', '--no-headers']);
  assert.match(row.stdout, /^crash\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\S+ ago\)/);
  const previous = await kubectl(server, ['logs', 'crash', '--previous']);
  assert.is(previous.stdout, 'run\n');
});

t('restartPolicy Never: a failing command is Error, a succeeding one Completed, and neither restarts', async ({ server }) => {
  await apply(
    server,
    'never',
    ['fails:exit 3', 'succeeds:true']
      .map((p) => {
        const [name, cmd] = p.split(':');
        return `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: ${IMAGE}\n    command: ["sh", "-c", "${cmd}"]\n`;
      })
      .join(''),
  );
  await until('both to finish', async () => {
    const rows = (await kubectl(server, ['get', 'pods', 'fails', 'succeeds', '--no-headers'])).stdout;
    return /^fails\s+0\/1\s+Error\s+0/m.test(rows) && /^succeeds\s+0\/1\s+Completed\s+0/m.test(rows);
  });
  assert.is((await podJson(server, 'fails')).status.phase, 'Failed');
  assert.is((await podJson(server, 'succeeds')).status.phase, 'Succeeded');
});

t('bad pods are 422 with the field path and nothing is created', async ({ server }) => {
  const cases: Array<[string, RegExp]> = [
    [`containers:\n  - {name: a, image: ${IMAGE}}\n  - {name: a, image: ${IMAGE}}`, /spec\.containers\[1\]\.name: Duplicate value: "a"/],
    [`containers:\n  - {name: a, image: ${IMAGE}, ports: [{containerPort: 70000}]}`, /spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000/],
    [`terminationGracePeriodSeconds: -5\n  containers:\n  - {name: a, image: ${IMAGE}}`, /spec\.terminationGracePeriodSeconds: Invalid value: -5/],
  ];
  for (const [spec, message] of cases) {
    const file = join(server.dataPath, 'bad.yaml');
    await writeFile(file, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  ${spec}\n`);
    const res = await kubectl(server, ['apply', '-f', file]);
    assert.is(res.code, 1);
    assert.match(res.stderr, message);
    assert.match(res.stderr, /Pod "bad" is invalid/);
  }
  assert.is((await kubectl(server, ['get', 'pod', 'bad'])).code, 1);
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, 'pod.k2d.io/name=bad'] } });
  assert.is(leftovers.length, 0);
});

t('kubectl delete pod returns once the containers are gone', async ({ server }) => {
  await apply(server, 'short', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: short\nspec:\n  terminationGracePeriodSeconds: 2\n  containers:\n  - name: c\n    image: ${IMAGE}\n    command: [sleep, "3600"]\n`);
  assert.is((await kubectl(server, ['wait', '--for=condition=Ready', 'pod/short', '--timeout=30s'])).code, 0);
  const started = Date.now();
  const res = await kubectl(server, ['delete', 'pod', 'short']);
  assert.is(res.code, 0, res.stderr);
  assert.ok(Date.now() - started < 15_000, 'the grace period is waited once');
  const left = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, 'pod.k2d.io/name=short'] } });
  assert.is(left.length, 0);
});

t('kill -9 right after 10 pods were accepted: after a restart all 10 run, none twice', async (ctx) => {
  const yaml = Array.from({ length: 10 }, (_, i) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: burst-${i}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: c\n    image: ${IMAGE}\n    command: [sleep, "3600"]\n`).join('');
  await apply(ctx.server, 'burst', yaml);
  assert.is(await ctx.server.stop('SIGKILL'), null);
  ctx.server = await startServer({ dataPath: ctx.server.dataPath, port: ctx.server.port, instance: ctx.server.instance });
  const server = ctx.server;
  await until('10 running pods', async () => {
    const rows = (await kubectl(server, ['get', 'pods', '--no-headers'])).stdout.split('\n').filter((l) => /^burst-\d\s+1\/1\s+Running/.test(l));
    return rows.length === 10;
  }, 60_000);
  const containers = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`] } });
  const burst = containers.filter((c) => c.Labels['pod.k2d.io/name']?.startsWith('burst-'));
  assert.is(burst.length, 10);
  assert.is(new Set(burst.map((c) => c.Labels['pod.k2d.io/name'])).size, 10);
  // By name: `default` may also show read-only pods for containers someone started by hand.
  const res = await kubectl(server, ['delete', 'pods', ...Array.from({ length: 10 }, (_, i) => `burst-${i}`), '--grace-period=0', '--force']);
  assert.is(res.code, 0, res.stderr);
});

t('an image whose pull fails runs from the local copy with a Warning event; a missing image is ErrImagePull, then ImagePullBackOff', async ({ server }) => {
  await apply(
    server,
    'images',
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: local-copy\nspec:\n  containers:\n  - name: c\n    image: k2d-test/busybox\n    command: [sleep, "3600"]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: no-image\nspec:\n  containers:\n  - name: c\n    image: k2d-test/does-not-exist:1\n`,
  );
  assert.is((await kubectl(server, ['wait', '--for=condition=Ready', 'pod/local-copy', '--timeout=90s'])).code, 0);
  const warning = await kubectl(server, ['get', 'events', '--field-selector', 'involvedObject.name=local-copy,type=Warning', '--no-headers']);
  assert.match(warning.stdout, /Warning\s+Failed\s+pod\/local-copy\s+Failed to pull image "k2d-test\/busybox"/);
  const seen = new Set<string>();
  await until('ErrImagePull and then ImagePullBackOff', async () => {
    const reason = (await podJson(server, 'no-image')).status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (reason) seen.add(reason);
    return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
  }, 90_000);
  assert.match((await kubectl(server, ['get', 'pod', 'no-image', '--no-headers'])).stdout, /^no-image\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/);
});

t('a container the server did not create shows up read-only as a pod in default', async ({ server }) => {
  const name = `external-${server.instance}`;
  const container = await docker.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '3600'], Labels: { 'k2d-e2e': server.instance } });
  try {
    await container.start();
    const row = await until('the external pod', async () => {
      const res = await kubectl(server, ['get', 'pod', name, '--no-headers']);
      return res.code === 0 && /Running/.test(res.stdout) ? res.stdout : undefined;
    });
    assert.match(row, new RegExp(`^${name}\\s+1/1\\s+Running`));
    const del = await kubectl(server, ['delete', 'pod', name, '--wait=false']);
    assert.is(del.code, 1);
    assert.match(del.stderr, /forbidden: this pod mirrors a Docker container that k2d-ts did not create/);
    assert.ok((await container.inspect()).State.Running, 'the container is untouched');
  } finally {
    await container.remove({ force: true });
  }
  await until('the pod to go with the container', async () => (await kubectl(server, ['get', 'pod', name])).code === 1);
});

t.run();
