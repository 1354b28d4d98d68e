import { dropNulls } from '../api/request';
import type { ResourceDefinition } from '../api/resource';
import { REF_PREFIX, type Schema, type SchemaIndex } from '../api/schema';
import { ApiError, badRequest, type StatusCause } from '../api/status';
import { rfc3339 } from './time';

// Server-side apply and managedFields, after the apiserver's field manager (k8s.io/apimachinery
// pkg/util/managedfields) and the structured-merge-diff library underneath it. The schema decides how
// values combine: lists by `x-kubernetes-list-type` (map keyed by `x-kubernetes-list-map-keys`, set, or
// atomic), maps by `x-kubernetes-map-type` (granular unless atomic).

type Json = unknown;
type JsonObject = Record<string, Json>;
const isObject = (v: Json): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// Field sets

/** One step of a field path, spelled as in FieldsV1: `f:spec`, `k:{"name":"c"}`, `v:"x"`, `i:0`. */
export type PathElement = string;
export type FieldPath = PathElement[];

/**
 * A set of field paths as structured-merge-diff keeps it: a node can be a member (the field itself is
 * owned) and have children (fields below it are owned), independently. Operations are exact: removing
 * `.spec` does not remove `.spec.replicas`.
 */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: FieldPath[]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  /** Reads the FieldsV1 form: `{}` marks a member, `"."` marks a node that is also a member. */
  static fromFieldsV1(fields: Json): FieldSet {
    if (!isObject(fields)) throw new Error('FieldsV1 must be a JSON object');
    const set = new FieldSet();
    for (const [key, value] of Object.entries(fields)) {
      if (key === '.') continue;
      const pe = canonicalElement(key);
      if (pe === undefined) continue;
      if (!isObject(value)) throw new Error(`FieldsV1 entry ${key} must be a JSON object`);
      const child = FieldSet.fromFieldsV1(value);
      const hasChildren = !child.isEmpty();
      if (Object.hasOwn(value, '.') || !hasChildren) set.members.add(pe);
      if (hasChildren) set.children.set(pe, child);
    }
    return set;
  }

  toFieldsV1(self = false): JsonObject {
    const out: JsonObject = {};
    if (self && !this.isEmpty()) out['.'] = {};
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(compareElements);
    for (const pe of keys) {
      const child = this.children.get(pe);
      out[pe] = child ? child.toFieldsV1(this.members.has(pe)) : {};
    }
    return out;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: FieldPath): this {
    if (!path.length) return this;
    let node: FieldSet = this;
    for (const pe of path.slice(0, -1)) {
      let next = node.children.get(pe);
      if (!next) node.children.set(pe, (next = new FieldSet()));
      node = next;
    }
    node.members.add(path[path.length - 1]);
    return this;
  }

  has(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (const pe of path.slice(0, -1)) node = node?.children.get(pe);
    return !!node && path.length > 0 && node.members.has(path[path.length - 1]);
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.children.get(pe);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of [...this.members, ...other.members]) out.members.add(m);
    for (const pe of new Set([...this.children.keys(), ...other.children.keys()])) {
      const a = this.children.get(pe);
      const b = other.children.get(pe);
      out.children.set(pe, a && b ? a.union(b) : (a ?? b)!.union(new FieldSet()));
    }
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, child] of this.children) {
      const rest = other.children.has(pe) ? child.difference(other.children.get(pe)!) : child.union(new FieldSet());
      if (!rest.isEmpty()) out.children.set(pe, rest);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [pe, child] of this.children) {
      const theirs = other.children.get(pe);
      if (!theirs) continue;
      const both = child.intersection(theirs);
      if (!both.isEmpty()) out.children.set(pe, both);
    }
    return out;
  }

  /** Every member path, in the order FieldsV1 lists them. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(compareElements);
    for (const pe of keys) {
      if (this.members.has(pe)) out.push([...prefix, pe]);
      const child = this.children.get(pe);
      if (child) out.push(...child.paths([...prefix, pe]));
    }
    return out;
  }
}

/** `.spec.containers[name="c"].image`, as the apiserver prints a field path in conflicts. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k':
          return `[${Object.entries(JSON.parse(body) as JsonObject).map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
        case 'v':
          return `[=${valueString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('');
  return String(v);
}

const fieldElement = (name: string): PathElement => `f:${name}`;
const valueElement = (value: Json): PathElement => `v:${JSON.stringify(value)}`;
function keyElement(fields: Array<[string, Json]>): PathElement {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `k:${JSON.stringify(Object.fromEntries(sorted))}`;
}

/** Re-spells a FieldsV1 key so that equal elements are equal strings; unknown kinds are skipped. */
function canonicalElement(key: string): PathElement | undefined {
  if (key.length < 2 || key[1] !== ':') throw new Error(`key must be a path element: ${key}`);
  const body = key.slice(2);
  switch (key[0]) {
    case 'f':
      return key;
    case 'v':
      return valueElement(JSON.parse(body));
    case 'k': {
      const fields = JSON.parse(body);
      if (!isObject(fields)) throw new Error(`key element must be an object: ${key}`);
      return keyElement(Object.entries(fields));
    }
    case 'i':
      return `i:${Number.parseInt(body, 10)}`;
    default:
      return undefined;
  }
}

