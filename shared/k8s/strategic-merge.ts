import type { ResourceDefinition } from '../api/resource';
import { REF_PREFIX, type Schema, type SchemaIndex } from '../api/schema';
import { ApiError } from '../api/status';

type Json = unknown;
type JsonObject = Record<string, Json>;
const isObject = (v: Json): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

// The apiserver answers malformed directives with 400, a patch that contradicts $retainKeys or nests lists
// with 422, and every other strategic-merge failure (a missing merge key, mismatched orders) with a 500
// carrying the library's message. Those are faults of the patch, not of the server: here they are 422s
// with the same message (kubectl prints it as is), so no input makes the server answer 5xx.
const badFormat = (message: string) => new ApiError(400, 'BadRequest', message);
const unprocessable = () => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request');
const failed = (message: string) => new ApiError(422, 'Invalid', message);
const noMergeKey = (item: Json, key: string) => failed(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);

/**
 * Strategic merge patch as the apiserver applies it (`application/strategic-merge-patch+json`), driven by the
 * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` extensions of the kind's schema — the same
 * ones kubectl reads from OpenAPI to build its patches.
 *
 * - maps merge key by key; `null` deletes; `$patch: replace` replaces a map, `$patch: delete` empties it;
 * - lists with strategy `merge` merge item by item on the merge key (lists of scalars become unions); an
 *   item with `$patch: delete` removes its match, one with `$patch: replace` makes the list exactly the
 *   other items; every other list (and any map whose strategy is `replace`) is replaced whole;
 * - `$retainKeys` clears the keys of a map it does not list;
 * - `$deleteFromPrimitiveList/<field>` removes scalars from a list;
 * - `$setElementOrder/<field>` orders the merged list; items it does not name (server-only items) keep
 *   their place relative to the items around them in the live list.
 *
 * Neither argument is modified.
 */
export function strategicMergePatch(target: Json, patch: Json, index: SchemaIndex, def: ResourceDefinition): Json {
  if (!isObject(patch)) throw badFormat('a strategic merge patch must be a JSON object');
  const original = isObject(target) ? structuredClone(target) : {};
  return new Merger(index).mergeMap(original, structuredClone(patch), { $ref: REF_PREFIX + index.rootId(def) });
}

/** What the schema says about one field: its own schema, and how a patch combines with it. */
interface PatchMeta {
  name: string;
  schema: Schema | undefined;
  strategy: string;
  mergeKey: string;
}

class Merger {
  constructor(private readonly index: SchemaIndex) {}

