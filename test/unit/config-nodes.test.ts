import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../bridge/config';
import { nodeFromDockerInfo } from '../../bridge/docker/nodes';
import { routeHandler } from '../../shared/api/routes';
import { nodes } from '../../shared/resources/nodes';
import { fakeCtx, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

const list = routeHandler(nodes, 'list');

test('configuration: k2d defaults, and one clear error for a bad value', () => {
  const c = loadConfig({});
  assert.equal([c.port, c.dataPath, c.advertiseAddress, c.logFormat], [6443, '/var/lib/k2d', '127.0.0.1', 'text']);
  for (const [env, message] of [
    [{ K2D_PORT: '99999' }, /K2D_PORT="99999"/],
    [{ K2D_LOG_FORMAT: 'xml' }, /K2D_LOG_FORMAT/],
    [{ K2D_ADVERTISE_ADDR: 'not an address!' }, /K2D_ADVERTISE_ADDR/],
    [{ K2D_SECRET: 'short' }, /K2D_SECRET.*at least 16/],
    [{ K2D_STORE_BACKEND: 'volume' }, /K2D_STORE_BACKEND="volume".*not built/],
  ] as const) {
    assert.throws(() => loadConfig(env as never), (e: Error) => e instanceof ConfigError && message.test(e.message));
  }
});

const info = { NCPU: 2, MemTotal: 25_000_000_000, KernelVersion: '6.1.0', OperatingSystem: 'Debian GNU/Linux 12 (bookworm)', OSType: 'linux', Architecture: 'x86_64', ServerVersion: '20.10.24', ID: 'abc' };

test('the node mirrors docker info and reads as kubectl shows a node', async () => {
  const ctx = fakeCtx();
  const node = nodeFromDockerInfo(info, { kubeletVersion: 'v1.32.0+k2d', advertiseAddress: '127.0.0.1', now: new Date('2026-01-01T00:00:00Z') });
  await ctx.store.create(nodes, node);
  const table = await (await list(req('GET', '/api/v1/nodes', undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
  const [, status, roles, age, version, ip, , os, kernel, runtime] = table.rows[0].cells;
  assert.equal([status, roles, age, version, ip, os, kernel, runtime], ['Ready', 'control-plane', '0s', 'v1.32.0+k2d', '127.0.0.1', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'docker://20.10.24']);
  assert.equal((node.status as any).capacity, { cpu: '2', memory: '24414062Ki', pods: '110', 'ephemeral-storage': '0' });
  assert.is((node.metadata.labels as any)['kubernetes.io/arch'], 'amd64');
});

test('without Docker the node is NotReady with the reason', () => {
  const node = nodeFromDockerInfo(undefined, { kubeletVersion: 'v', advertiseAddress: 'k2d.example', now: new Date(0), error: 'connect ENOENT' });
  const ready = (node.status as any).conditions.find((c: any) => c.type === 'Ready');
  assert.equal([ready.status, ready.reason, ready.message], ['False', 'DockerUnreachable', 'connect ENOENT']);
  assert.equal((node.status as any).addresses, [{ type: 'Hostname', address: 'k2d.example' }]);
});

test.run();
