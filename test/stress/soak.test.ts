import { request, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, startServer, type RunningServer } from '../helpers/server';

// 30 clients reading and writing ConfigMaps for a bounded time while 5 watches follow them: no 5xx,
// every watch sees the writes in resourceVersion order, and memory does not run away.
const t = suite<{ server?: RunningServer }>('stress: soak');
const SECONDS = Number(process.env.K2D_SOAK_SECONDS ?? 20);
const CLIENTS = 30;
const NS = 'default';
const rssMB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

t(`${CLIENTS} clients for ${SECONDS} s with 5 watches: no 5xx, ordered watches, bounded memory`, async (ctx) => {
  const server = (ctx.server = await startServer({ env: { K2D_LOG_LEVEL: 'error' } }));
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 5, rejectUnauthorized: false });
  const call = (method: string, path: string, body?: unknown, type = 'application/json') =>
    new Promise<number>((resolve) => {
      const r = request({ host: '127.0.0.1', port: server.port, path, method, agent, headers: { authorization: `Bearer ${server.token}`, 'content-type': type } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      r.on('error', () => resolve(0));
      r.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const watches = Array.from({ length: 5 }, () => {
    const seen: number[] = [];
    const r = request({ host: '127.0.0.1', port: server.port, path: `/api/v1/namespaces/${NS}/configmaps?watch=true`, rejectUnauthorized: false, headers: { authorization: `Bearer ${server.token}` } }, (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) seen.push(Number(JSON.parse(line).object.metadata.resourceVersion));
        }
      });
      res.on('error', () => undefined);
    });
    r.on('error', () => undefined);
    r.end();
    return { seen, stop: () => r.destroy() };
  });
  await new Promise((r) => setTimeout(r, 300));
  const before = rssMB(server.child.pid!);
  const codes = new Map<number, number>();
  const count = (code: number) => codes.set(code, (codes.get(code) ?? 0) + 1);
  const end = Date.now() + SECONDS * 1000;
  let peak = before;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const now = rssMB(server.child.pid!);
    peak = Math.max(peak, now);
    samples.push(now);
  }, 500);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 0; Date.now() < end; n++) {
        const name = `soak-${c}-${n % 5}`;
        const path = `/api/v1/namespaces/${NS}/configmaps`;
        switch (n % 4) {
          case 0:
            count(await call('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { n: String(n) } }));
            break;
          case 1:
            count(await call('PATCH', `${path}/${name}`, { data: { n: String(n), pad: 'x'.repeat(n % 2000) } }, 'application/merge-patch+json'));
            break;
          case 2:
            count(await call('GET', `${path}/${name}`));
            break;
          default:
            count(await call('DELETE', `${path}/${name}`));
        }
      }
    }),
  );
  clearInterval(sampler);
  const after = rssMB(server.child.pid!);
  // Growth in the second half of the run is what a leak shows; the first half fills caches and history.
  const half = samples.slice(Math.floor(samples.length / 2));
  const lateGrowth = half.length ? Math.max(...half) - half[0] : 0;
  for (const w of watches) w.stop();
  agent.destroy();
  const total = [...codes.values()].reduce((a, b) => a + b, 0);
  const errors = [...codes].filter(([code]) => code >= 500 || code === 0).reduce((a, [, n]) => a + n, 0);
  console.log(`  stress: soak ${total} requests (${[...codes].sort().map(([k, v]) => `${k}×${v}`).join(', ')}), 5xx/failed ${errors}; RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} → ${after.toFixed(0)} MB (second half +${lateGrowth.toFixed(0)} MB); watch events ${watches.map((w) => w.seen.length).join('/')}`);
  assert.is(errors, 0);
  assert.ok(total > 1000, `only ${total} requests`);
  for (const w of watches) {
    assert.ok(w.seen.length > 100);
    for (let i = 1; i < w.seen.length; i++) assert.ok(w.seen[i] > w.seen[i - 1], `watch out of order at ${i}: ${w.seen[i - 1]} then ${w.seen[i]}`);
  }
  assert.ok(peak - before < 200, `RSS grew from ${before.toFixed(0)} to ${peak.toFixed(0)} MB`);
  assert.ok(lateGrowth < 60, `RSS still grew by ${lateGrowth.toFixed(0)} MB in the second half`);
});

t.run();
