// Public entry of the config stage: devspace.yaml (and the projects it depends on) → ProjectConfig.
// Each project is loaded once per config file, profiles, variables and namespace: diamonds share one
// ProjectConfig and cycles end, because a project already being loaded is returned as it is.
import { dirname, join, resolve } from 'node:path';
import { ReadLog } from '../../cache/read-log.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { DependencyRequest, ProjectRequest } from './requests.ts';
import { DiagSink } from './diag-sink.ts';
import { readDotEnv } from './dotenv.ts';
import { displayPath, type LoadEnv } from './load-env.ts';
import { loadProject } from './load-project.ts';
import { GitProbe } from './predefined-vars.ts';
import { SourceResolver } from './sources.ts';
import { gitCacheDir, type GitMode } from '../../cache/git-checkout.ts';
import type { ProjectConfig } from '../../core/config.ts';
import type { UnansweredVars } from './var-question.ts';

/** How dsg was started. */
export interface LoadOptions {
  /** Where dsg was started (absolute). */
  cwd: string;
  /** `--config FILE` (relative to cwd or absolute); default devspace.yaml in cwd. */
  configFile?: string;
  /** `-p`, repeatable, applied in order. */
  profiles: string[];
  /** `--var K=V`. */
  vars: Record<string, string>;
  /** The process environment (never read from process.env here). */
  env: Record<string, string>;
  /** `-n`, feeds DEVSPACE_NAMESPACE. */
  namespace?: string;
  kubeContext?: string;
  /** Cancels running variable commands, and the loading of files not yet parsed. */
  signal?: AbortSignal;
  /** Records every file, folder and variable the load reads (a fresh log when not given). */
  reads?: ReadLog;
  /** Told about each config file parsed (`DSG_DEBUG_LOAD`). */
  debug?: (line: string) => void;
  /**
   * Git dependencies and imports: `fetch` moving refs again (a run), `clone` only what is missing (the
   * default), or `offline` (use the git cache as it is).
   */
  git?: GitMode;
  /** Told, as it happens, what the load waits for (another dsg process updating a git checkout). */
  notify?: (line: string) => void;
  /**
   * Variables DevSpace would ask for in a terminal: asked through the function, or left unresolved with a
   * warning (`dsg graph`); without it, each is a located error naming `--var`.
   */
  unanswered?: UnansweredVars;
}

/** The loaded root project, the warnings of every project, and what the load read. */
export interface LoadedConfig {
  root: ProjectConfig;
  warnings: Diagnostic[];
  reads: ReadLog;
}

/** Loads the config dsg was pointed at; errors come back as located diagnostics, all at once. */
export async function loadConfig(options: LoadOptions): Promise<Result<LoadedConfig, Diagnostic[]>> {
  const reads = options.reads ?? new ReadLog();
  const file = rootConfigFile(options, reads);
  if (typeof file !== 'string') return fail([file]);
  const dotEnv = readDotEnv(dirname(file), reads);
  const loader = new Loader({ ...options, env: { ...dotEnv, ...options.env } }, reads);
  const root = loader.load({
    configFile: file,
    profiles: options.profiles,
    flags: options.vars,
    disableActivation: false,
    ignoreDependencies: false,
  });
  await loader.finished();
  const diagnostics = loader.diagnostics();
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok({ root, warnings: diagnostics, reads });
}

function rootConfigFile(options: LoadOptions, reads: ReadLog): string | Diagnostic {
  const named = options.configFile ?? options.env['DEVSPACE_CONFIG'];
  if (named === undefined || named === '') {
    const file = join(options.cwd, 'devspace.yaml');
    const info = reads.stat(file);
    if (info?.isFile()) return file;
    return {
      severity: 'error',
      message: `No devspace.yaml in "${options.cwd}" — run from a project directory or pass --config FILE`,
    };
  }
  const file = resolve(options.cwd, named);
  const info = reads.stat(file);
  if (!info) return { severity: 'error', message: `Cannot read config file "${named}": file not found` };
  if (info.isDirectory()) {
    return {
      severity: 'error',
      message: `Cannot read config file "${named}": it is a directory`,
      hint: `pass the config file inside it, e.g. --config ${join(named, 'devspace.yaml')}`,
    };
  }
  return file;
}

