import type { RunEvent } from '../events.ts';

/** Where a reporter writes: `process.stdout`, or a string sink in tests. `columns` is read at every redraw. */
export interface ReporterOutput {
  write(s: string): unknown;
  columns?: number;
}

/** How a reporter prints. */
export interface ReporterOptions {
  /** ANSI colors; false under NO_COLOR or when the output is not a terminal. */
  color: boolean;
  /** Print every task's log lines, not only the last one in the live view. */
  verbose?: boolean;
  /** Clock in milliseconds for elapsed times (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

/** Consumes the events of one run. */
export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Stops timers and leaves the output clean; call once when the run is over (also after a crash). */
  close(): void;
}
