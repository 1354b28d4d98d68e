import { z } from 'zod';
import type { ResourceDefinition } from './resource';

/** An OpenAPI 3 schema object, as far as we produce and read it. */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  $ref?: string;
  allOf?: Schema[];
  required?: string[];
  default?: unknown;
  [extension: `x-${string}`]: unknown;
}

export const REF_PREFIX = '#/components/schemas/';

/**
 * The OpenAPI definitions of every kind, generated from the zod schemas: each `.meta({id})` becomes a
 * named component, so ObjectMeta appears once and kinds refer to it, as in the apiserver's documents.
 */
export class SchemaIndex {
  readonly components: Record<string, Schema> = {};
  private readonly roots = new Map<string, string>();

  constructor(defs: ResourceDefinition[]) {
    for (const def of defs) {
      const generated = z.toJSONSchema(def.schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as {
        $ref?: string;
        definitions?: Record<string, unknown>;
      };
      for (const [id, schema] of Object.entries(generated.definitions ?? {})) this.components[id] = clean(schema) as Schema;
      const root = generated.$ref!.split('/').pop()!;
      this.components[root]['x-kubernetes-group-version-kind'] = [{ group: def.group, version: def.version, kind: def.kind }];
      this.roots.set(def.resource, root);
    }
  }

  rootId(def: ResourceDefinition): string {
    return this.roots.get(def.resource)!;
  }

  resolve(schema: Schema | undefined): Schema | undefined {
    let s = schema;
    for (let i = 0; s && i < 10; i++) {
      if (s.$ref) s = this.components[s.$ref.slice(REF_PREFIX.length)];
      else if (s.allOf?.length === 1 && !s.properties) s = s.allOf[0];
      else return s;
    }
    return s;
  }

  /**
   * Removes the fields the schema does not know from `obj`, as the apiserver's decoder drops them, and
   * returns their paths. Only mutable parts are changed: frozen ones are the store's, already clean.
   */
  dropUnknownFields(def: ResourceDefinition, obj: unknown): string[] {
    const dropped: string[] = [];
    const walk = (schema: Schema | undefined, value: unknown, path: string) => {
      const s = this.resolve(schema);
      if (!s || value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(s.items, item, `${path}[${i}]`));
        return;
      }
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        if (s.properties) {
          if (!Object.hasOwn(s.properties, k)) {
            dropped.push(path ? `${path}.${k}` : k);
            delete record[k];
          } else walk(s.properties[k], record[k], path ? `${path}.${k}` : k);
        } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          walk(s.additionalProperties, record[k], `${path}[${k}]`);
        }
      }
    };
    walk({ $ref: REF_PREFIX + this.rootId(def) }, obj, '');
    return dropped;
  }

  /** Paths of fields the schema does not know (`spec.foo`, `spec.containers[0].bar`), for fieldValidation. */
  unknownFields(def: ResourceDefinition, obj: unknown): string[] {
    const found: string[] = [];
    const walk = (schema: Schema | undefined, value: unknown, path: string) => {
      const s = this.resolve(schema);
      if (!s || value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(s.items, item, `${path}[${i}]`));
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (s.properties) {
          if (!Object.hasOwn(s.properties, k)) found.push(path ? `${path}.${k}` : k);
          else walk(s.properties[k], v, path ? `${path}.${k}` : k);
        } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          walk(s.additionalProperties, v, `${path}[${k}]`);
        }
      }
    };
    walk({ $ref: REF_PREFIX + this.rootId(def) }, obj, '');
    return found;
  }
}

/**
 * Shapes zod's output like the apiserver's: open objects carry no `additionalProperties: {}`, integers are
 * int32/int64 without zod's safe-integer bounds, references point into components.
 */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = REF_PREFIX + v.split('/').pop();
    else if (k === 'additionalProperties' && v && typeof v === 'object' && Object.keys(v).length === 0) continue;
    else out[k] = clean(v);
  }
  if (out.type === 'integer') {
    delete out.minimum;
    delete out.maximum;
    out.format ??= 'int64';
  }
  return out;
}
