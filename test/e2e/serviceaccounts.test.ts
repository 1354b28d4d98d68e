import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, KUBECTLS, kubectl, startServer, until, type RunningServer } from '../helpers/server';

let server: RunningServer;

test.before(async () => {
  server = await startServer();
});

test.after(async () => {
  await cleanup(server);
});

test('a new namespace has its default ServiceAccount; a deleted one comes back', async () => {
  assert.is((await kubectl(server, ['create', 'namespace', 'team'])).code, 0);
  await until('the default ServiceAccount', async () => (await kubectl(server, ['get', 'sa', 'default', '-n', 'team'])).code === 0);
  assert.is((await kubectl(server, ['delete', 'sa', 'default', '-n', 'team'])).code, 0);
  await until('the default ServiceAccount again', async () => (await kubectl(server, ['get', 'sa', 'default', '-n', 'team'])).code === 0);
  assert.is((await kubectl(server, ['delete', 'namespace', 'team', '--wait'])).code, 0);
});

for (const { name, bin } of KUBECTLS) {
  test(`kubectl ${name}: create serviceaccount (protobuf from 1.32 on), get columns, apply, delete`, async () => {
    const sa = `builder-${name.replace('.', '-')}`;
    const created = await kubectl(server, ['create', 'serviceaccount', sa], bin);
    assert.is(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`serviceaccount/${sa} created`));
    const got = await kubectl(server, ['get', 'sa', sa], bin);
    assert.match(got.stdout, /^NAME\s+SECRETS\s+AGE\n/);
    assert.match(got.stdout, new RegExp(`${sa}\\s+0\\s+`));
    const applied = await kubectl(server, ['apply', '-f', '-'], bin, `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${sa}\nautomountServiceAccountToken: false\n`);
    assert.is(applied.code, 0, applied.stderr);
    const field = await kubectl(server, ['get', 'sa', sa, '-o', 'jsonpath={.automountServiceAccountToken}'], bin);
    assert.is(field.stdout, 'false');
    assert.is((await kubectl(server, ['delete', 'sa', sa], bin)).code, 0);
    assert.is((await kubectl(server, ['get', 'sa', sa], bin)).code, 1);
  });
}

test.run();
