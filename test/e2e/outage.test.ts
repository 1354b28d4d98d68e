import { rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, kubectl, startServer, until, type RunningServer } from '../helpers/server';

// dockerd going away: reads keep being answered from the store, writes are accepted and journaled,
// and everything is applied once the engine is back. The server reaches Docker through a socket relay
// the test can cut, so the machine's dockerd (shared with other tests) is never stopped.
const t = suite<{ server: RunningServer; relay: Relay }>('docker outage');
const NS = 'outage-e2e';

class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(readonly path: string) {}

  async open() {
    await rm(this.path, { force: true });
    this.server = createServer((client) => {
      const upstream = createConnection('/var/run/docker.sock');
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server!.listen(this.path, r));
  }

  async cut() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
    await rm(this.path, { force: true });
  }
}

t.before(async (ctx) => {
  ctx.relay = new Relay(join('/tmp', `k2d-relay-${process.pid}.sock`));
  await ctx.relay.open();
  ctx.server = await startServer({ env: { DOCKER_HOST: `unix://${ctx.relay.path}` } });
});

t.after(async (ctx) => {
  await ctx.relay?.cut();
  if (ctx.server) await cleanup(ctx.server);
});

t('with Docker gone, reads answer and a pod is accepted; when Docker is back the pod runs', async ({ server, relay }) => {
  assert.is((await kubectl(server, ['create', 'namespace', NS])).code, 0);
  await relay.cut();
  const nodes = await until('the node to turn NotReady', async () => {
    const r = await kubectl(server, ['get', 'nodes', '--no-headers']);
    return r.code === 0 && /NotReady/.test(r.stdout) ? r.stdout : undefined;
  }, 20_000);
  assert.match(nodes, 'NotReady');
  assert.is((await kubectl(server, ['get', 'ns', NS])).code, 0);

  const file = join(server.dataPath, 'pod.yaml');
  await writeFile(file, `apiVersion: v1\nkind: Pod\nmetadata: {name: late, namespace: ${NS}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: k2d-test/busybox:1, command: [sleep, "3600"]}\n`);
  const created = await kubectl(server, ['apply', '-f', file]);
  assert.is(created.code, 0, created.stderr);
  assert.is((await kubectl(server, ['get', 'pod', 'late', '-n', NS, '-o', 'jsonpath={.status.phase}'])).stdout, 'Pending');

  await relay.open();
  const wait = await kubectl(server, ['wait', '--for=condition=Ready', 'pod/late', '-n', NS, '--timeout=60s']);
  assert.is(wait.code, 0, wait.stderr);
  const node = await until('the node to be Ready again', async () => {
    const r = await kubectl(server, ['get', 'nodes', '--no-headers']);
    return / Ready /.test(r.stdout) ? r.stdout : undefined;
  }, 20_000);
  assert.match(node, 'Ready');
  assert.is((await kubectl(server, ['delete', 'namespace', NS])).code, 0);
});

t.run();
