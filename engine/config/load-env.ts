// What every project of one load shares, and how a path is shown in messages. Its own module so the loader's
// helpers (imports) can use them without a cycle through load-project.ts.
import { basename, relative, sep } from 'node:path';
import type { ReadLog } from '../../cache/read-log.ts';
import type { ProjectConfig } from '../../core/config.ts';
import type { GitProbe } from './predefined-vars.ts';
import type { DependencyRequest } from './requests.ts';
import type { SourceResolver } from './sources.ts';
import type { UnansweredVars } from './var-question.ts';

/** What every project of one load shares. */
export interface LoadEnv {
  cwd: string;
  env: Record<string, string>;
  /** `-n`, or "default": the value of DEVSPACE_NAMESPACE. */
  namespace: string;
  kubeContext: string;
  git: GitProbe;
  /** Finds the config files of dependencies and imports (paths, git checkouts). */
  sources: SourceResolver;
  /** Records what the load reads, for memos of its result. */
  reads: ReadLog;
  timestamp: string;
  random: string;
  signal?: AbortSignal;
  /** Told about each config file parsed (`DSG_DEBUG_LOAD`). */
  debug?: (line: string) => void;
  /** Variables DevSpace would ask for: asked, or left unresolved with a warning; errors when absent. */
  unanswered?: UnansweredVars;
  /** Starts loading a dependency (once per request) and returns its project right away. */
  loadDependency(request: DependencyRequest): ProjectConfig;
}

/** The path of `abs` as shown in messages: relative to where dsg was started. */
export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel === '' ? basename(abs) : rel).split(sep).join('/');
}