  /** The schema of `name` inside an object schema: a declared property, or the value schema of a map. */
  private meta(parent: Schema | undefined, name: string): PatchMeta {
    const s = this.index.resolve(parent);
    let field: Schema | undefined;
    if (s?.properties && Object.hasOwn(s.properties, name)) field = s.properties[name];
    else if (isObject(s?.additionalProperties)) field = s.additionalProperties as Schema;
    const resolved = this.index.resolve(field);
    // `merge,retainKeys`: retainKeys is carried by the patch itself ($retainKeys); the other one decides.
    const strategies = String(field?.['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x && x !== 'retainKeys');
    const mergeKey = String(field?.['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'] ?? '');
    return { name, schema: field, strategy: strategies[0] ?? '', mergeKey };
  }

  private items(list: Schema | undefined): Schema | undefined {
    return this.index.resolve(list)?.items;
  }

  mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
    if (Object.hasOwn(patch, DIRECTIVE)) {
      const directive = patch[DIRECTIVE];
      if (directive === 'replace') {
        delete patch[DIRECTIVE];
        return cleanMap(patch);
      }
      if (directive === 'delete') return {};
      throw failed(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
    }

    this.retainKeys(original, patch);
    this.setElementOrders(original, patch, schema);

    for (const [rawKey, patchValue] of Object.entries(patch)) {
      let key = rawKey;
      let deleteList = false;
      if (rawKey.startsWith('$deleteFromPrimitiveList')) {
        key = directiveTarget(rawKey, DELETE_FROM_PRIMITIVE_LIST, 'invalid patch format of primitive list');
        deleteList = true;
      }

      if (patchValue === null) {
        delete original[key];
        continue;
      }
      if (!Object.hasOwn(original, key)) {
        if (deleteList) continue;
        const cleaned = clean(patchValue);
        if (cleaned === undefined) delete original[key];
        else original[key] = cleaned;
        continue;
      }

      const current = original[key];
      if (kindOf(current) !== kindOf(patchValue)) {
        if (deleteList) continue;
        const cleaned = clean(patchValue);
        if (cleaned === undefined) delete original[key];
        else original[key] = cleaned;
        continue;
      }

      const meta = this.meta(schema, key);
      if (isObject(current) && isObject(patchValue)) {
        original[key] = meta.strategy === 'replace' ? cleanMap(patchValue) : this.mergeMap(current, patchValue, meta.schema);
      } else if (Array.isArray(current) && Array.isArray(patchValue)) {
        original[key] = this.mergeListField(current, patchValue, meta, deleteList);
      } else {
        const cleaned = clean(patchValue);
        if (cleaned === undefined) delete original[key];
        else original[key] = cleaned;
      }
    }
    return original;
  }

  /** Delete lists work on any list; `merge` lists merge; every other list is replaced by the patch. */
  private mergeListField(current: Json[], patch: Json[], meta: PatchMeta, deleteList: boolean): Json[] {
    if (meta.strategy === 'merge' || deleteList) return this.mergeList(current, patch, meta, deleteList);
    return cleanList(patch);
  }

  private retainKeys(original: JsonObject, patch: JsonObject) {
    if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
    const retain = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(retain)) throw badFormat('invalid patch format of retainKeys');
    const keep = new Set(retain);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) throw badFormat('invalid patch format of retainKeys');
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /**
   * `$setElementOrder/<field>` merges its list first (so the main loop skips it), then orders the result:
   * the items it names in its order, the others where they were in the live list.
   */
  private setElementOrders(original: JsonObject, patch: JsonObject, schema: Schema | undefined) {
    for (const [directiveKey, order] of Object.entries(patch)) {
      if (!directiveKey.startsWith('$setElementOrder')) continue;
      delete patch[directiveKey];
      if (!Array.isArray(order)) throw failed(`expected a []interface {}, but received a ${goType(order)}`);
      const key = directiveTarget(directiveKey, SET_ELEMENT_ORDER, 'invalid patch format of setElementOrder list');
      const meta = this.meta(schema, key);
      const live = original[key];
      const patchList = patch[key];
      if (live !== undefined && !Array.isArray(live)) throw failed(`expected a []interface {}, but received a ${goType(live)}`);
      if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) {
        throw failed(`expected a []interface {}, but received a ${goType(patchList)}`);
      }
      const liveList = live as Json[] | undefined;
      const patched = (patchList ?? undefined) as Json[] | undefined;
      checkOrder(patched ?? [], order, meta.mergeKey);

      let merged: Json[];
      if (liveList && patched) merged = this.mergeListField(liveList, patched, meta, false);
      else if (liveList) merged = liveList;
      else if (patched) merged = cleanList(patched);
      else continue;

      const all = [...(liveList ?? []), ...(patched ?? [])];
      elementKind(all);
      if (!all.length) {
        original[key] = merged;
        delete patch[key];
        continue;
      }
      const [named, serverOnly] = partition(merged, order, meta.mergeKey);
      original[key] = interleave(named, serverOnly, order, liveList ?? [], meta.mergeKey);
      delete patch[key];
    }
  }

