import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, kubectl, run, startServer, until, type RunningServer } from '../helpers/server';

// The official Python client (Debian's python3-kubernetes, installed by test/setup/docker.sh).
let server: RunningServer;

test.before(async () => {
  server = await startServer();
});

test.after(async () => {
  await cleanup(server);
});

test('python3-kubernetes: list, create, patch (merge and strategic), watch until available, log follow, delete', async () => {
  const res = await run('/usr/bin/python3', [join(import.meta.dirname, '../fixtures/python-client.py'), server.kubeconfig]);
  assert.is(res.code, 0, `${res.stdout}\n${res.stderr}`);
  for (const step of ['list namespaces:', 'configmap patched:', 'watch: available', "strategic patch: env [('A', '1'), ('B', '2')]", 'log follow: ticks True', 'deleted; missing is 404']) {
    assert.ok(res.stdout.includes(step), `missing "${step}" in:\n${res.stdout}`);
  }
  await until('the Deployment gone', async () => (await kubectl(server, ['get', 'deploy', 'py-web'])).code === 1, 60_000);
});

test.run();
