import type { Logger } from '../../shared/ctx';
import type { Change, ObjectStore } from '../../shared/store/object-store';
import { WorkQueue } from './work';

/**
 * A controller as kube-controller-manager runs one: level-triggered keys from the store's change stream,
 * synced one at a time. `keysFor` says which of its keys a change concerns (its own kind, or the
 * objects it owns); `resync` lists every key at start, so a restarted server converges from the store.
 */
export interface Controller {
  /** Prefix of its keys in the shared queue, e.g. `rs`. */
  readonly name: string;
  keysFor(change: Change): string[];
  resync(): string[];
  sync(key: string, queue: Requeue): Promise<void>;
}

/** What a sync may ask of the queue: look at a key of its own again later. */
export interface Requeue {
  after(key: string, ms: number): void;
}

/**
 * Runs a list of controllers on one work queue, in list order within a pass (ReplicaSets before the
 * Deployments whose status reads theirs).
 */
export class ControllerManager {
  private readonly work: WorkQueue;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly controllers: Controller[],
    log: Logger,
    what = 'controller',
  ) {
    const rank = (key: string) => controllers.findIndex((c) => key.startsWith(`${c.name}/`));
    this.work = new WorkQueue((key) => this.sync(key), log, what, (a, b) => rank(a) - rank(b));
  }

  private sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const controller = this.controllers.find((c) => c.name === key.slice(0, slash))!;
    const requeue = { after: (k: string, ms: number) => this.work.after(`${controller.name}/${k}`, ms) };
    return controller.sync(key.slice(slash + 1), requeue);
  }

  start() {
    this.unsubscribe = this.store.subscribe((change) => {
      for (const c of this.controllers) for (const key of c.keysFor(change)) this.work.mark(`${c.name}/${key}`);
    });
    for (const c of this.controllers) for (const key of c.resync()) this.work.mark(`${c.name}/${key}`);
  }

  stop() {
    this.unsubscribe?.();
    this.work.stop();
  }

  idle(): Promise<void> {
    return this.work.idle();
  }
}
