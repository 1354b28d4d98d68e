// Emits the zod schemas and TypeScript types of the Kubernetes API (shared/k8s/generated/) from two
// renderings of the Kubernetes v1.32.0 OpenAPI that npm packages ship, pinned as devDependencies:
//  - the official JavaScript client's models (@kubernetes/client-node 1.1.x, built from the 1.32
//    OpenAPI; it is also the client the e2e tests drive): every type, field, JSON name, format and required field;
//  - cdk8s-plus-32's generated imports (lib/imports/k8s.d.ts): the descriptions, which the client drops for
//    every field whose type is another model, each tagged with its OpenAPI name (`@schema <id>#<field>`);
// plus the hand-kept facts neither carries (scripts/k8s-overlay.ts).
//
//   npm run generate          writes the files
//   generate()                returns them, for the unit test that keeps the committed output fresh
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as overlay from './k8s-overlay';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = join(ROOT, 'node_modules/@kubernetes/client-node/dist/gen/models');
const DOCS = join(ROOT, 'node_modules/cdk8s-plus-32/lib/imports/k8s.d.ts');
export const OUT_DIR = 'shared/k8s/generated';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface Field extends Attribute {
  description?: string;
  required: boolean;
}

interface Model {
  cls: string;
  description?: string;
  fields: Field[];
}

/** A package we emit: its OpenAPI prefix, the file it goes to, and the kinds it starts from. */
interface Package {
  key: string;
  prefix: string;
  file: string;
  roots: string[];
}

