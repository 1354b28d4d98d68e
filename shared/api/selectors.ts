import type { KObject } from '../k8s/meta';
import { badRequest } from './status';

type Predicate = (obj: KObject) => boolean;

/**
 * Label selectors in the apiserver's string form: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, comma separated (commas inside parentheses belong to the set).
 */
export function parseLabelSelector(selector: string | undefined): Predicate {
  if (!selector?.trim()) return () => true;
  const clauses: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      clauses.push(current);
      current = '';
    } else current += ch;
  }
  clauses.push(current);
  const tests = clauses.map((raw) => labelClause(raw.trim(), selector));
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return tests.every((t) => t(labels));
  };
}

const labelKey = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!labelKey.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!labelValue.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${selector}"`);
  }
  return value;
}

function labelClause(clause: string, selector: string): (labels: Record<string, string>) => boolean {
  let m: RegExpMatchArray | null;
  if ((m = clause.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
    const key = checkKey(m[1], selector);
    const values = new Set(m[3].split(',').map((v) => checkValue(v.trim(), selector)));
    return m[2] === 'in' ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]);
  }
  if ((m = clause.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
    const key = checkKey(m[1], selector);
    const value = checkValue(m[3], selector);
    return m[2] === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if ((m = clause.match(/^!\s*(\S+)$/))) {
    const key = checkKey(m[1], selector);
    return (l) => !(key in l);
  }
  if (clause && !/[\s=!()]/.test(clause)) {
    const key = checkKey(clause, selector);
    return (l) => key in l;
  }
  throw badRequest(`unable to parse requirement: found '${clause}', expected a label selector clause in "${selector}"`);
}

/** Field selectors: `=`, `==`, `!=` on the fields a kind declares (metadata.name/namespace always). */
export function parseFieldSelector(
  selector: string | undefined,
  fields: Record<string, (obj: KObject) => string | undefined>,
  kind: string,
): Predicate {
  if (!selector?.trim()) return () => true;
  const all: Record<string, (obj: KObject) => string | undefined> = {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace,
    ...fields,
  };
  const tests = selector.split(',').map((clause): Predicate => {
    const m = clause.trim().match(/^([^=!]+)(==|=|!=)(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${clause}'; can't understand '${clause}'`);
    const get = all[m[1].trim()];
    if (!get) throw badRequest(`field label not supported: ${m[1].trim()} (kind ${kind})`);
    const value = m[3].trim();
    return m[2] === '!=' ? (o) => (get(o) ?? '') !== value : (o) => (get(o) ?? '') === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
