// Shared front half of every command: flags → loaded config → compiled graph, with diagnostics printed.
import { setTimeout as nextTurn } from 'node:timers/promises';
import { loadConfig } from '../config/load.ts';
import { compileGraph } from '../graph/compile.ts';
import type { ReadLog } from '../../cache/read-log.ts';
import type { TaskGraph } from '../graph/types.ts';
import { bool, list, str, type FlagValues } from './args.ts';
import { printDiagnostics, type Io } from './io.ts';

/** A compiled graph and everything loading and compiling it read. */
export interface LoadedGraph {
  graph: TaskGraph;
  reads: ReadLog;
}

/**
 * What the graph is loaded for: a run fetches git sources that can move (unless `--offline`); `graph` and `why`
 * only clone what is missing.
 */
export type LoadPurpose = 'run' | 'graph' | 'why';

/** Loads and compiles the project the flags point at; undefined after printing errors. */
export async function loadGraph(
  io: Io,
  flags: FlagValues,
  purpose: LoadPurpose,
): Promise<LoadedGraph | undefined> {
  const vars: Record<string, string> = {};
  for (const pair of list(flags, 'var')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      printDiagnostics(io, [
        { severity: 'error', message: `Flag "--var ${pair}" must have the form NAME=VALUE` },
      ]);
      return undefined;
    }
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const configFile = str(flags, 'config');
  const namespace = str(flags, 'namespace');
  const kubeContext = str(flags, 'kube-context');
  const loaded = await loadConfig({
    cwd: io.cwd,
    profiles: list(flags, 'profile'),
    vars,
    env: io.env,
    signal: io.signal,
    git: bool(flags, 'offline') ? 'offline' : purpose === 'run' ? 'fetch' : 'clone',
    notify: (line: string) => io.stderr.write(`${line}\n`),
    ...((io.env['DSG_DEBUG_LOAD'] ?? '') !== ''
      ? { debug: (line: string) => io.stderr.write(`${line}\n`) }
      : {}),
    ...(configFile !== undefined ? { configFile } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(kubeContext !== undefined ? { kubeContext } : {}),
  });
  // A Ctrl-C during a (synchronous) parse is delivered at the next turn of the event loop: take it first.
  if (await interrupted(io)) return undefined;
  if (!loaded.ok) {
    printDiagnostics(io, loaded.error);
    return undefined;
  }
  const { reads } = loaded.value;
  const compiled = await compileGraph(loaded.value.root, io.cwd, reads);
  if (await interrupted(io)) return undefined;
  printDiagnostics(io, loaded.value.warnings);
  if (!compiled.ok) {
    printDiagnostics(io, compiled.error);
    return undefined;
  }
  printDiagnostics(io, compiled.value.warnings);
  return { graph: compiled.value.graph, reads };
}

async function interrupted(io: Io): Promise<boolean> {
  // A timer, not a microtask: signal handlers run only once the event loop turns.
  await nextTurn(0);
  if (!io.signal.aborted) return false;
  io.stderr.write('dsg: interrupted\n');
  return true;
}
