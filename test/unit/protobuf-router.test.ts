import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { namespaces } from '../../shared/resources/namespaces';
import health from '../../handlers/healthz';
import { buildRouter } from '../../bridge/router';
import { decodeKubernetesProtobuf } from '../../shared/k8s/protobuf';
import { fakeCtx, req } from '../helpers/fake-ctx';
import { bytesField, envelope, int, msg, str } from '../helpers/protobuf';

const create = routeHandler(namespaces, 'create');
const getNamespace = routeHandler(namespaces, 'get');
const listNamespaces = routeHandler(namespaces, 'list');

test('a protobuf Namespace as kubectl 1.32 sends it decodes to its JSON form', () => {
  const raw = [
    ...msg(1, str(1, 'pb'), str(2, ''), msg(8, int(1, -62135596800n)), msg(11, str(1, 'team'), str(2, 'a')), str(14, 'f1')),
    ...msg(2, str(1, 'kubernetes')),
    ...msg(3),
  ];
  const obj = decodeKubernetesProtobuf(envelope('v1', 'Namespace', raw));
  assert.equal(obj, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'pb', labels: { team: 'a' }, finalizers: ['f1'] },
    spec: { finalizers: ['kubernetes'] },
    status: {},
  });
});

test('a protobuf create goes through the same handler as JSON', async () => {
  const ctx = fakeCtx();
  const body = envelope('v1', 'Namespace', msg(1, str(1, 'from-pb')));
  const res = await create(req('POST', '/api/v1/namespaces', body, { 'content-type': 'application/vnd.kubernetes.protobuf' }), ctx);
  assert.is(res.status, 201);
  assert.is((await res.json()).metadata.name, 'from-pb');
});

test('protobuf without the magic, truncated, or of a kind we cannot decode is a 4xx', async () => {
  const ctx = fakeCtx();
  const send = (b: Uint8Array) => create(req('POST', '/api/v1/namespaces', b, { 'content-type': 'application/vnd.kubernetes.protobuf' }), ctx);
  assert.is((await send(new Uint8Array([1, 2, 3, 4, 5]))).status, 400);
  assert.is((await send(envelope('v1', 'Namespace', msg(1, str(1, 'x'))).slice(0, -2))).status, 400);
  assert.is((await send(envelope('v1', 'Widget', []))).status, 415);
});

const TOKEN = 'a-test-token-of-enough-length';
const router = buildRouter([health, listNamespaces, getNamespace, create], TOKEN);
const auth = { authorization: `Bearer ${TOKEN}` };

test('every route needs the bearer token: 401 Status otherwise, /healthz included', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
    const res = await router.fetch(req('GET', '/healthz', undefined, headers), fakeCtx());
    assert.is(res.status, 401);
    assert.is((await res.json()).reason, 'Unauthorized');
  }
  const ok = await router.fetch(req('GET', '/healthz', undefined, auth), fakeCtx());
  assert.is(ok.status, 200);
  assert.is(await ok.text(), 'ok');
});

test('an unknown path is 404, a known path with another method is 405', async () => {
  const missing = await router.fetch(req('GET', '/api/v1/widgets', undefined, auth), fakeCtx());
  assert.is(missing.status, 404);
  assert.is((await missing.json()).message, 'the server could not find the requested resource');
  const wrong = await router.fetch(req('PUT', '/api/v1/namespaces', '{}', auth), fakeCtx());
  assert.is(wrong.status, 405);
  assert.is((await wrong.json()).reason, 'MethodNotAllowed');
});

test('the router reaches the handler with the URL parameters', async () => {
  const res = await router.fetch(req('GET', '/api/v1/namespaces/kube-system', undefined, auth), fakeCtx());
  assert.is(res.status, 200);
  assert.is((await res.json()).metadata.name, 'kube-system');
});

test.run();
