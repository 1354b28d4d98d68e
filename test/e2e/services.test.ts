import { writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, dockerName, kubectl, run, startServer, until, type RunningServer } from '../helpers/server';

// Services as pods use them: names, port remapping over every ready replica, NodePort on the host,
// Endpoints, headless names — with busybox httpd on 8080 answering its own pod name.
const t = suite<{ server: RunningServer }>('services');
const IMAGE = 'k2d-test/busybox:1';
const NS = 'svc-e2e';
const OTHER = 'svc-e2e-other';

let instance = '';

t.before(async (ctx) => {
  ctx.server = await startServer();
  instance = ctx.server.instance;
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const apply = (server: RunningServer, name: string, yaml: string) => applyYaml(server, name, yaml);

const webDeployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: httpd
        image: ${IMAGE}
        command: [sh, -c, "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
`;

const client = (ns: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${ns}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: c, image: ${IMAGE}, command: [sleep, "3600"]}
`;

/** `wget` from the client pod (busybox's `-T` is broken in this build, so no timeout flag). */
async function fetchFrom(ns: string, url: string): Promise<{ code: number; body: string }> {
  const res = await run('docker', ['exec', dockerName(instance, `${ns}-client`), 'wget', '-qO-', url]);
  return { code: res.code, body: res.stdout.trim() };
}

function hostGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.trim()));
    }).on('error', reject);
  });
}

t('a Service port 80 → targetPort http reaches all three ready pods by name, and the qualified name from another namespace', async ({ server }) => {
  assert.is((await kubectl(server, ['create', 'namespace', NS])).code, 0);
  assert.is((await kubectl(server, ['create', 'namespace', OTHER])).code, 0);
  await apply(server, 'web', webDeployment + client(NS));
  await apply(server, 'client-other', client(OTHER));
  await apply(server, 'svc', `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${NS}}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n`);
  const wait = await kubectl(server, ['rollout', 'status', 'deploy/web', '-n', NS, '--timeout=60s']);
  assert.is(wait.code, 0, wait.stderr);
  const names = JSON.parse((await kubectl(server, ['get', 'pods', '-l', 'app=web', '-n', NS, '-o', 'json'])).stdout).items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
  assert.is(names.length, 3);

  const seen = await until('answers from all three pods', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await fetchFrom(NS, 'http://web/');
      if (r.code === 0) names.add(r.body);
    }
    return names.size === 3 ? names : undefined;
  }, 30_000);
  assert.equal([...seen].sort(), names);

  for (const name of ['web', `web.${NS}`, `web.${NS}.svc`, `web.${NS}.svc.cluster.local`]) {
    assert.ok(names.includes((await fetchFrom(NS, `http://${name}/`)).body), name);
  }
  const fromOther = await until('the qualified name from another namespace', async () => {
    const r = await fetchFrom(OTHER, `http://web.${NS}.svc.cluster.local/`);
    return r.code === 0 ? r.body : undefined;
  });
  assert.ok(names.includes(fromOther), fromOther);
  // The short name belongs to the Service's own namespace only.
  assert.is.not((await fetchFrom(OTHER, 'http://web/')).code, 0);

  const ep = JSON.parse((await kubectl(server, ['get', 'endpoints', 'web', '-n', NS, '-o', 'json'])).stdout);
  const podIPs = JSON.parse((await kubectl(server, ['get', 'pods', '-l', 'app=web', '-n', NS, '-o', 'json'])).stdout).items.map((p: { status: { podIP: string } }) => p.status.podIP).sort();
  assert.equal(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip).sort(), podIPs);
  assert.equal(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const table = await kubectl(server, ['get', 'endpoints', 'web', '-n', NS]);
  assert.match(table.stdout, /ENDPOINTS/);
  assert.match(table.stdout, new RegExp(podIPs[0].replace(/\./g, '\\.')));
});

