import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { suite } from 'uvu';
import WebSocket from 'ws';
import * as assert from 'uvu/assert';
import { applyYaml, cleanup, docker, freePort, kubectl, KUBECTLS, run, startServer, until, type RunningServer } from '../helpers/server';

// kubectl exec, attach (run -it), cp and port-forward against real Docker, with every kubectl we have:
// 1.31+ speak websockets (v5.channel.k8s.io, SPDY tunnelled for port-forward), 1.27 speaks SPDY/3.1.
const t = suite<{ server: RunningServer }>('interactive');
const IMAGE = 'k2d-test/busybox:1';
const OLD = KUBECTLS.find((k) => k.name === '1.27');

t.before(async (ctx) => {
  ctx.server = await startServer();
  await applyYaml(
    ctx.server,
    'interactive',
    `apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - {name: main, image: ${IMAGE}, command: [sleep, "3600"]}
  - {name: side, image: ${IMAGE}, command: [sleep, "3602"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: ${IMAGE}
        command: [sh, -c, "mkdir -p /www && echo served-by-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
  );
  const box = await kubectl(ctx.server, ['wait', '--for=condition=Ready', 'pod/box', '--timeout=60s']);
  if (box.code !== 0) throw new Error(box.stderr);
  const rollout = await kubectl(ctx.server, ['rollout', 'status', 'deploy/web', '--timeout=60s']);
  if (rollout.code !== 0) throw new Error(rollout.stderr);
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

const env = (server: RunningServer) => ({ ...process.env, KUBECONFIG: server.kubeconfig });

/** Runs `command` under `script` (a pseudo-terminal), writing each input after its delay. */
function inTerminal(server: RunningServer, command: string, inputs: Array<[number, string]> = []): Promise<{ code: number | null; output: string }> {
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: env(server), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let at = 0;
  for (const [delay, text] of inputs) {
    at += delay;
    setTimeout(() => child.stdin.write(text), at);
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

const processes = async (container: string) => ((await docker.getContainer(container).top()) as { Processes: string[][] }).Processes.map((p) => p.join(' '));

for (const k of KUBECTLS) {
  t(`kubectl ${k.name} exec: stdout and stderr apart, the exit code, stdin piped in, -c, and the apiserver's errors`, async ({ server }) => {
    const res = await kubectl(server, ['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], k.bin);
    assert.is(res.code, 3, res.stderr);
    assert.is(res.stdout, 'out\n');
    assert.match(res.stderr, /^err\n/);
    const piped = await kubectl(server, ['exec', '-i', 'box', '-c', 'side', '--', 'sh', '-c', 'cat; echo " read by $(hostname)"'], k.bin, 'piped-in');
    assert.is(piped.code, 0, piped.stderr);
    assert.is(piped.stdout, 'piped-in read by box\n');
    const wrong = await kubectl(server, ['exec', 'box', '-c', 'nope', '--', 'true'], k.bin);
    assert.is.not(wrong.code, 0);
    assert.match(wrong.stderr, /container nope is not valid for pod box/);
    const ghost = await kubectl(server, ['exec', 'ghost', '--', 'true'], k.bin);
    assert.match(ghost.stderr, /pods "ghost" not found/);
  });
}

t('a websocket client of its own: no token is a 401 before any upgrade; v4.base64 carries stdin, stdout and the exit Status', async ({ server }) => {
  const url = `wss://127.0.0.1:${server.port}/api/v1/namespaces/default/pods/box/exec?container=main&stdin=true&stdout=true&stderr=true&command=sh&command=-c&command=${encodeURIComponent('read x; echo got-$x; exit 2')}`;
  const refused = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, ['v4.base64.channel.k8s.io'], { rejectUnauthorized: false });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.on('open', () => reject(new Error('upgraded without a token')));
    ws.on('error', () => undefined);
  });
  assert.is(refused, 401);
  const messages: string[] = [];
  const closed = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, ['v4.base64.channel.k8s.io'], { rejectUnauthorized: false, headers: { authorization: `Bearer ${server.token}` } });
    ws.on('open', () => {
      assert.is(ws.protocol, 'v4.base64.channel.k8s.io');
      ws.send(`0${Buffer.from('hi\n').toString('base64')}`);
    });
    ws.on('message', (data) => messages.push(String(data)));
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
  assert.is(closed, 1000);
  const decoded = messages.map((m) => [m[0], Buffer.from(m.slice(1), 'base64').toString()]);
  assert.ok(decoded.some(([ch, text]) => ch === '1' && text === 'got-hi\n'), JSON.stringify(decoded));
  const status = JSON.parse(decoded.find(([ch]) => ch === '3')![1]);
  assert.equal(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
});

