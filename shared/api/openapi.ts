import { createHash } from 'node:crypto';
import { groupVersions } from './discovery';
import type { ResourceDefinition } from './resource';
import { REF_PREFIX, type Schema, type SchemaIndex } from './schema';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Types every document refers to besides the kinds: lists, Status, DeleteOptions. */
const commonSchemas: Record<string, Schema> = {
  [`${META}.ListMeta`]: {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    properties: {
      resourceVersion: { type: 'string', description: 'String that identifies the server\'s internal version of this object that can be used by clients to determine when objects have changed.' },
      continue: { type: 'string', description: 'continue may be set if the user set a limit on the number of items returned.' },
      remainingItemCount: { type: 'integer', format: 'int64', description: 'remainingItemCount is the number of subsequent items in the list which are not included in this list response.' },
    },
  },
  [`${META}.Status`]: {
    type: 'object',
    description: 'Status is a return value for calls that don\'t return other objects.',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      code: { type: 'integer', format: 'int32', description: 'Suggested HTTP return code for this status, 0 if not set.' },
      message: { type: 'string', description: 'A human-readable description of the status of this operation.' },
      reason: { type: 'string', description: 'A machine-readable description of why this operation is in the "Failure" status.' },
      status: { type: 'string', description: 'Status of the operation. One of: "Success" or "Failure".' },
      details: { type: 'object', description: 'Extended data associated with the reason.' },
      metadata: { allOf: [{ $ref: `${REF_PREFIX}${META}.ListMeta` }], default: {}, description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
  },
  [`${META}.DeleteOptions`]: {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      dryRun: { type: 'array', items: { type: 'string' }, description: 'When present, indicates that modifications should not be persisted.' },
      gracePeriodSeconds: { type: 'integer', format: 'int64', description: 'The duration in seconds before the object should be deleted.' },
      preconditions: { type: 'object', description: 'Must be fulfilled before a deletion is carried out.' },
      propagationPolicy: { type: 'string', description: "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'." },
    },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'DeleteOptions' }],
  },
};

interface Param {
  name: string;
  in: 'path' | 'query';
  description: string;
  type: string;
  required?: boolean;
}

