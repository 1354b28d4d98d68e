import type { ResourceDefinition } from '../api/resource';
import { REF_PREFIX, type Schema, type SchemaIndex } from '../api/schema';
import { badRequest } from '../api/status';

type Json = unknown;
type JsonObject = Record<string, Json>;
const isObject = (v: Json): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Strategic merge patch, driven by `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` in the
 * kind's schema (the same extensions kubectl reads from OpenAPI): lists with a merge key merge item by
 * item, `merge` lists of scalars are unions, everything else behaves like a JSON merge patch.
 * Directives: `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
 * `$setElementOrder/<field>`.
 */
export function strategicMergePatch(target: Json, patch: Json, index: SchemaIndex, def: ResourceDefinition): Json {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  return new Merger(index).object(target, patch, { $ref: REF_PREFIX + index.rootId(def) });
}

class Merger {
  constructor(private readonly index: SchemaIndex) {}

  private field(schema: Schema | undefined, name: string): Schema | undefined {
    const s = this.index.resolve(schema);
    if (s?.properties) return s.properties[name];
    return typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined;
  }

  object(target: Json, patch: JsonObject, schema: Schema | undefined): Json {
    if (patch.$patch === 'replace') return strip(patch);
    const result: JsonObject = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (k === '$patch' || k === '$retainKeys') continue;
      if (k.startsWith('$deleteFromPrimitiveList/')) {
        const name = k.slice('$deleteFromPrimitiveList/'.length);
        const drop = new Set(Array.isArray(v) ? v : []);
        if (Array.isArray(result[name])) result[name] = (result[name] as Json[]).filter((x) => !drop.has(x));
        continue;
      }
      if (k.startsWith('$setElementOrder/')) continue;
      if (v === null) {
        delete result[k];
        continue;
      }
      const sub = this.field(schema, k);
      if (Array.isArray(v)) result[k] = this.list(result[k], v, sub);
      else if (isObject(v)) {
        if (v.$patch === 'delete') delete result[k];
        else result[k] = this.object(result[k], v, sub);
      } else result[k] = v;
    }
    for (const [k, order] of Object.entries(patch)) {
      if (!k.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
      const name = k.slice('$setElementOrder/'.length);
      const key = this.index.resolve(this.field(schema, name))?.['x-kubernetes-patch-merge-key'] as string | undefined;
      if (Array.isArray(result[name])) result[name] = reorder(result[name] as Json[], order, key);
    }
    if (Array.isArray(patch.$retainKeys)) {
      const keep = new Set(patch.$retainKeys as string[]);
      for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
    }
    return result;
  }

  list(target: Json, patch: Json[], schema: Schema | undefined): Json {
    const s = this.index.resolve(schema);
    const strategy = String(s?.['x-kubernetes-patch-strategy'] ?? '');
    const key = s?.['x-kubernetes-patch-merge-key'] as string | undefined;
    if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
      return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(strip);
    }
    if (!strategy.split(',').includes('merge')) return patch.map((item) => (isObject(item) ? strip(item) : item));
    const current = Array.isArray(target) ? [...target] : [];
    if (!key) {
      const seen = new Set(current);
      return [...current, ...patch.filter((x) => !seen.has(x))];
    }
    for (const item of patch) {
      if (!isObject(item)) continue;
      const at = current.findIndex((c) => isObject(c) && c[key] === item[key]);
      if (item.$patch === 'delete') {
        if (at >= 0) current.splice(at, 1);
      } else if (at >= 0) current[at] = this.object(current[at], item, s?.items);
      else current.push(this.object(undefined, item, s?.items));
    }
    return current;
  }
}

function strip(value: Json): Json {
  if (Array.isArray(value)) return value.map(strip);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = strip(v);
  return out;
}

function reorder(items: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (x: Json) => (key && isObject(x) ? x[key] : x);
  const position = new Map(order.map((o, i) => [id(o), i]));
  return [...items].sort((a, b) => (position.get(id(a)) ?? Infinity) - (position.get(id(b)) ?? Infinity));
}
