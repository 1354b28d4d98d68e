import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { KObject } from '../shared/k8s/meta';
import type { Persistence, StoredObject } from '../shared/store/object-store';

/** A path segment that cannot climb out of the store, whatever validation let through. */
function segment(value: string): string {
  if (!value || value === '.' || value === '..' || /[/\\\0]/.test(value)) throw new Error(`unsafe name for the store: ${JSON.stringify(value)}`);
  return value;
}

/**
 * ConfigMap and Secret values live in one file per key, named as k2d names them, so tools that read
 * k2d's data dir still find them: `<data>/configmaps/<ns>-<name>-k2dcm-<key>` (the text),
 * `<data>/secrets/<ns>-<name>-k2dsec-<key>` (the decoded bytes, mode 0600). The object's JSON keeps
 * only which keys exist.
 */
const SPLIT: Record<string, { dir: string; infix: string; fields: Array<{ field: string; base64: boolean }>; mode: number }> = {
  configmaps: { dir: 'configmaps', infix: 'k2dcm', fields: [{ field: 'data', base64: false }, { field: 'binaryData', base64: true }], mode: 0o644 },
  secrets: { dir: 'secrets', infix: 'k2dsec', fields: [{ field: 'data', base64: true }], mode: 0o600 },
};
const KEYS = '__k2dKeys';

/**
 * The file of an object's record: `<name>.json`, or `~<sha256 of name>.json` for names too long for a
 * file name (Kubernetes allows 253 characters; most file systems 255 bytes including `.json`).
 */
function recordName(obj: KObject): string {
  const name = segment(obj.metadata.name);
  return Buffer.byteLength(name) + 5 > 255 ? `~${createHash('sha256').update(name).digest('hex')}.json` : `${name}.json`;
}

/**
 * One JSON file per object: `<data>/store/<resource>/[<namespace>/]<name>.json`, written to a temporary
 * file and renamed so that a crash leaves the old or the new object, never half of one.
 */
export class DiskPersistence implements Persistence {
  private readonly root: string;
  private readonly made = new Set<string>();

  constructor(private readonly dataPath: string) {
    this.root = join(dataPath, 'store');
  }

  private dir(resource: string, obj: KObject): string {
    const ns = obj.metadata.namespace;
    return ns ? join(this.root, segment(resource), segment(ns)) : join(this.root, segment(resource));
  }

  private async atomicWrite(dir: string, file: string, content: string | Buffer, mode = 0o600) {
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir's mode is masked by the umask: the directory is made private explicitly.
      await chmod(dir, 0o700);
      this.made.add(dir);
    }
    const tmp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
    await rename(tmp, join(dir, file));
  }

  private keyFile(resource: string, obj: KObject, key: string): { dir: string; file: string } {
    const split = SPLIT[resource];
    const file = `${segment(obj.metadata.namespace!)}-${segment(obj.metadata.name)}-${split.infix}-${segment(key)}`;
    // k2d's name, unless it is too long for a file name (long names and keys): then a hash of it.
    return { dir: join(this.dataPath, split.dir), file: Buffer.byteLength(file) > 255 ? `~${createHash('sha256').update(file).digest('hex')}` : file };
  }

  private storedKeys(resource: string, obj: KObject): Record<string, string[]> {
    return Object.fromEntries(SPLIT[resource].fields.map(({ field }) => [field, Object.keys((obj as Record<string, Record<string, string>>)[field] ?? {})]));
  }

  /** Values first, then the JSON that lists them; keys the object no longer has are removed last. */
  private async writeSplit(resource: string, obj: KObject, previous: Record<string, string[]> | undefined): Promise<void> {
    const split = SPLIT[resource];
    const json: Record<string, unknown> = { ...obj };
    for (const { field, base64 } of split.fields) {
      const values = ((obj as Record<string, unknown>)[field] ?? {}) as Record<string, string>;
      for (const [key, value] of Object.entries(values)) {
        const { dir, file } = this.keyFile(resource, obj, key);
        await this.atomicWrite(dir, file, base64 ? Buffer.from(value, 'base64') : value, split.mode);
      }
      delete json[field];
    }
    const keys = this.storedKeys(resource, obj);
    json[KEYS] = keys;
    await this.atomicWrite(this.dir(resource, obj), recordName(obj), JSON.stringify(json));
    const kept = new Set(Object.values(keys).flat());
    for (const key of Object.values(previous ?? {}).flat()) {
      if (!kept.has(key)) await rm(join(...Object.values(this.keyFile(resource, obj, key))), { force: true });
    }
  }

  private async previousKeys(resource: string, obj: KObject): Promise<Record<string, string[]> | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(resource, obj), recordName(obj)), 'utf8'))[KEYS];
    } catch {
      return undefined;
    }
  }

  async write(resource: string, obj: KObject): Promise<void> {
    if (SPLIT[resource]) return this.writeSplit(resource, obj, await this.previousKeys(resource, obj));
    await this.atomicWrite(this.dir(resource, obj), recordName(obj), JSON.stringify(obj));
  }

  async remove(resource: string, obj: KObject): Promise<void> {
    const keys = SPLIT[resource] ? await this.previousKeys(resource, obj) : undefined;
    await rm(join(this.dir(resource, obj), recordName(obj)), { force: true });
    for (const key of Object.values(keys ?? {}).flat()) await rm(join(...Object.values(this.keyFile(resource, obj, key))), { force: true });
  }

  /** The object as the API knows it: the listed keys read back from their files. */
  private async joinSplit(resource: string, json: Record<string, unknown>): Promise<KObject> {
    const split = SPLIT[resource];
    const keys = (json[KEYS] ?? {}) as Record<string, string[]>;
    delete json[KEYS];
    const obj = json as unknown as KObject;
    for (const { field, base64 } of split.fields) {
      if (!keys[field]?.length) continue;
      const values: Record<string, string> = {};
      for (const key of keys[field]) {
        const bytes = await readFile(join(...Object.values(this.keyFile(resource, obj, key))));
        values[key] = base64 ? bytes.toString('base64') : bytes.toString('utf8');
      }
      (obj as Record<string, unknown>)[field] = values;
    }
    return obj;
  }

  async writeResourceVersion(rv: number): Promise<void> {
    await this.atomicWrite(this.root, 'resourceVersion', String(rv));
  }

  /** Everything stored, and the highest resourceVersion ever handed out. */
  async load(namespacedResources: Set<string>): Promise<{ objects: StoredObject[]; resourceVersion: number }> {
    const objects: StoredObject[] = [];
    if (!existsSync(this.root)) return { objects, resourceVersion: 0 };
    const readDir = async (dir: string, resource: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('.')) {
          const json = JSON.parse(await readFile(join(dir, entry.name), 'utf8'));
          objects.push({ resource, object: SPLIT[resource] ? await this.joinSplit(resource, json) : json });
        }
      }
    };
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.root, entry.name);
      if (namespacedResources.has(entry.name)) {
        for (const ns of await readdir(dir, { withFileTypes: true })) if (ns.isDirectory()) await readDir(join(dir, ns.name), entry.name);
      } else await readDir(dir, entry.name);
    }
    const rvFile = join(this.root, 'resourceVersion');
    const resourceVersion = existsSync(rvFile) ? Number(await readFile(rvFile, 'utf8')) || 0 : 0;
    return { objects, resourceVersion };
  }
}
