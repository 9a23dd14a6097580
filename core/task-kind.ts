import type { Diagnostic } from './diagnostics.ts';
import type { Json } from './json.ts';
import type { TaskNode } from './task.ts';
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
export interface TaskOutput {
  digest: string;
  data: { [key: string]: Json };
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
  task: TaskNode;
  /** The task's key, computed before it runs. */
  key: string;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  /** Appends a line to the task's log. */
  log: (line: string) => void;
  /** Outputs of the upstream tasks, by task id. */
  upstream: ReadonlyMap<string, TaskOutput>;
  settings: RunSettings;
  /** As in InputsContext: the build needs the context's file list again to pack it. */
  listFiles: ListFiles;
}

/** The context for computing inputs: no signal or log, it must be cheap and side-effect free. */
export interface InputsContext {
  task: TaskNode;
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

/** One task kind: how to read its inputs, check its artifact, and make it so. */
export interface TaskKindImpl {
  kind: TaskNode['kind'];
  /** Bumped when the implementation changes what it produces for the same inputs. */
  implVersion: number;
  inputs(task: TaskNode, ctx: InputsContext): Promise<Result<TaskInputs, Diagnostic>>;
  status?(task: TaskNode, output: TaskOutput, ctx: TaskContext): Promise<ArtifactStatus>;
  /**
   * Local paths whose unchanged stamps prove that `status` would still find the artifact (`[]`: nothing can
   * take it away). Undefined when the artifact lives elsewhere (an engine, a registry, a cluster) and only
   * `status` can tell. A kind without `status` needs no proof.
   */
  proof?(task: TaskNode, output: TaskOutput, settings: RunSettings): string[] | undefined;
  /**
   * Asked when this machine has no record of the key: an artifact made elsewhere for the same inputs (an image
   * whose content-addressed tag is already in the registry) is reused instead of being made again.
   */
  reuse?(task: TaskNode, ctx: TaskContext): Promise<{ output: TaskOutput; what: string } | undefined>;
  run(task: TaskNode, ctx: TaskContext): Promise<Result<TaskOutput, Diagnostic>>;
  /** Removes what `run` created outside dsg (deploy kinds: the live objects, the helm release). */
  purge?(task: TaskNode, ctx: TaskContext): Promise<Result<void, Diagnostic>>;
}

/** `data` of a build task's output. */
export interface BuiltImage {
  [key: string]: Json;
  /** Image name in `images:`. */
  name: string;
  /** Repository, e.g. `127.0.0.1:5000/shop/api`. */
  image: string;
  /** The tag the build produced (the first of `tags`). */
  tag: string;
  /** Every tag the build applied, the primary first. */
  tags: string[];
  /** Engine image id (`sha256:...`), empty for custom builders that do not report one. */
  imageId: string;
}

/** `data` of a tag task's output: what render tasks substitute into manifests and values. */
export interface TaggedImage {
  [key: string]: Json;
  name: string;
  image: string;
  /** The primary tag. */
  tag: string;
  /** Every `repository:tag` applied. */
  refs: string[];
  /** Registry manifest digest when pushed (`sha256:...`), otherwise the engine image id. */
  digest: string;
  pushed: boolean;
}
