// For CI and pipes: one prefixed line per event, nothing redrawn, then the summary.
import type { RunEvent } from '../events.ts';
import { formatReason } from '../reasons.ts';
import { Colors, firstLine, formatDuration, paint, quietCached, statusMark, wouldRun } from './format.ts';
import { formatSummary } from './summary.ts';
import type { Reporter, ReporterOptions, ReporterOutput } from './types.ts';

/** Prints `[build:api] start (first run)`, `[build:api] done 1.2s`, and the summary at the end of the run. */
export function createPlainReporter(out: ReporterOutput, options: ReporterOptions): Reporter {
  const { color } = options;
  let dryRun = false;
  const line = (id: string, text: string): unknown =>
    out.write(`${paint(color, Colors.dim, `[${id}]`)} ${text}\n`);
  return {
    onEvent(event: RunEvent): void {
      switch (event.type) {
        case 'run-start': {
          dryRun = event.dryRun;
          const count = `${event.total} ${event.total === 1 ? 'task' : 'tasks'}`;
          out.write(`Running ${event.pipeline}: ${count}${event.dryRun ? ' (dry run)' : ''}\n`);
          return;
        }
        case 'task-start':
          // A cached task is announced once, by its end line.
          if (event.reason.type !== 'cached') line(event.id, `start (${formatReason(event.reason)})`);
          return;
        case 'task-log':
          if (options.verbose === true) for (const l of event.line.split('\n')) line(event.id, l);
          return;
        case 'task-end': {
          // Warnings are shown whatever the verbosity: the run succeeded, but something needs a look.
          for (const w of event.warnings ?? []) line(event.id, paint(color, Colors.yellow, `warning: ${w}`));
          const word = paint(color, statusMark[event.status].color, endWord[event.status]);
          const time = formatDuration(event.durationMs);
          switch (event.status) {
            case 'ran':
            case 'cancelled':
              line(event.id, `${word} ${time}`);
              return;
            case 'cached':
              // formatReason reads `cached` or `cached (image … in the registry)`.
              if (!quietCached(event, options.verbose)) line(event.id, formatReason(event.reason));
              return;
            case 'failed':
              line(
                event.id,
                `${word} ${time}${event.error === undefined ? '' : `: ${firstLine(event.error)}`}`,
              );
              return;
            case 'skipped':
              line(
                event.id,
                `${dryRun && wouldRun(event) ? 'would run' : word} (${formatReason(event.reason)})`,
              );
              return;
          }
          return;
        }
        case 'run-end':
          out.write(`\n${formatSummary(event.summary, { color })}`);
          return;
      }
    },
    close(): void {
      // Nothing buffered: every line was written when its event arrived.
    },
  };
}

const endWord = {
  ran: 'done',
  cached: 'cached',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
};
