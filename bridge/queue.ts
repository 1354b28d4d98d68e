import type { Priority } from '../shared/api/resource';
import type { Logger, Operation, Queue } from '../shared/ctx';
import type { Journal } from './journal';

type Level = Exclude<Priority, 'sync'>;
const LEVELS: Level[] = ['high', 'medium', 'low'];
const MAX_BACKOFF_MS = 60_000;

const keyOf = (op: Operation) => `${op.resource}/${op.namespace ?? ''}/${op.name}`;

/**
 * The creation queue: Docker work in priority order (ConfigMaps, Secrets and PVCs before the pods that
 * mount them, Services last), dispatched at once with bounded concurrency towards dockerd. One object's
 * operations never overlap; a newer operation on an object replaces one still waiting; failures retry
 * with exponential backoff.
 */
export class CreationQueue implements Queue {
  private readonly waiting: Record<Level, Map<string, Operation>> = { high: new Map(), medium: new Map(), low: new Map() };
  /** Journal entries of the operation waiting or running for each object. */
  private readonly seqs = new Map<string, number[]>();
  private stopped = false;
  private readonly running = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: (op: Operation) => Promise<void>,
    private readonly log: Logger,
    private readonly concurrency = 8,
    private readonly journal?: Journal,
  ) {}

  async submit(op: Operation, priority: Priority): Promise<void> {
    if (priority === 'sync') return this.runNow(op);
    const key = keyOf(op);
    // On disk before the API answers: a crash after this line replays the operation on the next start.
    if (this.journal) this.seqs.set(key, [...(this.seqs.get(key) ?? []), await this.journal.accept(op, priority)]);
    clearTimeout(this.retries.get(key));
    this.retries.delete(key);
    this.attempts.delete(key);
    for (const level of LEVELS) this.waiting[level].delete(key);
    this.waiting[priority].set(key, op);
    this.pump();
  }

  depth(): number {
    return LEVELS.reduce((n, l) => n + this.waiting[l].size, 0) + this.running.size + this.retries.size;
  }

  stats(): { waiting: number; running: number; retrying: number } {
    return { waiting: LEVELS.reduce((n, l) => n + this.waiting[l].size, 0), running: this.running.size, retrying: this.retries.size };
  }

  /** Resolves when nothing is waiting, running or scheduled for retry (tests and shutdown use it). */
  idle(): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts nothing more (what waits stays in the journal for the next start) and resolves once the
   * operations already running are done, so no Docker object of ours appears after the server exits.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
    while (this.running.size) await new Promise((r) => setTimeout(r, 10));
  }

  private async runNow(op: Operation): Promise<void> {
    const key = keyOf(op);
    while (this.running.has(key)) await new Promise((r) => setTimeout(r, 10));
    this.running.add(key);
    try {
      await this.run(op);
    } finally {
      this.running.delete(key);
      this.pump();
    }
  }

  private next(): [Level, string, Operation] | undefined {
    for (const level of LEVELS) {
      for (const [key, op] of this.waiting[level]) if (!this.running.has(key)) return [level, key, op];
    }
    return undefined;
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency) {
      const next = this.next();
      if (!next) break;
      const [level, key, op] = next;
      this.waiting[level].delete(key);
      this.running.add(key);
      const journaled = this.seqs.get(key) ?? [];
      this.seqs.delete(key);
      this.run(op)
        .then(() => {
          this.attempts.delete(key);
          for (const seq of journaled) void this.journal?.done(seq);
        })
        .catch((err) => {
          // Still owed: keep the entries open until a later attempt (or a newer operation) succeeds.
          this.seqs.set(key, [...journaled, ...(this.seqs.get(key) ?? [])]);
          throw err;
        })
        .catch((err) => this.retry(level, key, op, err))
        .finally(() => {
          this.running.delete(key);
          this.pump();
        });
    }
    if (this.depth() === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private retry(level: Level, key: string, op: Operation, err: unknown): void {
    // A newer operation for the same object already replaced this one.
    if (LEVELS.some((l) => this.waiting[l].has(key))) return;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1));
    this.log.warn({ op, attempt, delayMs: delay, err: (err as Error).message }, 'docker operation failed, will retry');
    this.retries.set(
      key,
      setTimeout(() => {
        this.retries.delete(key);
        this.waiting[level].set(key, op);
        this.pump();
      }, delay),
    );
  }
}