t('exec -it in a terminal: a TTY, resized to the terminal, and the exit code', async ({ server }) => {
  const tty = await inTerminal(server, "kubectl exec -it box -c main -- sh -c 'tty; exit 5'");
  assert.is(tty.code, 5, tty.output);
  assert.match(tty.output, /\/dev\/pts\/\d+/);
  const shell = await inTerminal(server, 'stty cols 91 rows 33; kubectl exec -it box -c main -- sh', [
    [1500, 'stty size\r'],
    [800, 'echo "sum=$((40+2))"\r'],
    [800, 'exit 4\r'],
  ]);
  assert.is(shell.code, 4, shell.output);
  assert.match(shell.output, /33 91/);
  assert.match(shell.output, /sum=42/);
  if (OLD) {
    const old = await inTerminal(server, `stty cols 77 rows 22; ${OLD.bin} exec -it box -c main -- sh`, [
      [1500, 'stty size\r'],
      [800, 'exit 6\r'],
    ]);
    assert.is(old.code, 6, old.output);
    assert.match(old.output, /22 77/);
  }
});

t('a client that goes away ends its command: no exec process is left in the container', async ({ server }) => {
  for (const k of [KUBECTLS[0], ...(OLD ? [OLD] : [])]) {
    const child: ChildProcess = spawn(k.bin, ['exec', 'box', '-c', 'main', '--', 'sleep', '313'], { env: env(server), stdio: 'ignore' });
    await until('the exec to run', async () => (await processes(`${server.instance}_default-box`)).some((p) => p.includes('sleep 313')));
    child.kill('SIGKILL');
    await until('the exec to be gone', async () => !(await processes(`${server.instance}_default-box`)).some((p) => p.includes('sleep 313')), 10_000);
  }
});

t('a server stopped under an open exec kills the command first: kubectl ends with 137 and nothing is left running', async () => {
  const own = await startServer();
  try {
    await applyYaml(own, 'stopper', `apiVersion: v1\nkind: Pod\nmetadata: {name: stopper}\nspec:\n  containers: [{name: main, image: ${IMAGE}, command: [sleep, "3600"]}]\n`);
    const ready = await kubectl(own, ['wait', '--for=condition=Ready', 'pod/stopper', '--timeout=60s']);
    assert.is(ready.code, 0, ready.stderr);
    const exec = run(KUBECTLS[0].bin, ['exec', 'stopper', '--', 'sleep', '316'], { KUBECONFIG: own.kubeconfig });
    await until('the exec to run', async () => (await processes(`${own.instance}_default-stopper`)).some((p) => p.includes('sleep 316')));
    assert.is(await own.stop(), 0);
    const res = await exec;
    assert.is(res.code, 137, res.stderr);
    assert.not.ok((await processes(`${own.instance}_default-stopper`)).some((p) => p.includes('sleep 316')));
  } finally {
    await cleanup(own);
  }
});

t('kubectl cp of 5 MB into a pod and back, with the same checksum (1.32 and 1.27)', async ({ server }) => {
  const data = randomBytes(5 * 1024 * 1024);
  const sum = createHash('sha256').update(data).digest('hex');
  const local = join(server.dataPath, 'big.bin');
  await writeFile(local, data);
  for (const k of [KUBECTLS[0], ...(OLD ? [OLD] : [])]) {
    const into = await kubectl(server, ['cp', local, `box:/tmp/big-${k.name}.bin`, '-c', 'main'], k.bin);
    assert.is(into.code, 0, into.stderr);
    const inside = await kubectl(server, ['exec', 'box', '-c', 'main', '--', 'sha256sum', `/tmp/big-${k.name}.bin`]);
    assert.is(inside.stdout.split(' ')[0], sum);
    const back = join(server.dataPath, `back-${k.name}.bin`);
    const out = await kubectl(server, ['cp', `box:/tmp/big-${k.name}.bin`, back, '-c', 'main'], k.bin);
    assert.is(out.code, 0, out.stderr);
    assert.is(createHash('sha256').update(await readFile(back)).digest('hex'), sum);
  }
});

const podContainers = async (server: RunningServer, name: string) =>
  docker.listContainers({ all: true, filters: { label: [`app.k2d.io/instance=${server.instance}`, `pod.k2d.io/name=${name}`] } });

t('kubectl run -i / -it --rm attaches to the container, passes stdin and the exit code, and leaves nothing', async ({ server }) => {
  const piped = await run(KUBECTLS[0].bin, ['run', '-i', '--rm', '--restart=Never', 'attach-i', `--image=${IMAGE}`, '--', 'sh', '-c', 'read line; echo "got:$line"'], { KUBECONFIG: server.kubeconfig }, 'over-stdin\n');
  assert.is(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /got:over-stdin/);
  const hi = await inTerminal(server, `kubectl run -it --rm --restart=Never attach-hi --image=${IMAGE} -- sh -c 'echo hi'`);
  assert.is(hi.code, 0, hi.output);
  assert.match(hi.output, /\bhi\b/);
  const shell = await inTerminal(server, `kubectl run -it --rm --restart=Never attach-sh --image=${IMAGE} -- sh`, [
    [3000, 'echo "attached-$((6*7))"\r'],
    [800, 'exit 3\r'],
  ]);
  assert.is(shell.code, 3, shell.output);
  assert.match(shell.output, /attached-42/);
  for (const name of ['attach-i', 'attach-hi', 'attach-sh']) {
    await until(`pod ${name} to be gone`, async () => (await kubectl(server, ['get', 'pod', name])).code !== 0 && !(await podContainers(server, name)).length);
  }
});

