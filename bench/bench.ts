// `npm run bench [-- --quick]`: k2d-ts against raw dockerode doing the same work, in one run. Prints a
// table (min/median/max over repetitions, each figure next to its goal) and writes the same figures as
// JSON to bench/results/<date>.json. Everything it creates is removed at the end.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanup, kubectl, startServer, type RunningServer } from '../test/helpers/server';
import { api, BENCH_LABEL, docker, IMAGE, isReady, rawCreateStart, rawNetwork, removeRaw, rssMB, sleep, stats, type Api, type Stats } from './lib';

const quick = process.argv.includes('--quick');
// `-- --writes`: only idle RSS and the read/write throughput rows, for a quick look at the store.
const writesOnly = process.argv.includes('--writes');
const REPS = quick ? 2 : 5;
const MANY = quick ? 20 : 100;
const LISTED = quick ? 50 : 500;
const REQUESTS = quick ? 50 : 200;
const WATCHERS = 50;
const THROUGHPUT_MS = quick ? 2000 : 10_000;

interface Row {
  name: string;
  k2d?: Stats;
  raw?: Stats;
  /** k2d / raw per repetition (or the figure itself when there is no raw side). */
  ratio?: Stats;
  unit: string;
  goal: string;
  met: boolean;
}

const rows: Row[] = [];
const fmt = (s: Stats | undefined, digits = 0) => (s ? `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}` : '');

