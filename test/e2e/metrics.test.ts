import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, kubectl, KUBECTLS, startServer, until, type RunningServer } from '../helpers/server';

// metrics.k8s.io from Docker stats: `kubectl top` against real containers, a busy one and an idle one.
const t = suite<{ server: RunningServer }>('metrics');
const IMAGE = 'k2d-test/busybox:1';

t.before(async (ctx) => {
  ctx.server = await startServer();
  await applyYaml(
    ctx.server,
    'load',
    `apiVersion: v1
kind: Pod
metadata: {name: busy, labels: {load: high}}
spec:
  containers: [{name: spin, image: ${IMAGE}, command: [sh, -c, "while :; do :; done"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: idle, labels: {load: low}}
spec:
  containers: [{name: rest, image: ${IMAGE}, command: [sleep, "3600"]}, {name: mem, image: ${IMAGE}, command: [sh, -c, "head -c 20000000 /dev/zero | tr '\\\\0' x > /dev/shm/fill; sleep 3600"]}]
`,
  );
  const ready = await kubectl(ctx.server, ['wait', '--for=condition=Ready', 'pod/busy', 'pod/idle', '--timeout=60s']);
  if (ready.code !== 0) throw new Error(ready.stderr);
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

/** `kubectl top` rows as name → [cpu millicores, memory MiB]. */
function rows(stdout: string): Record<string, number[]> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .map((cols) => [cols.slice(0, -2).join(' '), [parseInt(cols.at(-2)!, 10), parseInt(cols.at(-1)!, 10)]]),
  );
}

for (const k of KUBECTLS) {
  t(`kubectl ${k.name} top pods: the busy pod's CPU is far above the idle one's; per container; a label selector; a missing pod is a 404`, async ({ server }) => {
    // The idle pod's second container spends a moment filling its memory first: wait for it to settle.
    let top = await kubectl(server, ['top', 'pods'], k.bin);
    await until('the idle pod idle', async () => {
      top = await kubectl(server, ['top', 'pods'], k.bin);
      return top.code === 0 && rows(top.stdout).idle?.[0] < 50;
    }, 30_000).catch(() => undefined);
    assert.is(top.code, 0, top.stderr);
    const r = rows(top.stdout);
    assert.ok(r.busy[0] > 500, top.stdout);
    assert.ok(r.idle[0] < 50, top.stdout);
    const containers = await kubectl(server, ['top', 'pod', 'idle', '--containers'], k.bin);
    assert.is(containers.code, 0, containers.stderr);
    const c = rows(containers.stdout);
    assert.ok(c['idle mem'][1] >= 15, containers.stdout);
    assert.ok(c['idle rest'][1] < 5, containers.stdout);
    const selected = await kubectl(server, ['top', 'pods', '-l', 'load=high'], k.bin);
    assert.equal(Object.keys(rows(selected.stdout)), ['busy']);
    const missing = await kubectl(server, ['top', 'pod', 'ghost'], k.bin);
    assert.match(missing.stderr, /podmetrics.metrics.k8s.io "ghost" not found/);
  });
}

t('kubectl top nodes: the host, with CPU at least the busy pod and percentages of its capacity', async ({ server }) => {
  const top = await kubectl(server, ['top', 'nodes']);
  assert.is(top.code, 0, top.stderr);
  const [header, line] = top.stdout.trim().split('\n');
  assert.match(header, /CPU\(cores\)\s+CPU(\(%\))?\s+MEMORY\(bytes\)\s+MEMORY(\(%\))?/);
  const cols = line.trim().split(/\s+/);
  assert.ok(parseInt(cols[1], 10) > 500, top.stdout);
  assert.match(cols[2], /^\d+%$/);
  const raw = JSON.parse((await kubectl(server, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'])).stdout);
  assert.is(raw.kind, 'NodeMetricsList');
  assert.match(raw.items[0].window, /^\d+(\.\d+)?s$/);
});

t.run();
