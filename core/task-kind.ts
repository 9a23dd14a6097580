// The task-kind contract: what a kind is given, what it answers, and how the engine calls it without knowing
// which kind it is. A kind is typed by its node (core/task.ts) and by the data of its output.
import type { Diagnostic } from './diagnostics.ts';
import type { Json, JsonObject } from './json.ts';
import type { TaskKind, TaskNodeOf } from './task.ts';
import type { Result } from './result.ts';

/** What a task reads, before upstream outputs are added; the engine hashes it into the task's key. */
export interface TaskInputs {
  /** The resolved config that matters for this task; a change to any field changes the key. */
  spec: Json;
  /** Input files, relative to the project directory; the engine digests them. */
  files: string[];
  /** Declared environment variables and their values. */
  env: Record<string, string>;
  /** Tool versions, e.g. `{ helm: '3.17.0' }`. */
  tools: Record<string, string>;
  /**
   * Every other path (absolute, or relative to the project) these inputs were computed from: files read or
   * looked for, folders listed, tool binaries; `listFiles` reports its own. While none of them, nor `files`,
   * changes, the inputs are the same, and a later run may skip computing them (engine/run/run-memo.ts).
   * Undefined: the kind cannot tell, and the inputs are computed on every run.
   */
  reads?: string[];
}

/** What a successful task produced: a digest for downstream keys and data for downstream tasks. */
export interface TaskOutput<D extends JsonObject = JsonObject> {
  digest: string;
  data: D;
}

/** Options of the whole run that tasks may consult. */
export interface RunSettings {
  skipPush: boolean;
  /** `-t/--tag` values. */
  tags: string[];
  namespace?: string;
  kubeContext?: string;
  forceBuild: boolean;
  forceDeploy: boolean;
  /** Directory for dsg's own files (`.dsg/` of the root project). */
  stateDir: string;
}

/** Everything a task needs while it runs; no task reaches for globals. */
export interface TaskContext {
  /** The task's key, computed before it runs. */
  key: string;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  /** Appends a line to the task's log. */
  log: (line: string) => void;
  /** Reports a warning (a cluster's `Warning` header...): logged, and shown with the task's outcome. */
  warn?: (line: string) => void;
  /** Outputs of the upstream tasks, by task id; a kind checks their shape with the producing kind's guard. */
  upstream: ReadonlyMap<string, TaskOutput>;
  settings: RunSettings;
  /** As in InputsContext: the build needs the context's file list again to pack it. */
  listFiles: ListFiles;
  /**
   * Why the task runs although this machine has a record of its key: forced, or its artifact is gone (the
   * status check said what is missing). A kind that skips work it finds already done must not skip then.
   */
  rerun?: 'forced' | 'artifact-missing';
}

/** The context for computing inputs: no signal or log, it must be cheap and side-effect free. */
export interface InputsContext {
  env: Readonly<Record<string, string>>;
  settings: RunSettings;
  listFiles: ListFiles;
}

/**
 * Lists files of the project, relative to the project directory, sorted. With `globs`: the files under `dir`
 * matching them. Otherwise `dir` is a build context, listed exactly as Docker sends it: `dockerfile` (relative
 * to the project) chooses `<Dockerfile>.dockerignore` over `.dockerignore`; `ignoreFiles` names the ignore file
 * the caller found (an older way to say the same). Fails with a diagnostic-ready message.
 */
export type ListFiles = (
  dir: string,
  options?: { dockerfile?: string; ignoreFiles?: string[]; globs?: string[] },
) => Promise<string[]>;

/** Whether the artifact a cached run produced still exists. */
export type ArtifactStatus =
  /** `from`: where the artifact was found when that is worth saying (`cached (from)`). */
  { present: true; from?: string } | { present: false; missing: string };

/** An artifact made elsewhere for the same inputs, and what it is (for the reason `cached (...)`). */
export interface Reused<D extends JsonObject = JsonObject> {
  output: TaskOutput<D>;
  what: string;
}

