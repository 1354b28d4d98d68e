import { mkdtemp, readFile, readlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeHandler } from '../../shared/api/routes';
import { DiskPersistence } from '../../bridge/disk-store';
import { ConfigVolumes } from '../../bridge/docker/config-volumes';
import { configMaps } from '../../shared/resources/configmaps';
import { secrets } from '../../shared/resources/secrets';
import { namespaces } from '../../shared/resources/namespaces';
import { ObjectStore } from '../../shared/store/object-store';
import type { KObject } from '../../shared/k8s/meta';
import { fakeCtx, req, TABLE_ACCEPT } from '../helpers/fake-ctx';

const createCm = routeHandler(configMaps, 'create');
const listCm = routeHandler(configMaps, 'list');
const updateCm = routeHandler(configMaps, 'update');
const createSecret = routeHandler(secrets, 'create');
const listSecrets = routeHandler(secrets, 'list');

const CM = '/api/v1/namespaces/default/configmaps';
const SECRETS = '/api/v1/namespaces/default/secrets';
const cm = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data, ...extra });
const secret = (name: string, extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...extra });

test('keys that could leave the store, empty keys and oversized data are 422 with the field path; bad base64 is the decoder`s 400', async () => {
  const cases: Array<[string, unknown, string]> = [
    [CM, cm('a', { '../../etc/passwd': 'x' }), 'data[../../etc/passwd]: Invalid value: "../../etc/passwd": a valid config key must consist of alphanumeric characters'],
    [CM, cm('a', { '': 'x' }), 'data[]: Invalid value: ""'],
    [CM, cm('a', { '..': 'x' }), "data[..]: Invalid value: \"..\": must not be '..'"],
    [CM, cm('a', { big: 'x'.repeat(1024 * 1024 + 1) }), 'Too long: may not be more than 1048576 bytes'],
    [SECRETS, secret('a', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }), 'data[tls.key]: Required value'],
    // stringData is merged into data before validation, as the apiserver converts it: the field is data's.
    [SECRETS, secret('a', { stringData: { 'a/b': 'x' } }), 'data[a/b]: Invalid value'],
  ];
  for (const [url, body, message] of cases) {
    const ctx = fakeCtx();
    const res = await (url === CM ? createCm : createSecret)(req('POST', url, body), ctx);
    assert.is(res.status, 422, message);
    assert.match((await res.json()).message, message);
    assert.is(ctx.store.list(url === CM ? configMaps : secrets).length, 0);
  }
  // The apiserver fails to decode a []byte field before any validation: 400, as Go's base64 words it.
  const ctx = fakeCtx();
  const res = await createSecret(req('POST', SECRETS, secret('a', { data: { k: 'not base64!' } })), ctx);
  assert.is(res.status, 400);
  assert.is((await res.json()).message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
});

test('stringData is merged into data as base64 and never stored; TYPE and DATA columns; the type field selector', async () => {
  const ctx = fakeCtx();
  const res = await createSecret(req('POST', SECRETS, secret('db', { data: { user: Buffer.from('admin').toString('base64') }, stringData: { password: 's3cret' } })), ctx);
  assert.is(res.status, 201);
  const s = await res.json();
  assert.equal(s.data, { user: 'YWRtaW4=', password: Buffer.from('s3cret').toString('base64') });
  assert.is(s.stringData, undefined);
  assert.is(s.type, 'Opaque');
  await createSecret(req('POST', SECRETS, secret('tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eQ==' } })), ctx);
  const table = await (await listSecrets(req('GET', SECRETS, undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.equal(table.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 3)), [['db', 'Opaque', 2], ['tls', 'kubernetes.io/tls', 2]]);
  const tlsOnly = await (await listSecrets(req('GET', `${SECRETS}?fieldSelector=type%3Dkubernetes.io%2Ftls`), ctx)).json();
  assert.equal(tlsOnly.items.map((i: KObject) => i.metadata.name), ['tls']);
  const cms = await (await listCm(req('GET', CM, undefined, { accept: TABLE_ACCEPT }), ctx)).json();
  assert.equal(cms.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Data', 'Age']);
});

test('an immutable ConfigMap refuses data changes and being made mutable again', async () => {
  const ctx = fakeCtx();
  const created = await (await createCm(req('POST', CM, cm('frozen', { a: '1' }, { immutable: true })), ctx)).json();
  const res = await updateCm(req('PUT', `${CM}/frozen`, { ...created, data: { a: '2' } }), ctx);
  assert.is(res.status, 422);
  assert.match((await res.json()).message, 'data: Forbidden: field is immutable when `immutable` is set');
  const thaw = await updateCm(req('PUT', `${CM}/frozen`, { ...created, immutable: false }), ctx);
  assert.is(thaw.status, 422);
  const labelled = await updateCm(req('PUT', `${CM}/frozen`, { ...created, metadata: { ...created.metadata, labels: { ok: 'yes' } } }), ctx);
  assert.is(labelled.status, 200);
});

