import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/ctx';
import type { KObject } from '../shared/k8s/meta';
import type { Persistence, StoredObject } from '../shared/store/object-store';
import { DataFiles } from './data-files';

/** A path segment that cannot climb out of the store, whatever validation let through. */
function segment(value: string): string {
  if (!value || value === '.' || value === '..' || /[/\\\0]/.test(value)) throw new Error(`unsafe name for the store: ${JSON.stringify(value)}`);
  return value;
}

const MAX_RECORD_FILE = 200;

/**
 * `<name>.json`; a name too long for a file name once `.json` and the temporary suffix are added (the API
 * allows 253 characters) is hashed instead, behind a `~` that no Kubernetes name contains.
 */
function recordFile(name: string): string {
  const file = `${segment(name)}.json`;
  return Buffer.byteLength(file) <= MAX_RECORD_FILE ? file : `~${createHash('sha256').update(name).digest('hex')}.json`;
}

/**
 * One JSON file per object: `<data>/store/<resource>/[<namespace>/]<name>.json`, written to a temporary
 * file and renamed so that a crash leaves the old or the new object, never half of one. ConfigMap and
 * Secret values live in k2d's one-file-per-key layout instead (bridge/data-files.ts); their record holds
 * the rest of the object and the list of its key files.
 */
export class DiskPersistence implements Persistence {
  private readonly root: string;
  private readonly made = new Set<string>();
  private readonly files: DataFiles;
  private rvWrites: Promise<void> = Promise.resolve();
  private highestRv = 0;

  constructor(dataPath: string, log?: Logger) {
    this.root = join(dataPath, 'store');
    this.files = new DataFiles(dataPath, log);
  }

  private dir(resource: string, obj: KObject): string {
    const ns = obj.metadata.namespace;
    return ns ? join(this.root, segment(resource), segment(ns)) : join(this.root, segment(resource));
  }

  private async atomicWrite(dir: string, file: string, content: string) {
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir's mode is masked by the umask and leaves an existing directory as it was: made private explicitly.
      await chmod(dir, 0o700);
      this.made.add(dir);
    }
    const tmp = join(dir, `.${file}.${process.pid}.tmp`);
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, join(dir, file));
  }

  /** A record an older version kept under the plain name, now that the name is hashed: it must not come back. */
  private async removeLegacy(resource: string, obj: KObject) {
    const plain = `${obj.metadata.name}.json`;
    if (recordFile(obj.metadata.name) !== plain && Buffer.byteLength(plain) <= 255) await rm(join(this.dir(resource, obj), plain), { force: true });
  }

  async write(resource: string, obj: KObject): Promise<void> {
    const write = async (content: unknown) => {
      await this.atomicWrite(this.dir(resource, obj), recordFile(obj.metadata.name), JSON.stringify(content));
      await this.removeLegacy(resource, obj);
    };
    if (this.files.handles(resource)) await this.files.write(resource, obj, write);
    else await write(obj);
  }

  async remove(resource: string, obj: KObject): Promise<void> {
    const remove = async () => {
      await rm(join(this.dir(resource, obj), recordFile(obj.metadata.name)), { force: true });
      await this.removeLegacy(resource, obj);
    };
    if (this.files.handles(resource)) await this.files.remove(resource, obj, remove);
    else await remove();
  }

  /**
   * Deletes of different objects run side by side: the counter file is written one at a time (they would
   * share a temporary file) and never goes back to a lower value than one already written.
   */
  writeResourceVersion(rv: number): Promise<void> {
    this.highestRv = Math.max(this.highestRv, rv);
    const write = this.rvWrites.then(() => this.atomicWrite(this.root, 'resourceVersion', String(this.highestRv)));
    this.rvWrites = write.catch(() => undefined);
    return write;
  }

  /** Everything stored, and the highest resourceVersion ever handed out. */
  async load(namespacedResources: Set<string>): Promise<{ objects: StoredObject[]; resourceVersion: number }> {
    const objects: StoredObject[] = [];
    const records = new Map<string, unknown[]>();
    if (!existsSync(this.root)) return { objects, resourceVersion: 0 };
    const readDir = async (dir: string, resource: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('.')) {
          const content = JSON.parse(await readFile(join(dir, entry.name), 'utf8'));
          if (this.files.handles(resource)) records.set(resource, [...(records.get(resource) ?? []), content]);
          else objects.push({ resource, object: content });
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
    // Also with no records left: a create interrupted before its commit leaves staged files to drop.
    for (const resource of this.files.kinds()) for (const object of await this.files.load(resource, records.get(resource) ?? [])) objects.push({ resource, object });
    const rvFile = join(this.root, 'resourceVersion');
    const resourceVersion = existsSync(rvFile) ? Number(await readFile(rvFile, 'utf8')) || 0 : 0;
    return { objects, resourceVersion };
  }
}
