import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildRouter } from '../../bridge/router';
import type { RouteHandler } from '../../shared/api/handlers';
import { fakeCtx, req } from '../helpers/fake-ctx';
import { rawRequest, startRaw, tlsConnect, responses, TOKEN, type RawServer } from '../helpers/raw-https';
import { allRoutes, fill } from './routes';

// The edges of the server: credentials on every route, and methods and request lines a client may send.
const t = suite<{ routes: RouteHandler[]; raw: RawServer }>('stress: edges');

t.before(async (ctx) => {
  ctx.routes = (await allRoutes()).map((r) => r.handler);
  ctx.raw = await startRaw(ctx.routes, fakeCtx());
});

t.after(async (ctx) => {
  await ctx.raw?.close();
});

const BAD_CREDENTIALS: Array<Record<string, string>> = [
  {},
  { authorization: '' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: 'Bearer wrong-token-0123456789' },
  { authorization: `Bearer ${TOKEN}x` },
  { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
  { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
  { authorization: TOKEN },
  { authorization: `Token ${TOKEN}` },
];

t('every route × 10 bad credentials → 401 Status, and the good token gets past the check', async ({ routes }) => {
  const router = buildRouter(routes, TOKEN);
  const ctx = fakeCtx();
  let checked = 0;
  for (const route of routes) {
    for (const pattern of route.paths) {
      const path = fill(pattern);
      for (const headers of BAD_CREDENTIALS) {
        const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? { apiVersion: 'v1', kind: 'X', metadata: { name: 'seed' } } : undefined;
        const res = await router.fetch(req(route.method, path, body, headers), ctx);
        assert.is(res.status, 401, `${route.method} ${path} with ${JSON.stringify(headers)}`);
        const status = await res.json();
        assert.is(status.kind, 'Status');
        assert.is(status.reason, 'Unauthorized');
        checked++;
      }
      const authed = await router.fetch(req(route.method, path, undefined, { authorization: `Bearer ${TOKEN}` }), ctx);
      assert.is.not(authed.status, 401, `${route.method} ${path} with the token`);
    }
  }
  assert.is(ctx.submitted.length, 0);
  console.log(`  stress: ${checked} route × credential requests, all 401`);
  assert.ok(checked >= 10 * 90, `${checked}`);
});

t('TRACE, CONNECT, TRACK, WebDAV and garbage methods on the socket → a Status, the server keeps serving', async ({ raw }) => {
  const methods = ['TRACE', 'CONNECT', 'TRACK', 'PROPFIND', 'MKCOL', 'M-SEARCH', 'PURGE', 'BREW', 'get', 'G\u00c9T', 'X'.repeat(100), 'DELETE ', 'PATCH'];
  let answered = 0;
  for (const method of methods) {
    for (const auth of ['', `Authorization: Bearer ${TOKEN}\r\n`]) {
      const target = method === 'CONNECT' ? '127.0.0.1:1' : '/api/v1/namespaces/default/pods';
      const res = await rawRequest(raw.port, Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\n\r\n{}`, 'latin1'));
      assert.ok(res, `${JSON.stringify(method)}: no answer`);
      assert.ok([400, 401, 405, 415].includes(res!.status), `${JSON.stringify(method)} → ${res!.status}`);
      assert.is(JSON.parse(res!.body).kind, 'Status', method);
      answered++;
    }
  }
  assert.is((await rawRequest(raw.port, `GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`))?.status, 200);
  console.log(`  stress: ${answered} odd-method requests, all answered with a Status`);
});

t('200 random request heads: each is answered with a Status or closed, never crashes the server', async ({ raw }) => {
  let statuses = 0;
  let closed = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 4 })).map(
          ([m, p, hs]) => `${m} /${p} HTTP/1.1\r\nHost: x\r\n${hs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`,
        ),
      ),
      async (head) => {
        const socket = await tlsConnect(raw.port);
        const reader = responses(socket);
        socket.write(Buffer.from(head.endsWith('\r\n\r\n') ? head : `${head}\r\n\r\n`, 'utf8'));
        // A head that announces a body (Content-Length, chunked) waits for it: no answer is due then.
        const res = await reader.next(1500);
        socket.destroy();
        if (!res) {
          closed++;
          return;
        }
        statuses++;
        if (res.status >= 500) throw new Error(`${JSON.stringify(head)} → ${res.status} ${res.body}`);
        if (res.status >= 400) assert.is(JSON.parse(res.body).kind, 'Status', JSON.stringify(head));
      },
    ),
    { numRuns: 200 },
  );
  assert.is((await rawRequest(raw.port, `GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`))?.status, 200);
  console.log(`  stress: 200 random request heads: ${statuses} answered, ${closed} closed without an answer, 0 5xx`);
});

t.run();
