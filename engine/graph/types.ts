import type { SourceLocation } from '../diagnostics.ts';
import type { DeploymentConfig, ImageConfig, ProjectConfig } from '../config/types.ts';

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

/** Why an edge exists. */
export type EdgeReason = 'build-tag' | 'image-ref' | 'render-deploy' | 'dependency' | 'from';

/** `from` must succeed before `to` starts. */
export interface TaskEdge {
  from: string;
  to: string;
  reason: EdgeReason;
  /** True when the reference could not be seen at compile time (DevSpace's every-image fallback). */
  implicit: boolean;
  /** Human detail: `image: api in kube/api.yaml`. */
  detail: string;
  at?: SourceLocation;
}

/** The compiled graph: nodes in a stable order and their edges. */
export interface TaskGraph {
  nodes: ReadonlyMap<string, TaskNode>;
  edges: readonly TaskEdge[];
  root: ProjectConfig;
}
