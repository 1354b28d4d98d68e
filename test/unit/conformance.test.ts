// The registry-driven conformance suite: every kind, through the routes the build serves for it, with its
// definition's example. A kind is covered the moment it is registered; checks for verbs a kind does not
// declare are left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RouteHandler } from '../../shared/api/handlers';
import type { ResourceDefinition, Verb } from '../../shared/api/resource';
import { schemaIndex } from '../../shared/api/handlers';
import { resourceRoutes, routeHandler } from '../../shared/api/routes';
import { validateObject } from '../../shared/api/validation';
import type { KObject } from '../../shared/k8s/meta';
import { decodeKubernetesProtobuf, protobufLayout } from '../../shared/k8s/protobuf';
import { registry } from '../../shared/resources/index';
import { fakeCtx, req, type FakeCtx } from '../helpers/fake-ctx';
import { encodeObject, envelope } from '../helpers/protobuf';
import { watchEvents } from '../helpers/watch';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MERGE = { 'content-type': 'application/merge-patch+json' };

type Obj = KObject & Record<string, any>;

/** Objects with Docker state are removed by the runtime once Docker is clean; the others go at once. */
const deletesThroughRuntime = (def: ResourceDefinition) => !!def.realizedByRuntime;
/** Such a delete marks the object (deletionTimestamp) while the runtime works. */
const marksOnDelete = (def: ResourceDefinition) => deletesThroughRuntime(def);

// metrics.k8s.io objects are computed from Docker stats on each read, never stored or written: their
// handlers have their own tests (test/unit/metrics.test.ts).
const stored = registry.filter((d) => d.group !== 'metrics.k8s.io');

test('every kind carries an example its own validation accepts', () => {
  for (const def of stored) {
    assert.ok(def.example, `${def.kind} has no example`);
    assert.is(def.example!.apiVersion, def.apiVersion, def.kind);
    assert.is(def.example!.kind, def.kind, def.kind);
    const obj = structuredClone(def.example!) as unknown as Obj;
    if (def.namespaced) obj.metadata.namespace = 'default';
    def.defaults?.(obj);
    assert.equal(validateObject(def, obj), [], def.kind);
  }
});

for (const def of stored) conformance(def);

