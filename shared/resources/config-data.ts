import { badRequest, type StatusCause } from '../api/status';
import { decodeBase64 } from '../k8s/base64';

// What ConfigMaps and Secrets share: key rules, the 1 MiB limit, `[]byte` fields, `immutable`.

/** The apiserver's core.MaxSecretSize, the limit on a ConfigMap's or Secret's data. */
export const MAX_DATA_BYTES = 1024 * 1024;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** validation.IsConfigMapKey: the messages the apiserver gives for a bad key (also a Secret's). */
export function keyErrors(key: string): string[] {
  const errors: string[] = [];
  if (key.length > 253) errors.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) {
    errors.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (key === '.') errors.push("must not be '.'");
  else if (key === '..') errors.push("must not be '..'");
  else if (key.startsWith('..')) errors.push("must not start with '..'");
  return errors;
}

/** A key the disk store and pod volumes may use as a file name: exactly what the API admits. */
export const isSafeKey = (key: string) => keyErrors(key).length === 0;

export function keyCauses(map: Record<string, unknown> | undefined, field: string): StatusCause[] {
  return Object.keys(map ?? {}).flatMap((key) =>
    keyErrors(key).map((msg) => ({ reason: 'FieldValueInvalid', field: `${field}[${key}]`, message: `Invalid value: ${JSON.stringify(key)}: ${msg}` })),
  );
}

/**
 * A `[]byte` map from JSON in its canonical base64 (as the apiserver stores it after decoding), or the
 * decoder's error, which the apiserver reports before any validation: 400 `... cannot be handled as a ...`.
 */
export function canonicalBytes(kind: string, map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map) return map;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') continue;
    const decoded = decodeBase64(value);
    if ('offset' in decoded) throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${decoded.offset}`);
    out[key] = decoded.bytes.toString('base64');
  }
  return out;
}

/** Bytes of a stored base64 value (already canonical). */
export const bytesOf = (value: string) => Buffer.from(value, 'base64');

/** Maps compared as Go's reflect.DeepEqual would after the apiserver dropped empty maps. */
export function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
}

/** ValidateConfigMapUpdate/ValidateSecretUpdate: nothing of the payload moves once `immutable` is set. */
export function immutableCauses(obj: { immutable?: boolean } & Record<string, unknown>, old: ({ immutable?: boolean } & Record<string, unknown>) | undefined, fields: string[]): StatusCause[] {
  if (!old?.immutable) return [];
  const forbidden = (field: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: 'Forbidden: field is immutable when `immutable` is set' });
  const causes: StatusCause[] = [];
  if (!obj.immutable) causes.push(forbidden('immutable'));
  for (const f of fields) if (!sameMap(obj[f] as Record<string, string>, old[f] as Record<string, string>)) causes.push(forbidden(f));
  return causes;
}

export const tooLong = (field: string): StatusCause => ({ reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${MAX_DATA_BYTES} bytes` });

const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';

/** ValidateLocalNonReservedPath: a file path inside a volume, relative, never climbing out. */
function pathCauses(path: string, field: string): StatusCause[] {
  if (!path) return [{ reason: 'FieldValueRequired', field, message: 'Required value' }];
  const invalid = (msg: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(path)}: ${msg}` });
  const causes: StatusCause[] = [];
  if (path.startsWith('/')) causes.push(invalid('must be a relative path'));
  if (path.split('/').includes('..')) causes.push(invalid("must not contain '..'"));
  if ((path.split('/').filter(Boolean).pop() ?? '').startsWith('..')) causes.push(invalid("must not start with '..'"));
  return causes;
}

function modeCauses(mode: unknown, field: string): StatusCause[] {
  if (mode === undefined || (Number.isInteger(mode) && (mode as number) >= 0 && (mode as number) <= 0o777)) return [];
  return [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(mode)}: ${FILE_MODE}` }];
}

/** The apiserver's checks of configMap, secret and projected volumes: item paths and file modes. */
export function configVolumeCauses(volumes: Array<Record<string, any>> | undefined, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  (volumes ?? []).forEach((v, i) => {
    const sources: Array<[Record<string, any>, string]> = [];
    if (v.configMap) sources.push([v.configMap, `${at}[${i}].configMap`]);
    if (v.secret) sources.push([v.secret, `${at}[${i}].secret`]);
    if (v.projected) {
      causes.push(...modeCauses(v.projected.defaultMode, `${at}[${i}].projected.defaultMode`));
      ((v.projected.sources ?? []) as Array<Record<string, any>>).forEach((s, j) => {
        if (s.configMap) sources.push([s.configMap, `${at}[${i}].projected.sources[${j}].configMap`]);
        if (s.secret) sources.push([s.secret, `${at}[${i}].projected.sources[${j}].secret`]);
      });
    }
    for (const [source, field] of sources) {
      causes.push(...modeCauses(source.defaultMode, `${field}.defaultMode`));
      ((source.items ?? []) as Array<Record<string, any>>).forEach((item, k) => {
        if (!item.key) causes.push({ reason: 'FieldValueRequired', field: `${field}.items[${k}].key`, message: 'Required value' });
        causes.push(...pathCauses(item.path ?? '', `${field}.items[${k}].path`));
        causes.push(...modeCauses(item.mode, `${field}.items[${k}].mode`));
      });
    }
  });
  return causes;
}