t('kubectl scale deploy/web --replicas=1 fails no request, and then every answer comes from the one pod left', async ({ server }) => {
  let failed = 0;
  let done = false;
  const load = (async () => {
    let n = 0;
    while (!done) {
      if ((await fetchFrom(NS, 'http://web/')).code !== 0) failed++;
      n++;
    }
    return n;
  })();
  await new Promise((r) => setTimeout(r, 500));
  assert.is((await kubectl(server, ['scale', 'deploy/web', '-n', NS, '--replicas=1'])).code, 0);
  await new Promise((r) => setTimeout(r, 3000));
  done = true;
  const requests = await load;
  assert.ok(requests > 5, `only ${requests} requests were made`);
  assert.is(failed, 0, `${failed} of ${requests} requests failed`);
  const left = JSON.parse((await kubectl(server, ['get', 'pods', '-l', 'app=web', '-n', NS, '-o', 'json'])).stdout).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
  assert.is(left.length, 1);
  for (let i = 0; i < 6; i++) assert.is((await fetchFrom(NS, 'http://web/')).body, left[0].metadata.name);
  const ep = JSON.parse((await kubectl(server, ['get', 'endpoints', 'web', '-n', NS, '-o', 'json'])).stdout);
  assert.equal(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip), [left[0].status.podIP]);
});

t('NodePort answers on 127.0.0.1:<nodePort>; LoadBalancer reports the host as ingress', async ({ server }) => {
  await apply(server, 'np', `apiVersion: v1\nkind: Service\nmetadata: {name: web-np, namespace: ${NS}}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n`);
  const svc = JSON.parse((await kubectl(server, ['get', 'svc', 'web-np', '-n', NS, '-o', 'json'])).stdout);
  const nodePort = svc.spec.ports[0].nodePort;
  assert.ok(nodePort >= 30000 && nodePort <= 32767);
  const body = await until('the node port to answer', () => hostGet(nodePort).catch(() => undefined));
  assert.match(body, /^web-/);
  const list = await kubectl(server, ['get', 'svc', '-n', NS]);
  assert.match(list.stdout, new RegExp(`web-np\\s+NodePort\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80:${nodePort}/TCP`));

  // A node port that is taken is refused, and nothing is made.
  const file = join(server.dataPath, 'clash.yaml');
  await writeFile(file, `apiVersion: v1\nkind: Service\nmetadata: {name: clash, namespace: ${NS}}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: ${nodePort}}]\n`);
  const clash = await kubectl(server, ['apply', '-f', file]);
  assert.is(clash.code, 1);
  assert.match(clash.stderr, `provided port is already allocated`);
  assert.is((await kubectl(server, ['get', 'svc', 'clash', '-n', NS])).code, 1);

  await apply(server, 'lb', `apiVersion: v1\nkind: Service\nmetadata: {name: web-lb, namespace: ${NS}}\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 18080, targetPort: 8080}]\n`);
  const ingress = await until('a LoadBalancer ingress', async () => {
    const lb = JSON.parse((await kubectl(server, ['get', 'svc', 'web-lb', '-n', NS, '-o', 'json'])).stdout);
    return lb.status?.loadBalancer?.ingress?.[0]?.ip;
  });
  assert.is(ingress, '127.0.0.1');
  assert.match(await until('port 18080 on the host', () => hostGet(18080).catch(() => undefined)), /^web-/);
});

t('a headless Service resolves to the pod addresses; deleting Services removes their proxies', async ({ server }) => {
  await apply(server, 'headless', `apiVersion: v1\nkind: Service\nmetadata: {name: direct, namespace: ${NS}}\nspec:\n  clusterIP: None\n  selector: {app: web}\n  ports: [{port: 8080}]\n`);
  const body = await until('the headless name', async () => {
    const r = await fetchFrom(NS, 'http://direct:8080/');
    return r.code === 0 ? r.body : undefined;
  });
  assert.match(body, /^web-/);
  for (const name of ['web', 'web-np', 'web-lb', 'direct']) {
    const deleted = await kubectl(server, ['delete', 'svc', name, '-n', NS]);
    assert.is(deleted.code, 0, deleted.stderr);
  }
  await until('no proxy left', async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, 'workload.k2d.io/type=service'] } });
    return left.length === 0 || undefined;
  }, 10_000);
  const gone = await kubectl(server, ['delete', 'namespace', NS, OTHER]);
  assert.is(gone.code, 0, gone.stderr);
});

t.run();
