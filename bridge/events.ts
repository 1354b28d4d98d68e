import { randomBytes } from 'node:crypto';
import type { KObject } from '../shared/k8s/meta';
import { rfc3339 } from '../shared/k8s/time';
import { events } from '../shared/resources/events';
import { namespaces } from '../shared/resources/namespaces';
import * as objects from '../shared/registry/store';
import type { RegistryEnv } from '../shared/registry/store';
import type { Clock, Logger } from '../shared/ctx';

const TTL_MS = 3600_000;

/**
 * Kubernetes Events for what the runtime does (pulls, starts, kills, failures), as the kubelet records
 * them: a repeat of the same event on the same object raises `count` instead of adding a new one.
 * Events older than an hour are removed, like the apiserver's default --event-ttl.
 */
export class EventRecorder {
  constructor(
    private readonly env: RegistryEnv,
    private readonly log: Logger,
    private readonly host: string,
  ) {}

  private get store() {
    return this.env.store;
  }

  private get clock(): Clock {
    return this.env.clock;
  }

  /** `component` is who reports it: the kubelet (on this node) or a controller, as `kubectl describe` shows in FROM. */
  async record(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string, component = 'kubelet'): Promise<void> {
    const namespace = obj.metadata.namespace ?? 'default';
    // The apiserver takes nothing new into a namespace being deleted, events included.
    const ns = this.store.get(namespaces, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const now = rfc3339(this.clock.now());
    const same = this.store
      .list(events, namespace)
      .find((e: any) => e.involvedObject?.uid === obj.metadata.uid && e.reason === reason && e.message === message && e.involvedObject?.fieldPath === fieldPath);
    try {
      if (same) {
        await objects.update(this.env, events, namespace, same.metadata.name, (current) => ({ ...current, count: ((current as { count?: number }).count ?? 1) + 1, lastTimestamp: now }) as KObject);
        return;
      }
      await objects.create(this.env, events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
        reason,
        message,
        source: component === 'kubelet' ? { component, host: this.host } : { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? this.host : '',
      } as KObject);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, reason }, 'could not record an event');
    }
  }

  async prune(): Promise<void> {
    const cutoff = this.clock.now().getTime() - TTL_MS;
    for (const e of this.store.list(events)) {
      const t = Date.parse(((e as any).lastTimestamp ?? e.metadata.creationTimestamp) as string);
      if (t < cutoff) await objects.remove(this.env, events, e.metadata.namespace, e.metadata.name).catch(() => undefined);
    }
  }
}
