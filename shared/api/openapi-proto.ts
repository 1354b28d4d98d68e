import { stringify } from 'yaml';

// kubectl up to 1.28 reads `/openapi/v2` only as protobuf (gnostic's openapi_v2.Document) for explain,
// apply and client-side validation. This writes our JSON document in that form; field numbers are
// those of gnostic's OpenAPIv2 messages. Proto3: zero values are left out.

/** The parts of an OpenAPI v2 document that gnostic's messages carry. */
interface V2Schema {
  $ref?: string;
  format?: string;
  description?: string;
  default?: unknown;
  required?: string[];
  additionalProperties?: V2Schema | boolean;
  type?: string;
  items?: V2Schema;
  allOf?: V2Schema[];
  properties?: Record<string, V2Schema>;
  [extension: `x-${string}`]: unknown;
}

interface V2Parameter {
  name: string;
  in: string;
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: V2Schema;
}

interface V2Operation {
  tags?: string[];
  description?: string;
  operationId?: string;
  produces?: string[];
  consumes?: string[];
  schemes?: string[];
  parameters?: V2Parameter[];
  responses?: Record<string, { description?: string; schema?: V2Schema }>;
  [extension: `x-${string}`]: unknown;
}

export interface V2Document {
  swagger?: string;
  info?: { title?: string; version?: string };
  paths?: Record<string, Record<string, V2Operation | undefined>>;
  definitions?: Record<string, V2Schema>;
}

class Writer {
  private readonly parts: number[] = [];

  private varint(n: number) {
    let v = n;
    while (v > 0x7f) {
      this.parts.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
  }

  private tag(field: number, wire: number) {
    this.varint(field * 8 + wire);
  }

  string(field: number, value: string | undefined) {
    if (!value) return this;
    const bytes = Buffer.from(value, 'utf8');
    this.tag(field, 2);
    this.varint(bytes.length);
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  strings(field: number, values: string[] | undefined) {
    for (const v of values ?? []) {
      const bytes = Buffer.from(v, 'utf8');
      this.tag(field, 2);
      this.varint(bytes.length);
      for (const b of bytes) this.parts.push(b);
    }
    return this;
  }

  bool(field: number, value: boolean | undefined) {
    if (!value) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  message(field: number, body: Writer | undefined) {
    if (!body) return this;
    const bytes = body.bytes();
    this.tag(field, 2);
    this.varint(bytes.length);
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const w = () => new Writer();

/** gnostic keeps extension and default values as YAML text. */
const any = (value: unknown) => w().string(2, stringify(value));

function extensions(field: number, node: object, out: Writer) {
  for (const [k, v] of Object.entries(node)) if (k.startsWith('x-')) out.message(field, w().string(1, k).message(2, any(v)));
}

function schema(s: V2Schema): Writer {
  const out = w()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(4, s.description);
  if (s.default !== undefined) out.message(5, any(s.default));
  out.strings(19, s.required);
  if (s.additionalProperties !== undefined) {
    out.message(21, typeof s.additionalProperties === 'boolean' ? w().bool(2, s.additionalProperties) : w().message(1, schema(s.additionalProperties)));
  }
  if (s.type) out.message(22, w().strings(1, [s.type]));
  if (s.items) out.message(23, w().message(1, schema(s.items)));
  for (const part of s.allOf ?? []) out.message(24, schema(part));
  if (s.properties) {
    const props = w();
    for (const [name, p] of Object.entries(s.properties)) props.message(1, w().string(1, name).message(2, schema(p)));
    out.message(25, props);
  }
  extensions(31, s, out);
  return out;
}

function parameter(p: V2Parameter): Writer {
  if (p.in === 'body') {
    return w().message(1, w().message(1, w().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required).message(5, schema(p.schema ?? {}))));
  }
  const sub =
    p.in === 'path'
      ? w().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(5, p.type).bool(19, p.uniqueItems)
      : w().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type).bool(20, p.uniqueItems);
  return w().message(1, w().message(2, w().message(p.in === 'path' ? 4 : 3, sub)));
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function operation(op: V2Operation): Writer {
  const out = w().strings(1, op.tags).string(3, op.description).string(5, op.operationId).strings(6, op.produces).strings(7, op.consumes);
  for (const p of op.parameters ?? []) out.message(8, parameter(p));
  const responses = w();
  for (const [code, r] of Object.entries(op.responses ?? {})) {
    responses.message(1, w().string(1, code).message(2, w().message(1, w().string(1, r.description).message(2, r.schema ? w().message(1, schema(r.schema)) : undefined))));
  }
  out.message(9, responses).strings(10, op.schemes);
  extensions(13, op, out);
  return out;
}

/** The gnostic protobuf encoding of an OpenAPI v2 JSON document. */
export function encodeOpenApiV2(doc: V2Document): Uint8Array {
  const paths = w();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const pathItem = w();
    for (const [method, field] of Object.entries(METHODS)) {
      const op = item[method];
      if (op) pathItem.message(field, operation(op));
    }
    paths.message(2, w().string(1, path).message(2, pathItem));
  }
  const definitions = w();
  for (const [name, s] of Object.entries(doc.definitions ?? {})) definitions.message(1, w().string(1, name).message(2, schema(s)));
  return w()
    .string(1, doc.swagger)
    .message(2, w().string(1, doc.info?.title).string(2, doc.info?.version))
    .message(8, paths)
    .message(9, definitions)
    .bytes();
}
