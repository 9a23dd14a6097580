// The reporter the flags and the terminal ask for: `--json` lines, a live view on a terminal, plain lines in CI.
import { createReporter } from '../run/reporters/reporter.ts';
import type { Reporter } from '../run/reporters/types.ts';
import { bool, type FlagValues } from './args.ts';
import type { Io } from './io.ts';

/** The reporter of a `dsg run`. */
export function runReporter(io: Io, flags: FlagValues): Reporter {
  return createReporter(bool(flags, 'json') ? 'json' : io.stdoutIsTTY ? 'tty' : 'plain', io.stdout, {
    color: io.color,
    verbose: bool(flags, 'verbose'),
  });
}
