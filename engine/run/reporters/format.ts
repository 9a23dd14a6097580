// Small text helpers shared by the reporters: durations, colors, status marks, one-line excerpts.
import type { Reason, TaskStatus } from '../events.ts';

/** ANSI SGR codes the reporters use. */
export const Colors = { red: '31', green: '32', yellow: '33', cyan: '36', dim: '2', bold: '1' } as const;

/** Wraps `s` in an ANSI color when `on`. */
export function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

/** `45ms`, `1.2s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** The one-character mark of a status and its color. */
export const statusMark: Readonly<Record<TaskStatus, { mark: string; color: string }>> = {
  ran: { mark: '✓', color: Colors.green },
  cached: { mark: '·', color: Colors.dim },
  failed: { mark: '✗', color: Colors.red },
  cancelled: { mark: '⊘', color: Colors.yellow },
  skipped: { mark: '-', color: Colors.dim },
};

/** The first line of a possibly multi-line message. */
export function firstLine(s: string): string {
  const end = s.indexOf('\n');
  return end === -1 ? s : s.slice(0, end);
}

/** Drops escape sequences and control characters that would move the cursor (tool output in a live view). */
export function sanitize(s: string): string {
  return s
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g, '')
    .replace(/\t/g, '  ')
    .replace(/[\u0000-\u001f\u007f]/g, '');
}

/** Cuts `s` to `width` characters, ending with `…` when cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(s);
  return chars.length <= width ? s : `${chars.slice(0, width - 1).join('')}…`;
}

/** Cached tasks are the quiet majority of a run: only worth a line when verbose or when made elsewhere. */
export function quietCached(
  event: { status: TaskStatus; reason: Reason },
  verbose: boolean | undefined,
): boolean {
  return (
    event.status === 'cached' &&
    event.reason.type === 'cached' &&
    event.reason.from === undefined &&
    verbose !== true
  );
}

/** In a dry run, a task that is not cached "would run"; one that cannot start says why. */
export function wouldRun(event: { status: TaskStatus; reason: Reason }): boolean {
  return (
    event.status === 'skipped' && event.reason.type !== 'upstream-failed' && event.reason.type !== 'cancelled'
  );
}