// The order structured-merge-diff serializes a set in: field names, then keys, then values, then indexes.
const ELEMENT_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function compareElements(a: PathElement, b: PathElement): number {
  const ka = ELEMENT_ORDER[a[0]] ?? 4;
  const kb = ELEMENT_ORDER[b[0]] ?? 4;
  if (ka !== kb) return ka - kb;
  const x = a.slice(2);
  const y = b.slice(2);
  switch (a[0]) {
    case 'f':
      return x < y ? -1 : x > y ? 1 : 0;
    case 'k': {
      const l = Object.entries(JSON.parse(x) as JsonObject);
      const r = Object.entries(JSON.parse(y) as JsonObject);
      for (let i = 0; ; i++) {
        if (i >= l.length || i >= r.length) return l.length - r.length;
        if (l[i][0] !== r[i][0]) return l[i][0] < r[i][0] ? -1 : 1;
        const c = compareValues(l[i][1], r[i][1]);
        if (c) return c;
      }
    }
    case 'v':
      return compareValues(JSON.parse(x), JSON.parse(y));
    default:
      return Number(x) - Number(y);
  }
}

/** Numbers, then strings, then booleans, then lists, then maps, then null. */
function compareValues(a: Json, b: Json): number {
  const rank = (v: Json) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : isObject(v) ? 4 : 5);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  if (ra === 2) return Number(a) - Number(b);
  if (ra === 3 || ra === 4) {
    const l = JSON.stringify(a);
    const r = JSON.stringify(b);
    return l === r ? 0 : l < r ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// How the schema shapes a value

type Shape =
  | { kind: 'scalar' }
  | { kind: 'struct'; atomic: boolean; fields: Record<string, Schema>; rest?: Schema }
  | { kind: 'map'; atomic: boolean; values?: Schema }
  | { kind: 'list'; type: 'atomic' | 'set' | 'map'; keys: string[]; items?: Schema }
  | { kind: 'untyped' };

/** A typed value is wrong for its schema (a list item without its keys, duplicate keys). */
class SchemaMismatch extends Error {
  constructor(
    readonly path: FieldPath,
    readonly detail: string,
  ) {
    super(`${pathString(path)}: ${detail}`);
  }
}

class Types {
  constructor(private readonly index: SchemaIndex) {}

  shape(schema: Schema | undefined): Shape {
    const s = this.index.resolve(schema);
    if (!s) return { kind: 'untyped' };
    const ext = (name: `x-${string}`) => schema?.[name] ?? s[name];
    if (s.type === 'array' || s.items) {
      const declared = ext('x-kubernetes-list-type') as string | undefined;
      const keys = (ext('x-kubernetes-list-map-keys') as string[] | undefined) ?? [];
      if (declared === 'map') return { kind: 'list', type: 'map', keys, items: s.items };
      if (declared === 'set') return { kind: 'list', type: 'set', keys: [], items: s.items };
      if (declared === 'atomic') return { kind: 'list', type: 'atomic', keys: [], items: s.items };
      // Without a list type the apiserver's schema conversion reads the strategic-merge tags instead.
      const strategy = String(ext('x-kubernetes-patch-strategy') ?? '').split(',');
      const mergeKey = ext('x-kubernetes-patch-merge-key') as string | undefined;
      if (strategy.includes('merge')) {
        return mergeKey ? { kind: 'list', type: 'map', keys: [mergeKey], items: s.items } : { kind: 'list', type: 'set', keys: [], items: s.items };
      }
      return { kind: 'list', type: 'atomic', keys: [], items: s.items };
    }
    const atomic = ext('x-kubernetes-map-type') === 'atomic';
    const rest = isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined;
    if (s.properties) return { kind: 'struct', atomic, fields: s.properties, rest };
    if (rest) return { kind: 'map', atomic, values: rest };
    if (s.type === 'object') return { kind: 'map', atomic };
    if (s.type === 'string' || s.type === 'integer' || s.type === 'number' || s.type === 'boolean') return { kind: 'scalar' };
    return { kind: 'untyped' };
  }

  /** The shape a value takes: the schema's, or deduced from the value (maps granular, lists atomic). */
  shapeFor(schema: Schema | undefined, value: Json): Shape {
    const shape = this.shape(schema);
    const fits =
      value === undefined ||
      value === null ||
      (shape.kind === 'list' && Array.isArray(value)) ||
      ((shape.kind === 'struct' || shape.kind === 'map') && isObject(value)) ||
      (shape.kind === 'scalar' && !isObject(value) && !Array.isArray(value));
    if (shape.kind !== 'untyped' && fits) return shape;
    if (Array.isArray(value)) return { kind: 'list', type: 'atomic', keys: [] };
    if (isObject(value)) return { kind: 'map', atomic: false };
    return { kind: 'scalar' };
  }

  field(shape: Shape, name: string): Schema | undefined {
    if (shape.kind === 'struct') return shape.fields[name] ?? shape.rest;
    if (shape.kind === 'map') return shape.values;
    return undefined;
  }

  /** The path element of a list item: its keys for map lists, its value for sets. */
  itemElement(shape: Extract<Shape, { kind: 'list' }>, item: Json, path: FieldPath, i: number): PathElement {
    if (shape.type === 'map') {
      if (item === null) throw new SchemaMismatch(path, `element ${i}: associative list with keys may not have a null element`);
      if (!isObject(item)) throw new SchemaMismatch(path, `element ${i}: associative list with keys may not have non-map elements`);
      const itemSchema = this.index.resolve(shape.items);
      const fields: Array<[string, Json]> = [];
      for (const key of shape.keys) {
        if (Object.hasOwn(item, key) && item[key] !== null) fields.push([key, item[key]]);
        else if (itemSchema?.properties?.[key]?.default !== undefined) fields.push([key, itemSchema.properties[key].default]);
      }
      if (!fields.length) {
        throw new SchemaMismatch(path, `element ${i}: associative list with keys has an element that omits all key fields ${JSON.stringify(shape.keys)} (and doesn't have default values for any key fields)`);
      }
      return keyElement(fields);
    }
    if (item === null) throw new SchemaMismatch(path, `element ${i}: associative list without keys has an element that's an explicit null`);
    if (isObject(item)) throw new SchemaMismatch(path, `element ${i}: associative list without keys has an element that's a map type`);
    if (Array.isArray(item)) throw new SchemaMismatch(path, `element ${i}: not supported: associative list with lists as elements`);
    return valueElement(item);
  }

  /** Item elements in list order; duplicates are an error unless `allowDuplicates` (live objects). */
  itemElements(shape: Extract<Shape, { kind: 'list' }>, list: Json[], path: FieldPath, allowDuplicates: boolean): PathElement[] {
    const seen = new Set<PathElement>();
    return list.map((item, i) => {
      const pe = this.itemElement(shape, item, path, i);
      if (seen.has(pe) && !allowDuplicates) throw new SchemaMismatch(path, `duplicate entries for key ${pathString([pe])}`);
      seen.add(pe);
      return pe;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Walks over typed values

/** The fields an applied configuration sets: what its applier comes to own. */
function toFieldSet(types: Types, value: Json, schema: Schema | undefined): FieldSet {
  const set = new FieldSet();
  const walk = (v: Json, s: Schema | undefined, path: FieldPath) => {
    const shape = types.shapeFor(s, v);
    if (shape.kind === 'scalar' || shape.kind === 'untyped') {
      set.insert(path);
    } else if (shape.kind === 'list') {
      if (shape.type === 'atomic') set.insert(path);
      else if (Array.isArray(v)) {
        const pes = v.map((item, i) => types.itemElement(shape, item, path, i));
        const counts = new Map<PathElement, number>();
        for (const pe of pes) counts.set(pe, (counts.get(pe) ?? 0) + 1);
        v.forEach((item, i) => {
          const at = [...path, pes[i]];
          if (counts.get(pes[i])! === 1) walk(item, shape.items, at);
          set.insert(at);
        });
      }
    } else if (shape.atomic) {
      set.insert(path);
    } else if (isObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        const at = [...path, fieldElement(k)];
        walk(child, types.field(shape, k), at);
        const named = shape.kind === 'struct' && Object.hasOwn(shape.fields, k);
        if (child === null || (isObject(child) && !Object.keys(child).length) || !named) set.insert(at);
      }
    }
  };
  walk(value, schema, []);
  return set;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const isEmptyContainer = (v: Json) => v === undefined || v === null || (Array.isArray(v) ? !v.length : isObject(v) && !Object.keys(v).length);

/**
 * Applies a configuration over the live object: the configuration wins on every field it sets, granular
 * maps merge key by key, map and set lists merge item by item, atomic values are replaced whole.
 */
function merge(types: Types, live: Json, config: Json, schema: Schema | undefined, path: FieldPath): Json {
  if (config === undefined) return live;
  if (live === undefined || live === null || config === null) return structuredClone(config);
  const shape = types.shapeFor(schema, config);
  if (shape.kind === 'scalar' || shape.kind === 'untyped') return structuredClone(config);
  if (shape.kind === 'list') {
    if (!Array.isArray(live) || shape.type === 'atomic' || (isEmptyContainer(live) && isEmptyContainer(config))) return structuredClone(config);
    return mergeList(types, live, config as Json[], shape, path);
  }
  if (!isObject(live) || shape.atomic || (isEmptyContainer(live) && isEmptyContainer(config))) return structuredClone(config);
  const out: JsonObject = {};
  const cfg = config as JsonObject;
  // Own keys only: `constructor` or `toString` in a map must not find Object's prototype.
  for (const [k, v] of Object.entries(live)) out[k] = Object.hasOwn(cfg, k) ? merge(types, v, cfg[k], types.field(shape, k), [...path, fieldElement(k)]) : v;
  for (const [k, v] of Object.entries(cfg)) if (!Object.hasOwn(live, k)) out[k] = structuredClone(v);
  return out;
}

/**
 * Items only the live list has keep their place; items of the configuration come in its order, merged
 * with their live counterpart; a live item the configuration also names waits until its turn there.
 */
function mergeList(types: Types, live: Json[], config: Json[], shape: Extract<Shape, { kind: 'list' }>, path: FieldPath): Json[] {
  const rPEs = types.itemElements(shape, config, path, false);
  const lPEs = types.itemElements(shape, live, path, true);
  const rIndex = new Map(rPEs.map((pe, i) => [pe, i]));
  const lFirst = new Map<PathElement, number>();
  const lDuplicated = new Set<PathElement>();
  lPEs.forEach((pe, i) => (lFirst.has(pe) ? lDuplicated.add(pe) : lFirst.set(pe, i)));
  const liveOf = (pe: PathElement) => (lDuplicated.has(pe) ? undefined : live[lFirst.get(pe)!]);
  const shared = rPEs.filter((pe) => lFirst.has(pe));
  let next = 0;
  const done = new Set<PathElement>();
  const out: Json[] = [];
  const takeConfig = (ri: number) => {
    const pe = rPEs[ri];
    done.add(pe);
    out.push(merge(types, liveOf(pe), config[ri], shape.items, [...path, pe]));
    if (shared[next] === pe) next++;
  };

  let li = 0;
  let ri = 0;
  while (li < live.length || ri < config.length) {
    if (li < live.length && ri < config.length) {
      if (lPEs[li] === rPEs[ri]) {
        takeConfig(ri);
        li++;
        ri++;
        continue;
      }
      if (rIndex.has(lPEs[li]) && next < shared.length && shared[next] !== lPEs[li]) {
        li++;
        continue;
      }
    }
    if (li < live.length) {
      if (!rIndex.has(lPEs[li])) {
        out.push(live[li]);
        li++;
        continue;
      }
      if (done.has(lPEs[li])) li++;
    }
    if (ri < config.length) {
      takeConfig(ri);
      ri++;
    }
  }
  return out;
}

interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed between two versions of an object, leaf by leaf; a map, list item or untyped object that
 * appears or disappears is itself added or removed. Objects with declared fields are not: the apiserver's
 * typed objects always carry them (Go structs), so only what they contain can be added.
 */
function compare(types: Types, before: Json, after: Json, schema: Schema | undefined): Comparison {
  const result: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: Json, r: Json, path: FieldPath) => {
    if (l === undefined) result.added.insert(path);
    else if (r === undefined) result.removed.insert(path);
    else if (!deepEqual(l, r)) result.modified.insert(path);
  };
  const walk = (l: Json, r: Json, s: Schema | undefined, path: FieldPath) => {
    if (l === undefined && r === undefined) return;
    const shape = types.shapeFor(s, r !== undefined ? r : l);
    const kind = (v: Json) => (Array.isArray(v) ? 'list' : isObject(v) ? 'map' : 'scalar');
    if (l !== undefined && r !== undefined && kind(l) !== kind(r)) return leaf(l, r, path);
    if (l === null || r === null || shape.kind === 'scalar' || shape.kind === 'untyped') return leaf(l, r, path);
    if (shape.kind === 'list') {
      if (shape.type === 'atomic' || (isEmptyContainer(l) && isEmptyContainer(r))) return leaf(l, r, path);
      const lList = (l ?? []) as Json[];
      const rList = (r ?? []) as Json[];
      const group = (list: Json[]) => {
        const byPE = new Map<PathElement, Json[]>();
        types.itemElements(shape, list, path, true).forEach((pe, i) => byPE.set(pe, [...(byPE.get(pe) ?? []), list[i]]));
        return byPE;
      };
      const lItems = group(lList);
      const rItems = group(rList);
      for (const pe of new Set([...lItems.keys(), ...rItems.keys()])) {
        const ls = lItems.get(pe) ?? [];
        const rs = rItems.get(pe) ?? [];
        const at = [...path, pe];
        if (ls.length <= 1 && rs.length <= 1) walk(ls[0], rs[0], shape.items, at);
        else if (ls.length >= 2 && rs.length >= 2) {
          if (!deepEqual(ls, rs)) result.modified.insert(at);
        } else if (ls.length >= 2) {
          if (rs.length) walk(undefined, rs[0], shape.items, at);
          result.removed.insert(at);
        } else {
          if (ls.length) walk(ls[0], undefined, shape.items, at);
          result.added.insert(at);
        }
      }
    } else {
      if (shape.atomic || (isEmptyContainer(l) && isEmptyContainer(r))) return leaf(l, r, path);
      const lMap = (l ?? {}) as JsonObject;
      const rMap = (r ?? {}) as JsonObject;
      for (const k of new Set([...Object.keys(lMap), ...Object.keys(rMap)])) walk(lMap[k], rMap[k], types.field(shape, k), [...path, fieldElement(k)]);
      if (shape.kind === 'struct' && path.length) return;
    }
    if (path.length && l === undefined) result.added.insert(path);
    else if (path.length && r === undefined) result.removed.insert(path);
  };
  walk(before, after, schema, []);
  return result;
}

/**
 * Adds the fields with declared names along the set's paths as members: structured-merge-diff does so
 * before pruning, so that dropping the last owned field of a struct drops the struct.
 */
function withNamedFields(types: Types, set: FieldSet, schema: Schema | undefined): FieldSet {
  const out = new FieldSet();
  const shape = types.shape(schema);
  for (const m of set.members) out.members.add(m);
  for (const [pe, child] of set.children) {
    let childSchema: Schema | undefined;
    if (pe.startsWith('f:')) {
      const name = pe.slice(2);
      if (shape.kind === 'struct' && Object.hasOwn(shape.fields, name)) out.members.add(pe);
      childSchema = types.field(shape, name);
    } else if (shape.kind === 'list') {
      childSchema = shape.items;
    }
    out.children.set(pe, withNamedFields(types, child, childSchema));
  }
  return out;
}

/** Removes the fields of `set` from a value; maps and lists left empty by the removal go too. */
function removeFields(types: Types, value: Json, set: FieldSet, schema: Schema | undefined, path: FieldPath): Json {
  const shape = types.shapeFor(schema, value);
  if (shape.kind === 'list' && shape.type !== 'atomic' && Array.isArray(value)) {
    const out: Json[] = [];
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = types.itemElement(shape, item, path, i);
      } catch {
        out.push(item);
        return;
      }
      if (set.members.has(pe)) return;
      const below = set.child(pe);
      if (!below) return void out.push(item);
      const kept = removeFields(types, item, below, shape.items, [...path, pe]);
      if (kept !== undefined) out.push(kept);
    });
    return out.length ? out : undefined;
  }
  if ((shape.kind === 'struct' || shape.kind === 'map') && !shape.atomic && isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = fieldElement(k);
      if (set.members.has(pe)) continue;
      const below = set.child(pe);
      if (!below) {
        out[k] = v;
        continue;
      }
      const kept = removeFields(types, v, below, types.field(shape, k), [...path, pe]);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Managers

type Operation = 'Apply' | 'Update';

interface Manager {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** What identifies an entry: appliers are one entry whatever version they apply; updaters one per version. */
function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === 'Update' && { apiVersion: m.apiVersion }),
    ...(m.subresource && { subresource: m.subresource }),
  });
}