class Loader {
  private readonly projects = new Map<string, ProjectConfig>();
  private readonly sinks: { file: string; sink: DiagSink }[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly env: LoadEnv;

  constructor(options: LoadOptions, reads: ReadLog) {
    const sources = new SourceResolver({
      reads,
      cacheDir: gitCacheDir(options.env),
      mode: options.git ?? 'clone',
      env: options.env,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.notify ? { notify: options.notify } : {}),
    });
    this.env = {
      sources,
      cwd: options.cwd,
      env: reads.env(options.env),
      reads,
      namespace: options.namespace ?? 'default',
      kubeContext: options.kubeContext ?? '',
      git: new GitProbe(),
      timestamp: String(Math.floor(Date.now() / 1000)),
      random: randomWord(6),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.debug ? { debug: options.debug } : {}),
      ...(options.unanswered ? { unanswered: options.unanswered } : {}),
      loadDependency: (d: DependencyRequest) => this.load(dependencyRequest(d), d),
    };
  }

  /** Returns the project for `req`, starting to load it unless it is loaded or loading already. */
  load(req: ProjectRequest, from?: DependencyRequest): ProjectConfig {
    const key = JSON.stringify([
      req.configFile,
      req.profiles,
      Object.entries(req.flags).sort(([a], [b]) => (a < b ? -1 : 1)),
      req.namespace ?? '',
      req.disableActivation,
      req.ignoreDependencies,
    ]);
    const known = this.projects.get(key);
    if (known) return known;
    const project: ProjectConfig = {
      // A file in the git cache is shown by its absolute path: relative to the project it would climb out of it.
      file: from?.origin ? req.configFile : displayPath(this.env.cwd, req.configFile),
      dir: dirname(req.configFile),
      name: from?.name ?? '',
      sourceVersion: '',
      vars: {},
      secrets: [],
      images: [],
      deployments: [],
      dependencies: [],
      hooks: [],
      dev: [],
      locate: () => from?.at,
      ...(from?.origin ? { origin: from.origin } : {}),
    };
    this.projects.set(key, project);
    const sink = new DiagSink();
    this.sinks.push({ file: project.file, sink });
    this.pending.push(loadProject(req, this.env, project, sink));
    return project;
  }

  /** Waits until every project started so far (and those they start) is loaded. */
  async finished(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  /** All diagnostics, root project first, then dependencies in the order they were found. */
  diagnostics(): Diagnostic[] {
    return this.sinks.flatMap((s) => byPosition(s.sink.list, s.file));
  }
}

/** DEVSPACE_RANDOM: letters and digits, not a secret (node:crypto would cost a few ms to load). */
function randomWord(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)] ?? 'x';
  return out;
}

/**
 * A project's diagnostics in reading order: those without a location first, then the config file's, then those
 * of the files it imports, each file in order of first mention (stable otherwise).
 */
function byPosition(list: readonly Diagnostic[], file: string): Diagnostic[] {
  const files = [file, ...new Set(list.flatMap((d) => (d.location ? [d.location.file] : [])))];
  const pos = (d: Diagnostic): number =>
    d.location ? (files.indexOf(d.location.file) + 1) * 1e12 + d.location.line * 100_000 + d.location.col : 0;
  return [...list].sort((a, b) => pos(a) - pos(b));
}

function dependencyRequest(d: DependencyRequest): ProjectRequest {
  const req: ProjectRequest = {
    configFile: d.configFile,
    profiles: d.profiles,
    flags: d.flags,
    disableActivation: d.disableActivation,
    ignoreDependencies: d.ignoreDependencies,
  };
  if (d.profilesAt) req.profilesAt = d.profilesAt;
  if (d.namespace) req.namespace = d.namespace;
  return req;
}
