// One dsg run at a time per project: `<stateDir>/lock`, created exclusively, naming its holder. The holder
// refreshes the lock's mtime every few seconds (a heartbeat); a lock whose process is gone (same host), or
// that nobody refreshed for a bounded time (a killed container on another host, a pid reused by an
// unrelated process), is taken over. A live holder is waited for, as long as the caller allows, or reported.
import { randomBytes } from 'node:crypto';
import { link, lstat, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeHolder, holderProcessAlive, onThisHost, parseHolder, roughDuration } from './lock-holder.ts';
import type { LockHolder } from './lock-holder.ts';
import { prepareStateDir, stateFault } from './state-fault.ts';
import { cacheFailure, errorCode, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';

export { describeHolder, type LockHolder } from './lock-holder.ts';

/** How often a holder refreshes its lock, and how long a lock may go unrefreshed before it is taken over. */
export interface LockTiming {
  heartbeatMs: number;
  staleMs: number;
}

/** Realistic timing: a refresh every 5 s; 30 s of silence (six missed beats) means the holder is gone. */
export const defaultLockTiming: LockTiming = { heartbeatMs: 5_000, staleMs: 30_000 };

/** Options of `acquireLock`. */
export interface LockOptions {
  /** Wait for a live holder to finish instead of failing at once. */
  wait: boolean;
  /** With `wait`: give up after this long (a `lock-timeout` failure). Default: wait as long as it lives. */
  timeoutMs?: number;
  /** Called once, when waiting starts, with the holder being waited for. */
  onWait?: (holder: LockHolder) => void;
  /** Called once if this run's lock was taken over while held (it stopped refreshing it for too long). */
  onLost?: (by: LockHolder | undefined) => void;
  signal?: AbortSignal;
  /** Recorded in the lock for the next run's message. Default: the process's arguments. */
  command?: string;
  /** How often a waiting run checks the lock. Default 250 ms. */
  pollMs?: number;
  /** Heartbeat and take-over bound; tests shorten them. */
  timing?: Partial<LockTiming>;
}

/** A held lock. */
export interface HeldLock {
  holder: LockHolder;
  /** Set when the lock of a run that is gone was taken over: the engine prints a note. */
  tookOverFrom?: LockHolder;
  /** With `tookOverFrom`: how long that lock had gone unrefreshed, when that (not a dead pid) decided it. */
  silentMs?: number;
  /** Stops the heartbeat and removes the lock if it is still this run's. */
  release(): Promise<void>;
}

/** The lock file name under the state directory. */
export const lockFileName = 'lock';
/** A lock or take-over guard file that is unreadable and this old is debris of a crash. */
const debrisAgeMs = 10_000;

/** Takes the project lock, waiting for a live holder when `options.wait` is set. */
export async function acquireLock(
  stateDir: string,
  options: LockOptions,
): Promise<Result<HeldLock, CacheFailure>> {
  const timing = { ...defaultLockTiming, ...options.timing };
  const lockPath = join(stateDir, lockFileName);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? ['dsg', ...process.argv.slice(2)].join(' '),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const prepared = await prepareStateDir(stateDir);
  if (!prepared.ok) return prepared;
  const start = Date.now();
  const watch = new SilenceWatch();
  let waitedFor: LockHolder | undefined;
  let tookOver: { from: LockHolder; silentMs?: number } | undefined;
  for (;;) {
    if (options.signal?.aborted) return fail(aborted(stateDir));
    try {
      if (await createExclusive(lockPath, JSON.stringify(me))) {
        const held = holdLock(lockPath, me, timing.heartbeatMs, options.onLost);
        if (tookOver) held.tookOverFrom = tookOver.from;
        if (tookOver?.silentMs !== undefined) held.silentMs = tookOver.silentMs;
        return ok(held);
      }
      const verdict = judge(await readLock(lockPath), watch, timing.staleMs);
      if (verdict.kind === 'stale') {
        const removed = await removeStale(lockPath, verdict.seen);
        if (removed && verdict.holder) {
          tookOver = { from: verdict.holder };
          if (verdict.silentMs !== undefined) tookOver.silentMs = verdict.silentMs;
        }
        continue;
      }
      if (verdict.kind === 'live') {
        if (!options.wait) return fail(heldBy(verdict.holder, stateDir, timing.staleMs));
        if (options.timeoutMs !== undefined && Date.now() - start >= options.timeoutMs)
          return fail(timedOut(verdict.holder, stateDir, Date.now() - start));
        if (!waitedFor) {
          waitedFor = verdict.holder;
          options.onWait?.(verdict.holder);
        }
      }
    } catch (error) {
      return fail(stateFault(error, lockPath, stateDir));
    }
    // A live holder we wait for, or a lock file being written right now: look again shortly.
    const left = options.timeoutMs === undefined ? Infinity : options.timeoutMs - (Date.now() - start);
    try {
      await sleep(
        Math.max(1, Math.min(options.pollMs ?? 250, left)),
        undefined,
        options.signal ? { signal: options.signal } : {},
      );
    } catch {
      return fail(aborted(stateDir));
    }
  }
}

/** The held lock: a heartbeat that refreshes its mtime while it is still this run's, and its release. */
function holdLock(
  lockPath: string,
  me: LockHolder,
  heartbeatMs: number,
  onLost: LockOptions['onLost'],
): HeldLock {
  const beat = async (): Promise<void> => {
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    const holder = text === undefined ? undefined : parseHolder(text);
    if (holder?.token !== me.token) {
      clearInterval(timer);
      onLost?.(holder);
      return;
    }
    const now = new Date();
    // A failed refresh (a disk gone read-only) is retried at the next beat; the run itself goes on.
    await utimes(lockPath, now, now).catch(() => undefined);
  };
  const timer = setInterval(() => void beat(), heartbeatMs);
  // The heartbeat never keeps a finished process alive.
  timer.unref();
  return {
    holder: me,
    release: async () => {
      clearInterval(timer);
      await releaseIfMine(lockPath, me.token);
    },
  };
}

/** What was in the lock file at one look. */
interface Seen {
  text: string;
  mtimeMs: number;
}

type Verdict =
  | { kind: 'gone' }
  | { kind: 'live'; holder: LockHolder }
  | { kind: 'stale'; seen: Seen; holder?: LockHolder; silentMs?: number }
  | { kind: 'young-debris' };

/**
 * How long a lock has gone unrefreshed: by its mtime, and by this run's own watch of it (which holds even
 * when the holder's clock runs ahead of ours).
 */
class SilenceWatch {
  private last: (Seen & { since: number }) | undefined;

  silentMs(seen: Seen, now: number): number {
    if (this.last?.text !== seen.text || this.last.mtimeMs !== seen.mtimeMs)
      this.last = { ...seen, since: now };
    return Math.max(now - seen.mtimeMs, now - this.last.since);
  }
}

function judge(seen: Seen | undefined, watch: SilenceWatch, staleMs: number): Verdict {
  if (!seen) return { kind: 'gone' };
  const now = Date.now();
  const holder = parseHolder(seen.text);
  if (!holder) return now - seen.mtimeMs > debrisAgeMs ? { kind: 'stale', seen } : { kind: 'young-debris' };
  if (onThisHost(holder) && !holderProcessAlive(holder)) return { kind: 'stale', seen, holder };
  // Another host's holder, or a live pid that may have been reused by an unrelated process: only the
  // heartbeat can tell.
  const silentMs = watch.silentMs(seen, now);
  return silentMs > staleMs ? { kind: 'stale', seen, holder, silentMs } : { kind: 'live', holder };
}

async function readLock(path: string): Promise<Seen | undefined> {
  try {
    const [text, { mtimeMs }] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function heldBy(holder: LockHolder, stateDir: string, staleMs: number): CacheFailure {
  const dir = `${basename(stateDir)}/`;
  return cacheFailure(
    'lock-held',
    `Another dsg run (${describeHolder(holder)}) holds the lock on ${dir} — wait for it or stop it`,
    onThisHost(holder)
      ? {}
      : {
          hint: `It runs on another machine; if it is gone, its lock is taken over once it has not been refreshed for ${roughDuration(staleMs)}.`,
        },
  );
}

function timedOut(holder: LockHolder, stateDir: string, waitedMs: number): CacheFailure {
  return cacheFailure(
    'lock-timeout',
    `Gave up waiting for the lock on ${basename(stateDir)}/ after ${roughDuration(waitedMs)}: another dsg run (${describeHolder(holder)}) still holds it`,
    { hint: 'Run again when it has finished, or raise --lock-timeout.' },
  );
}

function aborted(stateDir: string): CacheFailure {
  return cacheFailure(
    'lock-aborted',
    `Stopped waiting for the lock on ${basename(stateDir)}/: the run was cancelled`,
  );
}

/**
 * Creates `path` holding `text`, failing if it exists. The content is written to a temp file first and
 * hard-linked into place, so no reader ever sees a half-written lock.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      // A directory in the lock's place is never going away by itself.
      if ((await lstat(path).catch(() => undefined))?.isDirectory())
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      return false;
    }
    if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'ENOTSUP') throw error;
    // Filesystems without hard links: an exclusive create (a crash mid-write leaves debris, handled above).
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (inner) {
      if (errorCode(inner) === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * Removes a stale lock, unless someone replaced or refreshed it meanwhile. A guard file serialises rivals:
 * without it, two runs could both judge the same lock stale and one could delete the lock the other just took.
 */
async function removeStale(lockPath: string, stale: Seen): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    try {
      if (Date.now() - (await stat(guard)).mtimeMs > debrisAgeMs) await rm(guard, { force: true });
    } catch {
      // The rival finished its take-over.
    }
    await sleep(20);
    return false;
  }
  try {
    const now = await readLock(lockPath).catch(() => undefined);
    if (now?.text !== stale.text || now.mtimeMs !== stale.mtimeMs) return false;
    await rm(lockPath, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

async function releaseIfMine(lockPath: string, token: string): Promise<void> {
  const text = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (text !== undefined && parseHolder(text)?.token === token) await rm(lockPath, { force: true });
}