test('two objects whose namespace and name would share k2d`s file names are both accepted (the store gives the second its own files)', async () => {
  const ctx = fakeCtx();
  for (const name of ['a', 'a-b']) await ctx.store.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KObject);
  assert.is((await createCm(req('POST', '/api/v1/namespaces/a/configmaps', cm('b-c', { k: '1' })), ctx)).status, 201);
  const second = await createCm(req('POST', '/api/v1/namespaces/a-b/configmaps', cm('c', { k: '2' })), ctx);
  assert.is(second.status, 201);
});

test('the disk store keeps one file per key as k2d does: secrets 0600 in a 0700 directory, and reads them back', async () => {
  const dataPath = await mkdtemp(join(tmpdir(), 'k2d-unit-'));
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
  const persistence = new DiskPersistence(dataPath);
  const store = new ObjectStore({ clock, persistence });
  await store.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } } as KObject);
  await store.create(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { GREETING: 'hi' }, binaryData: { raw: Buffer.from([0, 1, 2]).toString('base64') } } as KObject);
  const file = join(dataPath, 'secrets', 'default-db-k2dsec-password');
  assert.is(await readFile(file, 'utf8'), 's3cret');
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.is((await stat(join(dataPath, 'secrets'))).mode & 0o777, 0o700);
  assert.is(await readFile(join(dataPath, 'configmaps', 'default-app-k2dcm-GREETING'), 'utf8'), 'hi');
  const json = await readFile(join(dataPath, 'store', 'secrets', 'default', 'db.json'), 'utf8');
  assert.not.match(json, 's3cret');
  assert.not.match(json, Buffer.from('s3cret').toString('base64'));
  // A key the object drops loses its file; a restart reads the values back.
  await store.modify(configMaps, 'default', 'app', (c) => ({ ...c, data: { OTHER: 'x' } }) as KObject);
  const loaded = await new DiskPersistence(dataPath).load(new Set(['secrets', 'configmaps']));
  const byName = Object.fromEntries(loaded.objects.map((o) => [o.object.metadata.name, o.object as KObject & { data?: object; binaryData?: object }]));
  assert.equal(byName.db.data, { password: Buffer.from('s3cret').toString('base64') });
  assert.equal(byName.app.data, { OTHER: 'x' });
  assert.equal(byName.app.binaryData, { raw: 'AAEC' });
  assert.ok(await readFile(join(dataPath, 'configmaps', 'default-app-k2dcm-GREETING')).then(() => false, () => true), 'the dropped key file is gone');
});

test('names as long as Kubernetes allows are stored and read back (file names are hashed past 255 bytes)', async () => {
  const dataPath = await mkdtemp(join(tmpdir(), 'k2d-unit-'));
  const store = new ObjectStore({ clock: { now: () => new Date() }, persistence: new DiskPersistence(dataPath) });
  const name = `${'a'.repeat(120)}.${'b'.repeat(132)}`;
  const key = 'k'.repeat(253);
  await store.create(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { [key]: 'v' } } as KObject);
  const loaded = await new DiskPersistence(dataPath).load(new Set(['configmaps']));
  assert.equal((loaded.objects[0].object as KObject & { data: object }).data, { [key]: 'v' });
  assert.is(loaded.objects[0].object.metadata.name, name);
});

test('volumes are written kubelet-style: ..data switched in one rename, items with paths and modes, optional sources', async () => {
  const ctx = fakeCtx();
  await ctx.store.create(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { a: '1', b: '2' } } as KObject);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } } as KObject;
  const volumes = new ConfigVolumes(await mkdtemp(join(tmpdir(), 'k2d-vol-')), ctx.store);
  const files = volumes.payload(pod, { name: 'v', configMap: { name: 'app', items: [{ key: 'a', path: 'conf/a.txt', mode: 0o600 }] } });
  assert.equal([...files.keys()], ['conf/a.txt']);
  const dir = await volumes.setUp({ ...pod, metadata: { ...pod.metadata, uid: 'u' } }, { name: 'v', configMap: { name: 'app', items: [{ key: 'a', path: 'conf/a.txt', mode: 0o600 }] } });
  assert.is(await readFile(join(dir, 'conf', 'a.txt'), 'utf8'), '1');
  const first = await readlink(join(dir, '..data'));
  await volumes.setUp({ ...pod, metadata: { ...pod.metadata, uid: 'u' } }, { name: 'v', configMap: { name: 'app' } });
  assert.is.not(await readlink(join(dir, '..data')), first);
  assert.is(await readFile(join(dir, 'b'), 'utf8'), '2');
  assert.ok(await readFile(join(dir, 'conf', 'a.txt')).then(() => false, () => true), 'files not in the new set are gone');
  assert.throws(() => volumes.payload(pod, { name: 'v', configMap: { name: 'missing' } }), /configmap "missing" not found/);
  assert.equal([...volumes.payload(pod, { name: 'v', secret: { secretName: 'missing', optional: true } }).keys()], []);
});

test.run();
