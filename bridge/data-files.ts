import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Logger } from '../shared/ctx';
import type { KObject } from '../shared/k8s/meta';
import { isSafeKey } from '../shared/resources/config-data';

/**
 * ConfigMap and Secret values on disk as k2d keeps them: one file per key,
 * `<data>/configmaps/<ns>-<name>-k2dcm-<key>` and `<data>/secrets/<ns>-<name>-k2dsec-<key>` (bytes, not
 * base64), directories 0700, secret files 0600. The object's record in the store holds everything else
 * plus a manifest of its key files, so the values exist once on disk.
 *
 * Writes are all-or-nothing: changed values are staged in `.pending/<object>-<resourceVersion>/`, the
 * record is renamed into place (the commit point), then the staged files are renamed over the old ones.
 * A crash before the commit leaves the old files and record (the staging is dropped on the next start); a
 * crash after it is finished on the next start from the staging directory.
 */

interface FileEntry {
  key: string;
  field: 'data' | 'binaryData';
  file: string;
  sha256: string;
}

export interface DataRecord {
  object: KObject;
  files: FileEntry[];
}

interface Kind {
  dir: string;
  separator: string;
  /** How each map holds its values in the API: text, or base64 of bytes. */
  fields: Partial<Record<FileEntry['field'], 'utf8' | 'base64'>>;
  mode: number;
}

const KINDS: Record<string, Kind> = {
  configmaps: { dir: 'configmaps', separator: 'k2dcm', fields: { data: 'utf8', binaryData: 'base64' }, mode: 0o644 },
  secrets: { dir: 'secrets', separator: 'k2dsec', fields: { data: 'base64' }, mode: 0o600 },
};

