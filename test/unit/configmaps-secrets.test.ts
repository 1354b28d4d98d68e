import { finishDelete, registryEnv } from '../../shared/registry/store';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { DiskPersistence } from '../../bridge/disk-store';
import { ConfigVolumes, VolumeError } from '../../bridge/docker/config-volumes';
import { ConfigRuntime, configEnv, podUses } from '../../bridge/docker/configs';
import { containerConfig, SPEC_HASH, type PodContext } from '../../bridge/docker/pod-spec';
import { decodeBase64 } from '../../shared/k8s/base64';
import type { KObject } from '../../shared/k8s/meta';
import { configMaps } from '../../shared/resources/configmaps';
import { pods } from '../../shared/resources/pods';
import { secrets } from '../../shared/resources/secrets';
import { ObjectStore } from '../../shared/store/object-store';
import { fakeCtx, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

const cmCreate = routeHandler(configMaps, 'create');
const cmDelete = routeHandler(configMaps, 'delete');
const cmList = routeHandler(configMaps, 'list');
const cmPatch = routeHandler(configMaps, 'patch');
const cmUpdate = routeHandler(configMaps, 'update');
const podCreate = routeHandler(pods, 'create');
const secretCreate = routeHandler(secrets, 'create');
const secretGet = routeHandler(secrets, 'get');
const secretList = routeHandler(secrets, 'list');
const secretPatch = routeHandler(secrets, 'patch');
const secretUpdate = routeHandler(secrets, 'update');

const NS = '/api/v1/namespaces/default';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });
const secret = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...extra });
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

async function rejects(promise: Promise<unknown>, check: (e: Error) => boolean = () => true) {
  const error = await promise.then(() => undefined, (e: Error) => e);
  assert.ok(error, 'expected a rejection');
  assert.ok(check(error!), error!.message);
}

test('base64 is decoded as Go does: padding required, the offset of the first bad byte reported', () => {
  const bytes = (s: string) => ('bytes' in decodeBase64(s) ? (decodeBase64(s) as { bytes: Buffer }).bytes.toString() : undefined);
  assert.is(bytes('czNjcmV0'), 's3cret');
  assert.is(bytes('czNj\ncmV0\n'), 's3cret');
  assert.is(bytes(''), '');
  for (const [input, offset] of [['billy', 4], ['aGk', 0], ['YQ=', 3], ['aGk==', 4], ['hi!', 2], ['aG=k', 2]] as const) {
    assert.equal(decodeBase64(input), { offset }, input);
  }
});

