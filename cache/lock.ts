// One dsg run at a time per project: `<stateDir>/lock`, created exclusively, naming its holder. A lock
// whose process is gone (same host) is taken over; a live holder is waited for or reported.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheFailure, errorCode, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';

/** Who holds a lock; written as JSON into the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The command line, e.g. `dsg run deploy`. */
  command: string;
  /** ISO timestamp. */
  startedAt: string;
  /** Tells two holders with the same pid apart (pids are reused, in containers especially). */
  token: string;
}

/** Options of `acquireLock`. */
export interface LockOptions {
  /** Wait for a live holder to finish instead of failing at once. */
  wait: boolean;
  /** Called once, when waiting starts, with the holder being waited for. */
  onWait?: (holder: LockHolder) => void;
  signal?: AbortSignal;
  /** Recorded in the lock for the next run's message. Default: the process's arguments. */
  command?: string;
  /** How often a waiting run checks the lock. Default 250 ms. */
  pollMs?: number;
}

/** A held lock. */
export interface HeldLock {
  holder: LockHolder;
  /** Set when a stale lock of a dead process was taken over: the engine prints a note. */
  tookOverFrom?: LockHolder;
  /** Removes the lock if it is still this run's. */
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
  const lockPath = join(stateDir, lockFileName);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? ['dsg', ...process.argv.slice(2)].join(' '),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const text = JSON.stringify(me);
  await mkdir(stateDir, { recursive: true });
  let waitedFor: LockHolder | undefined;
  let tookOverFrom: LockHolder | undefined;
  for (;;) {
    if (options.signal?.aborted) return fail(aborted(stateDir));
    if (await createExclusive(lockPath, text)) {
      const held: HeldLock = { holder: me, release: () => releaseIfMine(lockPath, me.token) };
      if (tookOverFrom) held.tookOverFrom = tookOverFrom;
      return ok(held);
    }
    const current = await readHolder(lockPath);
    if (current.kind === 'gone') continue;
    if (current.kind === 'stale') {
      const removed = await removeStale(lockPath, current.text);
      if (removed && current.holder) tookOverFrom = current.holder;
      continue;
    }
    if (current.kind === 'live') {
      if (!options.wait) return fail(heldBy(current.holder, stateDir));
      if (!waitedFor) {
        waitedFor = current.holder;
        options.onWait?.(current.holder);
      }
    }
    // A live holder we wait for, or a lock file being written right now: look again shortly.
    try {
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return fail(aborted(stateDir));
    }
  }
}

/** `pid 1234, \`dsg run deploy\`, started 12s ago` (plus the host when it is another machine). */
export function describeHolder(holder: LockHolder, now = Date.now()): string {
  const host = holder.hostname === hostname() ? '' : ` on host "${holder.hostname}"`;
  return `pid ${holder.pid}${host}, \`${holder.command}\`, started ${ago(now - Date.parse(holder.startedAt))}`;
}

function heldBy(holder: LockHolder, stateDir: string): CacheFailure {
  const dir = `${basename(stateDir)}/`;
  const foreign = holder.hostname !== hostname();
  return cacheFailure(
    'lock-held',
    `Another dsg run (${describeHolder(holder)}) holds the lock on ${dir} — wait for it or stop it`,
    foreign ? { hint: `It runs on another machine; if it is gone, delete "${dir}${lockFileName}".` } : {},
  );
}

function aborted(stateDir: string): CacheFailure {
  return cacheFailure(
    'lock-aborted',
    `Stopped waiting for the lock on ${basename(stateDir)}/: the run was cancelled`,
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/**
 * Creates `path` holding `text`, failing if it exists. The content is written to a temp file first and
 * hard-linked into place, so no reader ever sees a half-written lock.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // Filesystems without hard links: an exclusive create (a crash mid-write leaves debris, handled below).
    try {
      await writeFile(path, text, { flag: 'wx' });
      return true;
    } catch (inner) {
      if (errorCode(inner) === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

type HolderRead =
  | { kind: 'gone' }
  | { kind: 'live'; holder: LockHolder }
  | { kind: 'stale'; text: string; holder?: LockHolder }
  | { kind: 'young-debris' };

async function readHolder(path: string): Promise<HolderRead> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  const holder = parseHolder(text);
  if (!holder) return Date.now() - mtimeMs > debrisAgeMs ? { kind: 'stale', text } : { kind: 'young-debris' };
  if (holder.hostname !== hostname()) return { kind: 'live', holder };
  // Our own pid in a lock written before this process started: a previous process with the same pid
  // (a container restart) died holding it. Written since, it is this process's own live lock.
  if (holder.pid === process.pid) {
    const processStart = Date.now() - process.uptime() * 1000;
    return Date.parse(holder.startedAt) < processStart - 1000
      ? { kind: 'stale', text, holder }
      : { kind: 'live', holder };
  }
  return isAlive(holder.pid) ? { kind: 'live', holder } : { kind: 'stale', text, holder };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof v?.pid !== 'number' || typeof v.hostname !== 'string' || typeof v.command !== 'string')
      return undefined;
    if (typeof v.startedAt !== 'string' || typeof v.token !== 'string') return undefined;
    return v as LockHolder;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A process that exited but was not yet reaped by its parent still answers signal 0. On Linux its state in
 * /proc says so (`Z`); elsewhere this cannot tell, and the process counts as alive.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock, unless someone replaced it meanwhile. A guard file serialises rivals: without it,
 * two runs could both judge the same lock stale and one could delete the lock the other just took.
 */
async function removeStale(lockPath: string, staleText: string): Promise<boolean> {
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
    const now = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (now !== staleText) return false;
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
