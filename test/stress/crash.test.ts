import { request } from 'node:https';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, docker, httpsGet, startServer, until, type RunningServer } from '../helpers/server';

// kill -9 in the middle of a burst of 30 writes, 10 times: after each restart every write the server
// acknowledged is there, and Docker holds exactly one container per pod and none for pods that are not.
const t = suite<{ server?: RunningServer; dataPath?: string; instance: string }>('stress: kill -9');
const ROUNDS = Number(process.env.K2D_CRASH_ROUNDS ?? 10);
const NS = 'crash';
const IMAGE = 'k2d-test/busybox:1';

function post(server: RunningServer, path: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
      res.on('error', () => resolve(0));
    });
    r.on('error', () => resolve(0));
    r.end(JSON.stringify(body));
  });
}

const object = (round: number, i: number) =>
  i % 3 === 0
    ? { kind: 'pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${round}-${i}` }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'] }] } } }
    : { kind: 'configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${round}-${i}` }, data: { round: String(round), i: String(i) } } };

t.before((ctx) => {
  ctx.instance = `stress-crash-${process.pid}`;
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

t(`${ROUNDS} rounds of kill -9 during a 30-object burst: every acknowledged object exists once, no orphan container`, async (ctx) => {
  ctx.server = await startServer({ instance: ctx.instance });
  ctx.dataPath = ctx.server.dataPath;
  assert.is(await post(ctx.server, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), 201);
  const acknowledged: Array<{ kind: string; name: string }> = [];
  let restarts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const server = ctx.server!;
    const writes = Array.from({ length: 30 }, (_, i) => {
      const { kind, body } = object(round, i);
      return post(server, `/api/v1/namespaces/${NS}/${kind}`, body).then((code) => {
        if (code === 201) acknowledged.push({ kind, name: body.metadata.name });
      });
    });
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
    await server.stop('SIGKILL');
    await Promise.all(writes);
    ctx.server = await startServer({ instance: ctx.instance, dataPath: ctx.dataPath, port: server.port });
    restarts++;
    for (const { kind, name } of acknowledged) {
      const res = await httpsGet(ctx.server.port, `/api/v1/namespaces/${NS}/${kind}/${name}`, ctx.server.token);
      assert.is(res.status, 200, `acknowledged ${kind}/${name} is gone after kill -9 in round ${round}`);
    }
    const pods = JSON.parse((await httpsGet(ctx.server.port, `/api/v1/namespaces/${NS}/pods`, ctx.server.token)).body).items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
    await until(
      `one container per pod, none other (round ${round})`,
      async () => {
        const containers = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${ctx.instance}`, `resource.k2d.io/namespace-name=${NS}`] } });
        const names = containers.map((c) => c.Labels['pod.k2d.io/name']).sort();
        return JSON.stringify(names) === JSON.stringify(pods);
      },
      30_000,
    );
  }
  console.log(`  stress: ${restarts} kill -9 restarts, ${acknowledged.length} acknowledged writes, all present; no orphan or duplicate container`);
});

t.run();