/** `"kubectl-edit" using v1` for updaters, `"kubectl"` for appliers, as in the apiserver's conflicts. */
function describeManager(m: Manager): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${text} using ${m.apiVersion}` : text;
}

function decodeManagedFields(entries: Json): Map<string, Manager> {
  const managers = new Map<string, Manager>();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((entry, i) => {
    if (!isObject(entry)) throw new Error(`managed fields entry ${i} must be an object`);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof entry.apiVersion !== 'string' || !entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (!entry.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
    const m: Manager = {
      manager: typeof entry.manager === 'string' ? entry.manager : '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      subresource: typeof entry.subresource === 'string' && entry.subresource ? entry.subresource : undefined,
      time: typeof entry.time === 'string' ? entry.time : undefined,
      set: FieldSet.fromFieldsV1(entry.fieldsV1 ?? {}),
    };
    managers.set(managerId(m), m);
  });
  return managers;
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Entries as the apiserver lists them: appliers first, then by time, manager, version, subresource. */
function encodeManagedFields(managers: Map<string, Manager>): JsonObject[] {
  return [...managers.values()]
    .filter((m) => !m.set.isEmpty())
    .sort(
      (p, q) =>
        cmp(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        cmp(p.manager, q.manager) ||
        cmp(p.apiVersion, q.apiVersion) ||
        cmp(p.subresource ?? '', q.subresource ?? ''),
    )
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time && { time: m.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource && { subresource: m.subresource }),
    }));
}

// Identity and bookkeeping fields nobody owns.
const UNOWNED = FieldSet.of(
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
);

/**
 * Status belongs to the status subresource and spec to the main resource: what one of them cannot change
 * is not tracked for its writers (the apiserver's reset fields, reduced to these two).
 */
function trackedOnly(set: FieldSet, subresource: string | undefined): FieldSet {
  const out = set.union(new FieldSet());
  const ignored = subresource === 'status' ? 'f:spec' : subresource ? undefined : 'f:status';
  if (ignored) {
    out.members.delete(ignored);
    out.children.delete(ignored);
  }
  return out;
}

function trackedComparison(c: Comparison, subresource: string | undefined): Comparison {
  return { added: trackedOnly(c.added, subresource), modified: trackedOnly(c.modified, subresource), removed: trackedOnly(c.removed, subresource) };
}

const MAX_UPDATE_MANAGERS = 10;

/** Beyond ten updaters, the oldest are folded into one `ancient-changes` entry per version. */
function capUpdaters(managers: Map<string, Manager>) {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, m] of updaters) {
    if (count <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    const bucketId = managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion });
    let bucket = managers.get(bucketId);
    if (!bucket) {
      const moved = managers.get(first)!;
      managers.delete(first);
      bucket = { ...moved, manager: 'ancient-changes', subresource: undefined };
      managers.set(bucketId, bucket);
    }
    bucket.set = m.set.union(bucket.set);
    bucket.time = m.time;
    managers.delete(id);
    count--;
  }
}

function gvkString(apiVersion: Json, kind: Json): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  return `${av.includes('/') ? av : `/${av}`}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

