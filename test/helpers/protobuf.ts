import { protobufLayout } from '../../shared/k8s/protobuf';
// A minimal protobuf writer, enough to build the bodies kubectl sends (Kubernetes' `k8s\0` envelope).
export const varint = (n: number | bigint): number[] => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
export const bytesField = (n: number, data: number[] | Uint8Array) => [...varint((n << 3) | 2), ...varint(data.length), ...data];
export const str = (n: number, s: string) => bytesField(n, [...new TextEncoder().encode(s)]);
export const msg = (n: number, ...parts: number[][]) => bytesField(n, parts.flat());
export const int = (n: number, v: number | bigint) => [...varint(n << 3), ...varint(v)];

export function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...bytesField(2, raw)]);
}

type Json = unknown;

/** The message form of the JSON values protobuf carries as messages (times, int-or-strings, quantities). */
function asMessage(type: string, value: Json): Json {
  if (type === 'Time') return { seconds: Math.floor(Date.parse(value as string) / 1000) };
  if (type === 'MicroTime') {
    const ms = Date.parse(value as string);
    const micros = Number(/\.(\d{6})Z$/.exec(value as string)?.[1] ?? 0);
    return { seconds: Math.floor(ms / 1000), nanos: micros * 1000 };
  }
  if (type === 'IntOrString') return typeof value === 'number' ? { type: 0, intVal: value } : { type: 1, strVal: value };
  if (type === 'Quantity') return { string: value };
  if (type === 'FieldsV1') return { Raw: new TextEncoder().encode(JSON.stringify(value)) };
  if (type === 'RawExtension') return { raw: new TextEncoder().encode(JSON.stringify(value)) };
  return value;
}

function encodeValue(n: number, type: string, value: Json, path: string): number[] {
  switch (type) {
    case 'string':
      return str(n, value as string);
    case 'bytes':
      return bytesField(n, value instanceof Uint8Array ? value : [...Buffer.from(value as string, 'base64')]);
    case 'bool':
      return int(n, value ? 1 : 0);
    case 'int32':
    case 'int64':
      return int(n, value as number);
    default:
      return msg(n, encodeMessage(type, asMessage(type, value) as Record<string, Json>, path));
  }
}

/**
 * Encodes an object's JSON form with the layouts shared/k8s/protobuf.ts decodes with, as the apiserver's
 * generated code would; a field the layout lacks is an error, so an example proves its layout covers it.
 */
export function encodeMessage(message: string, obj: Record<string, Json>, path = message): number[] {
  const fields = protobufLayout(message);
  if (!fields) throw new Error(`${path}: no protobuf layout for ${message}`);
  const out: number[] = [];
  const used = new Set<string>();
  for (const [n, f] of fields) {
    if (f.inline) {
      const names = [...(protobufLayout(f.type)?.values() ?? [])].map((g) => g.name);
      const part = Object.fromEntries(Object.entries(obj).filter(([k]) => names.includes(k)));
      names.forEach((k) => used.add(k));
      out.push(...msg(n, encodeMessage(f.type, part, path)));
      continue;
    }
    const value = obj[f.name];
    used.add(f.name);
    if (value === undefined || value === null) continue;
    if (f.map) {
      for (const [k, v] of Object.entries(value as Record<string, Json>)) out.push(...bytesField(n, [...str(1, k), ...encodeValue(2, f.type, v, `${path}.${f.name}.${k}`)]));
    } else if (f.repeated) {
      (value as Json[]).forEach((v, i) => out.push(...encodeValue(n, f.type, v, `${path}.${f.name}[${i}]`)));
    } else out.push(...encodeValue(n, f.type, value, `${path}.${f.name}`));
  }
  const unknown = Object.keys(obj).filter((k) => !used.has(k));
  if (unknown.length) throw new Error(`${path}: the ${message} layout has no field ${unknown.join(', ')}`);
  return out;
}

/** An object as kubectl sends it in protobuf: the `k8s\0` envelope around its message. */
export function encodeObject(obj: { apiVersion: string; kind: string } & Record<string, Json>): Uint8Array {
  const { apiVersion, kind, ...rest } = obj;
  return envelope(apiVersion, kind, encodeMessage(kind, rest));
}
