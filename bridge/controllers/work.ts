import type { Logger } from '../../shared/ctx';

/**
 * A controller's work queue, like client-go's: keys marked dirty are synced one at a time, each burst of
 * marks is one pass (a Deployment scaling by ten is one recompute, not ten), a failed sync is retried,
 * and `after` looks at a key again later (minReadySeconds running out, a progress deadline).
 */
export class WorkQueue {
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly sync: (key: string) => Promise<void>,
    private readonly log: Logger,
    private readonly what: string,
    /** The order keys of one pass run in (e.g. ReplicaSets before their Deployments). */
    private readonly order?: (a: string, b: string) => number,
  ) {}

  mark(key: string) {
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keys = [...this.dirty];
      if (this.order) keys.sort(this.order);
      this.dirty.clear();
      this.running = this.running.then(async () => {
        for (const key of keys) {
          try {
            await this.sync(key);
          } catch (err) {
            this.log.warn({ err: (err as Error).message, key }, `${this.what} sync failed; retrying`);
            this.after(key, 1000);
          }
        }
      });
    });
  }

  after(key: string, ms: number) {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.mark(key);
    }, Math.max(0, ms));
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Waits for the passes scheduled so far (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled || this.dirty.size) await new Promise((r) => setImmediate(r));
    await this.running;
  }

  stop() {
    for (const t of this.timers.values()) clearTimeout(t);
  }
}