const q = (name: string, description: string, type = 'string'): Param => ({ name, in: 'query', description, type });
const writeParams = [
  q('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  q('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
];
const listParams = [
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  q('continue', 'The continue option should be set when retrieving more results from the server.'),
  q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  q('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
];
const path = (name: string, description: string): Param => ({ name, in: 'path', description, type: 'string', required: true });

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: string;
  operationId: string;
  description: string;
  params: Param[];
  body?: { schema: string; types: string[] };
  response: string;
  codes: number[];
}

const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function operations(def: ResourceDefinition, root: string): Array<{ path: string; ops: Operation[] }> {
  const scope = def.namespaced ? 'Namespaced' : '';
  const base = def.namespaced ? `${def.prefix}/namespaces/{namespace}/${def.plural}` : `${def.prefix}/${def.plural}`;
  const nsParam = def.namespaced ? [path('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = path('name', `name of the ${def.kind}`);
  const listId = `${root.split('.').slice(0, -1).join('.')}.${def.kind}List`;
  const has = (v: string) => def.verbs.includes(v as never);
  const op = (method: Operation['method'], action: string, verb: string, params: Param[], response: string, codes: number[], body?: Operation['body']): Operation => ({
    method,
    action,
    operationId: `${verb}${scope}${def.kind}`,
    description: `${verb} ${action === 'list' || action === 'deletecollection' ? 'collection of' : 'the specified'} ${def.kind}`,
    params,
    body,
    response,
    codes,
  });
  const collection: Operation[] = [];
  const item: Operation[] = [];
  if (has('list')) collection.push(op('get', 'list', 'list', [...nsParam, ...listParams], listId, [200]));
  if (has('create')) collection.push(op('post', 'post', 'create', [...nsParam, ...writeParams], root, [200, 201, 202], { schema: root, types: ['application/json', 'application/yaml'] }));
  if (has('deletecollection')) collection.push(op('delete', 'deletecollection', 'deleteCollection', [...nsParam, ...listParams.slice(0, 4), q('dryRun', 'When present, indicates that modifications should not be persisted.')], `${META}.Status`, [200]));
  if (has('get')) item.push(op('get', 'get', 'read', [...nsParam, nameParam], root, [200]));
  if (has('update')) item.push(op('put', 'put', 'replace', [...nsParam, nameParam, ...writeParams], root, [200, 201], { schema: root, types: ['application/json', 'application/yaml'] }));
  if (has('patch')) item.push(op('patch', 'patch', 'patch', [...nsParam, nameParam, ...writeParams, q('force', 'Force is going to "force" Apply requests.', 'boolean')], root, [200, 201], { schema: `${META}.Patch`, types: PATCH_TYPES }));
  if (has('delete')) item.push(op('delete', 'delete', 'delete', [...nsParam, nameParam, q('dryRun', 'When present, indicates that modifications should not be persisted.'), q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'), q('propagationPolicy', 'Whether and how garbage collection will be performed.')], `${META}.Status`, [200, 202], { schema: `${META}.DeleteOptions`, types: ['application/json', 'application/yaml'] }));
  const out = [{ path: base, ops: collection }, { path: `${base}/{name}`, ops: item }];
  if (def.namespaced && has('list')) out.push({ path: `${def.prefix}/${def.plural}`, ops: [op('get', 'list', 'list', listParams, listId, [200])].map((o) => ({ ...o, operationId: `list${def.kind}ForAllNamespaces` })) });
  return out.filter((p) => p.ops.length);
}

function listSchema(def: ResourceDefinition, root: string): Schema {
  return {
    type: 'object',
    description: `${def.kind}List is a list of ${def.kind} objects.`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      items: { type: 'array', description: `List of ${def.plural}.`, items: { allOf: [{ $ref: REF_PREFIX + root }], default: {} } },
      metadata: { allOf: [{ $ref: `${REF_PREFIX}${META}.ListMeta` }], default: {}, description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: `${def.kind}List` }],
  };
}

function allSchemas(defs: ResourceDefinition[], index: SchemaIndex): Record<string, Schema> {
  const schemas: Record<string, Schema> = { ...commonSchemas, [`${META}.Patch`]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' } };
  for (const def of defs) {
    const root = index.rootId(def);
    Object.assign(schemas, index.components);
    schemas[`${root.split('.').slice(0, -1).join('.')}.${def.kind}List`] = listSchema(def, root);
  }
  return schemas;
}

const sha = (doc: unknown) => createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();

export interface OpenApiDocs {
  /** `/openapi/v3` root: group version -> URL with a content hash. */
  v3Root: { paths: Record<string, { serverRelativeURL: string }> };
  /** `api/v1`, `apis/apps/v1` -> document and its hash. */
  v3: Map<string, { doc: unknown; hash: string }>;
  v2: unknown;
  v2Hash: string;
}

/** Both OpenAPI documents, derived from the registry; built once per process. */
export function buildOpenApi(defs: ResourceDefinition[], index: SchemaIndex, version: string): OpenApiDocs {
  const schemas = allSchemas(defs, index);
  const v3 = new Map<string, { doc: unknown; hash: string }>();
  const v2Paths: Record<string, unknown> = {};
  for (const gv of groupVersions(defs)) {
    const key = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
    const paths: Record<string, unknown> = {};
    for (const def of gv.defs) {
      const root = index.rootId(def);
      for (const { path: p, ops } of operations(def, root)) {
        paths[p] = v3PathItem(def, ops);
        v2Paths[p] = v2PathItem(def, ops);
      }
    }
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version },
      paths,
      components: { schemas, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
      security: [{ BearerToken: [] }],
    };
    v3.set(key, { doc, hash: sha(doc) });
  }
  const v2 = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: v2Paths,
    definitions: v2Refs(JSON.parse(JSON.stringify(schemas).replaceAll(`"${REF_PREFIX}`, '"#/definitions/'))),
    securityDefinitions: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
  return {
    v3Root: { paths: Object.fromEntries([...v3].map(([k, { hash }]) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${hash}` }])) },
    v3,
    v2,
    v2Hash: sha(v2),
  };
}

const gvk = (def: ResourceDefinition) => ({ group: def.group, version: def.version, kind: def.kind });

function v3PathItem(def: ResourceDefinition, ops: Operation[]) {
  const item: Record<string, unknown> = {};
  for (const op of ops) {
    const responseSchema = { $ref: REF_PREFIX + op.response };
    item[op.method] = {
      description: op.description,
      operationId: op.operationId,
      tags: [def.group ? `${def.group}_${def.version}` : `core_${def.version}`],
      parameters: op.params.map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.required, schema: { type: p.type, uniqueItems: true } })),
      ...(op.body ? { requestBody: { content: Object.fromEntries(op.body.types.map((t) => [t, { schema: { $ref: REF_PREFIX + op.body!.schema } }])), required: op.method !== 'delete' } } : {}),
      responses: Object.fromEntries(op.codes.map((c) => [String(c), { description: 'OK', content: { 'application/json': { schema: responseSchema }, 'application/yaml': { schema: responseSchema } } }])),
      'x-kubernetes-action': op.action,
      'x-kubernetes-group-version-kind': gvk(def),
    };
  }
  return item;
}

function v2PathItem(def: ResourceDefinition, ops: Operation[]) {
  const item: Record<string, unknown> = {};
  for (const op of ops) {
    item[op.method] = {
      description: op.description,
      operationId: op.operationId,
      consumes: op.body?.types ?? ['*/*'],
      produces: ['application/json', 'application/yaml'],
      schemes: ['https'],
      tags: [def.group ? `${def.group}_${def.version}` : `core_${def.version}`],
      parameters: [
        ...op.params.map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.required, type: p.type, uniqueItems: true })),
        ...(op.body ? [{ name: 'body', in: 'body', required: op.method !== 'delete', schema: { $ref: `#/definitions/${op.body.schema}` } }] : []),
      ],
      responses: Object.fromEntries(op.codes.map((c) => [String(c), { description: 'OK', schema: { $ref: `#/definitions/${op.response}` } }])),
      'x-kubernetes-action': op.action,
      'x-kubernetes-group-version-kind': gvk(def),
    };
  }
  return item;
}

/**
 * OpenAPI v2 spells a described reference `{"$ref": …, "description": …}` (kube-openapi's form); the
 * `allOf: [{$ref}]` wrapper is v3's. kubectl 1.27's strategic-merge lookup does not follow allOf and
 * panics on fields below it (e.g. a Deployment's spec.template.metadata.labels).
 */
function v2Refs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(v2Refs);
  if (!value || typeof value !== 'object') return value;
  const obj = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v2Refs(v)])) as Record<string, unknown>;
  const allOf = obj.allOf as Array<Record<string, unknown>> | undefined;
  if (allOf?.length === 1 && typeof allOf[0].$ref === 'string' && Object.keys(allOf[0]).length === 1) {
    const { allOf: _, default: _d, ...rest } = obj;
    return { ...rest, $ref: allOf[0].$ref };
  }
  return obj;
}