test('a ConfigMap is created, queued high, and listed as kubectl shows it (DATA counts binaryData too)', async () => {
  const ctx = fakeCtx();
  const res = await cmCreate(req('POST', `${NS}/configmaps`, cm('app', { data: { GREETING: 'hi', 'conf.yaml': 'a: 1' }, binaryData: { bin: b64(Buffer.from([0, 255])) } })), ctx);
  assert.is(res.status, 201);
  assert.equal(ctx.submitted, [{ op: { resource: 'configmaps', namespace: 'default', name: 'app', action: 'apply' }, priority: 'high' }]);
  const table = await (await cmList(req('GET', `${NS}/configmaps`, undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Data', 'Age']);
  assert.equal(table.rows[0].cells.slice(0, 2), ['app', 3]);
});

test('keys are checked by the apiserver`s rules, with its field paths; nothing is stored', async () => {
  const ctx = fakeCtx();
  const res = await cmCreate(req('POST', `${NS}/configmaps`, cm('bad', { data: { '../x': '1', '': '2', '.': '3', ok: '4' } })), ctx);
  assert.is(res.status, 422);
  const status = await res.json();
  assert.is(status.reason, 'Invalid');
  const fields = status.details.causes.map((c: { field: string }) => c.field);
  assert.equal(fields, ['data[../x]', 'data[../x]', 'data[]', 'data[.]']);
  assert.match(status.message, /^ConfigMap "bad" is invalid: \[data\[\.\.\/x\]: Invalid value: "\.\.\/x": a valid config key must consist of alphanumeric characters, '-', '_' or '\.' \(e\.g\. 'key\.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '\[-\._a-zA-Z0-9\]\+'\)/);
  assert.ok(status.details.causes.some((c: { message: string }) => c.message === `Invalid value: "../x": must not start with '..'`));
  assert.ok(status.details.causes.some((c: { message: string }) => c.message === `Invalid value: ".": must not be '.'`));
  const s = await secretCreate(req('POST', `${NS}/secrets`, secret('bad', { stringData: { 'a/b': 'x' } })), ctx);
  assert.is(s.status, 422);
  assert.is((await s.json()).details.causes[0].field, 'data[a/b]');
  assert.is(ctx.store.count(configMaps) + ctx.store.count(secrets), 0);
  assert.equal(ctx.submitted, []);
});

test('over 1 MiB is refused (the apiserver`s fields: the whole ConfigMap, a Secret`s data); a key in data and binaryData too', async () => {
  const ctx = fakeCtx();
  const big = 'x'.repeat(1024 * 1024);
  const res = await cmCreate(req('POST', `${NS}/configmaps`, cm('big', { data: { a: big, b: 'y' } })), ctx);
  assert.is(res.status, 422);
  assert.is((await res.json()).message, 'ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes');
  const exact = await cmCreate(req('POST', `${NS}/configmaps`, cm('exact', { data: { a: big } })), ctx);
  assert.is(exact.status, 201);
  const s = await secretCreate(req('POST', `${NS}/secrets`, secret('big', { data: { a: b64(big), b: b64('y') } })), ctx);
  assert.is((await s.json()).message, 'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes');
  const dup = await cmCreate(req('POST', `${NS}/configmaps`, cm('dup', { data: { k: 'a' }, binaryData: { k: b64('b') } })), ctx);
  assert.is((await dup.json()).message, 'ConfigMap "dup" is invalid: data[k]: Invalid value: "k": duplicate of key present in binaryData');
});

test('invalid base64 is the apiserver`s decoding error (400), in Secret data and ConfigMap binaryData', async () => {
  const ctx = fakeCtx();
  const s = await secretCreate(req('POST', `${NS}/secrets`, secret('b', { data: { user: 'billy' } })), ctx);
  assert.is(s.status, 400);
  assert.is((await s.json()).message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4');
  const c = await cmCreate(req('POST', `${NS}/configmaps`, cm('b', { binaryData: { x: 'a' } })), ctx);
  assert.is(c.status, 400);
  assert.is((await c.json()).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0');
  assert.is(ctx.store.count(secrets) + ctx.store.count(configMaps), 0);
});

test('stringData is merged into data on every write (and wins), never stored; type defaults to Opaque', async () => {
  const ctx = fakeCtx();
  const res = await secretCreate(req('POST', `${NS}/secrets`, secret('db', { data: { user: b64('admin'), password: b64('old') }, stringData: { password: 's3cret' } })), ctx);
  assert.is(res.status, 201);
  const stored = await res.json();
  assert.equal(stored.data, { user: b64('admin'), password: b64('s3cret') });
  assert.is(stored.stringData, undefined);
  assert.is(stored.type, 'Opaque');
  // Canonical base64, as the apiserver re-encodes the bytes it decoded.
  const patched = await secretPatch(
    req('PATCH', `${NS}/secrets/db`, { stringData: { token: 't' }, data: { user: 'YWRt\naW4=' } }, { 'content-type': 'application/merge-patch+json' }),
    ctx,
  );
  assert.is(patched.status, 200);
  const after = await (await secretGet(req('GET', `${NS}/secrets/db`), ctx)).json();
  assert.equal(after.data, { user: b64('admin'), password: b64('s3cret'), token: b64('t') });
  assert.is(after.stringData, undefined);
});

test('typed Secrets need their keys; type cannot change; helm`s release type is accepted', async () => {
  const ctx = fakeCtx();
  const cases: Array<[Record<string, unknown>, string | undefined]> = [
    [{ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c' } }, 'data[tls.key]: Required value'],
    [{ type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }, undefined],
    [{ type: 'kubernetes.io/dockerconfigjson' }, 'data[.dockerconfigjson]: Required value'],
    [{ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '<nope>' } }, `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character '<' looking for beginning of value`],
    [{ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '[]' } }, `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}`],
    [{ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } }, undefined],
    [{ type: 'kubernetes.io/basic-auth' }, '[data[username]: Required value, data[password]: Required value]'],
    [{ type: 'kubernetes.io/basic-auth', stringData: { password: '' } }, undefined],
    [{ type: 'kubernetes.io/ssh-auth', stringData: { 'ssh-privatekey': '' } }, 'data[ssh-privatekey]: Required value'],
    [{ type: 'kubernetes.io/service-account-token' }, 'metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    [{ type: 'helm.sh/release.v1', data: { release: b64('H4sI') } }, undefined],
  ];
  for (const [i, [body, error]] of cases.entries()) {
    const res = await secretCreate(req('POST', `${NS}/secrets`, secret(`s${i}`, body)), ctx);
    if (!error) assert.is(res.status, 201, JSON.stringify(body));
    else assert.is((await res.json()).message, `Secret "s${i}" is invalid: ${error}`);
  }
  const current = await (await secretGet(req('GET', `${NS}/secrets/s1`), ctx)).json();
  const res = await secretUpdate(req('PUT', `${NS}/secrets/s1`, { ...current, type: 'Opaque' }), ctx);
  assert.is(res.status, 422);
  assert.is((await res.json()).message, 'Secret "s1" is invalid: type: Invalid value: "Opaque": field is immutable');
});

test('immutable: values are frozen (the apiserver`s message), metadata is not, and it cannot be unset', async () => {
  const ctx = fakeCtx();
  await cmCreate(req('POST', `${NS}/configmaps`, cm('frozen', { immutable: true, data: { a: '1' } })), ctx);
  const merge = { 'content-type': 'application/merge-patch+json' };
  const data = await cmPatch(req('PATCH', `${NS}/configmaps/frozen`, { data: { a: '2' } }, merge), ctx);
  assert.is(data.status, 422);
  const status = await data.json();
  assert.is(status.message, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  assert.equal(status.details.causes, [{ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' }]);
  const label = await cmPatch(req('PATCH', `${NS}/configmaps/frozen`, { metadata: { labels: { app: 'x' } } }, merge), ctx);
  assert.is(label.status, 200);
  const unset = await cmPatch(req('PATCH', `${NS}/configmaps/frozen`, { immutable: false }, merge), ctx);
  assert.match((await unset.json()).message, /immutable: Forbidden: field is immutable when `immutable` is set/);
  await secretCreate(req('POST', `${NS}/secrets`, secret('frozen', { immutable: true, stringData: { a: '1' } })), ctx);
  const current = await (await secretGet(req('GET', `${NS}/secrets/frozen`), ctx)).json();
  const s = await secretUpdate(req('PUT', `${NS}/secrets/frozen`, { ...current, stringData: { a: '2' } }), ctx);
  assert.is((await s.json()).message, 'Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  const same = await secretUpdate(req('PUT', `${NS}/secrets/frozen`, { ...current, stringData: { a: '1' } }), ctx);
  assert.is(same.status, 200);
});

test('secrets: label selectors as helm queries its releases, the `type` field selector, and the Table', async () => {
  const ctx = fakeCtx();
  const release = (name: string, version: number, status: string) =>
    secret(`sh.helm.release.v1.${name}.v${version}`, { type: 'helm.sh/release.v1', data: { release: b64('H4sIAAAA') } , metadata: { name: `sh.helm.release.v1.${name}.v${version}`, labels: { owner: 'helm', name, version: String(version), status } } });
  for (const s of [release('web', 1, 'superseded'), release('web', 2, 'deployed'), release('db', 1, 'deployed'), secret('plain', { stringData: { a: 'b' } })]) {
    assert.is((await secretCreate(req('POST', `${NS}/secrets`, s), ctx)).status, 201);
  }
  const names = async (query: string) => ((await (await secretList(req('GET', `${NS}/secrets?${query}`), ctx)).json()).items as KObject[]).map((s) => s.metadata.name);
  assert.equal(await names('labelSelector=owner%3Dhelm%2Cname%3Dweb'), ['sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2']);
  assert.equal(await names('labelSelector=owner%3Dhelm%2Cname%3Dweb%2Cstatus%3Ddeployed'), ['sh.helm.release.v1.web.v2']);
  assert.equal(await names('labelSelector=owner%3Dhelm'), ['sh.helm.release.v1.db.v1', 'sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2']);
  assert.equal(await names('fieldSelector=type%3DOpaque'), ['plain']);
  assert.equal(await names('fieldSelector=type%21%3DOpaque'), ['sh.helm.release.v1.db.v1', 'sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2']);
  const table = await (await secretList(req('GET', `${NS}/secrets?fieldSelector=metadata.name%3Dplain`, undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.equal(table.rows[0].cells.slice(0, 3), ['plain', 'Opaque', 1]);
});

test('delete is graceful through the runtime: marked and queued, then removed once ConfigRuntime is done, and its users re-applied', async () => {
  const ctx = fakeCtx();
  await cmCreate(req('POST', `${NS}/configmaps`, cm('app', { data: { a: '1' } })), ctx);
  const user = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'app' } }] }] } };
  const other = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'default', uid: 'u2' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  await ctx.store.create(pods, user as KObject);
  await ctx.store.create(pods, other as KObject);
  ctx.submitted.length = 0;
  const res = await cmDelete(req('DELETE', `${NS}/configmaps/app`), ctx);
  assert.is(res.status, 200);
  const marked = ctx.store.get(configMaps, 'default', 'app')!;
  assert.ok(marked.metadata.deletionTimestamp);
  assert.equal(ctx.submitted, [{ op: { resource: 'configmaps', namespace: 'default', name: 'app', action: 'delete' }, priority: 'high' }]);
  const requeued: string[] = [];
  await new ConfigRuntime(ctx.store, (p) => requeued.push(p.metadata.name)).delete();
  await finishDelete(registryEnv(ctx), configMaps, marked);
  assert.is(ctx.store.get(configMaps, 'default', 'app'), undefined);
  assert.equal(requeued, ['user']);
});

test('which pods use a ConfigMap or Secret; env values as the kubelet reads them', async () => {
  const ctx = fakeCtx();
  const pod = {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      initContainers: [{ name: 'i', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }] }],
      containers: [{ name: 'c', envFrom: [{ secretRef: { name: 's2' } }] }],
      volumes: [{ name: 'v', configMap: { name: 'c1' } }, { name: 'w', projected: { sources: [{ secret: { name: 's3' } }, { configMap: { name: 'c2' } }] } }],
    },
  } as unknown as KObject;
  for (const [kind, name] of [['Secret', 's1'], ['Secret', 's2'], ['Secret', 's3'], ['ConfigMap', 'c1'], ['ConfigMap', 'c2']] as const) assert.ok(podUses(pod, kind, name), name);
  assert.not.ok(podUses(pod, 'ConfigMap', 's1'));
  await secretCreate(req('POST', `${NS}/secrets`, secret('s1', { stringData: { k: 'v' } })), ctx);
  await cmCreate(req('POST', `${NS}/configmaps`, cm('c1', { data: { a: '1' }, binaryData: { b: b64('2') } })), ctx);
  assert.equal(configEnv(ctx.store, 'default', 'Secret', 's1'), { k: 'v' });
  assert.equal(configEnv(ctx.store, 'default', 'ConfigMap', 'c1'), { a: '1' });
  assert.is(configEnv(ctx.store, 'default', 'ConfigMap', 'nope'), undefined);
});

test('a pod`s configMap/secret volume items must stay inside the volume (the apiserver`s messages)', async () => {
  const ctx = fakeCtx();
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: [
        { name: 'a', configMap: { name: 'x', items: [{ key: 'k', path: '../escape' }, { key: 'k', path: '/abs' }] } },
        { name: 'b', secret: { secretName: 'y', defaultMode: 1000, items: [{ key: 'k', path: 'ok/..x' }] } },
      ],
    },
  };
  const res = await podCreate(req('POST', `${NS}/pods`, body), ctx);
  assert.is(res.status, 422);
  const causes = (await res.json()).details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);
  assert.equal(causes, [
    `spec.volumes[0].configMap.items[0].path: Invalid value: "../escape": must not contain '..'`,
    `spec.volumes[0].configMap.items[1].path: Invalid value: "/abs": must be a relative path`,
    `spec.volumes[1].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive`,
    `spec.volumes[1].secret.items[0].path: Invalid value: "ok/..x": must not start with '..'`,
  ]);
});

test('values from ConfigMaps and Secrets stay out of the spec hash: changing them restarts no container', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'busybox', envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'PLAIN', value: 'x' }] }] } } as unknown as KObject;
  const ctx = (value: string): PodContext => ({ network: 'k2d-ns', nodeName: 'n', hostIP: '127.0.0.1', apiHost: 'h', apiPort: 1, labels: {}, volumes: {}, lookup: () => ({ A: value }) });
  const one = containerConfig(pod, (pod.spec as any).containers[0], 0, ctx('1'));
  const two = containerConfig(pod, (pod.spec as any).containers[0], 0, ctx('2'));
  assert.ok(one.Env!.includes('A=1') && two.Env!.includes('A=2'));
  assert.is(one.Labels![SPEC_HASH], two.Labels![SPEC_HASH]);
});

