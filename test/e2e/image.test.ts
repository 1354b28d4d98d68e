import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { docker, freePort, httpsGet, run, until } from '../helpers/server';

// The k2d-ts image, built offline, run as users run it: socket mounted, a volume for the data dir, the
// port published; kubectl on the host makes a namespace and a running pod through it.
const t = suite('image');
const ROOT = join(import.meta.dirname, '../..');
const instance = `e2e-image-${process.pid}`;
const name = `k2d-e2e-server-${process.pid}`;
const volume = `k2d-e2e-data-${process.pid}`;

t.after(async () => {
  await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  const filters = { label: [`app.k2d.io/instance=${instance}`] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  await docker.getVolume(volume).remove().catch(() => undefined);
});

t('the offline image runs the server: kubeconfig over HTTPS with the token, then a namespace and a running pod', async () => {
  const build = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-image.ts')]);
  assert.is(build.code, 0, build.stderr);
  const image = await docker.getImage('k2d-ts:latest').inspect();
  const mb = image.Size / 1e6;
  assert.ok(mb < 150, `image is ${mb.toFixed(0)} MB`);

  const port = await freePort();
  const token = `e2e-${process.pid}-token-0123456789`;
  const started = await run('docker', [
    'run', '-d', '--name', name,
    '-v', '/var/run/docker.sock:/var/run/docker.sock',
    '-v', `${volume}:/var/lib/k2d`,
    '-p', `127.0.0.1:${port}:${port}`,
    '-e', 'K2D_ADVERTISE_ADDR=127.0.0.1', '-e', `K2D_PORT=${port}`, '-e', `K2D_SECRET=${token}`, '-e', `K2D_INSTANCE=${instance}`,
    'k2d-ts:latest',
  ]);
  assert.is(started.code, 0, started.stderr);
  const kubeconfig = await until('the kubeconfig endpoint', async () => {
    const res = await httpsGet(port, '/k2d/kubeconfig', token).catch(() => undefined);
    return res?.status === 200 ? res.body : undefined;
  }, 30_000);
  assert.match(kubeconfig, `server: https://127.0.0.1:${port}`);
  const file = join(await mkdtemp(join(tmpdir(), 'k2d-e2e-')), 'kubeconfig');
  await writeFile(file, kubeconfig);
  const kubectl = (...args: string[]) => run('/usr/bin/kubectl', args, { KUBECONFIG: file });
  assert.is((await kubectl('get', 'nodes')).code, 0);
  assert.is((await kubectl('create', 'namespace', 'image-e2e')).code, 0);
  assert.is((await kubectl('run', 'hello', '-n', 'image-e2e', '--image=k2d-test/busybox:1', '--command', '--', 'sleep', '3600')).code, 0);
  const wait = await kubectl('wait', '--for=condition=Ready', 'pod/hello', '-n', 'image-e2e', '--timeout=60s');
  assert.is(wait.code, 0, wait.stderr);
  const containers = await docker.listContainers({ filters: { label: [`app.k2d.io/instance=${instance}`] } });
  assert.ok(containers.some((c) => c.Names.includes('/image-e2e-hello')));
  assert.is((await kubectl('delete', 'namespace', 'image-e2e')).code, 0);
  const stop = await run('docker', ['stop', '-t', '10', name]);
  assert.is(stop.code, 0);
  const state = (await docker.getContainer(name).inspect()).State;
  assert.is(state.ExitCode, 0);
});

t.run();
