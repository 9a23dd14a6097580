// The compiled graph: task nodes (core/task.ts) and the edges between them, each with its reason.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { ProjectConfig } from '../../core/config.ts';
import type { TaskNode } from '../../core/task.ts';

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
  /** The secret values of every project of the graph (core/secrets.ts): shown as `***`, kept as digests. */
  secrets: string[];
}
