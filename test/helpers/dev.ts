// Drives a real `dsg dev --json` process: its events as they arrive, waiting for one, and a clean stop.
import { startDsg, waitFor, type DsgOptions, type DsgResult, type RunningDsg } from './cli.ts';

/** One line of `dsg dev --json`: a run event or a dev event (engine/dev/events.ts). */
export interface DevEvent {
  type: string;
  id?: string;
  status?: string;
  paths?: string[];
  cancelled?: string[];
  kept?: string[];
  ok?: boolean;
  ran?: number;
  url?: string;
  message?: string;
  source?: string;
  line?: string;
  reason?: { type: string; changes?: string[] };
}

/** A running `dsg dev`. */
export interface DevProcess {
  process: RunningDsg;
  events(): DevEvent[];
  /** Waits for an event at or after index `from` that `match` accepts; returns its index. */
  waitFor(match: (e: DevEvent) => boolean, what: string, from?: number): Promise<number>;
  /** The ids of tasks that ended with `status` after index `from`. */
  ended(status: string, from: number): string[];
  /** Ctrl-C, then the process's end. */
  stop(): Promise<DsgResult>;
}

/** Starts `dsg dev --json` with `args`. */
export function startDev(args: string[], options: DsgOptions): DevProcess {
  const process = startDsg(['dev', '--json', ...args], options);
  const events = (): DevEvent[] =>
    process
      .output()
      .stdout.split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as DevEvent);
  return {
    process,
    events,
    waitFor: async (match, what, from = 0) => {
      let at = -1;
      await waitFor(
        () => {
          at = events().findIndex((e, i) => i >= from && match(e));
          return at >= 0;
        },
        `${what}; output so far:\n${process.output().stdout.slice(-4000)}\n${process.output().stderr.slice(-2000)}`,
        180_000,
      );
      return at;
    },
    ended: (status, from) =>
      events()
        .slice(from)
        .filter((e) => e.type === 'task-end' && e.status === status)
        .map((e) => e.id ?? '')
        .sort(),
    stop: async () => {
      process.kill('SIGINT');
      return process.done;
    },
  };
}

/** Waits until the iteration a change started has ended: a `dev-done` after the last change and replan. */
export async function settled(dev: DevProcess, what: string, from = 0): Promise<number> {
  let done = -1;
  await dev.waitFor(
    () => {
      const events = dev.events();
      done = events.findLastIndex((e) => e.type === 'dev-done');
      const change = events.findLastIndex((e) => e.type === 'dev-change' || e.type === 'dev-replan');
      return done >= from && done > change;
    },
    what,
    from,
  );
  return done;
}