const PENDING = '.pending';
/** In a staging directory: the files the write makes obsolete, removed once it is committed. */
const OBSOLETE = '.obsolete';
const MAX_FILE_NAME = 255;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const idOf = (resource: string, obj: KObject) => `${resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
/** Staging directories are named by a hash: names and uids come from clients and never make a path. */
const stagingName = (id: string, tag: string) => `${sha256(id).slice(0, 32)}-${tag}`;

export class DataFiles {
  /** The key files of each stored object, as its record lists them. */
  private readonly manifests = new Map<string, FileEntry[]>();
  /** Which object owns a file name (`<resource>/<file>`): k2d's names can collide (`a-b`/`c` and `a`/`b-c`). */
  private readonly owners = new Map<string, string>();
  private readonly made = new Set<string>();

  constructor(
    private readonly dataPath: string,
    private readonly log?: Logger,
  ) {}

  handles(resource: string): boolean {
    return resource in KINDS;
  }

  kinds(): string[] {
    return Object.keys(KINDS);
  }

  private dir(resource: string): string {
    return join(this.dataPath, KINDS[resource].dir);
  }

  /** Defence in depth behind key validation: a path that leaves the kind's directory is refused. */
  private inside(dir: string, file: string): string {
    const path = resolve(dir, file);
    if (!file || file.startsWith('.') || file.includes('/') || file.includes('\0') || !path.startsWith(resolve(dir) + sep)) {
      throw new Error(`unsafe file name for the store: ${JSON.stringify(file)}`);
    }
    return path;
  }

  private async ensureDir(dir: string) {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Also a directory an older k2d left with wider permissions.
    await chmod(dir, 0o700);
    this.made.add(dir);
  }

  /** k2d's name for a key's file, or a hashed one when that is taken by another object or too long. */
  private allocate(resource: string, id: string, obj: KObject, key: string, taken: Set<string>): string {
    const kind = KINDS[resource];
    const free = (file: string) => !taken.has(file) && (this.owners.get(`${resource}/${file}`) ?? id) === id;
    const k2d = `${obj.metadata.namespace}-${obj.metadata.name}-${kind.separator}-${key}`;
    if (Buffer.byteLength(k2d) <= MAX_FILE_NAME && free(k2d)) return k2d;
    const base = `${kind.separator}-${sha256(`${id}\0${key}`).slice(0, 40)}`;
    for (let i = 0; ; i++) {
      const file = i ? `${base}-${i}` : base;
      if (free(file)) return file;
    }
  }

  /** The values of an object as bytes, per key, in the API's order. */
  private payload(resource: string, obj: KObject): Array<{ key: string; field: FileEntry['field']; bytes: Buffer }> {
    const out: Array<{ key: string; field: FileEntry['field']; bytes: Buffer }> = [];
    for (const [field, encoding] of Object.entries(KINDS[resource].fields) as Array<[FileEntry['field'], 'utf8' | 'base64']>) {
      for (const [key, value] of Object.entries((obj[field] ?? {}) as Record<string, string>)) {
        if (!isSafeKey(key)) throw new Error(`unsafe key for the store: ${JSON.stringify(key)}`);
        out.push({ key, field, bytes: Buffer.from(value, encoding) });
      }
    }
    return out;
  }

  /** The object without its values: maps that were there stay, empty, so they come back as they were. */
  private strip(resource: string, obj: KObject): KObject {
    const copy = { ...obj };
    for (const field of Object.keys(KINDS[resource].fields)) if (copy[field] !== undefined) copy[field] = {};
    return copy;
  }

  /**
   * Stages the object's changed values, lets `commit` write its record (the commit point), then puts the
   * staged files in place and removes the files of keys that are gone.
   */
  async write(resource: string, obj: KObject, commit: (record: DataRecord) => Promise<void>): Promise<void> {
    const kind = KINDS[resource];
    const dir = this.dir(resource);
    const id = idOf(resource, obj);
    const before = this.manifests.get(id) ?? [];
    const taken = new Set<string>();
    const next = this.payload(resource, obj).map(({ key, field, bytes }) => {
      const previous = before.find((e) => e.key === key);
      const file = previous?.file ?? this.allocate(resource, id, obj, key, taken);
      this.inside(dir, file);
      taken.add(file);
      const entry: FileEntry = { key, field, file, sha256: sha256(bytes) };
      return { entry, bytes, changed: !previous || previous.sha256 !== entry.sha256 };
    });
    // Writes of different objects run side by side: a file name is claimed before the first await, so
    // two objects whose k2d names collide cannot both take it.
    const claimed = next.map((n) => `${resource}/${n.entry.file}`).filter((k) => !this.owners.has(k));
    for (const k of claimed) this.owners.set(k, id);
    const obsolete = before.filter((e) => !taken.has(e.file)).map((e) => e.file);
    const changed = next.filter((n) => n.changed);
    let staging: string | undefined;
    if (changed.length || obsolete.length) {
      await this.ensureDir(dir);
      staging = join(dir, PENDING, stagingName(id, String(obj.metadata.resourceVersion)));
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true, mode: 0o700 });
    }
    try {
      for (const { entry, bytes } of changed) {
        await writeFile(join(staging!, entry.file), bytes, { mode: kind.mode });
        // The umask may have taken bits away from a ConfigMap's 0644; the mode is exact.
        await chmod(join(staging!, entry.file), kind.mode);
      }
      if (staging) await writeFile(join(staging, OBSOLETE), JSON.stringify(obsolete), { mode: 0o600 });
      await commit({ object: this.strip(resource, obj), files: next.map((n) => n.entry) });
    } catch (err) {
      for (const k of claimed) this.owners.delete(k);
      if (staging) await rm(staging, { recursive: true, force: true });
      throw err;
    }
    for (const file of obsolete) this.owners.delete(`${resource}/${file}`);
    for (const { entry } of next) this.owners.set(`${resource}/${entry.file}`, id);
    this.manifests.set(id, next.map((n) => n.entry));
    if (staging) await this.finish(dir, staging);
  }

  /** Removes the object's files after `commit` removed its record; a crash in between is finished on start. */
  async remove(resource: string, obj: KObject, commit: () => Promise<void>): Promise<void> {
    const dir = this.dir(resource);
    const id = idOf(resource, obj);
    const files = (this.manifests.get(id) ?? []).map((e) => e.file);
    let staging: string | undefined;
    if (files.length) {
      await this.ensureDir(dir);
      staging = join(dir, PENDING, stagingName(id, 'delete'));
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true, mode: 0o700 });
      await writeFile(join(staging, OBSOLETE), JSON.stringify(files), { mode: 0o600 });
    }
    try {
      await commit();
    } catch (err) {
      if (staging) await rm(staging, { recursive: true, force: true });
      throw err;
    }
    for (const file of files) this.owners.delete(`${resource}/${file}`);
    this.manifests.delete(id);
    if (staging) await this.finish(dir, staging);
  }

  /**
   * A record as an earlier k2d-ts wrote it: the object itself, its keys listed under `__k2dKeys`, files
   * named as k2d names them. It is rewritten in the current form on the object's next write.
   */
  private upgrade(resource: string, raw: Record<string, unknown>): DataRecord {
    if (raw.object && Array.isArray(raw.files)) return raw as unknown as DataRecord;
    const object = raw as unknown as KObject;
    const keys = (raw.__k2dKeys ?? {}) as Record<string, string[]>;
    delete raw.__k2dKeys;
    const files: FileEntry[] = [];
    for (const field of Object.keys(KINDS[resource].fields) as Array<FileEntry['field']>) {
      for (const key of keys[field] ?? []) {
        files.push({ key, field, file: `${object.metadata.namespace}-${object.metadata.name}-${KINDS[resource].separator}-${key}`, sha256: '' });
      }
    }
    return { object, files };
  }

  /** Staged files over the old ones, obsolete ones removed, the staging directory gone. */
  private async finish(dir: string, staging: string, keep?: Set<string>) {
    for (const name of await readdir(staging)) {
      if (name !== OBSOLETE) await rename(join(staging, name), this.inside(dir, name));
    }
    const obsolete: string[] = existsSync(join(staging, OBSOLETE)) ? JSON.parse(await readFile(join(staging, OBSOLETE), 'utf8')) : [];
    for (const file of obsolete) if (!keep?.has(file)) await rm(this.inside(dir, file), { force: true });
    await rm(staging, { recursive: true, force: true });
  }

  /**
   * The objects of a kind from their records: interrupted writes are finished or dropped first, then each
   * object gets its values back from its key files.
   */
  async load(resource: string, stored: unknown[]): Promise<KObject[]> {
    const dir = this.dir(resource);
    const records = stored.map((r) => this.upgrade(resource, r as Record<string, unknown>));
    const pendingDir = join(dir, PENDING);
    const byStaging = new Map<string, DataRecord>();
    for (const r of records) byStaging.set(sha256(idOf(resource, r.object)).slice(0, 32), r);
    const referenced = new Set(records.flatMap((r) => r.files.map((e) => e.file)));
    if (existsSync(pendingDir)) {
      for (const name of await readdir(pendingDir)) {
        const [hash, tag] = name.split('-');
        const record = byStaging.get(hash);
        const committed = tag === 'delete' ? !record : record !== undefined && record.object.metadata.resourceVersion === tag;
        if (committed) await this.finish(dir, join(pendingDir, name), tag === 'delete' ? referenced : undefined);
        else await rm(join(pendingDir, name), { recursive: true, force: true });
      }
    }
    const objects: KObject[] = [];
    for (const { object, files } of records) {
      const id = idOf(resource, object);
      const kept: FileEntry[] = [];
      for (const entry of files) {
        let bytes: Buffer;
        try {
          bytes = await readFile(this.inside(dir, entry.file));
        } catch (err) {
          this.log?.error({ err: (err as Error).message, object: id, key: entry.key }, 'a key file of a stored object is missing; the key is dropped');
          continue;
        }
        if (entry.sha256 && sha256(bytes) !== entry.sha256) this.log?.warn({ object: id, key: entry.key, file: entry.file }, 'a key file was changed outside the server; its content is kept');
        const map = ((object[entry.field] as Record<string, string> | undefined) ??= {});
        map[entry.key] = bytes.toString(KINDS[resource].fields[entry.field]);
        kept.push({ ...entry, sha256: sha256(bytes) });
        this.owners.set(`${resource}/${entry.file}`, id);
      }
      this.manifests.set(id, kept);
      objects.push(object);
    }
    return objects;
  }
}