for (const k of [KUBECTLS[0], ...(OLD ? [OLD] : [])]) {
  t(`kubectl ${k.name} debug -it --target: an ephemeral container in the pod that sees the target's processes, never restarted`, async ({ server }) => {
    const name = `dbg-${k.name.replace('.', '')}`;
    const session = await inTerminal(server, `${k.bin} debug -it pod/box --image=k2d-test/busybox:2 --target=main --container=${name} -- sh`, [
      [4000, 'ps\r'],
      [800, 'wget -qO- http://web:80/ || echo no-service\r'],
      [800, 'exit\r'],
    ]);
    assert.is(session.code, 0, session.output);
    assert.match(session.output, /\bsleep 3600\b/);
    assert.not.match(session.output, /sleep 3602/);
    assert.match(session.output, /served-by-web/);
    const pod = JSON.parse((await kubectl(server, ['get', 'pod', 'box', '-o', 'json'])).stdout);
    const status = pod.status.ephemeralContainerStatuses.find((s: { name: string }) => s.name === name);
    assert.ok(pod.spec.ephemeralContainers.some((c: { name: string; targetContainerName: string }) => c.name === name && c.targetContainerName === 'main'));
    await until('the debugger to have ended', async () => {
      const now = JSON.parse((await kubectl(server, ['get', 'pod', 'box', '-o', 'json'])).stdout);
      return now.status.ephemeralContainerStatuses.find((s: { name: string }) => s.name === name)?.state?.terminated;
    });
    assert.is(status.restartCount, 0);
  });
}

function fetchText(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = httpGet({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
  });
}

async function portForward(server: RunningServer, bin: string, target: string, remote: number) {
  const port = await freePort();
  const child = spawn(bin, ['port-forward', target, `${port}:${remote}`], { env: env(server), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until(`port-forward ${target} to listen`, async () => output.includes('Forwarding from 127.0.0.1'));
  return { port, output: () => output, exited, stop: () => child.kill('SIGINT') };
}

const relays = async (server: RunningServer) => {
  const res = await run('pgrep', ['-P', String(server.child.pid), 'nsenter']);
  return res.stdout.trim().split('\n').filter(Boolean).length;
};

for (const k of [KUBECTLS[0], ...(OLD ? [OLD] : [])]) {
  t(`kubectl ${k.name} port-forward to a pod, a Deployment and a Service: 100 sequential and 10 parallel requests, then a clean close`, async ({ server }) => {
    const pod = JSON.parse((await kubectl(server, ['get', 'pods', '-l', 'app=web', '-o', 'json'])).stdout).items[0].metadata.name;
    for (const [target, remote] of [[`pod/${pod}`, 8080], ['deploy/web', 8080], ['svc/web', 80]] as const) {
      const pf = await portForward(server, k.bin, target, remote);
      const count = target === 'svc/web' || k === KUBECTLS[0] ? 100 : 20;
      for (let i = 0; i < count; i++) assert.is(await fetchText(pf.port), 'served-by-web\n', `${target} request ${i}`);
      const parallel = await Promise.all(Array.from({ length: 10 }, () => fetchText(pf.port)));
      assert.equal(parallel, Array(10).fill('served-by-web\n'), target);
      pf.stop();
      assert.is(await pf.exited, 0, pf.output());
      assert.not.match(pf.output(), /error/i, target);
    }
    await until('every relay into the pod to have ended', async () => (await relays(server)) === 0, 10_000);
  });
}

t('port-forward to a closed port: the connection fails, kubectl reports the kubelet-style error and exits', async ({ server }) => {
  for (const k of [KUBECTLS[0], ...(OLD ? [OLD] : [])]) {
    const pf = await portForward(server, k.bin, 'pod/box', 81);
    await fetchText(pf.port).then(
      (body) => assert.unreachable(`a closed port answered: ${body}`),
      () => undefined,
    );
    const code = await Promise.race([pf.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 5000))]);
    if (code === 'running') pf.stop();
    assert.match(pf.output(), /error forwarding port 81 to pod [0-9a-f]+, uid : failed to connect to localhost:81 inside the pod's network namespace, IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused/, k.name);
  }
});

t.run();