const withoutManagedFields = (obj: Json): JsonObject => {
  const copy = (isObject(obj) ? structuredClone(obj) : {}) as JsonObject;
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
};

function setManagedFields(obj: JsonObject, managers: Map<string, Manager>): JsonObject {
  const entries = encodeManagedFields(managers);
  const metadata = (isObject(obj.metadata) ? obj.metadata : (obj.metadata = {})) as JsonObject;
  if (entries.length) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return obj;
}

const rootSchema = (index: SchemaIndex, def: ResourceDefinition): Schema => ({ $ref: REF_PREFIX + index.rootId(def) });

/** Typing errors of the applied configuration are the client's; those of stored objects are ours. */
function typed<T>(what: 'patch' | 'live', gvk: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof SchemaMismatch)) throw err;
    if (what === 'patch') throw badRequest(`failed to create typed patch object (${gvk}): ${err.message}`);
    throw new ApiError(500, 'InternalError', `failed to create typed live object (${gvk}): ${err.message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API

export interface ApplyOptions {
  /** The `fieldManager` of the request (required for apply). */
  manager: string;
  /** `force=true`: take over conflicting fields instead of failing. */
  force: boolean;
  index: SchemaIndex;
  def: ResourceDefinition;
  /** The time of the request (RFC 3339), recorded in the applier's entry. */
  now: string;
  /** The version the request was served at (`v1`, `apps/v1`). */
  apiVersion: string;
  /** `status` for an apply to the status subresource. */
  subresource?: string;
}

export interface UpdateOptions {
  manager: string;
  operation: 'Update';
  subresource?: string;
  now: string;
  apiVersion: string;
  index: SchemaIndex;
  def: ResourceDefinition;
}

/** The fields an object sets, as an applier of it would own them (FieldsV1 via `.toFieldsV1()`). */
export function fieldSetOf(obj: Json, index: SchemaIndex, def: ResourceDefinition): FieldSet {
  const types = new Types(index);
  return typed('patch', gvkString(def.apiVersion, def.kind), () => toFieldSet(types, withoutManagedFields(obj), rootSchema(index, def)));
}

/**
 * Server-side apply (`application/apply-patch+yaml`): merges `applied` into `live` (undefined when the
 * apply creates the object) and returns the new object with its managedFields.
 *
 * - The applier comes to own exactly the fields `applied` sets; fields it applied before and omits now
 *   are removed from the object, unless another manager owns them too.
 * - Setting a field another manager owns to a different value is a conflict: a 409 naming each field and
 *   manager, unless `force`, in which case the applier takes the field over. Setting it to the value it
 *   already has shares ownership.
 * - An object nobody tracks yet is first attributed to `before-first-apply`, as the apiserver does.
 */
export function apply(live: object | undefined, applied: object, opts: ApplyOptions): JsonObject {
  if (!isObject(applied)) throw badRequest('the apply patch must be a JSON or YAML object');
  const config = structuredClone(applied) as JsonObject;
  const expected = gvkString(opts.apiVersion, opts.def.kind);
  const gvk = gvkString(config.apiVersion, config.kind);
  if (gvk !== expected) throw badRequest(`invalid object type: ${gvk}`);
  const meta = config.metadata;
  if (isObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) throw badRequest('metadata.managedFields must be nil');

  const types = new Types(opts.index);
  const schema = rootSchema(opts.index, opts.def);
  const now = rfc3339(new Date(opts.now));
  let managers: Map<string, Manager>;
  try {
    managers = decodeManagedFields(isObject(live) && isObject(live.metadata) ? live.metadata.managedFields : undefined);
  } catch (err) {
    throw new ApiError(500, 'InternalError', `failed to decode managed fields: ${(err as Error).message}`);
  }
  const before = withoutManagedFields(live);

  if (!managers.size && live) {
    // Fields set before anyone applied belong to a placeholder updater, so that an apply conflicts with them.
    const existing = typed('live', expected, () => trackedComparison(compare(types, {}, before, schema), opts.subresource));
    const set = existing.added.union(existing.modified).difference(UNOWNED);
    if (!set.isEmpty()) {
      const m: Manager = { manager: 'before-first-apply', operation: 'Update', apiVersion: opts.apiVersion, time: now, set };
      managers.set(managerId(m), m);
    }
  }

  const self: Manager = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource: opts.subresource, set: new FieldSet() };
  const selfId = managerId(self);
  const previous = managers.get(selfId);
  self.set = trackedOnly(typed('patch', gvk, () => toFieldSet(types, config, schema)), opts.subresource);
  self.time = previous?.time;
  managers.set(selfId, self);

  let merged = typed('patch', gvk, () => merge(types, before, config, schema, [])) as JsonObject;

  if (previous && !previous.set.isEmpty()) {
    let owned = new FieldSet();
    for (const m of managers.values()) owned = owned.union(m.set);
    // Identity fields are never pruned, even when the applier stops sending anything under metadata.
    const dropped = withNamedFields(types, previous.set, schema).difference(withNamedFields(types, owned, schema)).difference(UNOWNED);
    merged = (typed('live', expected, () => removeFields(types, merged, dropped, schema, [])) ?? {}) as JsonObject;
  }

  const change = typed('live', expected, () => trackedComparison(compare(types, before, merged, schema), opts.subresource));
  const changed = change.modified.union(change.added);
  const conflicts: Array<{ manager: Manager; id: string; paths: FieldPath[] }> = [];
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const clash = m.set.intersection(changed);
    if (!clash.isEmpty()) conflicts.push({ manager: m, id, paths: clash.paths() });
  }
  if (conflicts.length && !opts.force) throw conflictError(conflicts);

  for (const [id, m] of managers) {
    if (id !== selfId) m.set = m.set.difference(changed);
    m.set = m.set.difference(change.removed);
    if (m.set.isEmpty()) managers.delete(id);
  }
  self.set = self.set.difference(UNOWNED);
  if (self.set.isEmpty()) managers.delete(selfId);

  // A null set by an applier unsets the field: the apiserver's typed objects have no nulls.
  const result = dropNulls(merged) as JsonObject;
  // The apiserver stamps the applier's entry only when the apply changed the object: a manager whose first
  // apply changes nothing (shared ownership of equal values) gets an entry without a time.
  if (!deepEqual(before, result)) self.time = now;
  keepLastApplied(result, config, opts.manager);
  return setManagedFields(result, managers);
}

/**
 * Tracks a create, update or patch (`Update` operation): the manager comes to own every field the write
 * added or changed, which no other manager keeps; fields the write removed are nobody's any more.
 * `old` is undefined for a create. Returns `next` with its managedFields.
 */
export function updateManagedFields(old: object | undefined, next: object, opts: UpdateOptions): JsonObject {
  const types = new Types(opts.index);
  const schema = rootSchema(opts.index, opts.def);
  const result = structuredClone(next) as JsonObject;
  const managers = managedForUpdate(old, next, opts.subresource);
  // An existing object nobody tracks stays untracked until someone applies to it.
  if (!managers.size && old) return setManagedFields(result, managers);

  const gvk = gvkString(opts.apiVersion, opts.def.kind);
  const change = typed('live', gvk, () => trackedComparison(compare(types, withoutManagedFields(old), withoutManagedFields(next), schema), opts.subresource));
  const changed = change.modified.union(change.added);
  for (const [id, m] of managers) {
    m.set = m.set.difference(changed).difference(change.removed);
    if (m.set.isEmpty()) managers.delete(id);
  }
  const own = changed.difference(UNOWNED);
  if (!own.isEmpty()) {
    const self: Manager = { manager: opts.manager || 'unknown', operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource, time: rfc3339(new Date(opts.now)), set: own };
    const id = managerId(self);
    const previous = managers.get(id);
    if (previous) self.set = own.union(previous.set);
    managers.set(id, self);
  }
  capUpdaters(managers);
  return setManagedFields(result, managers);
}

/**
 * The managers an update starts from: those the request carries (a client may edit them; `[{}]` resets
 * them), else the stored ones. Subresources always start from the stored ones.
 */
function managedForUpdate(old: object | undefined, next: object, subresource: string | undefined): Map<string, Manager> {
  const stored = () => {
    try {
      return decodeManagedFields(isObject(old) && isObject(old.metadata) ? old.metadata.managedFields : undefined);
    } catch {
      return new Map<string, Manager>();
    }
  };
  if (subresource) return stored();
  const sent = isObject(next) && isObject(next.metadata) ? next.metadata.managedFields : undefined;
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && !Object.keys(sent[0]).length) return new Map();
  try {
    const managers = decodeManagedFields(sent);
    return managers.size ? managers : stored();
  } catch {
    return stored();
  }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** `kubectl apply --server-side` over a client-side-applied object keeps its annotation current. */
function keepLastApplied(result: JsonObject, config: JsonObject, manager: string) {
  const annotations = isObject(result.metadata) ? result.metadata.annotations : undefined;
  if (manager !== 'kubectl' || !isObject(annotations) || !annotations[LAST_APPLIED]) return;
  const copy = structuredClone(config);
  if (isObject(copy.metadata) && isObject(copy.metadata.annotations)) {
    delete copy.metadata.annotations[LAST_APPLIED];
    if (!Object.keys(copy.metadata.annotations).length) delete copy.metadata.annotations;
  }
  annotations[LAST_APPLIED] = `${JSON.stringify(sortKeys(copy))}\n`;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/** The apiserver's apply conflict: one cause per field, the message grouped by manager. */
function conflictError(conflicts: Array<{ manager: Manager; id: string; paths: FieldPath[] }>): ApiError {
  conflicts.sort((a, b) => cmp(a.id, b.id));
  const causes: StatusCause[] = conflicts.flatMap(({ manager, paths }) =>
    paths.map((p) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(manager)}`, field: pathString(p) })),
  );
  let message: string;
  if (causes.length === 1) message = `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`;
  else {
    const lines = conflicts.flatMap(({ manager, paths }) => [`conflicts with ${describeManager(manager)}:`, ...paths.map((p) => `- ${pathString(p)}`)]);
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
