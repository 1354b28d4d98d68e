import { test } from 'uvu';
import * as assert from 'uvu/assert';
import diagnostics from '../../handlers/k2d/system/diagnostics';
import { fakeCtx, req } from '../helpers/fake-ctx';

test('diagnostics: versions, Docker engine, data dir, queue depth and object counts per kind', async () => {
  const ctx = fakeCtx();
  ctx.docker.info = async () => ({ ServerVersion: '20.10.24', OperatingSystem: 'Debian', KernelVersion: '6.1', Containers: 3, Images: 2 });
  ctx.server.startedAt = '2026-01-01T11:59:00Z';
  const body = await (await diagnostics(req('GET', '/k2d/system/diagnostics'), ctx)).json();
  assert.is(body.version.gitVersion, 'v1.32.0+k2d');
  assert.equal(body.docker, { reachable: true, serverVersion: '20.10.24', operatingSystem: 'Debian', kernelVersion: '6.1', containers: 3, images: 2 });
  assert.is(body.dataPath, '/nonexistent');
  assert.is(body.uptimeSeconds, 60);
  assert.is(body.queue.depth, 0);
  assert.is(body.objects.namespaces, 4);
  assert.is(body.objects['deployments.apps'], 0);
});

test('diagnostics: an engine that does not answer is reported, not an error', async () => {
  const ctx = fakeCtx();
  ctx.docker.info = async () => {
    throw new Error('connect ENOENT /var/run/docker.sock');
  };
  const res = await diagnostics(req('GET', '/k2d/system/diagnostics'), ctx);
  assert.is(res.status, 200);
  assert.equal((await res.json()).docker, { reachable: false, error: 'connect ENOENT /var/run/docker.sock' });
});

test.run();
