import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Operation } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import { configMaps, secrets } from '../../shared/resources/configs';
import { pods } from '../../shared/resources/pods';
import type { BridgeEnv, Mapping } from './mapping';
import { ContainerConfigError, type PodContext } from './pod-spec';

type Json = any;
type Kind = 'ConfigMap' | 'Secret';

interface File {
  bytes: Buffer;
  mode: number;
}

/** The references a pod makes to ConfigMaps and Secrets: env, envFrom, volumes, projected volumes. */
export function references(pod: KObject): Array<{ kind: Kind; name: string; volume?: string }> {
  const spec = (pod as Json).spec ?? {};
  const out: Array<{ kind: Kind; name: string; volume?: string }> = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Json[]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) out.push({ kind: 'ConfigMap', name: e.valueFrom.configMapKeyRef.name });
      if (e.valueFrom?.secretKeyRef) out.push({ kind: 'Secret', name: e.valueFrom.secretKeyRef.name });
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef) out.push({ kind: 'ConfigMap', name: f.configMapRef.name });
      if (f.secretRef) out.push({ kind: 'Secret', name: f.secretRef.name });
    }
  }
  for (const v of (spec.volumes ?? []) as Json[]) {
    if (v.configMap) out.push({ kind: 'ConfigMap', name: v.configMap.name, volume: v.name });
    if (v.secret) out.push({ kind: 'Secret', name: v.secret.secretName, volume: v.name });
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) out.push({ kind: 'ConfigMap', name: s.configMap.name, volume: v.name });
      if (s.secret) out.push({ kind: 'Secret', name: s.secret.name, volume: v.name });
    }
  }
  return out;
}

/**
 * The files of a configMap, secret or projected volume: each key (or the listed `items`) with its
 * mode. A missing source or key is the kubelet's error unless marked optional.
 */
export function volumeFiles(env: Pick<BridgeEnv, 'store'>, pod: KObject, volume: Json): Map<string, File> {
  const files = new Map<string, File>();
  const add = (kind: Kind, name: string, items: Json[] | undefined, defaultMode: number | undefined, optional: boolean | undefined) => {
    const def = kind === 'ConfigMap' ? configMaps : secrets;
    const obj = env.store.get(def, pod.metadata.namespace, name) as Json;
    if (!obj) {
      if (optional) return;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
    }
    const values = new Map<string, Buffer>();
    if (kind === 'ConfigMap') {
      for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) values.set(k, Buffer.from(v));
      for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) values.set(k, Buffer.from(v, 'base64'));
    } else for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) values.set(k, Buffer.from(v, 'base64'));
    const mode = defaultMode ?? 0o644;
    if (!items?.length) {
      for (const [k, bytes] of values) files.set(k, { bytes, mode });
      return;
    }
    for (const item of items) {
      const bytes = values.get(item.key);
      if (!bytes) {
        if (optional) continue;
        throw new ContainerConfigError(`${kind.toLowerCase()} references non-existent config key: ${item.key}`);
      }
      files.set(item.path, { bytes, mode: item.mode ?? mode });
    }
  };
  if (volume.configMap) add('ConfigMap', volume.configMap.name, volume.configMap.items, volume.configMap.defaultMode, volume.configMap.optional);
  if (volume.secret) add('Secret', volume.secret.secretName, volume.secret.items, volume.secret.defaultMode, volume.secret.optional);
  for (const s of volume.projected?.sources ?? []) {
    if (s.configMap) add('ConfigMap', s.configMap.name, s.configMap.items, volume.projected.defaultMode, s.configMap.optional);
    if (s.secret) add('Secret', s.secret.name, s.secret.items, volume.projected.defaultMode, s.secret.optional);
  }
  for (const path of files.keys()) {
    // Item paths are relative and may not climb out of the volume (the apiserver refuses them too).
    if (path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '')) throw new ContainerConfigError(`volume "${volume.name}": invalid item path ${JSON.stringify(path)}`);
  }
  return files;
}

/**
 * Writes a volume's files the way the kubelet's AtomicWriter does: into a fresh timestamped directory,
 * then `..data` is switched to it with one rename, and each top-level name is a link through `..data`.
 * A process reading the mounted directory sees the old set or the new set, never a mix.
 */
