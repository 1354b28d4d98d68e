import { registryEnv } from '../../shared/registry/store';
import { routeHandler } from '../../shared/api/routes';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Dockerode from 'dockerode';
import { namespaceMapping } from '../../bridge/docker/namespaces';
import { managedLabels } from '../../bridge/docker/client';
import type { BridgeEnv } from '../../bridge/docker/mapping';
import { namespaces } from '../../shared/resources/namespaces';
import { fakeCtx, namespace, req } from '../helpers/fake-ctx';

const nsCreate = routeHandler(namespaces, 'create');

// dockerd 20.10's answer once every subnet of its address pools is in use.
const exhausted = Object.assign(new Error('(HTTP code 403) unexpected - could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network'), { statusCode: 403 });

test('a namespace whose network finds no free address pool is a 503 Status naming default-address-pools; it is not kept', async () => {
  const ctx = fakeCtx();
  const docker = {
    listNetworks: async (opts?: { filters?: { name?: string[] } }) => (opts?.filters?.name ? [] : Array.from({ length: 31 }, (_, i) => ({ Name: `n${i}` }))),
    createNetwork: async () => {
      throw exhausted;
    },
  } as unknown as Dockerode;
  const env: BridgeEnv = { ...registryEnv(ctx), docker, log: ctx.log, labels: managedLabels('k2d') };
  ctx.queue.submit = async (op) => {
    if (op.resource === 'namespaces') await namespaceMapping.apply(ctx.store.get(namespaces, undefined, op.name)!, env);
  };
  const res = await nsCreate(req('POST', '/api/v1/namespaces', namespace('full')), ctx);
  assert.is(res.status, 503);
  const status = await res.json();
  assert.is(status.kind, 'Status');
  assert.is(status.reason, 'ServiceUnavailable');
  assert.match(status.message, 'no free address pool');
  assert.match(status.message, 'default-address-pools');
  assert.match(status.message, '31 bridge networks');
  assert.is(ctx.store.get(namespaces, undefined, 'full'), undefined);
});

test.run();
