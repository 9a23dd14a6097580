// The task vocabulary: the nodes of a compiled graph, as every layer above core/ sees them.
import type { SourceLocation } from './diagnostics.ts';
import type { DeploymentConfig, ImageConfig, ProjectConfig } from './config.ts';

/** The task kinds, in pipeline order. */
export const TASK_KINDS = ['build', 'tag', 'render', 'deploy'] as const;

/** One of the task kinds. */
export type TaskKind = (typeof TASK_KINDS)[number];

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

/** The kind-specific part of a task. */
export type TaskSpec =
  | { kind: 'build'; image: ImageConfig }
  | { kind: 'tag'; image: ImageConfig }
  | { kind: 'render'; deployment: DeploymentConfig; images: string[] }
  | { kind: 'deploy'; deployment: DeploymentConfig };

/** A node of the graph: `build:api`, `db/deploy:postgres`. */
export interface TaskNode {
  id: string;
  kind: TaskKind;
  name: string;
  project: TaskProject;
  at: SourceLocation;
  spec: TaskSpec;
}
