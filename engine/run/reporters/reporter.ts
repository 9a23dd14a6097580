import { createJsonReporter } from './json.ts';
import { createPlainReporter } from './plain.ts';
import { createTtyReporter } from './tty.ts';
import type { Reporter, ReporterOptions, ReporterOutput } from './types.ts';

export type { Reporter, ReporterOptions, ReporterOutput } from './types.ts';
export { formatSummary } from './summary.ts';

/** How run events are shown: a live terminal view, prefixed lines (CI, pipes), or JSON lines (`--json`). */
export type ReporterMode = 'tty' | 'plain' | 'json';

/** Creates the reporter for `mode`, writing to `out`. */
export function createReporter(mode: ReporterMode, out: ReporterOutput, options: ReporterOptions): Reporter {
  switch (mode) {
    case 'tty':
      return createTtyReporter(out, options);
    case 'plain':
      return createPlainReporter(out, options);
    case 'json':
      return createJsonReporter(out);
  }
}
