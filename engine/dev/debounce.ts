// Collects file changes into batches: a batch closes after a quiet period (`--debounce`, default 100 ms) with
// no new change, or at the latest `maxWaitMs` after its first change, so that a stream of saves (a formatter
// rewriting a tree, a branch switch) cannot starve the loop. The watcher hands a lone save over at once, but
// holds a stream of saves back and delivers it in slices (`streamMs` apart at most): a delivery that comes
// within that time of the last one continues a stream, and the quiet period then spans a whole slice.
import type { FileChange } from './watcher.ts';

/** A closed batch: the changes (the last type of each path) and when the first arrived. */
export interface ChangeBatch {
  changes: FileChange[];
  /** `performance.now()` when the batch's first change arrived. */
  firstAt: number;
}

/** Debounce timing. */
export interface DebounceTiming {
  quietMs: number;
  maxWaitMs: number;
  /** The longest the watcher holds the changes of a stream back (0: it delivers every change at once). */
  streamMs: number;
}

/** The default maximum wait for a given quiet period: ten of them, at least one second. */
export function defaultMaxWait(quietMs: number): number {
  return Math.max(1000, quietMs * 10);
}

/** A debouncer handing closed batches to `flush`. */
export class Debouncer {
  private changes = new Map<string, FileChange>();
  private firstAt = 0;
  private lastAt = -Infinity;
  private quiet: ReturnType<typeof setTimeout> | undefined;
  private max: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timing: DebounceTiming,
    private readonly flush: (batch: ChangeBatch) => void,
  ) {}

  /** Adds changes to the open batch (opening one). */
  add(changes: readonly FileChange[]): void {
    if (changes.length === 0) return;
    const now = performance.now();
    const open = this.changes.size > 0;
    // The watcher reports one save twice (the truncation, then the write, about 50 ms later): a delivery that
    // brings no path the open batch lacks is that, not activity, so it neither continues a stream nor
    // restarts the quiet period.
    const fresh = changes.some((c) => !this.changes.has(c.path));
    const streaming = fresh && now - this.lastAt < this.timing.streamMs + this.timing.quietMs;
    if (!open) {
      this.firstAt = now;
      this.max = setTimeout(() => this.close(), this.timing.maxWaitMs);
    }
    for (const change of changes) {
      // Created then written is still created: the folder's listing changed.
      const prior = this.changes.get(change.path);
      const type = prior?.type === 'create' && change.type === 'update' ? 'create' : change.type;
      this.changes.delete(change.path);
      this.changes.set(change.path, { path: change.path, type });
    }
    if (open && !fresh) return;
    this.lastAt = now;
    if (this.quiet !== undefined) clearTimeout(this.quiet);
    const quiet = streaming ? this.timing.streamMs + this.timing.quietMs : this.timing.quietMs;
    this.quiet = setTimeout(() => this.close(), quiet);
  }

  /** Whether a batch is open (changes held, not yet handed over). */
  get holding(): boolean {
    return this.changes.size > 0;
  }

  /** Drops the open batch and its timers. */
  stop(): void {
    this.clear();
    this.changes = new Map();
  }

  private close(): void {
    this.clear();
    const changes = [...this.changes.values()];
    this.changes = new Map();
    if (changes.length > 0) this.flush({ changes, firstAt: this.firstAt });
  }

  private clear(): void {
    if (this.quiet !== undefined) clearTimeout(this.quiet);
    if (this.max !== undefined) clearTimeout(this.max);
    this.quiet = undefined;
    this.max = undefined;
  }
}
