import type { KObject } from '../k8s/meta';
import type { Rendering } from './request';
import type { ResourceDefinition } from './resource';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.',
  priority: 0,
};

export function columnDefinitions(def: ResourceDefinition): TableColumnDefinition[] {
  return [
    nameColumn,
    ...def.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0 })),
  ];
}

function rowObject(obj: KObject, includeObject: 'None' | 'Metadata' | 'Object') {
  if (includeObject === 'Object') return obj;
  if (includeObject === 'Metadata') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return undefined;
}

/** A meta.k8s.io/v1 Table, the server-side printing kubectl asks for with `as=Table`. */
export function toTable(
  def: ResourceDefinition,
  objects: KObject[],
  now: Date,
  rendering: Extract<Rendering, { as: 'table' }>,
  listMeta: Record<string, unknown>,
  withColumns = true,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? columnDefinitions(def) : [],
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name, ...def.columns.map((c) => c.cell(obj, now))],
      object: rowObject(obj, rendering.includeObject),
    })),
  };
}
