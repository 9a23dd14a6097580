// Who holds the project lock, as written into `.dsg/lock`, and whether that process can still be alive.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import process from 'node:process';
import { errorCode } from './types.ts';

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

/** The holder written in a lock file's text, or undefined when the text is not one (debris of a crash). */
export function parseHolder(text: string): LockHolder | undefined {
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

/** True when `holder` runs on this machine. */
export function onThisHost(holder: LockHolder): boolean {
  return holder.hostname === hostname();
}

/** `pid 1234, \`dsg run deploy\`, started 12s ago` (plus the host when it is another machine). */
export function describeHolder(holder: LockHolder, now = Date.now()): string {
  const host = onThisHost(holder) ? '' : ` on host "${holder.hostname}"`;
  return `pid ${holder.pid}${host}, \`${holder.command}\`, started ${ago(now - Date.parse(holder.startedAt))}`;
}

/** `12s`, `3m`, `2h`, `4d`: a rounded duration for messages. */
export function roughDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

function ago(ms: number): string {
  return `${roughDuration(ms)} ago`;
}

/**
 * Whether a same-host holder's process exists. A lock written by this very process before it started is
 * a previous process with the same pid (a container restart) that died holding it.
 */
export function holderProcessAlive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) {
    const processStart = Date.now() - process.uptime() * 1000;
    return Date.parse(holder.startedAt) >= processStart - 1000;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
  return !isZombie(holder.pid);
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
