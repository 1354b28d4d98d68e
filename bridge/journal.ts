import { existsSync } from 'node:fs';
import { open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import type { Priority } from '../shared/api/resource';
import type { Operation } from '../shared/ctx';

export interface Accepted {
  seq: number;
  op: Operation;
  priority: Exclude<Priority, 'sync'>;
}

const COMPACT_AFTER = 2000;

/**
 * The creation queue's journal: one JSON line when an operation is accepted (written before the API
 * answers), one when it is done. On start the accepted-but-not-done operations are replayed, so a crash
 * or `kill -9` loses nothing that was acknowledged.
 */
export class Journal {
  private readonly open = new Map<number, Accepted>();
  private seq = 0;
  private lines = 0;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private file: FileHandle,
  ) {}

  /** Opens the journal and returns the operations a previous run accepted but did not finish. */
  static async load(path: string): Promise<{ journal: Journal; pending: Accepted[] }> {
    const unfinished = new Map<number, Accepted>();
    let seq = 0;
    if (existsSync(path)) {
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        if (!line.trim()) continue;
        let entry: { seq: number; op?: Operation; priority?: Accepted['priority']; done?: boolean };
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // a line cut short by a crash
        }
        seq = Math.max(seq, entry.seq);
        if (entry.done) unfinished.delete(entry.seq);
        else if (entry.op && entry.priority) unfinished.set(entry.seq, { seq: entry.seq, op: entry.op, priority: entry.priority });
      }
    }
    const pending = [...unfinished.values()];
    // Start a fresh file holding only what is still open.
    const tmp = `${path}.tmp`;
    await writeFile(tmp, pending.map((a) => `${JSON.stringify(a)}\n`).join(''), { mode: 0o600 });
    await rename(tmp, path);
    const journal = new Journal(path, await open(path, 'a', 0o600));
    journal.seq = seq;
    journal.lines = pending.length;
    for (const a of pending) journal.open.set(a.seq, a);
    return { journal, pending };
  }

  private append(entry: unknown): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const write = this.writes.then(() => this.file.write(line));
    this.writes = write.catch(() => undefined);
    this.lines++;
    return write.then(() => undefined);
  }

  async accept(op: Operation, priority: Accepted['priority']): Promise<number> {
    const seq = ++this.seq;
    const entry = { seq, op, priority };
    this.open.set(seq, entry);
    await this.append(entry);
    return seq;
  }

  async done(seq: number): Promise<void> {
    if (!this.open.delete(seq)) return;
    await this.append({ seq, done: true });
    if (this.open.size === 0 && this.lines > COMPACT_AFTER) await this.compact();
  }

  private async compact() {
    await this.writes;
    await this.file.close();
    await writeFile(this.path, '', { mode: 0o600 });
    this.file = await open(this.path, 'a', 0o600);
    this.lines = 0;
  }

  async close(): Promise<void> {
    await this.writes;
    await this.file.close();
  }
}