  private mergeList(original: Json[], patch: Json[], meta: PatchMeta, deleteList: boolean): Json[] {
    if (!original.length && !patch.length) return original;
    const kind = elementKind([...original, ...patch]);

    if (kind !== 'map') {
      if (deleteList) {
        const drop = new Set(patch);
        return original.filter((x) => !drop.has(x));
      }
      const merged = dedupe([...original, ...patch]);
      const [fromPatch, serverOnly] = partition(merged, patch, '');
      return interleave(fromPatch, serverOnly, patch, original, '');
    }

    const key = meta.mergeKey;
    if (!key) throw failed(`cannot merge lists without merge key for ${meta.name}`);
    let base = original;
    const plain: JsonObject[] = [];
    let replace = false;
    for (const item of patch as JsonObject[]) {
      if (!Object.hasOwn(item, DIRECTIVE)) {
        plain.push(item);
        continue;
      }
      const directive = item[DIRECTIVE];
      if (directive === 'delete') {
        if (!Object.hasOwn(item, key)) throw noMergeKey(item, key);
        base = base.filter((x) => !(isObject(x) && x[key] === item[key]));
      } else if (directive === 'replace') {
        replace = true;
      } else if (directive === 'merge') {
        throw failed('merging lists cannot yet be specified in the patch');
      } else {
        throw failed(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(item)}`);
      }
    }
    if (replace) return cleanList(plain);

    const merged = [...base];
    for (const item of plain) {
      if (!Object.hasOwn(item, key)) throw noMergeKey(item, key);
      const at = merged.findIndex((x) => isObject(x) && x[key] === item[key]);
      if (at >= 0) merged[at] = this.mergeMap(merged[at] as JsonObject, item, this.items(meta.schema));
      else merged.push(cleanMap(item));
    }
    for (const x of [...merged, ...plain]) if (!isObject(x) || !(key in x)) throw noMergeKey(x, key);
    const [fromPatch, serverOnly] = partition(merged, plain, key);
    return interleave(fromPatch, serverOnly, plain, base, key);
  }
}

/** `$setElementOrder/containers` → `containers`. */
function directiveTarget(key: string, prefix: string, error: string): string {
  if (!key.startsWith(prefix) || key.length === prefix.length) throw badFormat(error);
  return key.slice(prefix.length);
}

type Kind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';
function kindOf(v: Json): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as Kind;
}

const goType = (v: Json) => ({ map: 'map[string]interface {}', list: '[]interface {}', string: 'string', number: 'float64', boolean: 'bool', null: '<nil>' })[kindOf(v)];

/** All items of a merged list must share one type, and lists of lists cannot be merged. */
function elementKind(items: Json[]): Kind | undefined {
  let kind: Kind | undefined;
  for (const item of items) {
    const k = kindOf(item);
    if (!kind) {
      if (k === 'list') throw unprocessable();
      kind = k;
    } else if (k !== kind) {
      throw failed(`list element types are not identical: ${JSON.stringify(items)}`);
    }
  }
  return kind;
}

/** The identity of an item: its merge key for maps, itself for scalars. */
const identity = (item: Json, key: string): Json => (key && isObject(item) ? item[key] : item);

function positionIn(list: Json[], item: Json, key: string): number {
  const id = identity(item, key);
  return list.findIndex((x) => identity(x, key) === id);
}

/** Splits `items` into those present in `by` and the others, keeping their order. */
function partition(items: Json[], by: Json[], key: string): [Json[], Json[]] {
  const named: Json[] = [];
  const others: Json[] = [];
  for (const item of items) (positionIn(by, item, key) >= 0 ? named : others).push(item);
  return [named, others];
}

/**
 * The order rule of strategic merge: items named by the patch (or by `$setElementOrder`) come in that order;
 * server-only items are slotted in before the first named item that the live list shows after them. A named
 * item the live list does not know is placed as soon as it is reached.
 */
function interleave(named: Json[], serverOnly: Json[], order: Json[], live: Json[], key: string): Json[] {
  const byOrder = (list: Json[], ref: Json[]) =>
    list
      .map((item, i) => ({ item, i, at: positionIn(ref, item, key) }))
      .sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i))
      .map((x) => x.item);
  const right = byOrder(named.filter((x) => !(isObject(x) && Object.hasOwn(x, DIRECTIVE))), order);
  const left = byOrder(serverOnly, live);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = positionIn(live, left[i], key);
      const ri = positionIn(live, right[j], key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Scalars keep their first occurrence. */
function dedupe(items: Json[]): Json[] {
  const seen = new Set<Json>();
  return items.filter((x) => (seen.has(x) ? false : (seen.add(x), true)));
}

/**
 * `$setElementOrder` must name every non-deleted item of the patch list, in the same relative order.
 */
function checkOrder(patchList: Json[], order: Json[], key: string) {
  if (!order.length || !patchList.length) return;
  const items = patchList.filter((x) => !(isObject(x) && Object.hasOwn(x, DIRECTIVE)));
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (key) {
      if (!isObject(items[p]) || !(key in (items[p] as JsonObject))) throw noMergeKey(items[p], key);
      if (!isObject(order[o]) || !(key in (order[o] as JsonObject))) throw noMergeKey(order[o], key);
    }
    if (identity(items[p], key) === identity(order[o], key)) p++;
    o++;
  }
  if (p < items.length) {
    throw failed(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`);
  }
}

/**
 * New content taken from a patch: nulls dropped, maps carrying a `$patch` directive dropped, other `$` keys
 * dropped — what remains once the apiserver has decoded the result into its typed object.
 */
function clean(value: Json): Json {
  if (Array.isArray(value)) return cleanList(value);
  if (!isObject(value)) return value;
  if (Object.hasOwn(value, DIRECTIVE)) return undefined;
  return cleanMap(value);
}

function cleanMap(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || v === null) continue;
    const c = clean(v);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

function cleanList(value: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of value) {
    const c = v === null ? null : clean(v);
    if (c !== undefined) out.push(c);
  }
  return out;
}
