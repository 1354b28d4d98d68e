import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanup, KUBECTLS, kubectl, run as runBin, startServer, type RunningServer } from '../helpers/server';

// Write semantics through real kubectl: client-side apply (strategic merge), diff, server-side apply with
// conflicts, the three patch types, edit, explain, strict validation — with every kubectl we have.
const t = suite<{ server: RunningServer }>('write');
const IMAGE = 'k2d-test/busybox:1';

t.before(async (ctx) => {
  ctx.server = await startServer();
});

t.after(async (ctx) => {
  if (ctx.server) await cleanup(ctx.server);
});

async function file(server: RunningServer, name: string, text: string) {
  const path = join(server.dataPath, name);
  await writeFile(path, text);
  return path;
}

const pod = (ns: string, image: string, annotations: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ${ns}
  labels: {app: p}
  annotations: {${annotations}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: a
    image: ${image}
    command: [sleep, "3600"]
  - name: b
    image: ${IMAGE}
    command: [sleep, "3600"]
`;

for (const k of KUBECTLS) {
  const ns = `write-${k.name.replace('.', '')}`;
  const run = (server: RunningServer, args: string[], input?: string) => kubectl(server, args, k.bin, input);
  const get = async (server: RunningServer, args: string[]) => {
    const res = await run(server, ['get', ...args, '-o', 'json']);
    assert.is(res.code, 0, res.stderr);
    return JSON.parse(res.stdout);
  };

  t(`kubectl ${k.name}: apply three times with edits, diff exits 1 then 0`, async ({ server }) => {
    assert.is((await run(server, ['create', 'namespace', ns])).code, 0);
    const first = await file(server, `${ns}-1.yaml`, pod(ns, IMAGE, 'one: "1", two: "2"'));
    assert.is((await run(server, ['apply', '-f', first])).code, 0);

    // Second: image of `a` changes, annotation `two` removed, `three` added.
    const second = await file(server, `${ns}-2.yaml`, pod(ns, 'k2d-test/busybox:2', 'one: "1", three: "3"'));
    const diff = await run(server, ['diff', '-f', second]);
    assert.is(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, '+    image: k2d-test/busybox:2');
    assert.match(diff.stdout, '-    two: "2"');
    assert.is((await run(server, ['apply', '-f', second])).code, 0);
    assert.is((await run(server, ['diff', '-f', second])).code, 0);
    let live = await get(server, ['pod', 'p', '-n', ns]);
    assert.equal(live.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['a=k2d-test/busybox:2', `b=${IMAGE}`]);
    assert.is(live.metadata.annotations.two, undefined);
    assert.is(live.metadata.annotations.three, '3');

    // An annotation added by someone else survives the next apply (three-way merge), as on a cluster.
    assert.is((await run(server, ['annotate', 'pod', 'p', '-n', ns, 'owner=ops'])).code, 0);
    const third = await file(server, `${ns}-3.yaml`, pod(ns, 'k2d-test/busybox:2', 'one: "1"'));
    assert.is((await run(server, ['apply', '-f', third])).code, 0);
    live = await get(server, ['pod', 'p', '-n', ns]);
    assert.is(live.metadata.annotations.owner, 'ops');
    assert.is(live.metadata.annotations.three, undefined);
    assert.is(live.metadata.annotations.one, '1');
  });

  t(`kubectl ${k.name}: a Deployment applied three times (env added, env removed, containers reordered) ends as on a cluster`, async ({ server }) => {
    const container = (name: string, env: string[]) =>
      `      - name: ${name}\n        image: ${IMAGE}\n        command: [sleep, "3600"]\n        env:\n${env.map((e) => `        - {name: ${e.split('=')[0]}, value: "${e.split('=')[1]}"}\n`).join('')}`;
    const manifest = (containers: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: ${ns}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n${containers}`;
    const steps = [
      manifest(container('a', ['A=1', 'B=2']) + container('b', ['X=1'])),
      manifest(container('a', ['A=1', 'B=2', 'C=3']) + container('b', ['X=1'])),
      manifest(container('b', ['X=1']) + container('a', ['A=1', 'C=3'])),
    ];
    for (const [i, text] of steps.entries()) {
      const path = await file(server, `${ns}-deploy-${i}.yaml`, text);
      if (i > 0) assert.is((await run(server, ['diff', '-f', path])).code, 1, `diff before step ${i}`);
      const res = await run(server, ['apply', '-f', path]);
      assert.is(res.code, 0, res.stderr);
      assert.is((await run(server, ['diff', '-f', path])).code, 0, `diff after step ${i}`);
    }
    const d = await get(server, ['deploy', 'app', '-n', ns]);
    const containers = d.spec.template.spec.containers.map((c: { name: string; env: Array<{ name: string; value: string }> }) => `${c.name}:${c.env.map((e) => `${e.name}=${e.value}`).join(',')}`);
    assert.equal(containers, ['b:X=1', 'a:A=1,C=3']);
    // Each apply was a new template: three revisions, the last one serving.
    const status = await run(server, ['rollout', 'status', 'deploy/app', '-n', ns, '--timeout=60s']);
    assert.is(status.code, 0, status.stderr);
    assert.is(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const json = await run(server, ['patch', 'deploy', 'app', '-n', ns, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    assert.is(json.code, 0, json.stderr);
    assert.is((await get(server, ['deploy', 'app', '-n', ns])).spec.replicas, 2);
    assert.match((await run(server, ['explain', 'deployment.spec.strategy.rollingUpdate'])).stdout, 'maxSurge');
  });

  t(`kubectl ${k.name}: a ConfigMap through client-side and server-side apply, patch types and a field-manager conflict`, async ({ server }) => {
    const cmYaml = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata:\n${data}`;
    for (const [i, data] of ['  a: "1"\n  b: "2"\n', '  a: "1"\n  c: "3"\n', '  c: "3"\n'].entries()) {
      const path = await file(server, `${ns}-cm-${i}.yaml`, cmYaml(data));
      assert.is((await run(server, ['apply', '-f', path])).code, 0);
    }
    assert.equal((await get(server, ['cm', 'settings', '-n', ns])).data, { c: '3' });
    assert.is((await run(server, ['patch', 'cm', 'settings', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/data/d","value":"4"}]'])).code, 0);
    assert.is((await run(server, ['patch', 'cm', 'settings', '-n', ns, '--type=merge', '-p', '{"data":{"c":null}}'])).code, 0);
    assert.equal((await get(server, ['cm', 'settings', '-n', ns])).data, { d: '4' });
    const ssa = await file(server, `${ns}-cm-ssa.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: ${ns}}\ndata: {owner: me}\n`);
    assert.is((await run(server, ['apply', '--server-side', '-f', ssa])).code, 0);
    const other = await file(server, `${ns}-cm-ssa2.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: ${ns}}\ndata: {owner: you}\n`);
    const clash = await run(server, ['apply', '--server-side', '--field-manager=ops', '-f', other]);
    assert.is(clash.code, 1);
    assert.match(clash.stderr, 'conflict with "kubectl": .data.owner');
    assert.is((await run(server, ['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', other])).code, 0);
    assert.is((await get(server, ['cm', 'ssa', '-n', ns])).data.owner, 'you');
  });

  t(`kubectl ${k.name}: server-side apply conflicts name the field and manager; --force-conflicts wins; both managers listed`, async ({ server }) => {
    const manifest = (team: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}-ssa\n  labels: {team: ${team}}\n  annotations: {note: mine}\n`;
    const mine = await file(server, `${ns}-ssa-1.yaml`, manifest('a'));
    assert.is((await run(server, ['apply', '--server-side', '-f', mine])).code, 0);
    const theirs = await file(server, `${ns}-ssa-2.yaml`, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}-ssa\n  labels: {team: b}\n`);
    const clash = await run(server, ['apply', '--server-side', '--field-manager=other', '-f', theirs]);
    assert.is(clash.code, 1);
    assert.match(clash.stderr, 'conflict with "kubectl": .metadata.labels.team');
    const forced = await run(server, ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', theirs]);
    assert.is(forced.code, 0, forced.stderr);
    const shown = await run(server, ['get', 'ns', `${ns}-ssa`, '-o', 'yaml', '--show-managed-fields']);
    assert.match(shown.stdout, 'manager: kubectl');
    assert.match(shown.stdout, 'manager: other');
    const ns2 = await get(server, ['ns', `${ns}-ssa`]);
    assert.is(ns2.metadata.labels.team, 'b');
    assert.is(ns2.metadata.annotations.note, 'mine');
    assert.is((await run(server, ['delete', 'ns', `${ns}-ssa`])).code, 0);
  });

  t(`kubectl ${k.name}: patch --type=json|merge|strategic, a failing JSON-patch test is refused, edit works`, async ({ server }) => {
    const json = await run(server, ['patch', 'pod', 'p', '-n', ns, '--type=json', '-p', '[{"op":"replace","path":"/metadata/labels/app","value":"q"}]']);
    assert.is(json.code, 0, json.stderr);
    assert.is((await run(server, ['patch', 'pod', 'p', '-n', ns, '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])).code, 0);
    const smp = await run(server, ['patch', 'pod', 'p', '-n', ns, '--type=strategic', '-p', `{"spec":{"containers":[{"name":"b","image":"k2d-test/busybox:2"}]}}`]);
    assert.is(smp.code, 0, smp.stderr);
    const live = await get(server, ['pod', 'p', '-n', ns]);
    assert.equal(live.metadata.labels, { app: 'q', m: '1' });
    assert.equal(live.spec.containers.map((c: { image: string }) => c.image), ['k2d-test/busybox:2', 'k2d-test/busybox:2']);

    const failing = await run(server, ['patch', 'pod', 'p', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/metadata/labels/app","value":"nope"}]']);
    assert.is(failing.code, 1);
    assert.match(failing.stderr, 'testing value at /metadata/labels/app failed');

    const editor = join(server.dataPath, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s/^    m: \\"1\\"$/    m: \\"edited\\"/" "$1"\n');
    await chmod(editor, 0o755);
    const edited = await runBin(k.bin, ['edit', 'pod', 'p', '-n', ns], { KUBECONFIG: server.kubeconfig, EDITOR: editor });
    assert.is(edited.code, 0, edited.stderr);
    assert.is((await get(server, ['pod', 'p', '-n', ns])).metadata.labels.m, 'edited');
  });

  t(`kubectl ${k.name}: explain answers; apply --validate=strict names the unknown field`, async ({ server }) => {
    const explain = await run(server, ['explain', 'pod.spec.containers.livenessProbe.httpGet']);
    assert.is(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, 'HTTPGetAction');
    const bad = await file(server, `${ns}-bad.yaml`, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  namespace: ${ns}\nspec:\n  containers:\n  - name: a\n    image: ${IMAGE}\n    imagePullPolicyy: Never\n`);
    const res = await run(server, ['apply', '--validate=strict', '-f', bad]);
    assert.is(res.code, 1);
    assert.match(res.stderr, 'unknown field "spec.containers[0].imagePullPolicyy"');
    const ssa = await run(server, ['apply', '--server-side', '--validate=strict', '-f', bad]);
    assert.is(ssa.code, 1);
    assert.match(ssa.stderr, '.spec.containers[0].imagePullPolicyy: field not declared in schema');
    assert.is((await run(server, ['delete', 'ns', ns, '--wait=true'])).code, 0);
  });
}

t.run();
