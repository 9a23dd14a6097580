// The memo table behind FileDigests. What was loaded from disk sits in a plain Map (cheap to fill: a
// no-op run pays for loading it); what this process learns goes into an LRU, which bounds a long `dsg dev`.
import { LRUCache } from 'lru-cache';

/** The stat a digest was computed under, and the digest. */
export interface MemoEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  mode: number;
  digest: string;
}

const formatVersion = 2;
const fields = 5;

/** Path → MemoEntry, loaded from and saved to one JSON document. */
export class DigestMemo {
  private readonly loaded: Map<string, MemoEntry>;
  /** Created on first use: lru-cache allocates for `max` up front, which a no-op run should not pay. */
  private learnedCache: LRUCache<string, MemoEntry> | undefined;

  constructor(
    private readonly maxEntries: number,
    loaded: Map<string, MemoEntry> = new Map(),
  ) {
    this.loaded = loaded;
  }

  private get learned(): LRUCache<string, MemoEntry> {
    this.learnedCache ??= new LRUCache({ max: this.maxEntries });
    return this.learnedCache;
  }

  /** Rebuilds a memo from `serialize` output; anything unexpected yields an empty memo. */
  static parse(value: unknown, maxEntries: number): DigestMemo {
    const loaded = new Map<string, MemoEntry>();
    const { version, paths, rows } = (typeof value === 'object' && value !== null ? value : {}) as {
      version?: unknown;
      paths?: unknown;
      rows?: unknown;
    };
    if (version !== formatVersion || !Array.isArray(paths) || !Array.isArray(rows))
      return new DigestMemo(maxEntries);
    if (rows.length !== paths.length * fields) return new DigestMemo(maxEntries);
    const cells = rows as unknown[];
    for (let i = 0; i < paths.length; i++) {
      const path: unknown = paths[i];
      const at = i * fields;
      const [size, mtimeMs, ino, mode, digest] = [
        cells[at],
        cells[at + 1],
        cells[at + 2],
        cells[at + 3],
        cells[at + 4],
      ];
      if (typeof path !== 'string' || typeof digest !== 'string') continue;
      if (typeof size !== 'number' || typeof mtimeMs !== 'number') continue;
      if (typeof ino !== 'number' || typeof mode !== 'number') continue;
      loaded.set(path, { size, mtimeMs, ino, mode, digest });
    }
    return new DigestMemo(maxEntries, loaded);
  }

  /** The entry for `path`, if any. */
  get(path: string): MemoEntry | undefined {
    return this.learnedCache?.get(path) ?? this.loaded.get(path);
  }

  /** Records a fresh entry for `path`. */
  set(path: string, entry: MemoEntry): void {
    this.loaded.delete(path);
    this.learned.set(path, entry);
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
    const rows: (number | string)[] = [];
    const learned = [...(this.learnedCache?.entries() ?? [])].reverse();
    // Over the cap, the front of the list goes: entries saved longest ago and not learned again since.
    let skip = Math.max(0, this.loaded.size + learned.length - this.maxEntries);
    for (const [path, e] of [...this.loaded, ...learned]) {
      if (skip > 0) {
        skip--;
        continue;
      }
      paths.push(path);
      rows.push(e.size, e.mtimeMs, e.ino, e.mode, e.digest);
    }
    return JSON.stringify({ version: formatVersion, paths, rows });
  }
}
