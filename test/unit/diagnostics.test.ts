import { test } from 'uvu';
import * as assert from 'uvu/assert';
import diagnostics from '../../handlers/k2d/system/diagnostics';
import { hostPathOf, ownContainerId, portProblem } from '../../bridge/docker/self';
import { fakeCtx, req } from '../helpers/fake-ctx';

test('diagnostics: versions, Docker engine with its API version, setup, data dir, queue and object counts per kind', async () => {
  const ctx = fakeCtx();
  ctx.docker.info = async () => ({ ServerVersion: '20.10.24', OperatingSystem: 'Debian', KernelVersion: '6.1', Containers: 3, Images: 2 });
  ctx.docker.version = async () => ({ Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12' });
  ctx.docker.setup = () => ({ container: { id: 'abc', name: 'k2d' }, warnings: ['probes will fail'] });
  ctx.queue.depth = () => 5;
  ctx.queue.stats = () => ({ waiting: 3, running: 1, retrying: 1 });
  ctx.server.startedAt = '2026-01-01T11:59:00Z';
  ctx.server.instance = 'k2d-test';
  const res = await diagnostics(req('GET', '/k2d/system/diagnostics'), ctx);
  assert.is(res.status, 200);
  const body = await res.json();
  assert.is(body.version.gitVersion, 'v1.32.0+k2d');
  assert.equal(body.docker, { reachable: true, serverVersion: '20.10.24', apiVersion: '1.41', minAPIVersion: '1.12', operatingSystem: 'Debian', kernelVersion: '6.1', containers: 3, images: 2 });
  assert.equal(body.container, { id: 'abc', name: 'k2d' });
  assert.equal(body.warnings, ['probes will fail']);
  assert.is(body.instance, 'k2d-test');
  assert.is(body.dataPath, '/nonexistent');
  assert.is(body.uptimeSeconds, 60);
  assert.equal(body.queue, { depth: 5, waiting: 3, running: 1, retrying: 1 });
  assert.is(body.objects.namespaces, 4);
  assert.is(body.objects.pods, 0);
  assert.is(body.objects['deployments.apps'], 0);
});

test('diagnostics: counts follow the store', async () => {
  const ctx = fakeCtx();
  const { namespaces } = await import('../../shared/resources/namespaces');
  await ctx.store.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'extra' } });
  const body = await (await diagnostics(req('GET', '/k2d/system/diagnostics'), ctx)).json();
  assert.is(body.objects.namespaces, 5);
  assert.is(body.resourceVersion, String(ctx.store.resourceVersion));
});

test('diagnostics: an engine that does not answer is reported, not an error', async () => {
  const ctx = fakeCtx();
  ctx.docker.info = async () => {
    throw new Error('connect ENOENT /var/run/docker.sock');
  };
  const res = await diagnostics(req('GET', '/k2d/system/diagnostics'), ctx);
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(body.docker, { reachable: false, error: 'connect ENOENT /var/run/docker.sock' });
  assert.equal(body.warnings, []);
});

test('the own container id comes from the paths of Docker-mounted files; none outside a container', async () => {
  const id = 'f'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123';
  const inside = [
    `812 790 0:52 / / rw,relatime master:311 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X`,
    `830 812 254:1 /var/lib/docker/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw`,
    `831 812 254:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw`,
  ].join('\n');
  assert.is(await ownContainerId(inside), id);
  // /var/lib/docker on a file system of its own: the root of the mount is relative to it.
  assert.is(await ownContainerId(`831 812 254:1 /containers/${id}/hostname /etc/hostname rw - ext4 /dev/vdb rw`), id);
  assert.is(await ownContainerId('22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw'), undefined);
});

test('the host path of the data dir: the deepest mount holding it, named volume or bind', () => {
  const mounts = [
    { Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock' },
    { Source: '/var/lib/docker/volumes/k2d-data/_data', Destination: '/var/lib/k2d' },
    { Source: '/srv/k2d-store', Destination: '/var/lib/k2d/store' },
  ];
  assert.is(hostPathOf(mounts, '/var/lib/k2d'), '/var/lib/docker/volumes/k2d-data/_data');
  assert.is(hostPathOf(mounts, '/var/lib/k2d/volumes'), '/var/lib/docker/volumes/k2d-data/_data/volumes');
  assert.is(hostPathOf(mounts, '/var/lib/k2d/store/pods'), '/srv/k2d-store/pods');
  assert.is(hostPathOf(mounts, '/var/lib/k2dx'), undefined);
  assert.is(hostPathOf([{ Source: '/var/lib/k2d', Destination: '/var/lib/k2d' }], '/var/lib/k2d'), '/var/lib/k2d');
});

test('the API port must be published at its own number and beyond loopback, or pods cannot reach it', () => {
  const gw = 'host.docker.internal';
  assert.is(portProblem(6443, 'default', { '6443/tcp': [{ HostIp: '0.0.0.0', HostPort: '6443' }, { HostIp: '::', HostPort: '6443' }] }, gw), undefined);
  assert.is(portProblem(6443, 'host', {}, gw), undefined);
  assert.is(portProblem(6443, 'default', {}, gw), 'port 6443 is not published: kubectl and pods cannot reach the API (-p 6443:6443)');
  assert.is(portProblem(6443, 'default', { '6443/tcp': null }, gw), 'port 6443 is not published: kubectl and pods cannot reach the API (-p 6443:6443)');
  assert.is(
    portProblem(6443, 'default', { '6443/tcp': [{ HostIp: '0.0.0.0', HostPort: '7443' }] }, gw),
    'port 6443 is published as 7443, but the kubeconfig and pods use 6443: publish it at the same number (-p 6443:6443) or set K2D_PORT=7443 and -p 7443:7443',
  );
  const loopback = { '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '6443' }] };
  assert.is(portProblem(6443, 'default', loopback, gw), 'port 6443 is published on 127.0.0.1 only: pods cannot reach the API at host.docker.internal (-p 6443:6443)');
  assert.is(portProblem(6443, 'default', loopback, '192.168.1.10'), 'port 6443 is published on 127.0.0.1 only: pods cannot reach the API at 192.168.1.10 (-p 6443:6443)');
});

test.run();
