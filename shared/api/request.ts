import { isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { decodeKubernetesProtobuf } from '../k8s/protobuf';
import { MAX_BODY_BYTES, MAX_NESTING_DEPTH, nestingDepth, tooDeep } from './limits';
import { badRequest, notAcceptable, tooLarge, unsupportedMediaType } from './status';

export { MAX_BODY_BYTES };

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export async function readBytes(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBytes(request, limit));
}

const shell = (v: unknown): unknown => (v && typeof v === 'object' ? (Array.isArray(v) ? [] : {}) : v);

/** An own property, also when it is called `__proto__` (plain assignment would set the prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown) {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Go decoders treat `null` as "not set"; clients send `creationTimestamp: null` and the like. A copy
 * made with a stack of its own rather than recursion, so no nesting can exhaust the call stack.
 */
export function dropNulls(value: unknown): unknown {
  const root = shell(value);
  if (root === value) return value;
  const stack: Array<[unknown, unknown]> = [[value, root]];
  while (stack.length) {
    const [source, target] = stack.pop()!;
    const entries: Array<[string | number, unknown]> = Array.isArray(source) ? source.map((v, i) => [i, v]) : Object.entries(source as object);
    for (const [key, v] of entries) {
      if (v === null && !Array.isArray(source)) continue;
      const copy = shell(v);
      if (Array.isArray(target)) target[key as number] = copy;
      else put(target as Record<string, unknown>, key as string, copy);
      if (copy !== v) stack.push([v, copy]);
    }
  }
  return root;
}

/** Every decoded body passes here: nesting no built-in kind needs is refused before anything walks it. */
function checkDepth(value: unknown): void {
  if (nestingDepth(value) > MAX_NESTING_DEPTH) throw tooDeep();
}

export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** A decoded body and the fields it set twice (the apiserver's strict decoding reports those). */
export interface Decoded {
  body: Record<string, unknown>;
  duplicates: string[];
}

/** Parses a JSON or YAML body into an object; anything else is a 400 or 415 the client can read. */
export async function decodeDocument(request: Request, accepted = ['application/json', 'application/yaml', PROTOBUF]): Promise<Decoded> {
  const type = mediaType(request);
  if (!accepted.includes(type)) throw unsupportedMediaType(type);
  if (type === PROTOBUF) {
    const body = decodeKubernetesProtobuf(await readBytes(request));
    checkDepth(body);
    return { body, duplicates: [] };
  }
  const text = await readBody(request);
  if (!text.trim()) throw badRequest('the request body is empty');
  const { value, duplicates } = parseText(text, type.endsWith('yaml') ? 'YAML' : 'JSON');
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('the request body must be a single object');
  return { body: dropNulls(value) as Record<string, unknown>, duplicates };
}

export async function decodeBody(request: Request, accepted?: string[]): Promise<Record<string, unknown>> {
  return (await decodeDocument(request, accepted)).body;
}

/** JSON or YAML text to a value, noting keys set twice (the last one wins, as in Go). */
export function parseText(text: string, format: 'JSON' | 'YAML'): { value: unknown; duplicates: string[] } {
  const parsed = parseUnchecked(text, format);
  checkDepth(parsed.value);
  return parsed;
}

function parseUnchecked(text: string, format: 'JSON' | 'YAML'): { value: unknown; duplicates: string[] } {
  try {
    if (format === 'JSON') {
      const value = JSON.parse(text);
      return { value, duplicates: jsonDuplicates(text) };
    }
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) throw doc.errors[0];
    const duplicates: string[] = [];
    visit(doc, {
      Map(_, map, path) {
        const seen = new Set<string>();
        const prefix = yamlPath(path);
        for (const pair of map.items) {
          const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
          if (seen.has(key)) duplicates.push(prefix ? `${prefix}.${key}` : key);
          seen.add(key);
        }
      },
    });
    return { value: doc.toJS(), duplicates };
  } catch (err) {
    throw badRequest(`the request body is not valid ${format}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The dotted field path of a YAML node from its ancestors (pairs give names, sequences give indexes). */
function yamlPath(path: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const node = path[i];
    if (isPair(node)) out += `${out ? '.' : ''}${String(isScalar(node.key) ? node.key.value : node.key)}`;
    else if (isSeq(node)) out += `[${node.items.indexOf(path[i + 1] as never)}]`;
  }
  return out;
}

/** Keys repeated within one JSON object, by dotted path; a scan of the already-valid text. */
function jsonDuplicates(text: string): string[] {
  const found: string[] = [];
  const stack: Array<{ keys: Set<string> | null; path: string; index: number }> = [];
  let pendingKey: string | undefined;
  let i = 0;
  const childPath = () => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.keys) return top.path ? `${top.path}.${pendingKey}` : pendingKey!;
    return `${top.path}[${top.index}]`;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      while (/\s/.test(text[i] ?? '')) i++;
      const top = stack[stack.length - 1];
      if (text[i] === ':' && top?.keys) {
        if (top.keys.has(str)) found.push(top.path ? `${top.path}.${str}` : str);
        top.keys.add(str);
        pendingKey = str;
        i++;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const path = childPath();
      stack.push({ keys: c === '{' ? new Set() : null, path, index: 0 });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && !top.keys) top.index++;
    }
    i++;
  }
  return found;
}

/** A patch body is JSON: an object, or an array of operations for a JSON patch. */
export async function decodePatch(request: Request): Promise<unknown> {
  const text = await readBody(request);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`the patch is not valid JSON: ${(err as Error).message}`);
  }
  checkDepth(value);
  return value;
}

export type Rendering = { as: 'object' } | { as: 'table'; includeObject: 'None' | 'Metadata' | 'Object' };

/**
 * Content negotiation as the apiserver does it: kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io`
 * first and plain JSON as a fallback. Protobuf alone cannot be served.
 */
export function rendering(request: Request): Rendering {
  const accept = request.headers.get('accept') ?? '';
  if (!accept) return { as: 'object' };
  let json = false;
  for (const clause of accept.split(',')) {
    const [type, ...params] = clause.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim())));
    if (type === 'application/json' && p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
      const param = new URL(request.url).searchParams.get('includeObject');
      const includeObject = param === 'None' || param === 'Object' ? param : 'Metadata';
      return { as: 'table', includeObject };
    }
    if ((type === 'application/json' || type === '*/*' || type === 'application/*') && !p.as) json = true;
  }
  if (!json && !accept.includes('application/json')) throw notAcceptable(accept);
  return { as: 'object' };
}

/** A boolean query parameter as Go's strconv.ParseBool reads it (the Python client sends `watch=True`). */
export function isTrue(value: string | null | undefined): boolean {
  return value === 'true' || value === '1' || value === 't' || value === 'T' || value === 'TRUE' || value === 'True';
}

export function dryRun(request: Request, options?: { dryRun?: unknown; [field: string]: unknown }): boolean {
  // A delete may say it in its DeleteOptions body instead of the query, as client-go does.
  const inBody = Array.isArray(options?.dryRun) ? options.dryRun.map(String) : [];
  const values = [...new URL(request.url).searchParams.getAll('dryRun'), ...inBody];
  for (const v of values) if (v !== 'All') throw badRequest(`unsupported dryRun value "${v}": only "All" is supported`);
  return values.length > 0;
}
