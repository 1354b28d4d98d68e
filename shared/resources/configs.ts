import { z } from 'zod';
import { defineResource } from '../api/resource';
import { ApiError, type StatusCause } from '../api/status';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';

type Json = any;

const stringMap = () => z.record(z.string(), z.string());

export const ConfigMapSchema = z
  .looseObject({
    ...typeMeta,
    data: stringMap().optional().describe('Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
    binaryData: stringMap().optional().describe('BinaryData contains the binary data, base64 encoded. Keys may not also be in data.'),
    immutable: z.boolean().optional().describe('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).'),
  })
  .meta({ id: 'io.k8s.api.core.v1.ConfigMap', description: 'ConfigMap holds configuration data for pods to consume.' });

export const SecretSchema = z
  .looseObject({
    ...typeMeta,
    data: stringMap().optional().describe('Data contains the secret data, base64 encoded. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'),
    stringData: stringMap().optional().describe('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write.'),
    type: z.string().optional().describe('Used to facilitate programmatic handling of secret data.'),
    immutable: z.boolean().optional().describe('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).'),
  })
  .meta({ id: 'io.k8s.api.core.v1.Secret', description: 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.' });

export type ConfigMap = KObject & { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean };
export type Secret = KObject & { data?: Record<string, string>; stringData?: Record<string, string>; type?: string; immutable?: boolean };

export const MAX_SIZE = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** The apiserver's IsConfigMapKey: also what keeps every key a safe file name in the store. */
export function keyCauses(keys: string[], field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of keys) {
    const at = `${field}[${key}]`;
    const errors: string[] = [];
    if (key.length > 253) errors.push('must be no more than 253 characters');
    if (!CONFIG_KEY.test(key)) {
      errors.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }
    if (key === '.') errors.push("must not be '.'");
    else if (key === '..') errors.push("must not be '..'");
    else if (key.startsWith('..')) errors.push("must not start with '..'");
    for (const e of errors) causes.push({ reason: 'FieldValueInvalid', field: at, message: `Invalid value: ${JSON.stringify(key)}: ${e}` });
  }
  return causes;
}

/** Where a base64 text stops being base64, as Go's decoder reports it (-1: it is valid). */
export function base64Error(text: string): number {
  const clean = text.replace(/[\r\n]/g, '');
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i];
    if (/[A-Za-z0-9+/]/.test(c)) continue;
    if (c === '=' && i >= clean.length - 2 && /^=*$/.test(clean.slice(i))) continue;
    return i;
  }
  return clean.length % 4 === 0 ? -1 : clean.length - (clean.length % 4);
}

const bytesOf = (data: Record<string, string> | undefined, base64: boolean) =>
  Object.entries(data ?? {}).reduce((n, [k, v]) => n + k.length + (base64 ? Buffer.byteLength(v, 'base64') : Buffer.byteLength(v)), 0);

