import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControllerManager } from '../../bridge/controllers/manager';
import { ServiceAccountsController } from '../../bridge/controllers/serviceaccounts';
import { routeHandler } from '../../shared/api/routes';
import type { KObject } from '../../shared/k8s/meta';
import { create, registryEnv, remove } from '../../shared/registry/store';
import { namespaces } from '../../shared/resources/namespaces';
import { serviceAccounts } from '../../shared/resources/serviceaccounts';
import { fakeCtx, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

function controller(ctx: ReturnType<typeof fakeCtx>) {
  const manager = new ControllerManager(ctx.store, [new ServiceAccountsController(registryEnv(ctx))], ctx.log);
  manager.start();
  return manager;
}

test('every namespace gets a default ServiceAccount, made again when deleted, not in a terminating one', async () => {
  const ctx = fakeCtx();
  const manager = controller(ctx);
  await manager.idle();
  assert.ok(ctx.store.get(serviceAccounts, 'default', 'default'), 'the built-in namespaces have one');
  const env = registryEnv(ctx);
  await create(env, namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KObject);
  await manager.idle();
  assert.ok(ctx.store.get(serviceAccounts, 'team', 'default'));
  await remove(env, serviceAccounts, 'team', 'default');
  await manager.idle();
  assert.ok(ctx.store.get(serviceAccounts, 'team', 'default'), 'made again');
  await remove(env, namespaces, undefined, 'team');
  await remove(env, serviceAccounts, 'team', 'default');
  await manager.idle();
  assert.is(ctx.store.get(serviceAccounts, 'team', 'default'), undefined);
  manager.stop();
});

test('kubectl get sa columns: NAME, SECRETS, AGE', async () => {
  const ctx = fakeCtx();
  await create(registryEnv(ctx), serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' } } as KObject);
  const res = await routeHandler(serviceAccounts, 'list')(req('GET', '/api/v1/namespaces/default/serviceaccounts', undefined, { accept: TABLE_ACCEPT }), ctx);
  const table = await res.json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Secrets', 'Age']);
  assert.equal(table.rows[0].cells.slice(0, 2), ['builder', 0]);
});

test.run();