function podYaml(ns: string, names: string[]) {
  return names
    .map((name) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: c\n    image: ${IMAGE}\n    command: [sleep, "3600"]\n`)
    .join('');
}

/** `kubectl apply` of `names` and the time until a watch has seen every one of them Ready. */
async function applyUntilReady(server: RunningServer, client: Api, ns: string, names: string[]): Promise<number> {
  const waiting = new Set(names);
  let done!: () => void;
  const allReady = new Promise<void>((r) => (done = r));
  const stop = await client.watch(`/api/v1/namespaces/${ns}/pods?watch=1`, (e) => {
    if (isReady(e.object) && waiting.delete(e.object.metadata.name) && !waiting.size) done();
  });
  const file = join(server.dataPath, `${names[0]}.yaml`);
  await writeFile(file, podYaml(ns, names));
  const t0 = performance.now();
  const res = await kubectl(server, ['apply', '-f', file]);
  if (res.code !== 0) throw new Error(res.stderr);
  await allReady;
  const ms = performance.now() - t0;
  stop();
  return ms;
}

async function deleteAllPods(server: RunningServer, client: Api, ns: string) {
  await kubectl(server, ['delete', 'pods', '--all', '-n', ns, '--grace-period=0', '--force', '--wait=true']);
  for (let i = 0; i < 300; i++) {
    const left = await docker.listContainers({ all: true, filters: { label: [`resource.k2d.io/namespace-name=${ns}`, `app.k2d.io/instance=${server.instance}`] } });
    if (!left.length && JSON.parse((await client.get(`/api/v1/namespaces/${ns}/pods`)).body).items.length === 0) return;
    await sleep(100);
  }
}

/** The cost of kubectl itself (process start, discovery from cache, TLS): a `kubectl version` round trip. */
async function kubectlOverhead(server: RunningServer): Promise<number> {
  const t0 = performance.now();
  await kubectl(server, ['get', 'ns', 'default', '-o', 'name']);
  return performance.now() - t0;
}

async function singlePod(server: RunningServer, client: Api, ns: string) {
  const k2d: number[] = [];
  const raw: number[] = [];
  const cli: number[] = [];
  const net = await rawNetwork('k2d-bench-raw');
  for (let i = 0; i < REPS; i++) {
    cli.push(await kubectlOverhead(server));
    k2d.push(await applyUntilReady(server, client, ns, [`single-${i}`]));
    raw.push(await rawCreateStart(net, [`k2d-bench-raw-single-${i}`]));
    await deleteAllPods(server, client, ns);
    await removeRaw();
  }
  const delta = k2d.map((v, i) => v - raw[i]);
  const beyondCli = k2d.map((v, i) => v - raw[i] - cli[i]);
  rows.push({ name: '1. one pod: kubectl apply → Ready (watch)', k2d: stats(k2d), raw: stats(raw), ratio: stats(delta), unit: 'ms (ratio col: k2d − raw)', goal: '≤ raw + 150 ms', met: stats(delta).median <= 150 });
  rows.push({ name: '   same, minus kubectl`s own round trip', k2d: stats(cli), ratio: stats(beyondCli), unit: 'ms (k2d col: kubectl get)', goal: 'informative', met: true });
}

async function burstPods(server: RunningServer, client: Api, ns: string) {
  const k2d: number[] = [];
  const raw: number[] = [];
  const net = await rawNetwork('k2d-bench-raw');
  const reps = Math.max(1, Math.floor(REPS / 2));
  for (let i = 0; i < reps; i++) {
    const names = Array.from({ length: MANY }, (_, j) => `burst-${i}-${j}`);
    k2d.push(await applyUntilReady(server, client, ns, names));
    await deleteAllPods(server, client, ns);
    raw.push(await rawCreateStart(net, names.map((n) => `k2d-bench-raw-${n}`), 8));
    await removeRaw();
  }
  const ratio = k2d.map((v, i) => v / raw[i]);
  rows.push({ name: `2. ${MANY} pods in one kubectl apply → all Ready`, k2d: stats(k2d), raw: stats(raw), ratio: stats(ratio), unit: 'ms, ratio', goal: '≤ 1.2×', met: stats(ratio).median <= 1.2 });
}

function deploymentYaml(ns: string, name: string, replicas: number) {
  return `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n      - name: c\n        image: ${IMAGE}\n        command: [sleep, "3600"]\n`;
}

/** Resolves when a watch on Deployments has seen `done(deployments)` hold. */
async function watchDeployments(client: Api, ns: string, done: (byName: Map<string, any>) => boolean): Promise<{ reached: Promise<void>; stop: () => void }> {
  const byName = new Map<string, any>();
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  const stop = await client.watch(`/apis/apps/v1/namespaces/${ns}/deployments?watch=1`, (e) => {
    byName.set(e.object.metadata.name, e.object);
    if (done(byName)) resolve();
  });
  return { reached, stop };
}

const availableAt = (d: any, n: number) => d && d.status?.availableReplicas === n && d.status?.updatedReplicas === n && d.status?.replicas === n;

async function burstDeployments(server: RunningServer, client: Api, ns: string) {
  const k2d: number[] = [];
  const raw: number[] = [];
  const net = await rawNetwork('k2d-bench-raw');
  for (let rep = 0; rep < Math.max(1, Math.floor(REPS / 2)); rep++) {
    const names = Array.from({ length: 20 }, (_, i) => `burst-${rep}-${i}`);
    const w = await watchDeployments(client, ns, (m) => names.every((n) => availableAt(m.get(n), 1)));
    const file = join(server.dataPath, `deploys-${rep}.yaml`);
    await writeFile(file, names.map((n) => deploymentYaml(ns, n, 1)).join(''));
    const t0 = performance.now();
    const res = await kubectl(server, ['apply', '-f', file]);
    if (res.code !== 0) throw new Error(res.stderr);
    await w.reached;
    k2d.push(performance.now() - t0);
    w.stop();
    await kubectl(server, ['delete', 'deployments', '--all', '-n', ns, '--wait=true']);
    await deleteAllPods(server, client, ns);
    raw.push(await rawCreateStart(net, names.map((n) => `k2d-bench-raw-${n}`), 8));
    await removeRaw();
  }
  const ratio = k2d.map((v, i) => v / raw[i]);
  rows.push({ name: '2. 20 Deployments in one kubectl apply → all Available', k2d: stats(k2d), raw: stats(raw), ratio: stats(ratio), unit: 'ms, ratio', goal: '≤ 1.2×', met: stats(ratio).median <= 1.2 });
}

async function scaleDeployment(server: RunningServer, client: Api, ns: string) {
  const k2d: number[] = [];
  const raw: number[] = [];
  const net = await rawNetwork('k2d-bench-raw');
  const file = join(server.dataPath, 'scale.yaml');
  await writeFile(file, deploymentYaml(ns, 'scaled', 1));
  await kubectl(server, ['apply', '-f', file]);
  await kubectl(server, ['rollout', 'status', 'deploy/scaled', '-n', ns, '--timeout=120s']);
  for (let rep = 0; rep < Math.max(1, Math.floor(REPS / 2)); rep++) {
    const t0 = performance.now();
    for (const n of [10, 1]) {
      const w = await watchDeployments(client, ns, (m) => availableAt(m.get('scaled'), n));
      const res = await kubectl(server, ['scale', 'deploy/scaled', '-n', ns, `--replicas=${n}`]);
      if (res.code !== 0) throw new Error(res.stderr);
      await w.reached;
      w.stop();
    }
    // Done when Docker agrees: one container left, as the raw side ends with its nine removed.
    for (;;) {
      const left = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, 'workload.k2d.io/type=pod', `resource.k2d.io/namespace-name=${ns}`] } });
      if (left.filter((c) => c.Names.some((n) => n.startsWith(`/${ns}-scaled-`))).length === 1) break;
      await sleep(20);
    }
    k2d.push(performance.now() - t0);
    // Raw: start nine more containers, then stop and remove them, as the scale does.
    const names = Array.from({ length: 9 }, (_, i) => `k2d-bench-raw-scale-${rep}-${i}`);
    const r0 = performance.now();
    await rawCreateStart(net, names, 8);
    // The same grace period the pods have (1 s): `sleep` ignores SIGTERM, as in the pods.
    await removeRaw(1);
    raw.push(performance.now() - r0);
  }
  await kubectl(server, ['delete', 'deploy', 'scaled', '-n', ns, '--wait=true']);
  await deleteAllPods(server, client, ns);
  const ratio = k2d.map((v, i) => v / raw[i]);
  rows.push({ name: '3. one Deployment scaled 1 → 10 → 1', k2d: stats(k2d), raw: stats(raw), ratio: stats(ratio), unit: 'ms, ratio', goal: '≤ 1.2×', met: stats(ratio).median <= 1.2 });
}

