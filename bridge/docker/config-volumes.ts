import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { KObject } from '../../shared/k8s/meta';
import type { ObjectStore } from '../../shared/store/object-store';
import { configBytes, type ConfigKind } from './configs';
import { ContainerConfigError } from './pod-spec';

type Json = any;

/** A volume the kubelet could not set up: the pod stays ContainerCreating and a FailedMount event says why. */
export class VolumeError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(message);
  }
}

interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA = '..data';
const DATA_TMP = '..data_tmp';
const DEFAULT_MODE = 0o644;

/** A path segment from a client (a pod uid, a volume name) that cannot climb out of its directory. */
function segment(value: string): string {
  if (!value || value === '.' || value === '..' || /[/\\\0]/.test(value)) throw new ContainerConfigError(`unsafe name for a volume directory: ${JSON.stringify(value)}`);
  return value;
}

/** `path` below `dir`, refused if it would leave it (absolute, `..`), whatever validation let through. */
function below(dir: string, path: string): string {
  const target = resolve(dir, path);
  if (!path || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '') || !target.startsWith(resolve(dir) + sep)) {
    throw new ContainerConfigError(`invalid path ${JSON.stringify(path)} in a volume: it must be relative and must not contain '..'`);
  }
  return target;
}

/**
 * The kubelet's SetVolumeOwnership for a read-only volume and a pod's fsGroup: everything in the group,
 * files made group-readable on top of their mode, directories also group-searchable and setgid. A
 * non-root container with the group then reads a secret even with `defaultMode: 0400`, as in Kubernetes.
 */
async function setOwnership(path: string, fsGroup: number, recursive: boolean): Promise<void> {
  const info = await lstat(path);
  await lchown(path, -1, fsGroup);
  if (info.isSymbolicLink()) return;
  if (!info.isDirectory()) return chmod(path, (info.mode & 0o7777) | 0o440);
  await chmod(path, (info.mode & 0o7777) | 0o550 | 0o2000);
  if (recursive) for (const entry of await readdir(path)) await setOwnership(join(path, entry), fsGroup, true);
}

/** The kubelet's timestamped directory names, made unique. */
function stamp(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '_').replace(/\..*$/, '');
  return `..${t}.${randomBytes(6).toString('hex')}`;
}

/**
 * `configMap`, `secret` and `projected` (configMap/secret sources) volumes as the kubelet's atomic writer
 * lays them out, in `<data>/pods/<uid>/volumes/<volume>/`: the files in a timestamped directory, `..data`
 * a symlink to it, and each top-level name a symlink through `..data`. An update writes a new directory
 * and renames a new `..data` over the old one, so a container that bind-mounts the volume's directory
 * sees all new files at once; a subPath mount is bound to one file and keeps it (as in Kubernetes).
 */
export class ConfigVolumes {
  /** What each volume directory holds now, to skip rewriting unchanged content. */
  private readonly written = new Map<string, string>();
  private rootReady = false;

  constructor(
    private readonly root: string,
    private readonly store: ObjectStore,
  ) {}

  /** Whether this volume is one this class projects. */
  handles(volume: Json): boolean {
    return !!(volume.configMap || volume.secret || volume.projected);
  }

  private dirOf(uid: string, volume: string): string {
    return join(this.root, segment(uid), 'volumes', segment(volume));
  }