function immutability(obj: ConfigMap | Secret, old: ConfigMap | Secret | undefined, fields: string[]): StatusCause[] {
  if (!old?.immutable) return [];
  const causes: StatusCause[] = [];
  if (!obj.immutable) causes.push({ reason: 'FieldValueForbidden', field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
  for (const f of fields) {
    if (JSON.stringify((obj as Json)[f] ?? {}) !== JSON.stringify((old as Json)[f] ?? {})) causes.push({ reason: 'FieldValueForbidden', field: f, message: 'Forbidden: field is immutable when `immutable` is set' });
  }
  return causes;
}

function validateConfigMap(cm: ConfigMap, old?: ConfigMap): StatusCause[] {
  const causes = [...keyCauses(Object.keys(cm.data ?? {}), 'data'), ...keyCauses(Object.keys(cm.binaryData ?? {}), 'binaryData')];
  for (const key of Object.keys(cm.binaryData ?? {})) {
    if (cm.data && key in cm.data) causes.push({ reason: 'FieldValueDuplicate', field: `data[${key}]`, message: `Duplicate value: ${JSON.stringify(key)}` });
    const at = base64Error(cm.binaryData![key]);
    if (at >= 0) causes.push({ reason: 'FieldValueInvalid', field: `binaryData[${key}]`, message: `Invalid value: "<binary>": illegal base64 data at input byte ${at}` });
  }
  if (bytesOf(cm.data, false) + bytesOf(cm.binaryData, true) > MAX_SIZE) {
    causes.push({ reason: 'FieldValueTooLong', field: '', message: `Too long: must have at most ${MAX_SIZE} bytes` });
  }
  causes.push(...immutability(cm, old, ['data', 'binaryData']));
  return causes;
}

/** Keys each Secret type must carry, as the apiserver checks them. */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecret(secret: Secret, old?: Secret): StatusCause[] {
  const data = secret.data ?? {};
  const causes = keyCauses(Object.keys(data), 'data');
  for (const [key, value] of Object.entries(data)) {
    const at = base64Error(value);
    if (at >= 0) causes.push({ reason: 'FieldValueInvalid', field: `data[${key}]`, message: `Invalid value: "<secret contents redacted>": illegal base64 data at input byte ${at}` });
  }
  if (causes.length) return causes;
  if (bytesOf(data, true) > MAX_SIZE) causes.push({ reason: 'FieldValueTooLong', field: 'data', message: `Too long: must have at most ${MAX_SIZE} bytes` });
  const type = secret.type ?? 'Opaque';
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) causes.push({ reason: 'FieldValueRequired', field: `data[${key}]`, message: 'Required value' });
  if (type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson']) {
    try {
      JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString());
    } catch (err) {
      causes.push({ reason: 'FieldValueInvalid', field: 'data[.dockerconfigjson]', message: `Invalid value: "<secret contents redacted>": ${(err as Error).message}` });
    }
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    causes.push({ reason: 'FieldValueRequired', field: 'data[username]', message: 'Required value' });
  }
  if (type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]', message: 'Required value' });
  }
  if (old && (old.type ?? 'Opaque') !== type) causes.push({ reason: 'FieldValueInvalid', field: 'type', message: `Invalid value: ${JSON.stringify(type)}: field is immutable` });
  causes.push(...immutability(secret, old, ['data']));
  return causes;
}

/** `stringData` is write-only: merged into `data` (base64), never stored, as the apiserver does. */
function defaultSecret(secret: Secret) {
  secret.type ??= 'Opaque';
  if (secret.stringData) {
    const keys = keyCauses(Object.keys(secret.stringData), 'stringData');
    if (keys.length) {
      throw new ApiError(422, 'Invalid', `Secret "${secret.metadata.name}" is invalid: ${keys.map((c) => `${c.field}: ${c.message}`).join(', ')}`, { name: secret.metadata.name, kind: 'Secret', causes: keys });
    }
    secret.data = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v).toString('base64');
    delete secret.stringData;
  }
}

const dataCount = (o: ConfigMap | Secret) => Object.keys(o.data ?? {}).length + Object.keys((o as ConfigMap).binaryData ?? {}).length;

/**
 * ConfigMap and Secret data lives in files named as k2d names them (`<ns>-<name>-k2dcm-<key>`): two
 * objects whose namespace and name join to the same prefix would share files, so the second is refused.
 */
function samePrefix(kind: string) {
  return (obj: KObject, others: KObject[]) => {
    const prefix = `${obj.metadata.namespace}-${obj.metadata.name}`;
    const clash = others.find((o) => `${o.metadata.namespace}-${o.metadata.name}` === prefix);
    if (clash) {
      throw new ApiError(409, 'AlreadyExists', `${kind.toLowerCase()}s "${obj.metadata.name}" cannot be stored: its data files would be those of ${kind.toLowerCase()} "${clash.metadata.name}" in namespace "${clash.metadata.namespace}" (both are ${prefix}-…)`, {
        name: obj.metadata.name,
        kind: `${kind.toLowerCase()}s`,
      });
    }
  };
}

export const configMaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ConfigMapSchema,
  priority: 'high',
  columns: [
    { name: 'Data', type: 'integer', description: 'Number of data in configmap', cell: dataCount },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  validate: validateConfigMap,
  allocate: samePrefix('ConfigMap'),
});

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: SecretSchema,
  priority: 'high',
  columns: [
    { name: 'Type', type: 'string', description: 'The type of the secret', cell: (s) => s.type ?? 'Opaque' },
    { name: 'Data', type: 'integer', description: 'Number of data in secret', cell: dataCount },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  fieldSelectors: { type: (s) => s.type ?? 'Opaque' },
  defaults: defaultSecret,
  validate: validateSecret,
  allocate: samePrefix('Secret'),
});
