// What `dsg dev` reports besides the run events of each iteration (engine/run/events.ts). `--json` prints both,
// one per line; like the run events these shapes are a public format: fields may be added, never renamed.
import type { RunEvent } from '../run/events.ts';

/** An event of the dev loop itself. Paths are relative to the project folder (absolute when outside it). */
export type DevEvent =
  /** Watching started: the graph's size, the folders watched, the graph page when `--ui`. */
  | { type: 'dev-ready'; tasks: number; folders: number; url?: string }
  /** A batch of changes that affects tasks (or the config); an iteration follows. */
  | { type: 'dev-change'; paths: string[]; tasks: string[]; config: boolean }
  /** A batch that touches no input of any task (an iteration whose keys all held ends with `ran: 0`). */
  | { type: 'dev-idle'; paths: string[] }
  /** A change during an iteration: the tasks cancelled, the running ones the next iteration adopts. */
  | { type: 'dev-replan'; paths: string[]; cancelled: string[]; kept: string[] }
  /** An iteration ended; `fromSaveMs` is the time from the first change of its batch. */
  | { type: 'dev-done'; ok: boolean; ran: number; durationMs: number; fromSaveMs?: number }
  /** The config could not be loaded or compiled; the last good graph stays deployed. */
  | { type: 'dev-config-error'; message: string }
  /** Something of the `dev:` section, or the watcher, needs a look; the loop goes on. */
  | { type: 'dev-warning'; message: string }
  /** A line of a followed pod log (`dev.*.logs`) or a port-forward note. */
  | { type: 'dev-log'; source: string; line: string }
  /** The loop stopped (Ctrl-C). */
  | { type: 'dev-stop' };

/** Everything the dev view hears. */
export type DevViewEvent = RunEvent | DevEvent;