  /** The files the volume shows, per the kubelet's MakePayload: keys or items, modes, optional sources. */
  payload(pod: KObject, volume: Json): Map<string, FileProjection> {
    const out = new Map<string, FileProjection>();
    const add = (kind: ConfigKind, name: string, items: Json[] | undefined, defaultMode: number, optional: boolean) => {
      const values = configBytes(this.store, pod.metadata.namespace!, kind, name);
      if (!values) {
        if (optional) return;
        throw new VolumeError(volume.name, `${kind.toLowerCase()} "${name}" not found`);
      }
      if (!items?.length) {
        for (const [key, data] of Object.entries(values)) out.set(key, { data, mode: defaultMode });
        return;
      }
      for (const item of items) {
        const data = values[item.key];
        if (data === undefined) {
          if (optional) continue;
          throw new VolumeError(volume.name, kind === 'ConfigMap' ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`);
        }
        below('/volume', item.path);
        out.set(item.path, { data, mode: item.mode ?? defaultMode });
      }
    };
    if (volume.configMap) {
      const s = volume.configMap;
      add('ConfigMap', s.name, s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional);
    } else if (volume.secret) {
      const s = volume.secret;
      add('Secret', s.secretName, s.items, s.defaultMode ?? DEFAULT_MODE, !!s.optional);
    } else if (volume.projected) {
      const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
      for (const source of (volume.projected.sources ?? []) as Json[]) {
        if (source.configMap) add('ConfigMap', source.configMap.name, source.configMap.items, mode, !!source.configMap.optional);
        else if (source.secret) add('Secret', source.secret.name, source.secret.items, mode, !!source.secret.optional);
        else throw new ContainerConfigError(`volume "${volume.name}": projected ${Object.keys(source).join(', ')} sources are not supported yet`);
      }
    }
    return out;
  }

  /**
   * Makes the volume's directory show the current values and returns it (the bind mount's source).
   * Throws a VolumeError when a required ConfigMap, Secret or key is missing; what the volume showed
   * before stays, as with the kubelet.
   */
  async setUp(pod: KObject, volume: Json): Promise<string> {
    const dir = this.dirOf(pod.metadata.uid!, volume.name);
    const payload = this.payload(pod, volume);
    const fsGroup = (pod.spec as Json)?.securityContext?.fsGroup as number | undefined;
    const digest = createHash('sha256').update(`${fsGroup ?? ''}\0`);
    for (const [path, f] of [...payload].sort(([a], [b]) => (a < b ? -1 : 1))) digest.update(`${path}\0${f.mode}\0`).update(f.data).update('\0');
    const hash = digest.digest('hex');
    if (this.written.get(dir) === hash && existsSync(join(dir, DATA))) return dir;
    await this.write(dir, payload, fsGroup);
    this.written.set(dir, hash);
    return dir;
  }

  private async write(dir: string, payload: Map<string, FileProjection>, fsGroup: number | undefined) {
    if (!this.rootReady) {
      // Secret values are readable in here whatever the volume's modes: only the owner may enter. A
      // container sees just the directory bound into it, so it does not need to pass through.
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await chmod(this.root, 0o700);
      this.rootReady = true;
    }
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const version = stamp();
    const versionDir = join(dir, version);
    await mkdir(versionDir, { mode: 0o755 });
    for (const [path, f] of payload) {
      const target = below(versionDir, path);
      await mkdir(dirname(target), { recursive: true, mode: 0o755 });
      await writeFile(target, f.data);
      // writeFile's mode is filtered by the umask; the volume's modes are exact.
      await chmod(target, f.mode & 0o777);
    }
    if (fsGroup !== undefined) {
      // Before the swap, so the new files are never seen with other owners or modes.
      await setOwnership(dir, fsGroup, false);
      await setOwnership(versionDir, fsGroup, true);
    }
    const tmp = join(dir, DATA_TMP);
    await rm(tmp, { force: true });
    await symlink(version, tmp);
    if (fsGroup !== undefined) await lchown(tmp, -1, fsGroup);
    await rename(tmp, join(dir, DATA));
    const tops = new Set([...payload.keys()].map((p) => p.split('/')[0]));
    for (const top of tops) {
      const link = join(dir, top);
      if (await lstat(link).catch(() => undefined)) continue;
      await symlink(join(DATA, top), link);
      if (fsGroup !== undefined) await lchown(link, -1, fsGroup);
    }
    for (const entry of await readdir(dir)) {
      const stale = entry.startsWith('..') ? entry !== DATA && entry !== version : !tops.has(entry);
      if (stale) await rm(join(dir, entry), { recursive: true, force: true });
    }
  }

  /** Removes a pod's volume directories (after its containers are gone, or when the pod left the store). */
  async tearDown(uid: string): Promise<void> {
    const dir = join(this.root, segment(uid));
    for (const key of this.written.keys()) if (key.startsWith(dir + sep)) this.written.delete(key);
    await rm(dir, { recursive: true, force: true });
  }

  /** Removes the directories of pods that no longer exist (deleted while the server was down). */
  async prune(live: Set<string>): Promise<void> {
    if (!existsSync(this.root)) return;
    for (const uid of await readdir(this.root)) if (!live.has(uid)) await rm(join(this.root, uid), { recursive: true, force: true });
  }
}
