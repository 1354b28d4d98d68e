import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getHandler, listHandler, createHandler } from '../../shared/api/handlers';
import { configMaps } from '../../shared/resources/configmaps';
import { fakeCtx } from '../helpers/fake-ctx';
import { rawRequest, responses, startRaw, tlsConnect, TOKEN, type RawServer } from '../helpers/raw-https';

// The Node adapter (bridge/server.ts) with the real router in front of a fake ctx: what reaches the socket.
const t = suite<{ raw: RawServer }>('http-server');
const auth = `Authorization: Bearer ${TOKEN}\r\n`;

t.before(async (ctx) => {
  ctx.raw = await startRaw([listHandler(configMaps), getHandler(configMaps), createHandler(configMaps)], fakeCtx());
});

t.after(async (ctx) => {
  await ctx.raw?.close();
});

const path = '/api/v1/namespaces/default/configmaps';

for (const method of ['TRACE', 'CONNECT']) {
  t(`${method} gets a Status: 401 without credentials, 405 with them, and the server keeps serving`, async ({ raw }) => {
    const target = method === 'CONNECT' ? '127.0.0.1:443' : path;
    const anonymous = await rawRequest(raw.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    assert.is(anonymous?.status, 401);
    assert.is(JSON.parse(anonymous!.body).kind, 'Status');
    const authed = await rawRequest(raw.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`);
    assert.is(authed?.status, 405);
    const status = JSON.parse(authed!.body);
    assert.is(status.reason, 'MethodNotAllowed');
    assert.match(status.message, method);
    const list = await rawRequest(raw.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`);
    assert.is(list?.status, 200);
  });
}

t('methods Node cannot parse (TRACK, garbage) get a 405 Status, not a dropped connection', async ({ raw }) => {
  for (const method of ['TRACK', 'FOO', 'G3T']) {
    const res = await rawRequest(raw.port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`);
    assert.is(res?.status, 405, method);
    assert.is(JSON.parse(res!.body).kind, 'Status');
  }
});

t('a malformed request line gets a 400 Status', async ({ raw }) => {
  const res = await rawRequest(raw.port, `GET ${path} HTTP/9\r\n\r\n`);
  assert.is(res?.status, 400);
  assert.is(JSON.parse(res!.body).reason, 'BadRequest');
});

t('a Host that is no host name, absolute-form and asterisk-form targets are served, not thrown', async ({ raw }) => {
  const badHost = await rawRequest(raw.port, `GET ${path} HTTP/1.1\r\nHost: a b\r\n${auth}\r\n`);
  assert.is(badHost?.status, 200);
  const absolute = await rawRequest(raw.port, `GET https://elsewhere${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`);
  assert.is(absolute?.status, 200);
  assert.is(JSON.parse(absolute!.body).kind, 'ConfigMapList');
  const asterisk = await rawRequest(raw.port, `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`);
  assert.is(JSON.parse(asterisk!.body).kind, 'Status');
  const unauth = await rawRequest(raw.port, `GET ${path} HTTP/1.1\r\nHost: [::1\r\n\r\n`);
  assert.is(unauth?.status, 401);
});

t('header bytes beyond ASCII reach the router instead of throwing', async ({ raw }) => {
  const res = await rawRequest(raw.port, Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Odd: `), Buffer.from([0xe4, 0xff]), Buffer.from(`\r\n${auth}\r\n`)]));
  assert.is(res?.status, 200);
});

t('a Warning about a field named outside Latin-1 reaches the client as its UTF-8 bytes, on a 201', async ({ raw }) => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'utf8' }, ключ: 1 });
  const res = await rawRequest(raw.port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  assert.is(res?.status, 201);
  assert.match(Buffer.from(res!.headers.warning, 'latin1').toString('utf8'), '299 - "unknown field \\"ключ\\""');
});

const post = (body: string | number, headers = '') =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${typeof body === 'number' ? body : Buffer.byteLength(body)}\r\n${headers}\r\n${typeof body === 'number' ? '' : body}`;
const getList = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`;

for (const [what, request] of [
  ['401 (no credentials)', post('x'.repeat(200 * 1024))],
  ['415 (a media type it does not take)', post('x'.repeat(200 * 1024), `${auth}`).replace('application/json', 'text/plain')],
] as const) {
  t(`keep-alive: after an early ${what} with a 200 KB body unread, the next request on the connection is answered`, async ({ raw }) => {
    const socket = await tlsConnect(raw.port);
    const reader = responses(socket);
    socket.write(request);
    const first = await reader.next();
    assert.ok(first && first.status >= 400, String(first?.status));
    assert.is.not(first!.headers.connection, 'close');
    socket.write(getList);
    const second = await reader.next(3000);
    assert.is(second?.status, 200);
    socket.destroy();
  });
}

t('keep-alive: a large unread body (413 on its declared length, 401 with 2 MB sent) closes the connection at once instead of hanging', async ({ raw }) => {
  for (const request of [post(8 * 1024 * 1024, auth), post('x'.repeat(2 * 1024 * 1024))]) {
    const socket = await tlsConnect(raw.port);
    const reader = responses(socket);
    socket.write(request);
    const started = Date.now();
    const first = await reader.next();
    assert.ok(first && (first.status === 413 || first.status === 401), String(first?.status));
    assert.is(JSON.parse(first!.body).kind, 'Status');
    assert.is(first!.headers.connection, 'close');
    assert.is(await reader.next(3000), undefined);
    assert.ok(reader.closed, 'the connection was closed');
    assert.ok(Date.now() - started < 3000);
    socket.destroy();
  }
  assert.is((await rawRequest(raw.port, getList))?.status, 200);
});

t('a client that does not finish its headers is cut off at the headers timeout (the apiserver: 32 s) with a 408 Status', async ({ raw }) => {
  assert.is(raw.server.headersTimeout, 32_000);
  const quick = await startRaw([listHandler(configMaps)], fakeCtx(), { headersTimeoutMs: 1000 });
  try {
    const socket = await tlsConnect(quick.port);
    const reader = responses(socket);
    const started = Date.now();
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n`);
    const timer = setInterval(() => socket.write('X-More: 1\r\n'), 200);
    const res = await reader.next(5000);
    clearInterval(timer);
    assert.is(res?.status, 408);
    assert.is(JSON.parse(res!.body).kind, 'Status');
    assert.ok(Date.now() - started < 3500, `cut off after ${Date.now() - started} ms`);
    socket.destroy();
  } finally {
    await quick.close();
  }
});

t('TLS: 1.2 offers AEAD suites only (a CBC-SHA1 client is refused), TLS 1.1 is refused, 1.3 and GCM work', async ({ raw }) => {
  const handshake = (opts: Record<string, unknown>) => tlsConnect(raw.port, opts).then((s) => {
    const cipher = s.getCipher().name;
    s.destroy();
    return cipher;
  }, () => undefined);
  assert.is(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256' }), undefined);
  assert.is(await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), undefined);
  assert.is(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), 'ECDHE-ECDSA-AES128-GCM-SHA256');
  assert.ok(await handshake({ minVersion: 'TLSv1.3' }));
});

t.run();
