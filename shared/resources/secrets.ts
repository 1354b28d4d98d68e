import { z } from 'zod';
import { defineResource } from '../api/resource';
import type { StatusCause } from '../api/status';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';
import { bytesOf, canonicalBytes, immutableCauses, keyCauses, MAX_DATA_BYTES, tooLong } from './config-data';

export const SecretSchema = z
  .looseObject({
    ...typeMeta,
    immutable: z
      .boolean()
      .optional()
      .describe('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
    data: z
      .record(z.string(), z.string().meta({ format: 'byte' }))
      .optional()
      .describe("Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
    stringData: z
      .record(z.string(), z.string())
      .optional()
      .describe('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.'),
    type: z.string().optional().describe('Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
  })
  .meta({ id: 'io.k8s.api.core.v1.Secret', description: 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.' });

export type Secret = KObject & { immutable?: boolean; data?: Record<string, string>; stringData?: Record<string, string>; type?: string };

/** Keys a typed Secret must carry (the apiserver's constants). */
const TLS_CERT = 'tls.crt';
const TLS_KEY = 'tls.key';
const DOCKER_CONFIG_JSON = '.dockerconfigjson';
const DOCKER_CFG = '.dockercfg';
const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', field, message: 'Required value' });

/** Go's json.Unmarshal into a map, as far as its error messages go. */
function jsonObjectError(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const first = text.trimStart()[0];
    if (first === undefined) return 'unexpected end of JSON input';
    if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
    return (err as Error).message;
  }
  if (value === null || typeof value === 'object') return Array.isArray(value) ? 'json: cannot unmarshal array into Go value of type map[string]interface {}' : undefined;
  return `json: cannot unmarshal ${typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]interface {}`;
}

/** ValidateSecret and ValidateSecretUpdate, with the apiserver's field paths and messages. */
function validateSecret(secret: Secret, old?: Secret): StatusCause[] {
  const causes: StatusCause[] = [];
  const data = secret.data ?? {};
  if (old && (secret.type ?? 'Opaque') !== (old.type ?? 'Opaque')) {
    causes.push({ reason: 'FieldValueInvalid', field: 'type', message: `Invalid value: ${JSON.stringify(secret.type ?? '')}: field is immutable` });
  }
  causes.push(...immutableCauses(secret, old, ['data']));
  causes.push(...keyCauses(data, 'data'));
  if (Object.values(data).reduce((n, v) => n + bytesOf(v).length, 0) > MAX_DATA_BYTES) causes.push(tooLong('data'));
  const has = (key: string) => key in data;
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      // Only the account's name: a token controller would fill in the rest.
      if (!secret.metadata.annotations?.[SA_NAME_ANNOTATION]) causes.push(required(`metadata.annotations[${SA_NAME_ANNOTATION}]`));
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = secret.type === 'kubernetes.io/dockercfg' ? DOCKER_CFG : DOCKER_CONFIG_JSON;
      if (!has(key)) {
        causes.push(required(`data[${key}]`));
        break;
      }
      const error = jsonObjectError(bytesOf(data[key]));
      if (error) causes.push({ reason: 'FieldValueInvalid', field: `data[${key}]`, message: `Invalid value: "<secret contents redacted>": ${error}` });
      break;
    }
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of them must be there.
      if (!has('username') && !has('password')) causes.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey'] || !bytesOf(data['ssh-privatekey']).length) causes.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has(TLS_CERT)) causes.push(required(`data[${TLS_CERT}]`));
      if (!has(TLS_KEY)) causes.push(required(`data[${TLS_KEY}]`));
      break;
  }
  return causes;
}

/**
 * What the apiserver's decoding does before anything else: `data` is checked and stored as canonical
 * base64, `stringData` is merged into it (winning over `data`) and never stored, `type` defaults to Opaque.
 */
function decodeSecret(secret: Secret) {
  const data = canonicalBytes('Secret', secret.data) ?? {};
  for (const [key, value] of Object.entries(secret.stringData ?? {})) if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  if (secret.data || secret.stringData) secret.data = data;
  delete secret.stringData;
  secret.type ||= 'Opaque';
}

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: SecretSchema,
  realizedByRuntime: true,
  priority: 'high',
  columns: [
    { name: 'Type', type: 'string', description: 'Used to facilitate programmatic handling of secret data.', cell: (s) => s.type ?? 'Opaque' },
    { name: 'Data', type: 'integer', description: 'Number of keys in the Secret.', cell: (s) => Object.keys(s.data ?? {}).length },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  fieldSelectors: { type: (s) => s.type ?? 'Opaque' },
  defaults: decodeSecret,
  validate: validateSecret,
  example: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'credentials', labels: { app: 'web' } }, type: 'Opaque', data: { password: 'czNjcjN0' } },
});