// --- the disk store ---------------------------------------------------------------------------------

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

async function diskStore(data: string) {
  const persistence = new DiskPersistence(data);
  const loaded = await persistence.load(new Set(['configmaps', 'secrets', 'pods']));
  return { persistence, store: new ObjectStore({ clock, persistence, ...loaded }) };
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('disk: values are k2d`s one file per key (bytes, 0600 for secrets, dirs 0700), the record holds the rest; a restart loses nothing', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    const { store } = await diskStore(data);
    const binary = Buffer.from([0, 1, 254, 255]);
    await store.create(configMaps, { ...cm('app', { data: { GREETING: 'hi', 'conf.yaml': 'a: 1\n' }, binaryData: { blob: b64(binary) } }), metadata: { name: 'app', namespace: 'team-a', labels: { x: 'y' } } } as KObject);
    await store.create(secrets, { ...secret('db', { data: { password: b64('s3cret') }, type: 'Opaque' }), metadata: { name: 'db', namespace: 'team-a' } } as KObject);
    assert.equal(readdirSync(join(data, 'configmaps')).filter((f) => !f.startsWith('.')).sort(), ['team-a-app-k2dcm-GREETING', 'team-a-app-k2dcm-blob', 'team-a-app-k2dcm-conf.yaml']);
    assert.equal(readFileSync(join(data, 'configmaps', 'team-a-app-k2dcm-blob')), binary);
    assert.is(readFileSync(join(data, 'secrets', 'team-a-db-k2dsec-password'), 'utf8'), 's3cret');
    assert.is(mode(join(data, 'secrets', 'team-a-db-k2dsec-password')), '600');
    assert.is(mode(join(data, 'secrets')), '700');
    assert.is(mode(join(data, 'configmaps')), '700');
    const record = readFileSync(join(data, 'store', 'secrets', 'team-a', 'db.json'), 'utf8');
    assert.not.ok(record.includes(b64('s3cret')), 'the value is not in the record');
    const before = [store.get(configMaps, 'team-a', 'app'), store.get(secrets, 'team-a', 'db')];
    const again = await diskStore(data);
    assert.equal([again.store.get(configMaps, 'team-a', 'app'), again.store.get(secrets, 'team-a', 'db')], before);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

test('disk: an update rewrites changed keys and removes dropped ones; a delete removes every file', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    const { store } = await diskStore(data);
    const meta = { name: 'app', namespace: 'ns' };
    await store.create(configMaps, { ...cm('app', { data: { a: '1', b: '2' } }), metadata: meta } as KObject);
    const bStat = statSync(join(data, 'configmaps', 'ns-app-k2dcm-b'));
    await store.update(configMaps, { ...cm('app', { data: { b: '2', c: '3' } }), metadata: meta } as KObject);
    assert.equal(readdirSync(join(data, 'configmaps')).filter((f) => !f.startsWith('.')).sort(), ['ns-app-k2dcm-b', 'ns-app-k2dcm-c']);
    assert.is(statSync(join(data, 'configmaps', 'ns-app-k2dcm-b')).ino, bStat.ino, 'an unchanged key is not rewritten');
    await store.delete(configMaps, 'ns', 'app');
    assert.equal(readdirSync(join(data, 'configmaps')).filter((f) => f !== '.pending'), []);
    assert.equal(readdirSync(join(data, 'configmaps', '.pending')), []);
    assert.not.ok(existsSync(join(data, 'store', 'configmaps', 'ns', 'app.json')));
    assert.is((await diskStore(data)).store.count(configMaps), 0);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

test('disk: k2d names that collide (`a-b`/`c` and `a`/`b-c`) or are too long get their own files', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    const { store } = await diskStore(data);
    await store.create(configMaps, { ...cm('c', { data: { k: 'first' } }), metadata: { name: 'c', namespace: 'a-b' } } as KObject);
    await store.create(configMaps, { ...cm('b-c', { data: { k: 'second' } }), metadata: { name: 'b-c', namespace: 'a' } } as KObject);
    const long = 'x'.repeat(253);
    await store.create(configMaps, { ...cm(long, { data: { [`k${'y'.repeat(200)}`]: 'third' } }), metadata: { name: long, namespace: 'a' } } as KObject);
    const files = readdirSync(join(data, 'configmaps')).filter((f) => !f.startsWith('.'));
    assert.is(files.length, 3);
    assert.ok(files.includes('a-b-c-k2dcm-k'));
    const again = (await diskStore(data)).store;
    assert.equal(again.get(configMaps, 'a-b', 'c')!.data, { k: 'first' });
    assert.equal(again.get(configMaps, 'a', 'b-c')!.data, { k: 'second' });
    assert.equal(Object.values(again.get(configMaps, 'a', long)!.data as object), ['third']);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

/** Runs `work` while renames whose source matches `failing` throw, as if the process died there. */
async function withFailingRename(failing: RegExp, work: () => Promise<unknown>) {
  const original = fsp.rename;
  const mutable = (await import('node:fs/promises')).default as unknown as { rename: typeof fsp.rename };
  mutable.rename = (async (from: string, to: string) => {
    if (failing.test(String(from))) throw new Error('crash');
    return original(from, to);
  }) as typeof fsp.rename;
  syncBuiltinESMExports();
  try {
    await work().catch(() => undefined);
  } finally {
    mutable.rename = original;
    syncBuiltinESMExports();
  }
}

test('disk: writes are all-or-nothing across a crash: before the commit the old values stay, after it the new ones are finished on start', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    const meta = { name: 'db', namespace: 'ns' };
    const { store } = await diskStore(data);
    await store.create(secrets, { ...secret('db', { data: { user: b64('u1'), password: b64('p1') } }), metadata: meta } as KObject);
    // The record's rename is the commit point: failing it leaves the first version whole.
    await withFailingRename(/db\.json.*\.tmp$/, () => store.update(secrets, { ...secret('db', { data: { user: b64('u2'), password: b64('p2') } }), metadata: meta } as KObject));
    let loaded = (await diskStore(data)).store.get(secrets, 'ns', 'db')!;
    assert.equal(loaded.data, { user: b64('u1'), password: b64('p1') });
    assert.equal(readdirSync(join(data, 'secrets', '.pending')), []);
    // Committed, then "killed" while moving the staged files into place: the next start finishes the job.
    const second = await diskStore(data);
    await withFailingRename(/\.pending/, () => second.store.update(secrets, { ...secret('db', { data: { user: b64('u3') } }), metadata: meta } as KObject));
    assert.is(readFileSync(join(data, 'secrets', 'ns-db-k2dsec-user'), 'utf8'), 'u1', 'the crash left the old file');
    assert.is(readdirSync(join(data, 'secrets', '.pending')).length, 1);
    loaded = (await diskStore(data)).store.get(secrets, 'ns', 'db')!;
    assert.equal(loaded.data, { user: b64('u3') });
    assert.equal(readdirSync(join(data, 'secrets')).filter((f) => !f.startsWith('.')), ['ns-db-k2dsec-user']);
    assert.equal(readdirSync(join(data, 'secrets', '.pending')), []);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

test('disk: records of the earlier layout (keys listed in the object) are read, and rewritten on the next write', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    await fsp.mkdir(join(data, 'store', 'secrets', 'ns'), { recursive: true });
    await fsp.mkdir(join(data, 'secrets'), { recursive: true });
    const old = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'ns', uid: 'u', resourceVersion: '7' }, __k2dKeys: { data: ['password'] } };
    await fsp.writeFile(join(data, 'store', 'secrets', 'ns', 'db.json'), JSON.stringify(old));
    await fsp.writeFile(join(data, 'secrets', 'ns-db-k2dsec-password'), 's3cret');
    const { store } = await diskStore(data);
    const loaded = store.get(secrets, 'ns', 'db')!;
    assert.equal(loaded.data, { password: b64('s3cret') });
    assert.is(loaded.__k2dKeys, undefined);
    await store.update(secrets, { ...loaded, metadata: { ...loaded.metadata, labels: { a: 'b' } } } as KObject);
    assert.ok(Array.isArray(JSON.parse(readFileSync(join(data, 'store', 'secrets', 'ns', 'db.json'), 'utf8')).files));
    assert.equal((await diskStore(data)).store.get(secrets, 'ns', 'db')!.data, { password: b64('s3cret') });
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

test('disk: a hostile key never reaches the file system, even past the API', async () => {
  const data = await mkdtemp(join(tmpdir(), 'k2d-cm-'));
  try {
    const { store } = await diskStore(data);
    for (const key of ['../../escape', 'a/b', '..x']) {
      await rejects(store.create(configMaps, { ...cm('evil', { data: { [key]: 'x' } }), metadata: { name: 'evil', namespace: 'ns' } } as KObject));
    }
    assert.not.ok(existsSync(join(data, 'escape')));
    assert.is(store.count(configMaps), 0);
    assert.ok(!existsSync(join(data, 'configmaps')) || readdirSync(join(data, 'configmaps')).filter((f) => !f.startsWith('.')).length === 0);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

// --- pod volumes ------------------------------------------------------------------------------------

test('volumes: the kubelet`s layout (..data symlink), modes, items, optional; an update swaps ..data at once', async () => {
  const root = await mkdtemp(join(tmpdir(), 'k2d-vol-'));
  try {
    const ctx = fakeCtx();
    await cmCreate(req('POST', `${NS}/configmaps`, cm('app', { data: { a: '1', b: '2' } })), ctx);
    await secretCreate(req('POST', `${NS}/secrets`, secret('db', { stringData: { password: 's3cret' } })), ctx);
    // As an older version or a umask may have left it.
    await fsp.chmod(root, 0o755);
    const volumes = new ConfigVolumes(root, ctx.store);
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'uid-1' } } as KObject;
    const dir = await volumes.setUp(pod, { name: 'cfg', configMap: { name: 'app', defaultMode: 0o640 } });
    assert.is(dir, join(root, 'uid-1', 'volumes', 'cfg'));
    assert.equal(readdirSync(dir).filter((f) => !f.startsWith('..')).sort(), ['a', 'b']);
    assert.is(readlinkSync(join(dir, 'a')), '..data/a');
    assert.is(readFileSync(join(dir, 'a'), 'utf8'), '1');
    assert.is(mode(join(dir, 'a')), '640');
    assert.is(mode(root), '700', 'secret values in volume directories are the server user`s alone');
    const first = readlinkSync(join(dir, '..data'));

    await cmPatch(req('PATCH', `${NS}/configmaps/app`, { data: { a: 'new', b: null, c: '3' } }, { 'content-type': 'application/merge-patch+json' }), ctx);
    await volumes.setUp(pod, { name: 'cfg', configMap: { name: 'app', defaultMode: 0o640 } });
    assert.not.equal(readlinkSync(join(dir, '..data')), first);
    assert.equal(readdirSync(dir).sort(), ['..data', readlinkSync(join(dir, '..data')), 'a', 'c'].sort(), 'the old version and the dropped key are gone');
    assert.is(readFileSync(join(dir, 'a'), 'utf8'), 'new');

    const items = await volumes.setUp(pod, { name: 'sec', secret: { secretName: 'db', items: [{ key: 'password', path: 'nested/pw', mode: 0o400 }] } });
    assert.is(readFileSync(join(items, 'nested', 'pw'), 'utf8'), 's3cret');
    assert.is(mode(join(items, '..data', 'nested', 'pw')), '400');
    const optional = await volumes.setUp(pod, { name: 'opt', configMap: { name: 'missing', optional: true } });
    assert.equal(readdirSync(optional), ['..data', readlinkSync(join(optional, '..data'))].sort());

    await rejects(volumes.setUp(pod, { name: 'm', secret: { secretName: 'missing' } }), (e: Error) => e instanceof VolumeError && e.message === 'secret "missing" not found');
    await rejects(volumes.setUp(pod, { name: 'k', configMap: { name: 'app', items: [{ key: 'zzz', path: 'z' }] } }), (e: Error) => e.message === 'configmap references non-existent config key: zzz');
    await rejects(volumes.setUp(pod, { name: 'e', configMap: { name: 'app', items: [{ key: 'a', path: '../../escape' }] } }));
    await rejects(volumes.setUp({ metadata: { name: 'p', namespace: 'default', uid: '..' } } as KObject, { name: 'cfg', configMap: { name: 'app' } }));
    assert.not.ok(existsSync(join(root, 'escape')));

    // A pod's fsGroup: the kubelet gives the group read on top of the mode, and setgid directories.
    const grouped = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'g', namespace: 'default', uid: 'uid-2' }, spec: { securityContext: { fsGroup: 2345 } } } as KObject;
    const gdir = await volumes.setUp(grouped, { name: 'sec', secret: { secretName: 'db', defaultMode: 0o400 } });
    const file = join(gdir, '..data', 'password');
    assert.is(statSync(file).gid, 2345);
    assert.is(mode(file), '440');
    assert.is((statSync(join(gdir, '..data')).mode & 0o7777).toString(8), '2755');
    assert.is(statSync(gdir).gid, 2345);
    assert.is(mode(join(items, '..data', 'nested', 'pw')), '400', 'a pod without fsGroup keeps the exact mode');

    await volumes.tearDown('uid-1');
    assert.not.ok(existsSync(join(root, 'uid-1')));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test.run();
