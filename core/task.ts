// The task vocabulary: the nodes of a compiled graph, as every layer above core/ sees them.
import type { SourceLocation } from './diagnostics.ts';
import type { DeploymentConfig, HookConfig, ImageConfig, ProjectConfig } from './config.ts';

/** What each task kind is given by the compiler: the part of the config it acts on. */
export interface TaskSpecs {
  build: { image: ImageConfig };
  tag: { image: ImageConfig };
  /** `images`: the ids of the tag tasks whose images the render substitutes. */
  render: { deployment: DeploymentConfig; images: string[] };
  deploy: { deployment: DeploymentConfig };
}

/** One of the task kinds. */
export type TaskKind = keyof TaskSpecs;

/** The project a task belongs to. */
export interface TaskProject {
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the root project (`.` for the root), used in keys. */
  rel: string;
  /** Task-id prefix: '' for the root, `db/` or `db/cache/` for dependencies. */
  scope: string;
  config: ProjectConfig;
}

/** A node of one kind: `build:api`, `db/deploy:postgres`. */
export interface TaskNodeOf<K extends TaskKind> {
  id: string;
  kind: K;
  name: string;
  project: TaskProject;
  at: SourceLocation;
  spec: TaskSpecs[K];
  /**
   * The `${runtime...}` references in this task's config and files, each as its subject (`images.api`,
   * `dependencies.db.images.pg`) → the id of the task whose output fills it in. Resolved by the compiler, so a
   * reference to nothing is a compile error, never a literal string in a manifest.
   */
  refs: Readonly<Record<string, string>>;
  /** The project's hooks that fire around this task (builds and deploys only), in the order they run. */
  hooks?: TaskHook[];
}

/** A hook attached to a task: the event it fires at, and when that is. */
export interface TaskHook {
  /** The event as the hook names it: `before:build:api`, `after:deploy`, `error:deploy:*`. */
  event: string;
  /** Around the task's work (`run`), or around its purge. */
  action: 'run' | 'purge';
  when: 'before' | 'after' | 'error';
  /**
   * Set for an event of a whole project's phase (`before:deploy`): the hooks of one group run once per run,
   * before the first of its tasks that runs, or after the last of them.
   */
  group?: string;
  hook: HookConfig;
}

/**
 * A node of the graph, of any kind (`K` narrows it): a union discriminated by `kind`, written so that a
 * function generic over `K` can pair a node with the implementation of its kind without a cast.
 */
export type TaskNode<K extends TaskKind = TaskKind> = { [P in K]: TaskNodeOf<P> }[K];
