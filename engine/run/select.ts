// Which tasks a pipeline runs, and the dependencies among them.
import type { TaskGraph } from '../graph/types.ts';
import type { TaskKind, TaskNode } from '../../core/task.ts';

/** The pipelines of `dsg run`. */
export const PIPELINES = ['deploy', 'build', 'render', 'purge'] as const;

/** One of the pipelines. */
export type PipelineName = (typeof PIPELINES)[number];

const KINDS: Record<PipelineName, readonly TaskKind[]> = {
  deploy: ['build', 'tag', 'render', 'deploy'],
  build: ['build', 'tag'],
  render: ['build', 'tag', 'render'],
  purge: ['deploy'],
};

/** The tasks of a pipeline in graph order, with each task's upstream ids among them. */
export function selectTasks(
  graph: TaskGraph,
  pipeline: PipelineName,
  only?: ReadonlySet<string>,
): { nodes: TaskNode[]; deps: Map<string, string[]> } {
  const kinds = new Set(KINDS[pipeline]);
  const nodes = [...graph.nodes.values()].filter(
    (n) => kinds.has(n.kind) && (only === undefined || only.has(n.id)),
  );
  const deps = new Map(nodes.map((n) => [n.id, [] as string[]]));
  for (const e of graph.edges) {
    if (!deps.has(e.from)) continue;
    // Purge runs against the edges: dependents are removed before what they depend on.
    const [from, to] = pipeline === 'purge' ? [e.to, e.from] : [e.from, e.to];
    deps.get(to)?.push(from);
  }
  return { nodes, deps };
}

/** The task kinds a pipeline will run on this graph (limited to `only` when given). */
export function pipelineKinds(
  graph: TaskGraph,
  pipeline: PipelineName,
  only?: ReadonlySet<string>,
): Set<TaskKind> {
  return new Set(selectTasks(graph, pipeline, only).nodes.map((n) => n.kind));
}
