import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KObject } from '../../shared/k8s/meta';
import { configMaps } from '../../shared/resources/configmaps';
import { services } from '../../shared/resources/services';
import { ObjectStore, type Persistence } from '../../shared/store/object-store';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data }) as unknown as KObject;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A disk that takes `ms` per write (a random part of it, so writes finish out of order) and counts overlap. */
function slowDisk(ms: number, fail?: (obj: KObject) => boolean) {
  const state = { inFlight: 0, most: 0, writes: 0 };
  const persistence: Persistence = {
    async write(_, obj) {
      state.inFlight++;
      state.most = Math.max(state.most, state.inFlight);
      await sleep(ms / 2 + Math.random() * ms);
      state.inFlight--;
      state.writes++;
      if (fail?.(obj)) throw new Error(`disk full writing ${obj.metadata.name}`);
    },
    async remove() {
      await sleep(ms);
    },
    async writeResourceVersion() {},
  };
  return { state, persistence };
}

test('writes to different objects persist side by side; watchers still see resourceVersions in order', async () => {
  const { state, persistence } = slowDisk(20);
  const store = new ObjectStore({ clock, persistence });
  for (let i = 0; i < 30; i++) await store.create(configMaps, cm(`c${i}`));
  const seen: number[] = [];
  store.subscribe((c) => seen.push(c.rv));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 30 }, (_, i) => store.modify(configMaps, 'default', `c${i}`, (o) => ({ ...o, data: { n: '1' } } as KObject))));
  const ms = performance.now() - t0;
  assert.ok(state.most >= 10, `at most ${state.most} writes overlapped`);
  assert.ok(ms < 30 * 20 * 0.5, `30 writes of ~20 ms took ${ms.toFixed(0)} ms`);
  assert.equal(seen, [...seen].sort((a, b) => a - b));
  assert.is(seen.length, 30);
  assert.is(store.resourceVersion, seen[seen.length - 1]);
});

test('writes to one object stay one at a time: 50 concurrent increments lose nothing', async () => {
  const { state, persistence } = slowDisk(4);
  const store = new ObjectStore({ clock, persistence });
  await store.create(configMaps, cm('n', { n: '0' }));
  await Promise.all(Array.from({ length: 50 }, () => store.modify(configMaps, 'default', 'n', (o) => ({ ...o, data: { n: String(Number((o as unknown as { data: { n: string } }).data.n) + 1) } } as KObject))));
  assert.is((store.get(configMaps, 'default', 'n') as unknown as { data: { n: string } }).data.n, '50');
  assert.is(state.most, 1);
});

test('a write that fails to persist commits nothing and holds no one up', async () => {
  const { persistence } = slowDisk(10, (o) => o.metadata.name === 'bad');
  const store = new ObjectStore({ clock, persistence });
  const seen: string[] = [];
  store.subscribe((c) => seen.push(`${c.object.metadata.name}@${c.rv}`));
  const results = await Promise.allSettled([store.create(configMaps, cm('a')), store.create(configMaps, cm('bad')), store.create(configMaps, cm('b'))]);
  assert.equal(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.is(store.get(configMaps, 'default', 'bad'), undefined);
  assert.is(seen.length, 2);
  assert.ok(!seen.some((s) => s.startsWith('bad')));
});

test('writes of an allocating kind (Services) run alone, so what one takes the next one sees', async () => {
  const { state, persistence } = slowDisk(10);
  const store = new ObjectStore({ clock, persistence });
  const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: {} }) as unknown as KObject;
  const taken: number[] = [];
  await Promise.all([
    ...Array.from({ length: 10 }, (_, i) =>
      store.create(services, svc(`s${i}`), (o) => {
        const port = 30000 + store.count(services);
        assert.not.ok(taken.includes(port), `port ${port} handed out twice`);
        taken.push(port);
        return o;
      }),
    ),
    ...Array.from({ length: 5 }, (_, i) => store.create(configMaps, cm(`x${i}`))),
  ]);
  assert.is(taken.length, 10);
  assert.ok(state.most <= 6, `overlap ${state.most}`);
});

test.run();
