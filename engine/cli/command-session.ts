// The front of every command that runs tasks (`dsg run`, `dsg dev`): a project without .dsg/ loads its config
// first, so a bad config leaves nothing behind; then the session (lock, store, pruning limit) is opened.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { openSession, type Session } from '../run/session.ts';
import { cacheLimit } from './cache-limit.ts';
import type { FlagValues } from './args.ts';
import { printDiagnostics, type Io } from './io.ts';
import { lockSettings } from './lock-settings.ts';
import { stateDirOf } from './state-dir.ts';

/** An open session, and the graph loaded before it when the project had no .dsg/ yet. */
export interface CommandSession<T> {
  session: Session;
  loaded: T | undefined;
}

/** Opens the session of `command`; undefined after printing why not (a bad config, a lock not had). */
export async function openCommandSession<T>(
  io: Io,
  flags: FlagValues,
  command: string,
  loadFirst: () => Promise<T | undefined>,
): Promise<CommandSession<T> | undefined> {
  const stateDir = stateDirOf(io.cwd, flags, io.env);
  const fresh = !existsSync(stateDir);
  const loaded = fresh ? await loadFirst() : undefined;
  if (fresh && loaded === undefined) return undefined;
  const note = (d: Diagnostic): void => void printDiagnostics(io, [d]);
  const session = await openSession({
    projectDir: dirname(stateDir),
    command,
    signal: io.signal,
    note,
    ...lockSettings(flags, io.env),
    ...cacheLimit(flags, io.env),
  });
  if (!session.ok) {
    printDiagnostics(io, [session.error]);
    return undefined;
  }
  return { session: session.value, loaded };
}
