// The file-digest memo: (relative path, size, mtime, inode, mode) → sha256. A run where nothing changed
// stats every input file and reads none; `lru-cache` bounds the memo for a long `dsg dev` session.
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './atomic.ts';
import { DigestMemo, sameStamp, stampOf, type Stamp } from './digest-memo.ts';
import { hashFile, readChunkBytes } from './hash-file.ts';
import { SliceBudget } from './slice.ts';
import { isRacy } from './stamp.ts';
import { cacheFailure, errorDetail, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';

/** What the memo has done so far; tests assert on `filesRead` to prove a no-op run reads nothing. */
export interface DigestCounters {
  statted: number;
  filesRead: number;
  bytesRead: number;
}

/** Tuning knobs; the defaults suit both a CI run and `dsg dev`. */
export interface FileDigestsOptions {
  /** Most memo entries kept in memory and on disk. Default 200,000. */
  maxEntries?: number;
  /** Clock, for tests of the racy rule (stamp.ts): files changed just before a read are not memoised. */
  now?: () => number;
}

type Digest = Result<string, CacheFailure>;

/** Memo file name under the state directory. */
export const digestsFileName = 'digests.json';

/**
 * Digests of project files. A regular file's digest is the hex sha256 of its content, with `+x` appended
 * when any execute bit is set (the mode reaches the image); a symlink's is `link:<target>` (never followed).
 */
export class FileDigests {
  /** Counters since `open`. */
  readonly counters: DigestCounters = { statted: 0, filesRead: 0, bytesRead: 0 };
  private readonly memo: DigestMemo;
  /** Hashes under way, so two tasks asking for the same changed file read it once. */
  private readonly inFlight = new Map<string, Promise<Digest>>();
  private readonly buffers: Uint8Array[] = [];
  private readonly now: () => number;
  private dirty = false;
  /** The stats of files hashed this session but too recently written to be remembered (the racy rule). */
  private readonly racy = new Map<string, Stamp>();

  private constructor(
    private readonly projectDir: string,
    private readonly stateDir: string,
    options: FileDigestsOptions,
    memo: unknown,
  ) {
    this.memo = DigestMemo.parse(memo, options.maxEntries ?? 200_000);
    this.now = options.now ?? Date.now;
  }

  /** Loads the memo of `stateDir` (a missing or damaged memo is simply empty). */
  static async open(
    projectDir: string,
    stateDir: string,
    options: FileDigestsOptions = {},
  ): Promise<FileDigests> {
    const read = await readJsonFile(join(stateDir, digestsFileName));
    return new FileDigests(projectDir, stateDir, options, read.status === 'ok' ? read.value : undefined);
  }

  /** Digests of `relPaths` (relative to the project directory), keyed by the same strings. */
  async digest(relPaths: readonly string[]): Promise<Result<Record<string, string>, CacheFailure>> {
    const budget = new SliceBudget();
    // Keys are assigned in the order asked (a placeholder first for what is still pending), so the
    // result reads the same every time; hits cost no allocation beyond the stat.
    const digests: Record<string, string> = {};
    const pending: [string, Promise<Digest>][] = [];
    const misses: { relPath: string; stat: Stats; resolve: (d: Digest) => void }[] = [];
    let failure: { ok: false; error: CacheFailure } | undefined;
    // Pass 1: stat everything; memo hits are answered at once, misses are queued for reading.
    for (const relPath of relPaths) {
      const shared = this.inFlight.size > 0 ? this.inFlight.get(relPath) : undefined;
      const quick = shared ?? this.lookup(relPath);
      if (typeof quick === 'string') {
        digests[relPath] = quick;
      } else if (quick instanceof Promise) {
        digests[relPath] = '';
        pending.push([relPath, quick]);
      } else if ('stat' in quick) {
        let resolve: (d: Digest) => void = () => undefined;
        const promise = new Promise<Digest>((r) => (resolve = r));
        this.inFlight.set(relPath, promise);
        digests[relPath] = '';
        pending.push([relPath, promise]);
        misses.push({ relPath, stat: quick.stat, resolve });
      } else {
        // Not returned yet: the misses registered above must still settle for other callers waiting on them.
        failure ??= quick;
      }
      if (budget.due()) await budget.yield();
    }
    // Pass 2: read and hash the misses, one after another (see slice.ts for why not concurrently).
    if (misses.length > 0) {
      const buffer = this.buffers.pop() ?? new Uint8Array(readChunkBytes);
      try {
        for (const miss of misses) {
          const result = await this.hash(miss.relPath, miss.stat, buffer, budget);
          this.inFlight.delete(miss.relPath);
          miss.resolve(result);
          if (budget.due()) await budget.yield();
        }
      } finally {
        this.buffers.push(buffer);
      }
    }
    if (failure) return failure;
    for (const [relPath, promise] of pending) {
      const result = await promise;
      if (!result.ok) return result;
      digests[relPath] = result.value;
    }
    return ok(digests);
  }

  /** Forgets a file's memo entry, e.g. when a watcher reports a change stat alone might miss. */
  invalidate(relPath: string): void {
    this.racy.delete(relPath);
    if (this.memo.delete(relPath)) this.dirty = true;
  }

  /**
   * Of `relPaths`, those hashed before (this session, or remembered) whose stat no longer matches what was
   * hashed, or that are gone: changed since, whether or not anyone said so. Paths never hashed are left out.
   */
  changedSince(relPaths: Iterable<string>): string[] {
    const changed: string[] = [];
    for (const relPath of relPaths) {
      const racy = this.racy.get(relPath);
      if (!racy && !this.memo.has(relPath)) continue;
      try {
        const stat = lstatSync(`${this.projectDir}/${relPath}`);
        if (racy ? !sameStamp(racy, stat) : this.memo.lookup(relPath, stat) === undefined)
          changed.push(relPath);
      } catch {
        changed.push(relPath);
      }
    }
    return changed;
  }

  /** Number of memo entries held. */
  get size(): number {
    return this.memo.size;
  }

  /** Writes the memo atomically if it changed since it was loaded or last saved. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await writeFileAtomic(join(this.stateDir, digestsFileName), this.memo.serialize());
  }

  /** A memo hit or a symlink as its digest, a failure, or the stat of a file that must be read. */
  private lookup(relPath: string): string | { ok: false; error: CacheFailure } | { stat: Stats } {
    // Plain concatenation: path.join's normalisation is measurable over 20,000 files, and the OS needs none.
    const path = `${this.projectDir}/${relPath}`;
    try {
      const stat = lstatSync(path);
      this.counters.statted++;
      if (stat.isSymbolicLink()) return `link:${readlinkSync(path)}`;
      if (!stat.isFile())
        return fail(cacheFailure('io-error', `Cannot hash "${relPath}": not a regular file`));
      const known = this.memo.lookup(relPath, stat);
      if (known !== undefined) return known;
      return { stat };
    } catch (error) {
      return fail(cacheFailure('io-error', `Cannot hash "${relPath}": ${errorDetail(error)}`));
    }
  }

  private async hash(relPath: string, stat: Stats, buffer: Uint8Array, budget: SliceBudget): Promise<Digest> {
    let hashed: { digest: string; bytes: number };
    try {
      hashed = await hashFile(join(this.projectDir, relPath), stat.size, buffer, budget);
    } catch (error) {
      return fail(cacheFailure('io-error', `Cannot hash "${relPath}": ${errorDetail(error)}`));
    }
    this.counters.filesRead++;
    this.counters.bytesRead += hashed.bytes;
    const digest = (stat.mode & 0o111) !== 0 ? `${hashed.digest}+x` : hashed.digest;
    // A file written within the filesystem's timestamp granularity of our read could change again without
    // its mtime moving; such digests serve this run but are not remembered, so the next run re-reads them.
    if (!isRacy(stat, this.now())) {
      this.racy.delete(relPath);
      this.memo.set(relPath, { ...stampOf(stat), digest });
      this.dirty = true;
    } else {
      this.racy.set(relPath, stampOf(stat));
      if (this.memo.delete(relPath)) this.dirty = true;
    }
    return ok(digest);
  }
}