async function readPath(server: RunningServer, client: Api, ns: string) {
  // Pods made through the API, so the list is what a cluster with that many pods would return.
  const names = Array.from({ length: LISTED }, (_, j) => `listed-${j}`);
  for (let i = 0; i < names.length; i += 100) await applyUntilReady(server, client, ns, names.slice(i, i + 100));
  const rssLoaded = await rssMB(server.child.pid!);
  for (const [label, headers] of [
    ['JSON', { accept: 'application/json' }],
    ['Table', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }],
  ] as const) {
    await client.get('/api/v1/pods', headers);
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push((await client.get('/api/v1/pods', headers)).ms);
    const s = stats(times);
    rows.push({ name: `4. GET /api/v1/pods (${label}), ${LISTED} pods`, k2d: s, unit: `ms (p99 ${s.p99!.toFixed(1)})`, goal: 'p50 ≤ 25 ms', met: s.median <= 25 });
  }

  // Watch fan-out: time from a change to the last of 50 watchers seeing it.
  const fan: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    let seen = 0;
    let t0 = 0;
    let resolveAll!: (ms: number) => void;
    const all = new Promise<number>((r) => (resolveAll = r));
    const marker = `m${rep}`;
    const stops = await Promise.all(
      Array.from({ length: WATCHERS }, () =>
        client.watch(`/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=0&fieldSelector=metadata.name=listed-0`, (e) => {
          if (e.object?.metadata?.labels?.mark === marker && ++seen === WATCHERS) resolveAll(performance.now() - t0);
        }),
      ),
    );
    await sleep(200);
    t0 = performance.now();
    await client.send('PATCH', `/api/v1/namespaces/${ns}/pods/listed-0`, { metadata: { labels: { mark: marker } } }, 'application/merge-patch+json');
    fan.push(await all);
    for (const stop of stops) stop();
  }
  rows.push({ name: `4. watch fan-out: change → last of ${WATCHERS} watchers`, k2d: stats(fan), unit: 'ms', goal: 'informative', met: true });
  return rssLoaded;
}

async function footprint(idle: number, loaded: number, coldStarts: number[]) {
  rows.push({ name: '5. RSS idle after start', k2d: stats([idle]), unit: 'MB', goal: '≤ 60 MB', met: idle <= 60 });
  rows.push({ name: `5. RSS with ${LISTED} pods`, k2d: stats([loaded]), unit: 'MB', goal: 'informative', met: true });
  rows.push({ name: '5. cold start → 200 /healthz', k2d: stats(coldStarts), unit: 'ms', goal: '≤ 400 ms', met: stats(coldStarts).median <= 400 });
}

/** Spawn-to-first-200 of a server on an existing data dir (certificates made), so only start-up is timed. */
async function coldStart(server: RunningServer): Promise<number[]> {
  const times: number[] = [];
  const opts = { dataPath: `${server.dataPath}-cold`, instance: `${server.instance}-cold`, pollMs: 5 };
  // The first start makes the certificates; the timed ones find them, as every later start does.
  await (await startServer(opts)).stop();
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const s = await startServer(opts);
    times.push(performance.now() - t0);
    await s.stop();
  }
  await cleanup(await startServer(opts));
  return times;
}

async function throughput(server: RunningServer, ns: string) {
  const client = await api(server, 50);
  const path = `/api/v1/namespaces/${ns}/configmaps/x`;
  const created = await client.send('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } });
  if (created.status !== 201) {
    rows.push({ name: '6. throughput GET configmaps/x', unit: '', goal: 'ConfigMaps not served by this build', met: false });
    client.close();
    return;
  }
  const latencies: number[] = [];
  const end = performance.now() + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (performance.now() < end) {
        const r = await client.get(path);
        if (r.status === 200) latencies.push(r.ms);
      }
    }),
  );
  const s = stats(latencies);
  const rps = latencies.length / (THROUGHPUT_MS / 1000);
  rows.push({ name: '6. GET configmaps/x, 50 connections', k2d: s, unit: `ms; ${rps.toFixed(0)} req/s, p99 ${s.p99!.toFixed(1)} ms`, goal: 'informative', met: true });
  client.close();
}

