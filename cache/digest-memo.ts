// The memo table behind FileDigests. What was loaded from disk stays in the parsed JSON arrays, indexed by
// path (a no-op run pays only for a Map of indices); what this process learns goes into an LRU, which
// bounds a long `dsg dev`.
import { LRUCache } from 'lru-cache';

/** The stat a digest was computed under, and the digest. */
export interface MemoEntry {
  size: number;
  mtimeMs: number;
  /** Also compared: new content written under the old size and a restored mtime still moves the ctime. */
  ctimeMs: number;
  ino: number;
  mode: number;
  digest: string;
}

/** The part of a stat a digest was computed under. */
export type Stamp = Omit<MemoEntry, 'digest'>;

/** The stamp of a stat. */
export function stampOf(s: Stamp): Stamp {
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, mode: s.mode };
}

/** Whether `stat` is still the stamp `a` was taken from. */
export function sameStamp(a: Stamp, stat: Stamp): boolean {
  return (
    a.size === stat.size &&
    a.mtimeMs === stat.mtimeMs &&
    a.ctimeMs === stat.ctimeMs &&
    a.ino === stat.ino &&
    a.mode === stat.mode
  );
}

const formatVersion = 3;
/** Cells per row in the saved form: size, mtimeMs, ctimeMs, ino, mode, digest. */
const fields = 6;

/** Path → MemoEntry, loaded from and saved to one JSON document. */
export class DigestMemo {
  /** Created on first use: lru-cache allocates for `max` up front, which a no-op run should not pay. */
  private learnedCache: LRUCache<string, MemoEntry> | undefined;

  private constructor(
    private readonly maxEntries: number,
    /** Path → row number in `rows`, for entries loaded from disk and not replaced since. */
    private readonly loaded: Map<string, number>,
    private readonly rows: readonly unknown[],
  ) {}

  /** An empty memo. */
  static empty(maxEntries: number): DigestMemo {
    return new DigestMemo(maxEntries, new Map(), []);
  }

  /** Rebuilds a memo from `serialize` output; anything unexpected yields an empty memo. */
  static parse(value: unknown, maxEntries: number): DigestMemo {
    const { version, paths, rows } = (typeof value === 'object' && value !== null ? value : {}) as {
      version?: unknown;
      paths?: unknown;
      rows?: unknown;
    };
    if (version !== formatVersion || !Array.isArray(paths) || !Array.isArray(rows))
      return DigestMemo.empty(maxEntries);
    if (rows.length !== paths.length * fields) return DigestMemo.empty(maxEntries);
    const loaded = new Map<string, number>();
    // Cells are type-checked when a row is read, not here: most rows of a big memo are never asked for twice.
    (paths as unknown[]).forEach((path, row) => {
      if (typeof path === 'string') loaded.set(path, row);
    });
    return new DigestMemo(maxEntries, loaded, rows as unknown[]);
  }

  /** The digest remembered for `path` under exactly this stat, if any. */
  lookup(path: string, stat: Stamp): string | undefined {
    const learned = this.learnedCache?.get(path);
    if (learned) return sameStamp(learned, stat) ? learned.digest : undefined;
    const row = this.loaded.get(path);
    if (row === undefined) return undefined;
    const at = row * fields;
    const digest = this.rows[at + 5];
    const same =
      this.rows[at] === stat.size &&
      this.rows[at + 1] === stat.mtimeMs &&
      this.rows[at + 2] === stat.ctimeMs &&
      this.rows[at + 3] === stat.ino &&
      this.rows[at + 4] === stat.mode;
    return same && typeof digest === 'string' ? digest : undefined;
  }

  /** Whether an entry for `path` is held. */
  has(path: string): boolean {
    return this.loaded.has(path) || (this.learnedCache?.has(path) ?? false);
  }

  /** Records a fresh entry for `path`. */
  set(path: string, entry: MemoEntry): void {
    this.loaded.delete(path);
    this.learnedCache ??= new LRUCache({ max: this.maxEntries });
    this.learnedCache.set(path, entry);
  }

  /** Forgets `path`; true when there was an entry. */
  delete(path: string): boolean {
    const a = this.loaded.delete(path);
    const b = this.learnedCache?.delete(path) ?? false;
    return a || b;
  }

  /** Number of entries. */
  get size(): number {
    return this.loaded.size + (this.learnedCache?.size ?? 0);
  }

  /** The memo as JSON: loaded entries first, then learned ones oldest first, at most `maxEntries` in all. */
  serialize(): string {
    const paths: string[] = [];
    const rows: unknown[] = [];
    // Over the cap, the front of the list goes: entries saved longest ago and not learned again since.
    let skip = Math.max(0, this.size - this.maxEntries);
    for (const [path, row] of this.loaded) {
      if (skip > 0) {
        skip--;
        continue;
      }
      paths.push(path);
      for (let i = 0; i < fields; i++) rows.push(this.rows[row * fields + i]);
    }
    for (const [path, e] of [...(this.learnedCache?.entries() ?? [])].reverse()) {
      if (skip > 0) {
        skip--;
        continue;
      }
      paths.push(path);
      rows.push(e.size, e.mtimeMs, e.ctimeMs, e.ino, e.mode, e.digest);
    }
    return JSON.stringify({ version: formatVersion, paths, rows });
  }
}
