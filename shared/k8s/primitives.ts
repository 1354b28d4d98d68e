import { z } from 'zod';
import { isQuantity } from './quantity';

// The building blocks the generated API types (shared/k8s/generated/) are made of: the apimachinery types
// OpenAPI calls strings but that carry their own rules, and the helpers that attach the API's extensions.

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const Time = z
  .string()
  .meta({ id: `${META}.Time`, description: 'Time is a wrapper around time.Time; serialized as RFC 3339.', format: 'date-time' });

export const MicroTime = z
  .string()
  .meta({ id: `${META}.MicroTime`, description: 'MicroTime is version of Time with microsecond level precision.', format: 'date-time' });

/** Go writes a zero metav1.Time as null (`lastProbeTime: null` in every pod condition), so null is a valid time. */
export const nullableTime = () => Time.nullable();

export const int32 = () => z.int32().meta({ format: 'int32' });
export const int64 = () => z.int();
export const double = () => z.number().meta({ format: 'double' });
export const bytes = () => z.string().meta({ format: 'byte' });
export const stringMap = () => z.record(z.string(), z.string());
/** A value we keep whole without modelling its fields (exotic volume plugins, embedded objects). */
export const freeForm = () => z.record(z.string(), z.unknown());

// Both are strings in OpenAPI (as the apiserver publishes them for v2 and kubectl explain), but accept numbers.
export const IntOrString = z
  .custom<number | string>((v) => typeof v === 'string' || Number.isInteger(v), { message: 'expected an integer or a string' })
  .meta({
    id: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    type: 'string',
    format: 'int-or-string',
    description: 'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
  });
export type IntOrString = z.infer<typeof IntOrString>;

export const Quantity = z
  .custom<string | number>((v) => (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) && isQuantity(v), {
    message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  })
  .meta({
    id: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
    type: 'string',
    description: 'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.',
  });
export type Quantity = z.infer<typeof Quantity>;

export interface ListExtensions {
  type?: 'atomic' | 'set' | 'map';
  keys?: string[];
  mergeKey?: string;
  strategy?: string;
}

/** A list carrying its `x-kubernetes-list-*` and `x-kubernetes-patch-*` extensions, as the API declares them. */
export function list<T extends z.ZodType>(item: T, ext: ListExtensions) {
  return z.array(item).meta({
    ...(ext.type && { 'x-kubernetes-list-type': ext.type }),
    ...(ext.keys && { 'x-kubernetes-list-map-keys': ext.keys }),
    ...(ext.mergeKey && { 'x-kubernetes-patch-merge-key': ext.mergeKey }),
    ...(ext.strategy && { 'x-kubernetes-patch-strategy': ext.strategy }),
  });
}
