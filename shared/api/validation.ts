import type { z } from 'zod';
import type { KObject } from '../k8s/meta';
import type { ResourceDefinition } from './resource';
import type { StatusCause } from './status';
import { annotationCauses, checkObjectSize } from './limits';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The apiserver's name checks, with its wording, so kubectl users see familiar messages. */
export function validateName(name: string, format: 'label' | 'subdomain', field = 'metadata.name'): StatusCause[] {
  const bad = (detail: string): StatusCause[] => [
    { reason: 'FieldValueInvalid', field, message: `Invalid value: "${name}": ${detail}` },
  ];
  if (format === 'label') {
    if (name.length > 63) return bad('must be no more than 63 characters');
    if (!DNS1123_LABEL.test(name)) {
      return bad("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }
    return [];
  }
  if (name.length > 253) return bad('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return bad("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  return [];
}

/** Type errors from the kind's zod schema, as 422 causes with the field path. */
export function schemaCauses(schema: z.ZodType, obj: unknown): StatusCause[] {
  const result = schema.safeParse(obj);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return { reason: 'FieldValueRequired', field, message: 'Required value' };
    return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${issue.message}` };
  });
}

/** Everything a stored object must satisfy: its name, its schema and its kind's own rules. */
export function validateObject(def: ResourceDefinition, obj: KObject, old?: KObject): StatusCause[] {
  checkObjectSize(obj);
  const causes = [...schemaCauses(def.schema, obj)];
  if (causes.length) return causes;
  causes.push(...validateName(obj.metadata.name, def.nameFormat));
  causes.push(...annotationCauses(obj));
  if (obj.metadata.namespace) causes.push(...validateName(obj.metadata.namespace, 'label', 'metadata.namespace'));
  causes.push(...labelCauses(obj.metadata.labels, 'metadata.labels'));
  if (def.validate) causes.push(...def.validate(obj, old));
  return causes;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelCauses(labels: Record<string, string> | undefined, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !QUALIFIED_NAME.test(name)) {
      causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
  }
  return causes;
}
