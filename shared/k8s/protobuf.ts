import { badRequest, unsupportedMediaType } from '../api/status';
import { rfc3339 } from './time';

// kubectl 1.32+ sends typed creates (`kubectl create namespace|configmap|secret …`) as Kubernetes protobuf:
// the magic `k8s\0`, then a runtime.Unknown whose `raw` is the object's message. We decode those bodies to
// the JSON form; answers stay JSON, which every client also accepts.

/**
 * Message layouts: `<field number> <json name> <type>`, where a type is a scalar, another message, `[]T`
 * for repeated, or `map<string,T>`. Written from the Kubernetes API's field numbers.
 */
const MESSAGES: Record<string, string[]> = {
  'runtime.Unknown': ['1 typeMeta runtime.TypeMeta', '2 raw bytes', '3 contentEncoding string', '4 contentType string'],
  'runtime.TypeMeta': ['1 apiVersion string', '2 kind string'],
  Time: ['1 seconds int64', '2 nanos int32'],
  FieldsV1: ['1 Raw bytes'],
  ObjectMeta: [
    '1 name string', '2 generateName string', '3 namespace string', '4 selfLink string', '5 uid string',
    '6 resourceVersion string', '7 generation int64', '8 creationTimestamp Time', '9 deletionTimestamp Time',
    '10 deletionGracePeriodSeconds int64', '11 labels map<string,string>', '12 annotations map<string,string>',
    '13 ownerReferences []OwnerReference', '14 finalizers []string', '17 managedFields []ManagedFieldsEntry',
  ],
  OwnerReference: ['5 apiVersion string', '1 kind string', '3 name string', '4 uid string', '6 controller bool', '7 blockOwnerDeletion bool'],
  ManagedFieldsEntry: ['1 manager string', '2 operation string', '3 apiVersion string', '4 time Time', '6 fieldsType string', '7 fieldsV1 FieldsV1', '8 subresource string'],
  Namespace: ['1 metadata ObjectMeta', '2 spec NamespaceSpec', '3 status NamespaceStatus'],
  NamespaceSpec: ['1 finalizers []string'],
  NamespaceStatus: ['1 phase string', '2 conditions []NamespaceCondition'],
  NamespaceCondition: ['1 type string', '2 status string', '4 lastTransitionTime Time', '5 reason string', '6 message string'],
};

interface Field {
  name: string;
  type: string;
  repeated: boolean;
  map?: string;
}

const layouts = new Map<string, Map<number, Field>>();
function layout(message: string): Map<number, Field> {
  let fields = layouts.get(message);
  if (fields) return fields;
  const spec = MESSAGES[message];
  if (!spec) throw new Error(`no protobuf layout for ${message}`);
  fields = new Map();
  for (const line of spec) {
    const [n, name, type] = line.split(' ');
    const map = /^map<string,(.+)>$/.exec(type)?.[1];
    fields.set(Number(n), { name, type: map ?? type.replace(/^\[\]/, ''), repeated: type.startsWith('[]') || !!map, map });
  }
  layouts.set(message, fields);
  return fields;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('the protobuf body is truncated');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
      if (shift > 70n) throw badRequest('the protobuf body has a malformed varint');
    }
  }

  bytes(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw badRequest('the protobuf body is truncated');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`the protobuf body uses unsupported wire type ${wire}`);
  }
}

const GO_ZERO_TIME_SECONDS = -62135596800n;
const text = new TextDecoder();

function scalar(type: string, wire: number, r: Reader): unknown {
  switch (type) {
    case 'string':
      return text.decode(r.bytes());
    case 'bytes':
      return r.bytes();
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    default:
      if (wire !== 2) throw badRequest(`the protobuf field of type ${type} has wire type ${wire}`);
      return decodeMessage(type, r.bytes());
  }
}

/** Go's zero values are written on the wire but omitted from JSON; drop them the same way. */
function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === undefined;
}

/** Message-level conversions to the JSON forms Kubernetes uses. */
function toJson(message: string, obj: Record<string, unknown>): unknown {
  if (message === 'Time') {
    const seconds = BigInt((obj.seconds as number | undefined) ?? 0);
    return seconds === 0n || seconds === GO_ZERO_TIME_SECONDS ? undefined : rfc3339(new Date(Number(seconds) * 1000));
  }
  if (message === 'FieldsV1') return obj.Raw ? JSON.parse(text.decode(obj.Raw as Uint8Array)) : {};
  return obj;
}

function decodeMessage(message: string, buf: Uint8Array): unknown {
  const fields = layout(message);
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    const n = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const field = fields.get(n);
    if (!field) {
      r.skip(wire);
      continue;
    }
    if (field.map) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value: unknown;
      while (entry.pos < entry.end) {
        const t = entry.varint();
        if (Number(t >> 3n) === 1) key = text.decode(entry.bytes());
        else if (Number(t >> 3n) === 2) value = scalar(field.type, Number(t & 7n), entry);
        else entry.skip(Number(t & 7n));
      }
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[key] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : (value ?? '');
      continue;
    }
    if (field.repeated && wire === 2 && ['int32', 'int64', 'bool'].includes(field.type)) {
      const packed = new Reader(r.bytes());
      while (packed.pos < packed.end) ((out[field.name] ??= []) as unknown[]).push(scalar(field.type, 0, packed));
      continue;
    }
    let value = scalar(field.type, wire, r);
    if (value instanceof Uint8Array) value = message === 'runtime.Unknown' || message === 'FieldsV1' ? value : Buffer.from(value).toString('base64');
    if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else if (!isZero(value)) out[field.name] = value;
  }
  return toJson(message, out);
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form. */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw badRequest('the protobuf body does not start with the Kubernetes magic number');
  const unknown = decodeMessage('runtime.Unknown', body.subarray(4)) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  const kind = unknown.typeMeta?.kind ?? '';
  if (!MESSAGES[kind]) throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (for ${kind || 'an unnamed kind'}; send this kind as JSON)`);
  const obj = decodeMessage(kind, unknown.raw ?? new Uint8Array()) as Record<string, unknown>;
  return { apiVersion: unknown.typeMeta?.apiVersion, kind, ...obj };
}