const unescape = (s: string) => s.replace(/\\(['"\\])/g, '$1').trim();

const models = new Map<string, Model>();
function model(cls: string): Model {
  const cached = models.get(cls);
  if (cached) return cached;
  const js = readFileSync(join(MODELS, `${cls}.js`), 'utf8');
  const dts = readFileSync(join(MODELS, `${cls}.d.ts`), 'utf8');
  const map = /\.attributeTypeMap = (\[[\s\S]*?\n\]);/.exec(js);
  const attributes: Attribute[] = map ? JSON.parse(map[1]) : [];
  const head = new RegExp(`(?:/\\*\\*\\n\\* ([^\\n]*)\\n\\*/\\n)?export declare class ${cls} \\{`).exec(dts);
  if (!head) throw new Error(`${cls}.d.ts: no class declaration`);
  const body = dts.slice(head.index + head[0].length, dts.indexOf('static readonly discriminator'));
  const declared = new Map<string, { description?: string; required: boolean }>();
  for (const m of body.matchAll(/(?:\/\*\*\n\s*\* ([^\n]*)\n\s*\*\/\n)?\s*'([^']+)'(\?)?:/g)) {
    declared.set(m[2], { description: m[1] && unescape(m[1]), required: !m[3] });
  }
  const fields = attributes.map((a) => {
    const d = declared.get(a.name);
    if (!d) throw new Error(`${cls}: ${a.name} is in the attribute map but not declared`);
    return { ...a, ...d };
  });
  const out = { cls, description: head[1] && unescape(head[1]), fields };
  models.set(cls, out);
  return out;
}

let docs: Map<string, string> | undefined;
/** Descriptions by OpenAPI name (`io.k8s.api.core.v1.PodSpec`, `io.k8s.api.core.v1.PodSpec#affinity`), paragraphs kept. */
function descriptions(): Map<string, string> {
  if (docs) return docs;
  docs = new Map();
  for (const m of readFileSync(DOCS, 'utf8').matchAll(/\/\*\*\n([\s\S]*?)\*\//g)) {
    const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '').trimEnd());
    const schema = lines.find((l) => l.startsWith('@schema '));
    if (!schema) continue;
    const key = schema.slice('@schema '.length).trim();
    const end = lines.findIndex((l) => l.startsWith('@'));
    const text = lines.slice(0, end).join('\n').trim();
    if (text && !docs.has(key)) docs.set(key, text);
  }
  return docs;
}

/** The model classes a type string refers to: `Array<V1Container>`, `{ [key: string]: V1X; }`, `V1X`. */
function refs(type: string): string[] {
  return [...type.matchAll(/\b((?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?[A-Z][A-Za-z0-9]*)\b/g)].map((m) => m[1]).filter((c) => !PRIMITIVE_CLASSES[c]);
}

/** Classes the generator renders as hand-written primitives (shared/k8s/primitives.ts). */
const PRIMITIVE_CLASSES: Record<string, string> = { V1MicroTime: 'MicroTime' };

/** `CoreV1EndpointPort` → core.v1, `V1Pod` → undefined (the client drops the group unless names collide). */
function explicitPackage(cls: string): string | undefined {
  const m = /^([A-Z][a-z]+)(V\d+(?:alpha\d+|beta\d+)?)[A-Z]/.exec(cls);
  return m ? `${m[1].toLowerCase()}.${m[2].toLowerCase()}` : undefined;
}

const shortName = (cls: string) => cls.replace(/^(?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?/, '');

/** Which package each reachable class belongs to: named, prefixed, or first reached from a package's roots. */
function assignPackages(packages: Package[]): Map<string, Package> {
  const byKey = new Map(packages.map((p) => [p.key, p]));
  const owner = new Map<string, Package>();
  const pkgOf = (cls: string, from: Package): Package => {
    const named = overlay.PACKAGES[cls] ?? explicitPackage(cls);
    if (named) {
      const p = byKey.get(named);
      if (!p) throw new Error(`${cls} belongs to ${named}, which is not generated`);
      return p;
    }
    return from;
  };
  for (const pkg of packages) {
    const queue = pkg.roots.map((r) => rootClass(r, pkg));
    while (queue.length) {
      const cls = queue.shift()!;
      if (owner.has(cls)) continue;
      owner.set(cls, pkgOf(cls, pkg));
      if (overlay.FREE_FORM.includes(`${owner.get(cls)!.key}.${shortName(cls)}`)) continue;
      for (const f of model(cls).fields) queue.push(...refs(f.type));
    }
  }
  return owner;
}

function rootClass(kind: string, pkg: Package): string {
  const version = pkg.key.split('.').pop()!;
  const group = pkg.key.split('.')[0];
  const prefixed = `${group[0].toUpperCase()}${group.slice(1)}${version.toUpperCase()[0]}${version.slice(1)}${kind}`;
  for (const cls of [`${version.toUpperCase()[0]}${version.slice(1)}${kind}`, prefixed]) {
    try {
      model(cls);
      if (explicitPackage(cls) && explicitPackage(cls) !== pkg.key) continue;
      return cls;
    } catch {
      // not this spelling
    }
  }
  throw new Error(`no model for ${pkg.key}.${kind}`);
}

const str = (s: string) => JSON.stringify(s);

/** The package of every class, once generate() has assigned them. */
let OWNER = new Map<string, Package>();

interface Emitter {
  pkg: Package;
  owner: Map<string, Package>;
  imports: Map<string, Set<string>>;
  used: Set<string>;
}

/** The zod expression for one field's type. */
function zodType(e: Emitter, m: Model, f: Field): string {
  const id = `${e.pkg.key}.${shortName(m.cls)}.${f.baseName}`;
  const listExt = () => {
    const ext = overlay.LISTS[id] ?? (overlay.UNTYPED_LISTS.includes(id) ? {} : { type: 'atomic' });
    const value = (v: unknown) => (Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : `'${v}'`);
    const entries = Object.entries(ext).map(([k, v]) => `${k}: ${value(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  };
  const element = (t: string, format: string): string => {
    if (overlay.QUANTITIES.includes(id)) return use(e, 'Quantity');
    if (t === 'string') return format === 'byte' ? `${use(e, 'bytes')}()` : 'z.string()';
    if (t === 'boolean') return 'z.boolean()';
    if (t === 'number') {
      if (format === 'int32') return `${use(e, 'int32')}()`;
      if (format === 'int64') return `${use(e, 'int64')}()`;
      return `${use(e, 'double')}()`;
    }
    if (t === 'Date') return overlay.timeIsNullable(e.pkg.key, shortName(m.cls)) ? `${use(e, 'nullableTime')}()` : use(e, 'Time');
    if (t === 'IntOrString') return use(e, 'IntOrString');
    if (t === 'any') return overlay.JSON_VALUES.includes(id) ? 'z.unknown()' : `${use(e, 'freeForm')}()`;
    if (PRIMITIVE_CLASSES[t]) return use(e, PRIMITIVE_CLASSES[t]);
    if (/^[A-Z]/.test(t)) return reference(e, t);
    throw new Error(`${id}: unsupported type ${t}`);
  };
  const array = /^Array<(.+)>$/.exec(f.type);
  if (array) return `${use(e, 'list')}(${element(array[1], f.format)}, ${listExt()})`;
  const record = /^\{ \[key: string\]: (.+); \}$/.exec(f.type);
  if (record) {
    const inner = /^Array<(.+)>$/.exec(record[1]);
    const value = inner ? `z.array(${element(inner[1], f.format)})` : element(record[1], f.format);
    const base = value === 'z.string()' ? `${use(e, 'stringMap')}()` : `z.record(z.string(), ${value})`;
    return overlay.ATOMIC_MAPS.includes(id) ? `${base}.meta({ 'x-kubernetes-map-type': 'atomic' })` : base;
  }
  return element(f.type, f.format);
}

function use(e: Emitter, name: string): string {
  e.used.add(name);
  return name;
}

function reference(e: Emitter, cls: string): string {
  const target = e.owner.get(cls);
  if (!target) throw new Error(`${cls} was not reached from any root`);
  const name = shortName(cls);
  if (overlay.FREE_FORM.includes(`${target.key}.${name}`)) return `${use(e, 'freeForm')}()`;
  if (target !== e.pkg) {
    if (!e.imports.has(target.file)) e.imports.set(target.file, new Set());
    e.imports.get(target.file)!.add(name);
  }
  return name;
}

function description(id: string, f: Field): string | undefined {
  const text = descriptions().get(`${id}#${f.baseName}`) ?? f.description;
  if (text) return text;
  // Neither source describes the field (cdk8s leaves out apiVersion and kind of a few types): the
  // description of its type is the next best thing kubectl explain can print.
  const [cls] = refs(f.type);
  return cls ? typeDescription(cls) : undefined;
}

function typeDescription(cls: string): string | undefined {
  const m = model(cls);
  const pkg = OWNER.get(cls);
  return (pkg && descriptions().get(`${pkg.prefix}.${shortName(cls)}`)) ?? m.description;
}

function emitModel(e: Emitter, cls: string): string {
  const m = model(cls);
  const name = shortName(cls);
  const id = `${e.pkg.prefix}.${name}`;
  const lines = m.fields.map((f) => {
    let expr = zodType(e, m, f);
    if (!f.required) expr += '.optional()';
    const d = description(id, f);
    if (d) expr += `.describe(${str(d)})`;
    const key = /^[A-Za-z_$][\w$]*$/.test(f.baseName) ? f.baseName : str(f.baseName);
    return `    ${key}: ${expr},`;
  });
  const meta = [`id: ${str(id)}`];
  const d = typeDescription(cls);
  if (d) meta.push(`description: ${str(d)}`);
  if (overlay.ATOMIC_TYPES.includes(`${e.pkg.key}.${name}`)) meta.push(`'x-kubernetes-map-type': 'atomic'`);
  return [
    `export const ${name} = z`,
    `  .looseObject({`,
    ...lines,
    `  })`,
    `  .meta({ ${meta.join(', ')} });`,
    `export type ${name} = z.infer<typeof ${name}>;`,
  ].join('\n');
}

/** Classes in an order where each comes after the same-package classes it refers to. */
function ordered(classes: string[], owner: Map<string, Package>, pkg: Package): string[] {
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: string[] = [];
  const visit = (cls: string) => {
    if (done.has(cls)) return;
    if (visiting.has(cls)) throw new Error(`${cls} refers to itself; add it to FREE_FORM in scripts/k8s-overlay.ts`);
    visiting.add(cls);
    for (const f of model(cls).fields) for (const r of refs(f.type)) if (owner.get(r) === pkg && !overlay.FREE_FORM.includes(`${pkg.key}.${shortName(r)}`)) visit(r);
    visiting.delete(cls);
    done.add(cls);
    out.push(cls);
  };
  [...classes].sort().forEach(visit);
  return out;
}

/** Every generated file, by path relative to the repository root. */
export function generate(): Map<string, string> {
  const packages = overlay.GENERATED.map((p) => ({ ...p, file: p.key.replace('.', '-') }));
  const owner = assignPackages(packages);
  OWNER = owner;
  const seen = new Set<string>();
  const files = new Map<string, string>();
  for (const pkg of packages) {
    const classes = [...owner].filter(([cls, p]) => p === pkg && !overlay.FREE_FORM.includes(`${p.key}.${shortName(cls)}`)).map(([cls]) => cls);
    const e: Emitter = { pkg, owner, imports: new Map(), used: new Set() };
    const body = ordered(classes, owner, pkg).map((cls) => {
      for (const f of model(cls).fields) seen.add(`${pkg.key}.${shortName(cls)}.${f.baseName}`);
      seen.add(`${pkg.key}.${shortName(cls)}`);
      return emitModel(e, cls);
    });
    const header = [
      `// Generated by scripts/generate-types.ts from the Kubernetes v1.32.0 OpenAPI as @kubernetes/client-node 1.1.2 models it`,
      `// and cdk8s-plus-32 ship it, and scripts/k8s-overlay.ts. Do not edit: change the overlay, run \`npm run generate\`.`,
      `import { z } from 'zod';`,
      ...(e.used.size ? [`import { ${[...e.used].sort().join(', ')} } from '../primitives';`] : []),
      ...[...e.imports].sort().map(([file, names]) => `import { ${[...names].sort().join(', ')} } from './${file}';`),
    ];
    files.set(`${OUT_DIR}/${pkg.file}.ts`, `${header.join('\n')}\n\n${body.join('\n\n')}\n`);
  }
  // An overlay entry that names nothing we generate is a typo or a field that moved: fail loudly.
  const stale = [...Object.keys(overlay.LISTS), ...overlay.UNTYPED_LISTS, ...overlay.QUANTITIES, ...overlay.ATOMIC_MAPS, ...overlay.ATOMIC_TYPES, ...overlay.JSON_VALUES].filter((k) => !seen.has(k));
  if (stale.length) throw new Error(`scripts/k8s-overlay.ts names what is not generated: ${stale.join(', ')}`);
  // Both sources render the same OpenAPI: a field only the descriptions know means they are of different versions.
  const emitted = new Map(packages.map((p) => [p.prefix, p.key]));
  const unknown = [...descriptions().keys()].filter((k) => {
    const [type, field] = k.split('#');
    const at = type.lastIndexOf('.');
    const pkg = emitted.get(type.slice(0, at));
    return field !== undefined && pkg && seen.has(`${pkg}.${type.slice(at + 1)}`) && !seen.has(`${pkg}.${type.slice(at + 1)}.${field}`);
  });
  if (unknown.length) throw new Error(`cdk8s-plus-32 describes fields the client's models lack: ${unknown.join(', ')}`);
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = generate();
  const dir = join(ROOT, OUT_DIR);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (!files.has(`${OUT_DIR}/${f}`)) rmSync(join(dir, f));
  for (const [path, text] of files) writeFileSync(join(ROOT, path), text);
  console.log(`wrote ${files.size} files to ${OUT_DIR}/`);
}
