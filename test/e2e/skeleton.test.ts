import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, dockerName, httpsGet, KUBECTLS, kubectl, networkExists, startServer, until, type RunningServer } from '../helpers/server';

const t = suite<{ server: RunningServer }>('skeleton');
const id = Math.random().toString(36).slice(2, 7);

t.before(async (ctx) => {
  ctx.server = await startServer();
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

t('without a token every route, /healthz included, is a 401 Status', async ({ server }) => {
  for (const path of ['/healthz', '/api/v1/namespaces', '/k2d/kubeconfig']) {
    const res = await httpsGet(server.port, path);
    assert.is(res.status, 401, path);
    assert.equal(JSON.parse(res.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
});

t('/k2d/kubeconfig is the kubeconfig written to the data dir, with the CA and no insecure skip', async ({ server }) => {
  const res = await httpsGet(server.port, '/k2d/kubeconfig', server.token);
  assert.is(res.status, 200);
  assert.is(res.body, await readFile(server.kubeconfig, 'utf8'));
  assert.match(res.body, 'certificate-authority-data:');
  assert.not.match(res.body, 'insecure-skip-tls-verify');
  assert.match(res.body, `server: https://127.0.0.1:${server.port}`);
});

for (const { name, bin } of KUBECTLS) {
  const ns = `e2e-${id}-${name.replace('.', '-')}`;

  t(`kubectl ${name}: version, api-resources, one Ready node, the standard namespaces`, async ({ server }) => {
    const version = await kubectl(server, ['version', '-o', 'json'], bin);
    assert.is(version.code, 0, version.stderr);
    assert.match(JSON.parse(version.stdout).serverVersion.gitVersion, /^v1\.\d+\.\d+\+k2d$/);
    const resources = await kubectl(server, ['api-resources', '--no-headers'], bin);
    assert.is(resources.code, 0, resources.stderr);
    assert.match(resources.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(resources.stdout, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    const nodes = await kubectl(server, ['get', 'nodes', '--no-headers'], bin);
    assert.is(nodes.code, 0, nodes.stderr);
    const rows = nodes.stdout.trim().split('\n');
    assert.is(rows.length, 1);
    assert.match(rows[0], /^\S+\s+Ready\s+control-plane\s+\S+\s+v1\.\d+\.\d+\+k2d$/);
    const nsList = await kubectl(server, ['get', 'ns'], bin);
    assert.match(nsList.stdout, /^NAME\s+STATUS\s+AGE$/m);
    for (const builtin of ['default', 'kube-system', 'kube-public']) assert.match(nsList.stdout, new RegExp(`^${builtin}\\s+Active\\s`, 'm'));
  });

  t(`kubectl ${name}: create ns makes the Docker network; -o yaml shows the server fields; delete removes it`, async ({ server }) => {
    const created = await kubectl(server, ['create', 'ns', ns], bin);
    assert.is(created.code, 0, created.stderr);
    assert.is(created.stdout.trim(), `namespace/${ns} created`);
    assert.ok(await networkExists(dockerName(server.instance, `k2d-${ns}`)), 'network exists right after create');
    const yaml = await kubectl(server, ['get', 'ns', ns, '-o', 'yaml'], bin);
    assert.match(yaml.stdout, /^ {2}uid: [0-9a-f-]{36}$/m);
    assert.match(yaml.stdout, /^ {2}resourceVersion: "\d+"$/m);
    assert.match(yaml.stdout, /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m);
    assert.match(yaml.stdout, /^ {2}phase: Active$/m);
    const dup = await kubectl(server, ['create', 'ns', ns], bin);
    assert.is(dup.code, 1);
    assert.match(dup.stderr, `Error from server (AlreadyExists): namespaces "${ns}" already exists`);
    const deleted = await kubectl(server, ['delete', 'ns', ns], bin);
    assert.is(deleted.code, 0, deleted.stderr);
    assert.is(deleted.stdout.trim(), `namespace "${ns}" deleted`);
    assert.not.ok(await networkExists(dockerName(server.instance, `k2d-${ns}`)), 'network gone once kubectl returns');
    const after = await kubectl(server, ['get', 'ns', ns], bin);
    assert.is(after.code, 1);
    assert.match(after.stderr, `namespaces "${ns}" not found`);
  });

  t(`kubectl ${name}: get ns -w prints the lines of a namespace created and deleted meanwhile`, async ({ server }) => {
    const watched = `${ns}-w`;
    const watcher = spawn(bin, ['get', 'ns', '-w'], { env: { ...process.env, KUBECONFIG: server.kubeconfig } });
    let out = '';
    watcher.stdout.on('data', (d) => (out += d));
    try {
      await until('the initial list', async () => out.includes('kube-system'));
      assert.is((await kubectl(server, ['create', 'ns', watched], bin)).code, 0);
      await until('the new namespace', async () => new RegExp(`^${watched}\\s+Active`, 'm').test(out));
      assert.is((await kubectl(server, ['delete', 'ns', watched], bin)).code, 0);
      await until('the Terminating line', async () => new RegExp(`^${watched}\\s+Terminating`, 'm').test(out));
      assert.match(out, /^NAME\s+STATUS\s+AGE$/m);
      assert.is(out.match(/^NAME\s/gm)!.length, 1, 'the header is printed once');
    } finally {
      watcher.kill();
    }
  });

  t(`kubectl ${name}: apply of a Namespace manifest twice creates, then is unchanged; a change is configured`, async ({ server }) => {
    const applied = `${ns}-apply`;
    const file = join(server.dataPath, `${applied}.yaml`);
    await writeFile(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${applied}\n  labels:\n    team: a\n`);
    const first = await kubectl(server, ['apply', '-f', file], bin);
    assert.is(first.code, 0, first.stderr);
    assert.is(first.stdout.trim(), `namespace/${applied} created`);
    const second = await kubectl(server, ['apply', '-f', file], bin);
    assert.is(second.stdout.trim(), `namespace/${applied} unchanged`);
    await writeFile(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${applied}\n  labels:\n    team: b\n`);
    const diff = await kubectl(server, ['diff', '-f', file], bin);
    assert.is(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^\+\s+team: b$/m);
    const third = await kubectl(server, ['apply', '-f', file], bin);
    assert.is(third.stdout.trim(), `namespace/${applied} configured`);
    const labels = await kubectl(server, ['get', 'ns', applied, '-o', 'jsonpath={.metadata.labels.team}'], bin);
    assert.is(labels.stdout, 'b');
    assert.is((await kubectl(server, ['delete', 'ns', applied], bin)).code, 0);
  });

  t(`kubectl ${name}: strict validation names an unknown field; a bad name is refused with the reason`, async ({ server }) => {
    const file = join(server.dataPath, `${ns}-bad.yaml`);
    await writeFile(file, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}-bad\nspec:\n  bogus: 1\n`);
    const strict = await kubectl(server, ['apply', '--validate=strict', '-f', file], bin);
    assert.is(strict.code, 1);
    assert.match(strict.stderr, 'unknown field "spec.bogus"');
    const bad = await kubectl(server, ['create', 'ns', 'Bad_Name'], bin);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, 'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label');
  });

  t(`kubectl ${name}: explain namespace.metadata answers from OpenAPI`, async ({ server }) => {
    const explain = await kubectl(server, ['explain', 'namespace.metadata'], bin);
    assert.is(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /KIND:\s+Namespace/);
    assert.match(explain.stdout, /labels\s+<map\[string\]string>/);
    assert.match(explain.stdout, /Map of string keys and values/);
  });
}

t('a restart keeps namespaces with their uid and resourceVersion, and the same certificate', async (ctx) => {
  const before = ctx.server;
  const keep = `e2e-${id}-keep`;
  assert.is((await kubectl(before, ['create', 'ns', keep])).code, 0);
  const read = async (s: RunningServer) => JSON.parse((await kubectl(s, ['get', 'ns', keep, '-o', 'json'])).stdout).metadata;
  const meta = await read(before);
  const cert = await readFile(join(before.dataPath, 'server.crt'), 'utf8');
  const kubeconfig = await readFile(before.kubeconfig, 'utf8');
  assert.is(await before.stop(), 0, 'SIGTERM exits 0');
  ctx.server = await startServer({ dataPath: before.dataPath, port: before.port, instance: before.instance });
  const again = await read(ctx.server);
  assert.equal([again.uid, again.resourceVersion, again.creationTimestamp], [meta.uid, meta.resourceVersion, meta.creationTimestamp]);
  assert.is(await readFile(join(before.dataPath, 'server.crt'), 'utf8'), cert);
  assert.is(await readFile(ctx.server.kubeconfig, 'utf8'), kubeconfig, 'the old kubeconfig still works');
  const created = await kubectl(ctx.server, ['create', 'ns', `${keep}-2`]);
  const rv = JSON.parse((await kubectl(ctx.server, ['get', 'ns', `${keep}-2`, '-o', 'json'])).stdout).metadata.resourceVersion;
  assert.is(created.code, 0);
  assert.ok(Number(rv) > Number(meta.resourceVersion), 'resourceVersions keep growing after a restart');
  assert.ok(await networkExists(dockerName(ctx.server.instance, `k2d-${keep}`)));
});

t('invalid configuration is one clear line and exit code 2', async () => {
  const { run } = await import('../helpers/server');
  const res = await run(process.execPath, [join(import.meta.dirname, '../../dist/bridge/main.js')], { K2D_PORT: 'seventy' });
  assert.is(res.code, 2);
  assert.is(res.stderr.trim().split('\n').length, 1);
  assert.match(res.stderr, /^k2d-ts: invalid configuration: K2D_PORT="seventy"/);
});

t.run();
