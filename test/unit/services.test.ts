import { registryEnv } from '../../shared/registry/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { desiredEndpoints, desiredSlices, EndpointsController, portGroups } from '../../bridge/controllers/endpoints';
import { proxyTargets } from '../../bridge/docker/services';
import { endpointSlices, endpoints } from '../../shared/resources/endpoints';
import { pods } from '../../shared/resources/pods';
import { services } from '../../shared/resources/services';
import type { KObject } from '../../shared/k8s/meta';
import { fakeCtx, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

const create = routeHandler(services, 'create');
const list = routeHandler(services, 'list');
const update = routeHandler(services, 'update');
const patch = routeHandler(services, 'patch');

const URL = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

test('create defaults a Service as the apiserver does and allocates a ClusterIP from 10.96.0.0/12', async () => {
  const ctx = fakeCtx();
  const res = await create(req('POST', URL, svc('web', { selector: { app: 'web' }, ports: [{ port: 80 }] })), ctx);
  assert.is(res.status, 201);
  const s = await res.json();
  assert.is(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.equal(s.spec.clusterIPs, [s.spec.clusterIP]);
  assert.is(s.spec.sessionAffinity, 'None');
  assert.equal(ctx.submitted.map((x) => x.priority), ['low']);
});

test('NodePort: allocated in 30000-32767, kept across updates that omit it; a taken one is 422', async () => {
  const ctx = fakeCtx();
  const a = await (await create(req('POST', URL, svc('a', { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] })), ctx)).json();
  const port = a.spec.ports[0].nodePort;
  assert.ok(port >= 30000 && port <= 32767, String(port));
  // A client-side apply sends the manifest without nodePort: the port stays.
  const again = await patch(req('PATCH', `${URL}/a`, { spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { 'content-type': 'application/merge-patch+json' }), ctx);
  const patched = await again.json();
  assert.is(patched.spec.ports[0].nodePort, port);
  assert.is(patched.spec.clusterIP, a.spec.clusterIP);
  const clash = await create(req('POST', URL, svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] })), ctx);
  assert.is(clash.status, 422);
  assert.match((await clash.json()).message, `spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);
  assert.is(ctx.store.get(services, 'default', 'b'), undefined);
});

test('bad Services are 422 with the field path, and nothing is stored', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ports: [{ port: 70000 }] }, 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    [{ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }, 'spec.ports[1].name: Duplicate value: "a"'],
    [{ ports: [{ port: 80 }, { port: 81 }] }, 'spec.ports[0].name: Required value'],
    [{ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }, 'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
    [{ ports: [{ port: 80, nodePort: 30001 }] }, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    [{ type: 'Magic', ports: [{ port: 80 }] }, 'spec.type: Unsupported value: "Magic"'],
    [{ type: 'ExternalName' }, 'spec.externalName: Required value'],
    [{}, 'spec.ports: Required value'],
    [{ clusterIP: '1.2.3.4', ports: [{ port: 80 }] }, 'failed to allocate IP 1.2.3.4: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12'],
  ];
  for (const [spec, message] of cases) {
    const ctx = fakeCtx();
    const res = await create(req('POST', URL, svc('bad', spec)), ctx);
    assert.is(res.status, 422, message);
    assert.match((await res.json()).message, message);
    assert.is(ctx.store.get(services, 'default', 'bad'), undefined);
  }
});

test('the ClusterIP cannot change; PUT without one keeps it', async () => {
  const ctx = fakeCtx();
  const s = await (await create(req('POST', URL, svc('web', { ports: [{ port: 80 }] })), ctx)).json();
  const moved = await update(req('PUT', `${URL}/web`, { ...s, spec: { ...s.spec, clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99'] } }), ctx);
  assert.is(moved.status, 422);
  assert.match((await moved.json()).message, 'may not change once set');
  const { clusterIP: _ip, clusterIPs: _ips, ...rest } = s.spec;
  const kept = await (await update(req('PUT', `${URL}/web`, { ...s, spec: rest }), ctx)).json();
  assert.is(kept.spec.clusterIP, s.spec.clusterIP);
});

test('Table columns as kubectl prints them: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', async () => {
  const ctx = fakeCtx();
  await create(req('POST', URL, svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })), ctx);
  await create(req('POST', URL, svc('lb', { type: 'LoadBalancer', ports: [{ port: 443, name: 'https' }] })), ctx);
  await create(req('POST', URL, svc('ext', { type: 'ExternalName', externalName: 'db.example.com' })), ctx);
  const table = await (await list(req('GET', URL, undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  const rows = Object.fromEntries(table.rows.map((r: { cells: string[] }) => [r.cells[0], r.cells]));
  assert.equal(rows.np.slice(1, 2), ['NodePort']);
  assert.is(rows.np[4], '80:30080/TCP');
  assert.is(rows.lb[3], '<pending>');
  assert.match(rows.lb[4], /^443:3\d{4}\/TCP$/);
  assert.is(rows.ext[2], '<none>');
  assert.is(rows.ext[3], 'db.example.com');
});

const pod = (name: string, ip: string | undefined, ready: boolean, extra: Record<string, unknown> = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...extra },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }) as unknown as KObject;

const service = (spec: Record<string, unknown>) => ({ metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec }) as never;

test('Endpoints: ready pods in addresses, unready in notReadyAddresses, terminating and IP-less left out; named targetPort resolved', () => {
  const s = service({ selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  const all = [
    pod('a', '10.0.0.2', true),
    pod('b', '10.0.0.3', false),
    pod('c', '10.0.0.4', true, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    pod('d', undefined, false),
    { ...pod('e', '10.0.0.9', true), metadata: { name: 'e', namespace: 'default', labels: { app: 'other' } } } as KObject,
  ];
  const ep = desiredEndpoints(s, portGroups(s, all));
  assert.equal(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip), ['10.0.0.2']);
  assert.equal(ep.subsets[0].notReadyAddresses.map((a: { ip: string }) => a.ip), ['10.0.0.3']);
  assert.equal(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const [slice] = desiredSlices(s, portGroups(s, all));
  assert.equal(slice.endpoints.map((e: { addresses: string[]; conditions: { ready: boolean; terminating: boolean } }) => [e.addresses[0], e.conditions.ready, e.conditions.terminating]), [
    ['10.0.0.2', true, false],
    ['10.0.0.3', false, false],
    ['10.0.0.4', false, true],
  ]);
  assert.is(slice.metadata.labels['kubernetes.io/service-name'], 'web');
  assert.equal(proxyTargets(ep), { 'http/TCP': [{ ip: '10.0.0.2', port: 8080 }] });
});

test('the controller keeps Endpoints and EndpointSlices in step with pods, and removes them with the Service', async () => {
  const ctx = fakeCtx();
  const controller = new EndpointsController(registryEnv(ctx), ctx.log);
  controller.start();
  await create(req('POST', URL, svc('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] })), ctx);
  await ctx.store.create(pods, pod('a', '10.0.0.2', true));
  await controller.idle();
  assert.equal((ctx.store.get(endpoints, 'default', 'web') as never as { subsets: Array<{ addresses: unknown[] }> }).subsets[0].addresses.length, 1);
  await ctx.store.modify(pods, 'default', 'a', (p) => ({ ...p, status: { ...(p as never as { status: object }).status, conditions: [{ type: 'Ready', status: 'False' }] } }) as KObject);
  await controller.idle();
  const ep = ctx.store.get(endpoints, 'default', 'web') as never as { subsets: Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }> };
  assert.is(ep.subsets[0].addresses, undefined);
  assert.is(ep.subsets[0].notReadyAddresses!.length, 1);
  assert.is(ctx.store.list(endpointSlices, 'default').length, 1);
  await ctx.store.delete(services, 'default', 'web');
  await controller.idle();
  assert.is(ctx.store.get(endpoints, 'default', 'web'), undefined);
  assert.is(ctx.store.list(endpointSlices, 'default').length, 0);
  controller.stop();
});

test('selector-less Services keep the Endpoints their users write', async () => {
  const ctx = fakeCtx();
  const controller = new EndpointsController(registryEnv(ctx), ctx.log);
  controller.start();
  await create(req('POST', URL, svc('ext', { ports: [{ port: 5432 }] })), ctx);
  await ctx.store.create(endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] } as never);
  await ctx.store.create(pods, pod('a', '10.0.0.2', true));
  await controller.idle();
  assert.is((ctx.store.get(endpoints, 'default', 'ext') as never as { subsets: Array<{ addresses: Array<{ ip: string }> }> }).subsets[0].addresses[0].ip, '192.0.2.10');
  controller.stop();
});

test.run();