/** One task kind, for nodes of kind `K` whose outputs carry data `D`: read inputs, check the artifact, make it so. */
export interface TaskKindImpl<K extends TaskKind, D extends JsonObject> {
  kind: K;
  /** Bumped when the implementation changes what it produces for the same inputs. */
  implVersion: number;
  /** Whether output data read back from disk has this kind's shape (a damaged record is a miss, not a crash). */
  isOutput(data: JsonObject): data is D;
  inputs(task: TaskNodeOf<K>, ctx: InputsContext): Promise<Result<TaskInputs, Diagnostic>>;
  /** Why the task runs whatever its key says (`-b`, `rebuildStrategy: always`), or undefined. */
  forcedBy?(task: TaskNodeOf<K>, settings: RunSettings): string | undefined;
  status?(task: TaskNodeOf<K>, output: TaskOutput<D>, ctx: TaskContext): Promise<ArtifactStatus>;
  /**
   * Local paths whose unchanged stamps prove that `status` would still find the artifact (`[]`: nothing can
   * take it away). Undefined when the artifact lives elsewhere (an engine, a registry, a cluster) and only
   * `status` can tell. A kind without `status` needs no proof.
   */
  proof?(task: TaskNodeOf<K>, output: TaskOutput<D>, settings: RunSettings): string[] | undefined;
  /**
   * Asked when this machine has no record of the key: an artifact made elsewhere for the same inputs (an image
   * whose content-addressed tag is already in the registry) is reused instead of being made again.
   */
  reuse?(task: TaskNodeOf<K>, ctx: TaskContext): Promise<Reused<D> | undefined>;
  run(task: TaskNodeOf<K>, ctx: TaskContext): Promise<Result<TaskOutput<D>, Diagnostic>>;
  /** Removes what `run` created outside dsg (deploy kinds: the live objects, the helm release). */
  purge?(task: TaskNodeOf<K>, ctx: TaskContext): Promise<Result<void, Diagnostic>>;
}

/** A node bound to the implementation of its kind: what the engine calls, blind to kinds and output shapes. */
export interface BoundTask {
  implVersion: number;
  inputs(ctx: InputsContext): Promise<Result<TaskInputs, Diagnostic>>;
  forcedBy(settings: RunSettings): string | undefined;
  /** False when the kind trusts its record: no artifact to check. */
  checks: boolean;
  /** Whether a stored output's artifact still exists; an output of the wrong shape is missing. */
  status(output: TaskOutput, ctx: TaskContext): Promise<ArtifactStatus>;
  /** As the kind's `proof`; `[]` for a kind that checks nothing, undefined for an output of the wrong shape. */
  proof(output: TaskOutput, settings: RunSettings): string[] | undefined;
  reuse(ctx: TaskContext): Promise<Reused | undefined>;
  run(ctx: TaskContext): Promise<Result<TaskOutput, Diagnostic>>;
  /** Undefined when the kind leaves nothing outside dsg to remove. */
  purge: ((ctx: TaskContext) => Promise<Result<void, Diagnostic>>) | undefined;
}

/** Binds nodes of one kind to its implementation; the one place where a kind's output type is narrowed. */
export function bindKind<K extends TaskKind, D extends JsonObject>(
  impl: TaskKindImpl<K, D>,
): (node: TaskNodeOf<K>) => BoundTask {
  const typed = (output: TaskOutput): TaskOutput<D> | undefined => {
    const { data } = output;
    return impl.isOutput(data) ? { digest: output.digest, data } : undefined;
  };
  const purge = impl.purge?.bind(impl);
  return (node) => ({
    implVersion: impl.implVersion,
    inputs: (ctx) => impl.inputs(node, ctx),
    forcedBy: (settings) => impl.forcedBy?.(node, settings),
    checks: impl.status !== undefined,
    status: async (output, ctx) => {
      const known = typed(output);
      if (!known) return { present: false, missing: 'a readable record of the output' };
      return impl.status ? impl.status(node, known, ctx) : { present: true };
    },
    proof: (output, settings) => {
      if (!impl.status) return [];
      const known = typed(output);
      return known && impl.proof?.(node, known, settings);
    },
    reuse: async (ctx) => impl.reuse?.(node, ctx),
    run: (ctx) => impl.run(node, ctx),
    purge: purge && ((ctx) => purge(node, ctx)),
  });
}