/**
 * 30 clients, each patching its own ConfigMap as fast as it is answered: writes to different objects
 * should not wait for each other's disk writes. Reads of another ConfigMap run alongside.
 */
async function writeThroughput(server: RunningServer, ns: string) {
  const CLIENTS = 30;
  const client = await api(server, CLIENTS + 2);
  for (let i = 0; i < CLIENTS; i++) await client.send('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w${i}` }, data: { n: '0' } });
  const one: number[] = [];
  for (let n = 0; n < 20; n++) {
    const t0 = performance.now();
    await client.send('PATCH', `/api/v1/namespaces/${ns}/configmaps/w0`, { data: { n: String(n) } }, 'application/merge-patch+json');
    one.push(performance.now() - t0);
  }
  const writes: number[] = [];
  const reads: number[] = [];
  let failed = 0;
  const end = performance.now() + THROUGHPUT_MS;
  await Promise.all([
    ...Array.from({ length: CLIENTS }, async (_, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const t0 = performance.now();
        const r = await client.send('PATCH', `/api/v1/namespaces/${ns}/configmaps/w${i}`, { data: { n: String(n) } }, 'application/merge-patch+json');
        if (r.status === 200) writes.push(performance.now() - t0);
        else failed++;
      }
    }),
    (async () => {
      while (performance.now() < end) {
        const r = await client.get(`/api/v1/namespaces/${ns}/configmaps/w0`);
        if (r.status === 200) reads.push(r.ms);
      }
    })(),
  ]);
  const w = stats(writes);
  const r = stats(reads);
  const single = stats(one);
  rows.push({ name: `7. PATCH own ConfigMap, ${CLIENTS} clients`, k2d: w, unit: `ms; p99 ${w.p99!.toFixed(1)} ms, ${(writes.length / (THROUGHPUT_MS / 1000)).toFixed(0)} writes/s, ${failed} failed; alone p50 ${single.median.toFixed(1)} ms`, goal: 'p50 ≤ 5× alone', met: failed === 0 && w.median <= 5 * single.median });
  rows.push({ name: `7. GET ConfigMap during those writes`, k2d: r, unit: `ms; p99 ${r.p99!.toFixed(1)} ms`, goal: 'informative', met: true });
  client.close();
}

async function main() {
  try {
    await docker.ping();
  } catch {
    console.error('bench: no Docker engine answers on /var/run/docker.sock (or DOCKER_HOST); start dockerd first (`npm test` sets it up).');
    process.exit(1);
  }
  if (!(await docker.listImages({ filters: { reference: [IMAGE] } })).length) {
    console.error(`bench: image ${IMAGE} is missing; run \`bash test/setup/docker.sh\` to build it.`);
    process.exit(1);
  }
  const server = await startServer({ env: { K2D_LOG_LEVEL: 'error' } });
  const ns = 'bench';
  try {
    await sleep(1000);
    const idle = await rssMB(server.child.pid!);
    const client = await api(server);
    await kubectl(server, ['create', 'namespace', ns]);
    if (writesOnly) {
      rows.push({ name: '5. RSS idle after start', k2d: stats([idle]), unit: 'MB', goal: '≤ 60 MB', met: idle <= 60 });
      await writeThroughput(server, ns);
      await throughput(server, ns);
    } else {
      await singlePod(server, client, ns);
      await burstPods(server, client, ns);
      await burstDeployments(server, client, ns);
      await scaleDeployment(server, client, ns);
      const loaded = await readPath(server, client, ns);
      await footprint(idle, loaded, await coldStart(server));
      await throughput(server, ns);
      await writeThroughput(server, ns);
    }
    client.close();
  } finally {
    await cleanup(server);
    await removeRaw();
    for (const n of await docker.listNetworks({ filters: { label: [`${BENCH_LABEL}=raw`] } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }

  const header = ['benchmark', 'k2d-ts min/median/max', 'raw dockerode', 'ratio', 'unit', 'goal', ''];
  const lines = rows.map((r) => [r.name, fmt(r.k2d, 1), fmt(r.raw, 1), fmt(r.ratio, 2), r.unit, r.goal, r.met ? 'ok' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padEnd(widths[i])).join('  '));
  const dir = join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(out, JSON.stringify({ quick, date: new Date().toISOString(), rows }, null, 2));
  console.log(`\nwritten to ${out}`);
}

await main();