export async function project(dir: string, files: Map<string, File>): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${randomBytes(4).toString('hex')}`;
  const staged = join(dir, stamp);
  await mkdir(staged, { mode: 0o755 });
  for (const [path, file] of files) {
    const target = join(staged, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.bytes, { mode: file.mode });
    await chmod(target, file.mode);
  }
  const previous = existsSync(join(dir, '..data')) ? await readlink(join(dir, '..data')).catch(() => undefined) : undefined;
  await rm(join(dir, '..data_tmp'), { force: true });
  await symlink(stamp, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  const top = new Set([...files.keys()].map((p) => p.split('/')[0]));
  for (const name of top) {
    if (!existsSync(join(dir, name))) await symlink(join('..data', name), join(dir, name));
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || top.has(entry)) continue;
    await rm(join(dir, entry), { force: true, recursive: true });
  }
  if (previous && previous !== stamp) await rm(join(dir, previous), { recursive: true, force: true });
}

export interface ConfigRuntimeOptions {
  /** `<data>/volumes`: where pods' configMap and secret volumes are written. */
  volumesRoot: string;
  requeue: (op: Operation) => void;
}

/**
 * ConfigMaps and Secrets on the pods' side (their values are on disk through the store already): a
 * change is written into every mounted volume that shows it, within moments, as the kubelet does; a pod
 * that waited for the object (CreateContainerConfigError) is tried again. Environment variables are
 * not changed in running containers, as in Kubernetes.
 */
export class ConfigRuntime implements Mapping {
  constructor(
    private readonly env: BridgeEnv,
    private readonly opts: ConfigRuntimeOptions,
  ) {
    env.store.subscribe((change) => {
      if (change.resource === pods.resource && change.type === 'DELETED') {
        void rm(this.podDir(change.object), { recursive: true, force: true }).catch(() => undefined);
      }
    });
  }

  podDir(pod: KObject): string {
    return join(this.opts.volumesRoot, pod.metadata.uid!);
  }

  /** A pod's configMap/secret/projected volume as a bind mount of its projected directory. */
  async mount(pod: KObject, volume: Json): Promise<PodContext['volumes'][string]> {
    const dir = join(this.podDir(pod), volume.name);
    await project(dir, volumeFiles(this.env, pod, volume));
    return { type: 'bind', source: dir, readOnly: true };
  }

  /** The values env and envFrom read: text for ConfigMaps, decoded bytes for Secrets. */
  lookup(namespace: string): NonNullable<PodContext['lookup']> {
    return (kind, name, key) => {
      const obj = this.env.store.get(kind === 'ConfigMap' ? configMaps : secrets, namespace, name) as Json;
      if (!obj) return undefined;
      const data: Record<string, string> =
        kind === 'ConfigMap' ? { ...(obj.data ?? {}) } : Object.fromEntries(Object.entries((obj.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      return key === undefined ? data : data[key];
    };
  }

  private async propagate(obj: KObject, kind: Kind) {
    for (const pod of this.env.store.list(pods, obj.metadata.namespace)) {
      if (pod.metadata.deletionTimestamp) continue;
      const refs = references(pod).filter((r) => r.kind === kind && r.name === obj.metadata.name);
      if (!refs.length) continue;
      const statuses = [...(((pod as Json).status?.containerStatuses ?? []) as Json[]), ...(((pod as Json).status?.initContainerStatuses ?? []) as Json[])];
      const waiting = statuses.some((s) => s.state?.waiting?.reason === 'CreateContainerConfigError') || !statuses.length;
      if (waiting) {
        this.opts.requeue({ resource: pods.resource, namespace: pod.metadata.namespace, name: pod.metadata.name, action: 'apply' });
        continue;
      }
      const volumes = ((pod as Json).spec?.volumes ?? []) as Json[];
      for (const name of new Set(refs.map((r) => r.volume).filter(Boolean))) {
        const volume = volumes.find((v) => v.name === name);
        const dir = join(this.podDir(pod), name!);
        if (!volume || !existsSync(dir)) continue;
        try {
          await project(dir, volumeFiles(this.env, pod, volume));
        } catch (err) {
          // A source that went away: the kubelet keeps the last files it wrote; so do we.
          if (!(err instanceof ContainerConfigError)) throw err;
        }
      }
    }
  }

  async apply(obj: KObject): Promise<void> {
    await this.propagate(obj, obj.kind === 'Secret' ? 'Secret' : 'ConfigMap');
  }

  async delete(obj: KObject): Promise<void> {
    const def = obj.kind === 'Secret' ? secrets : configMaps;
    if (this.env.store.get(def, obj.metadata.namespace, obj.metadata.name)) await this.env.store.delete(def, obj.metadata.namespace, obj.metadata.name).catch(() => undefined);
    await this.propagate(obj, obj.kind === 'Secret' ? 'Secret' : 'ConfigMap');
  }
}
