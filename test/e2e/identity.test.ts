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

test('RBAC objects from kubectl create and apply: roles, bindings (-o wide), cluster-wide ones; roleRef is immutable', async () => {
  for (const args of [
    ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods'],
    ['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--serviceaccount=default:default', '--user=jane'],
    ['create', 'clusterrole', 'node-reader', '--verb=get', '--resource=nodes'],
    ['create', 'clusterrolebinding', 'read-nodes', '--clusterrole=node-reader', '--group=ops'],
  ]) {
    const res = await kubectl(server, args);
    assert.is(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
  }
  const wide = await kubectl(server, ['get', 'rolebinding', 'read-pods', '-o', 'wide']);
  assert.match(wide.stdout, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
  assert.match(wide.stdout, /read-pods\s+Role\/pod-reader\s+\S+\s+jane\s+default\/default/);
  const rules = await kubectl(server, ['get', 'role', 'pod-reader', '-o', 'jsonpath={.rules[0].verbs}']);
  assert.is(rules.stdout, '["get","list"]');
  assert.match((await kubectl(server, ['get', 'clusterrolebinding', 'read-nodes'])).stdout, /read-nodes\s+ClusterRole\/node-reader/);
  const changed = await kubectl(server, ['patch', 'rolebinding', 'read-pods', '--type=merge', '-p', '{"roleRef":{"name":"other"}}']);
  assert.is(changed.code, 1);
  assert.match(changed.stderr, /cannot change roleRef/);
  for (const args of [['delete', 'rolebinding', 'read-pods'], ['delete', 'role', 'pod-reader'], ['delete', 'clusterrolebinding', 'read-nodes'], ['delete', 'clusterrole', 'node-reader']]) {
    assert.is((await kubectl(server, args)).code, 0, args.join(' '));
  }
});

test.run();
