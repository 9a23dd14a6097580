// Shared front half of every command: flags → loaded config → compiled graph, with diagnostics printed.
import { setTimeout as nextTurn } from 'node:timers/promises';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { compileGraph } from '../graph/compile.ts';
import { ReadLog } from '../../cache/read-log.ts';
import type { TaskGraph } from '../graph/types.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
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

/** How to load: what for (default `run`), who hears the warnings (printed by default), the read log to fill. */
export interface LoadGraphOptions {
  purpose?: LoadPurpose;
  onWarnings?: (warnings: readonly Diagnostic[]) => void;
  /** Records what loading read (a fresh log when not given), also when it fails: `dsg dev` watches those files. */
  reads?: ReadLog;
}

/** Loads and compiles the project the flags point at; undefined after printing errors. */
export async function loadGraph(
  io: Io,
  flags: FlagValues,
  options: LoadGraphOptions = {},
): Promise<LoadedGraph | undefined> {
  const reads = options.reads ?? new ReadLog();
  const onWarnings = options.onWarnings ?? ((ds: readonly Diagnostic[]) => void printDiagnostics(io, ds));
  const loaded = await loadFlaggedConfig(io, flags, options.purpose ?? 'run', reads);
  if (!loaded) return undefined;
  const compiled = await compileGraph(loaded.root, io.cwd, reads);
  if (await interrupted(io)) return undefined;
  onWarnings(loaded.warnings);
  if (!compiled.ok) {
    printDiagnostics(io, compiled.error);
    return undefined;
  }
  onWarnings(compiled.value.warnings);
  return { graph: compiled.value.graph, reads };
}

/**
 * Loads the config the flags point at (`--config`, `-p`, `--var`, `-n`, `--offline`); undefined after printing
 * errors. What it reads goes to `reads`.
 */
export async function loadFlaggedConfig(
  io: Io,
  flags: FlagValues,
  purpose: LoadPurpose,
  reads: ReadLog = new ReadLog(),
): Promise<LoadedConfig | undefined> {
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
    reads,
    git: bool(flags, 'offline') ? 'offline' : purpose === 'run' ? 'fetch' : 'clone',
    notify: (line: string) => io.stderr.write(`${line}\n`),
    // A graph never waits for an answer: it shows the variable unresolved. A run asks when it has a terminal.
    ...(purpose === 'graph' ? { unanswered: 'unresolved' as const } : io.ask ? { unanswered: io.ask } : {}),
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
  return loaded.value;
}

async function interrupted(io: Io): Promise<boolean> {
  // A timer, not a microtask: signal handlers run only once the event loop turns.
  await nextTurn(0);
  if (!io.signal.aborted) return false;
  io.stderr.write('dsg: interrupted\n');
  return true;
}
