// The end-of-run summary shared by the tty and plain reporters: a table in execution order, the totals and the
// critical path.
import { TASK_STATUSES, type RunSummary, type TaskSummary } from '../events.ts';
import { formatReason } from '../reasons.ts';
import { Colors, formatDuration, paint, quietCached, statusMark } from './format.ts';

/** The status column fits the longest status word. */
const STATUS_WIDTH = Math.max(...TASK_STATUSES.map((s) => s.length)) + 2;

/** Renders a finished run for people; every line ends with a newline. */
export function formatSummary(summary: RunSummary, options: { color: boolean }): string {
  const lines: string[] = [];
  const tasks = [...summary.tasks].sort(executionOrder);
  // A no-op run over a thousand tasks should not print a thousand lines: cached tasks are counted, not listed.
  const shown = tasks.filter((t) => !quietCached(t, false));
  if (shown.length > 0) lines.push(...table(shown, options.color), '');
  // The failures themselves are printed once, in full, on stderr by the command (with their source lines).
  lines.push(totals(summary, options.color));
  if (summary.criticalPath.length > 0) {
    const steps = summary.criticalPath.map((s) => `${s.id} ${formatDuration(s.durationMs)}`);
    lines.push(`critical path: ${steps.join(' → ')}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** Tasks that never started have start = end; ids break ties so the table never depends on input order. */
function executionOrder(a: TaskSummary, b: TaskSummary): number {
  return a.startMs - b.startMs || a.endMs - b.endMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function table(tasks: readonly TaskSummary[], color: boolean): string[] {
  const time = (t: TaskSummary): string => (t.status === 'skipped' ? '-' : formatDuration(t.durationMs));
  const idWidth = Math.max(4, ...tasks.map((t) => t.id.length));
  const timeWidth = Math.max(4, ...tasks.map((t) => time(t).length));
  const header = `  ${'status'.padEnd(STATUS_WIDTH)}  ${'task'.padEnd(idWidth)}  ${'time'.padStart(timeWidth)}  reason`;
  const rows = tasks.map((t) => {
    const { mark, color: code } = statusMark[t.status];
    const status = paint(color, code, `${mark} ${t.status.padEnd(STATUS_WIDTH - 2)}`);
    return `  ${status}  ${t.id.padEnd(idWidth)}  ${time(t).padStart(timeWidth)}  ${formatReason(t.reason)}`;
  });
  return [paint(color, Colors.dim, header), ...rows];
}

function totals(summary: RunSummary, color: boolean): string {
  const { counts } = summary;
  const parts = [`ran ${counts.ran}`, `cached ${counts.cached}`];
  parts.push(counts.failed > 0 ? paint(color, Colors.red, `failed ${counts.failed}`) : `failed 0`);
  // Rare statuses only take room when they happened.
  if (counts.cancelled > 0) parts.push(paint(color, Colors.yellow, `cancelled ${counts.cancelled}`));
  if (counts.skipped > 0) parts.push(`skipped ${counts.skipped}`);
  parts.push(formatDuration(summary.durationMs));
  return parts.join(' · ');
}