function conformance(def: ResourceDefinition) {
  // The test above fails for a kind without an example; the rest cannot run without one.
  if (!def.example) return;
  const kind = def.kind;
  const has = (verb: Verb) => def.verbs.includes(verb);
  const h = Object.fromEntries(resourceRoutes(def).filter((r) => !r.subresource).map((r) => [r.verb, routeHandler(def, r.verb)])) as Record<Verb, RouteHandler>;
  const namespace = def.namespaced ? 'default' : undefined;
  const collection = def.namespaced ? `${def.prefix}/namespaces/default/${def.plural}` : `${def.prefix}/${def.plural}`;
  const item = (name: string) => `${collection}/${name}`;
  const example = def.example;
  const name = example.metadata.name;
  const named = (n: string): Obj => {
    const obj = structuredClone(example) as unknown as Obj;
    obj.metadata.name = n;
    return obj;
  };

  /** The example (or a copy under another name) as a client creates it, or as the runtime stores a kind clients cannot create. */
  async function seed(ctx: FakeCtx, n = name): Promise<Obj> {
    if (!has('create')) {
      const obj = named(n);
      if (namespace) obj.metadata.namespace = namespace;
      return (await ctx.store.create(def, obj)) as Obj;
    }
    const res = await h.create(req('POST', collection, named(n)), ctx);
    assert.is(res.status, 201, `${kind} ${n}: ${await res.clone().text()}`);
    return res.json();
  }

  const status = async (res: Response, code: number, reason: string) => {
    const body = await res.json();
    assert.is(res.status, code, JSON.stringify(body));
    assert.is(body.kind, 'Status');
    assert.is(body.status, 'Failure');
    assert.is(body.code, code);
    assert.is(body.reason, reason);
    return body;
  };

  if (has('create')) {
    test(`${kind}: create answers 201 with the object as stored, uid, resourceVersion and creationTimestamp set`, async () => {
      const ctx = fakeCtx();
      const res = await h.create(req('POST', collection, example), ctx);
      assert.is(res.status, 201, await res.clone().text());
      const created: Obj = await res.json();
      assert.is(created.kind, kind);
      assert.is(created.apiVersion, def.apiVersion);
      assert.is(created.metadata.name, name);
      assert.is(created.metadata.namespace, namespace);
      assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
      assert.match(created.metadata.resourceVersion!, /^\d+$/);
      assert.match(created.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(created.metadata.labels ?? {}, { ...(created.metadata.labels ?? {}), ...(example.metadata.labels as object) });
      assert.equal(ctx.store.get(def, namespace, name), created);
      if (def.priority) assert.equal(ctx.submitted.map((s) => [s.op.action, s.op.name, s.priority]), [['apply', name, def.priority]]);
      else assert.is(ctx.submitted.length, 0);
    });

    test(`${kind}: a second create of the same name is a 409 AlreadyExists Status`, async () => {
      const ctx = fakeCtx();
      const first = await seed(ctx);
      const body = await status(await h.create(req('POST', collection, example), ctx), 409, 'AlreadyExists');
      assert.is(body.details.name, name);
      assert.is(body.details.kind, def.plural);
      assert.is(body.details.group, def.group);
      assert.equal(ctx.store.get(def, namespace, name), first);
    });

    test(`${kind}: an object with an invalid name is a 422 Invalid Status naming metadata.name`, async () => {
      const ctx = fakeCtx();
      const body = await status(await h.create(req('POST', collection, named('Not_A_Valid_Name')), ctx), 422, 'Invalid');
      assert.ok(body.details.causes.some((c: { field: string }) => c.field === 'metadata.name'), JSON.stringify(body.details));
      assert.is(body.details.kind, kind);
      assert.is(ctx.store.get(def, namespace, 'Not_A_Valid_Name'), undefined);
      assert.is(ctx.submitted.length, 0);
    });

    test(`${kind}: dryRun=All answers 201 with the object but stores and enqueues nothing`, async () => {
      const ctx = fakeCtx();
      const rv = ctx.store.resourceVersion;
      const res = await h.create(req('POST', `${collection}?dryRun=All`, example), ctx);
      assert.is(res.status, 201, await res.clone().text());
      assert.is((await res.json()).metadata.name, name);
      assert.is(ctx.store.get(def, namespace, name), undefined);
      assert.is(ctx.store.resourceVersion, rv);
      assert.is(ctx.submitted.length, 0);
    });

    test(`${kind}: fieldValidation=Strict rejects an unknown field with a 400; the default Warn stores and warns`, async () => {
      const ctx = fakeCtx();
      const body = await status(await h.create(req('POST', `${collection}?fieldValidation=Strict`, { ...example, notAField: 1 }), ctx), 400, 'BadRequest');
      assert.match(body.message, 'unknown field "notAField"');
      assert.is(ctx.store.get(def, namespace, name), undefined);
      const warned = await h.create(req('POST', collection, { ...example, notAField: 1 }), ctx);
      assert.is(warned.status, 201);
      assert.match(warned.headers.get('warning') ?? '', 'unknown field \\"notAField\\"');
    });

    if (protobufLayout(kind)) {
      test(`${kind}: the example round-trips through protobuf, and a protobuf create stores what a JSON one does`, async () => {
        const body = encodeObject(example);
        assert.equal(decodeKubernetesProtobuf(body), example);
        // Allocations (a Service's ClusterIP) start from a random point: the same one for both creates.
        const random = Math.random;
        Math.random = () => 0.5;
        let viaJson: Obj;
        let res: Response;
        try {
          viaJson = await seed(fakeCtx());
          res = await h.create(req('POST', collection, body, { 'content-type': PROTOBUF }), fakeCtx());
        } finally {
          Math.random = random;
        }
        assert.is(res.status, 201, await res.clone().text());
        const viaProtobuf: Obj = await res.json();
        const withoutUid = (o: Obj) => ({ ...o, metadata: { ...o.metadata, uid: undefined } });
        assert.equal(withoutUid(viaProtobuf), withoutUid(viaJson));
      });
    } else {
      test(`${kind}: has no protobuf layout, so a protobuf create is a 415 that asks for JSON`, async () => {
        const ctx = fakeCtx();
        const res = await h.create(req('POST', collection, envelope(def.apiVersion, kind, []), { 'content-type': PROTOBUF }), ctx);
        const body = await status(res, 415, 'UnsupportedMediaType');
        assert.match(body.message, 'send this kind as JSON');
      });
    }
  }

  if (has('get')) {
    test(`${kind}: get returns the object as stored`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const res = await h.get(req('GET', item(name)), ctx);
      assert.is(res.status, 200);
      assert.equal(await res.json(), stored);
    });

    test(`${kind}: get of a missing name is a 404 NotFound Status`, async () => {
      const body = await status(await h.get(req('GET', item('missing')), fakeCtx()), 404, 'NotFound');
      assert.equal(body.details, { name: 'missing', group: def.group, kind: def.plural });
      assert.is(body.message, `${def.resource} "missing" not found`);
    });
  }

  if (has('list')) {
    test(`${kind}: list answers a ${kind}List with the list's resourceVersion`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const res = await h.list(req('GET', collection), ctx);
      assert.is(res.status, 200);
      const list = await res.json();
      assert.is(list.kind, `${kind}List`);
      assert.is(list.apiVersion, def.apiVersion);
      assert.is(list.metadata.resourceVersion, String(ctx.store.resourceVersion));
      assert.equal(list.items.filter((o: Obj) => o.metadata.name === name), [stored]);
    });

    test(`${kind}: list as a Table has NAME and the kind's columns, one row per object`, async () => {
      const ctx = fakeCtx();
      await seed(ctx);
      await seed(ctx, `${name}-2`);
      const res = await h.list(req('GET', collection, undefined, { accept: TABLE }), ctx);
      assert.is(res.status, 200);
      const table = await res.json();
      assert.is(table.kind, 'Table');
      assert.is(table.apiVersion, 'meta.k8s.io/v1');
      assert.equal(table.columnDefinitions.map((c: { name: string }) => c.name), ['Name', ...def.columns.map((c) => c.name)]);
      const rows = table.rows.filter((r: { cells: unknown[] }) => [name, `${name}-2`].includes(r.cells[0] as string));
      assert.is(rows.length, 2);
      for (const row of rows) {
        assert.is(row.cells.length, def.columns.length + 1);
        assert.is(row.object.kind, 'PartialObjectMetadata');
      }
    });

    test(`${kind}: fieldSelector picks by metadata.name and by every field the kind declares`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      await seed(ctx, `${name}-2`);
      const names = async (selector: string) => {
        const res = await h.list(req('GET', `${collection}?fieldSelector=${encodeURIComponent(selector)}`), ctx);
        assert.is(res.status, 200, `${selector}: ${await res.clone().text()}`);
        return (await res.json()).items.map((o: Obj) => o.metadata.name).filter((n: string) => n.startsWith(name));
      };
      assert.equal(await names(`metadata.name=${name}`), [name]);
      assert.equal(await names(`metadata.name!=${name}`), [`${name}-2`]);
      if (def.namespaced) assert.equal(await names('metadata.namespace=kube-system'), []);
      for (const [field, get] of Object.entries(def.fieldSelectors)) {
        const value = get(stored as never) ?? '';
        assert.ok((await names(`${field}=${value},metadata.name=${name}`)).includes(name), field);
        assert.equal(await names(`${field}!=${value},metadata.name=${name}`), [], field);
      }
      await status(await h.list(req('GET', `${collection}?fieldSelector=spec.notAField%3Dx`), ctx), 400, 'BadRequest');
    });
  }

  if (has('update')) {
    test(`${kind}: update with the current resourceVersion is stored; with a stale one it is a 409 Conflict`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const next = structuredClone(stored);
      next.metadata.labels = { ...next.metadata.labels, conformance: 'updated' };
      const res = await h.update(req('PUT', item(name), next), ctx);
      assert.is(res.status, 200, await res.clone().text());
      const updated: Obj = await res.json();
      assert.is(updated.metadata.labels!.conformance, 'updated');
      assert.is(updated.metadata.uid, stored.metadata.uid);
      assert.ok(Number(updated.metadata.resourceVersion) > Number(stored.metadata.resourceVersion));
      const stale = structuredClone(stored);
      stale.metadata.labels = { ...stale.metadata.labels, conformance: 'stale' };
      const body = await status(await h.update(req('PUT', item(name), stale), ctx), 409, 'Conflict');
      assert.is(body.details.name, name);
      assert.is(ctx.store.get(def, namespace, name)!.metadata.labels!.conformance, 'updated');
    });
  }

  if (has('patch')) {
    test(`${kind}: a merge patch changes what it names and keeps the rest`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const res = await h.patch(req('PATCH', item(name), { metadata: { labels: { conformance: 'patched' } } }, MERGE), ctx);
      assert.is(res.status, 200, await res.clone().text());
      const patched: Obj = await res.json();
      assert.equal(patched.metadata.labels, { ...stored.metadata.labels, conformance: 'patched' });
      const { metadata: _a, ...restBefore } = stored;
      const { metadata: _b, ...restAfter } = patched;
      assert.equal(restAfter, restBefore);
      await status(await h.patch(req('PATCH', item('missing'), { metadata: { labels: { a: 'b' } } }, MERGE), ctx), 404, 'NotFound');
    });
  }

  if (has('watch')) {
    test(`${kind}: a watch from a resourceVersion sees ADDED, MODIFIED and DELETED in order`, async () => {
      const ctx = fakeCtx();
      const abort = new AbortController();
      const from = ctx.store.resourceVersion;
      const res = await h.list(new Request(`https://k2d.test${collection}?watch=true&resourceVersion=${from}`, { signal: abort.signal }), ctx);
      assert.is(res.status, 200);
      const expected = ['ADDED', 'MODIFIED', ...(marksOnDelete(def) ? ['MODIFIED'] : []), 'DELETED'];
      const pending = watchEvents(res, expected.length, abort);
      const stored = await seed(ctx);
      if (has('update')) {
        const next = { ...stored, metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, conformance: 'watched' } } };
        assert.is((await h.update(req('PUT', item(name), next), ctx)).status, 200);
      } else await ctx.store.modify(def, namespace, name, (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, conformance: 'watched' } } }));
      if (has('delete')) assert.is((await h.delete(req('DELETE', item(name)), ctx)).status, 200);
      // What the runtime does once the Docker work of a delete is done (and for kinds clients cannot delete).
      if (ctx.store.get(def, namespace, name)) await ctx.store.delete(def, namespace, name);
      const got = await pending;
      assert.equal(got.map((e) => e.type), expected);
      assert.ok(got.every((e) => e.object.metadata.name === name && e.object.kind === kind), JSON.stringify(got));
      assert.is(got[1].object.metadata.labels!.conformance, 'watched');
      if (marksOnDelete(def)) assert.ok(got[2].object.metadata.deletionTimestamp, 'the delete marks the object first');
      assert.ok(Number(got[0].object.metadata.resourceVersion) > from);
    });
  }

  if (has('delete')) {
    const through = deletesThroughRuntime(def);
    test(`${kind}: delete ${through ? 'hands the object to the runtime, marked when the kind marks it' : 'removes the object at once'}`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      ctx.submitted.length = 0;
      const res = await h.delete(req('DELETE', item(name)), ctx);
      assert.is(res.status, 200, await res.clone().text());
      const body = await res.json();
      if (!through) {
        assert.is(body.kind, 'Status');
        assert.is(body.status, 'Success');
        assert.equal(body.details, { name, group: def.group, kind: def.plural, uid: stored.metadata.uid });
        assert.is(ctx.store.get(def, namespace, name), undefined);
        if (has('get')) await status(await h.get(req('GET', item(name)), ctx), 404, 'NotFound');
        return;
      }
      assert.is(body.metadata.uid, stored.metadata.uid);
      assert.equal(ctx.submitted.map((s) => [s.op.action, s.op.name, s.priority]), [['delete', name, def.priority]]);
      const left = ctx.store.get(def, namespace, name)!;
      assert.ok(left, 'kept until the runtime removes it');
      if (marksOnDelete(def)) {
        assert.ok(left.metadata.deletionTimestamp, 'marked for deletion');
        assert.is(body.metadata.deletionTimestamp, left.metadata.deletionTimestamp);
      }
    });

    test(`${kind}: delete of a missing name is a 404 NotFound Status`, async () => {
      await status(await h.delete(req('DELETE', item('missing')), fakeCtx()), 404, 'NotFound');
    });
  }

  if (has('deletecollection')) {
    test(`${kind}: deletecollection takes only what its label selector picks`, async () => {
      const ctx = fakeCtx();
      await seed(ctx);
      const kept = named(`${name}-2`);
      kept.metadata.labels = { ...kept.metadata.labels, conformance: 'keep' };
      assert.is((await h.create(req('POST', collection, kept), ctx)).status, 201);
      const res = await h.deletecollection(req('DELETE', `${collection}?labelSelector=${encodeURIComponent('conformance!=keep')}`), ctx);
      assert.is(res.status, 200, await res.clone().text());
      const list = await res.json();
      assert.is(list.kind, `${kind}List`);
      assert.equal(list.items.map((o: Obj) => o.metadata.name), [name]);
      const left = ctx.store.get(def, namespace, name);
      if (deletesThroughRuntime(def)) assert.equal(ctx.submitted.filter((s) => s.op.action === 'delete').map((s) => s.op.name), [name]);
      else assert.is(left, undefined);
      assert.ok(ctx.store.get(def, namespace, `${name}-2`));
      assert.not.ok(ctx.store.get(def, namespace, `${name}-2`)!.metadata.deletionTimestamp);
    });
  }

  if (def.subresources.includes('status')) {
    const statusGet = routeHandler(def, 'get', 'status');
    test(`${kind}: GET of /status is the whole object${has('update') ? '; a PUT of /status changes the status only' : ''}`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const res = await statusGet(req('GET', `${item(name)}/status`), ctx);
      assert.is(res.status, 200);
      assert.equal(await res.json(), stored);
      await status(await statusGet(req('GET', `${item('missing')}/status`), ctx), 404, 'NotFound');
      if (!has('update')) return;
      const next = structuredClone(stored);
      next.metadata.labels = { ...next.metadata.labels, conformance: 'ignored' };
      next.status = { ...(next.status ?? {}), conditions: [{ type: 'Conformance', status: 'True', reason: 'Checked', message: 'by the conformance suite', lastTransitionTime: '2026-01-01T12:00:00Z' }] };
      // A status without conditions (a PersistentVolume's) takes a message instead: unknown fields are dropped.
      const field = schemaIndex().unknownFields(def, next).includes('status.conditions') ? 'message' : 'conditions';
      if (field === 'message') next.status = { ...stored.status, message: 'by the conformance suite' };
      const put = await routeHandler(def, 'update', 'status')(req('PUT', `${item(name)}/status`, next), ctx);
      assert.is(put.status, 200, await put.clone().text());
      const written: Obj = await put.json();
      assert.equal(written.status[field], next.status[field]);
      assert.equal(written.metadata.labels, stored.metadata.labels);
      assert.equal(ctx.store.get(def, namespace, name), written);
    });
  }

  if (def.subresources.includes('scale')) {
    test(`${kind}: /scale reads and writes spec.replicas as an autoscaling/v1 Scale`, async () => {
      const ctx = fakeCtx();
      const stored = await seed(ctx);
      const got = await (await routeHandler(def, 'get', 'scale')(req('GET', `${item(name)}/scale`), ctx)).json();
      assert.is(got.kind, 'Scale');
      assert.is(got.apiVersion, 'autoscaling/v1');
      assert.is(got.spec.replicas, stored.spec.replicas);
      const res = await routeHandler(def, 'patch', 'scale')(req('PATCH', `${item(name)}/scale`, { spec: { replicas: stored.spec.replicas + 1 } }, MERGE), ctx);
      assert.is(res.status, 200, await res.clone().text());
      assert.is((await res.json()).spec.replicas, stored.spec.replicas + 1);
      assert.is((ctx.store.get(def, namespace, name) as Obj).spec.replicas, stored.spec.replicas + 1);
    });
  }
}

test.run();
