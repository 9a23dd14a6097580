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

/** How a run narrows its pipeline: to some deployments (`dsg run deploy web api`), and without deploys. */
export interface Narrowing {
  /** Deployment names as given: `web` in the root project, `db/postgres` in dependency `db`. */
  deployments: readonly string[];
  /** `--skip-deploy`: build and tag only, nothing rendered or deployed. */
  skipDeploy: boolean;
}

/**
 * The tasks a narrowed run runs (undefined: every task of the pipeline): each named deployment's render and
 * deploy with everything they depend on — their images, and the deployments of the dependencies they wait
 * for — except for purge, which removes only what was named. Fails with the names that are no deployment.
 */
export function narrowTasks(
  graph: TaskGraph,
  pipeline: PipelineName,
  { deployments, skipDeploy }: Narrowing,
): { ok: true; value: ReadonlySet<string> | undefined } | { ok: false; error: string[] } {
  if (deployments.length === 0 && !skipDeploy) return { ok: true, value: undefined };
  const kinds = new Set(KINDS[pipeline]);
  const inPipeline = [...graph.nodes.values()].filter((n) => kinds.has(n.kind));
  let chosen = new Set(inPipeline.map((n) => n.id));
  if (deployments.length > 0) {
    const unknown: string[] = [];
    const targets: string[] = [];
    for (const name of deployments) {
      const found = inPipeline.filter(
        (n) => (n.kind === 'render' || n.kind === 'deploy') && `${n.project.scope}${n.name}` === name,
      );
      if (found.length === 0) unknown.push(name);
      targets.push(...found.map((n) => n.id));
    }
    if (unknown.length > 0) return { ok: false, error: unknown };
    chosen = pipeline === 'purge' ? new Set(targets) : upstreamOf(graph, targets, chosen);
  }
  if (skipDeploy)
    for (const n of inPipeline) if (n.kind === 'render' || n.kind === 'deploy') chosen.delete(n.id);
  return { ok: true, value: chosen };
}

/** `targets` and every task among `within` they depend on, directly or not. */
function upstreamOf(graph: TaskGraph, targets: readonly string[], within: ReadonlySet<string>): Set<string> {
  const into = new Map<string, string[]>();
  for (const e of graph.edges) into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
  const seen = new Set<string>();
  const stack = [...targets];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id) || !within.has(id)) continue;
    seen.add(id);
    stack.push(...(into.get(id) ?? []));
  }
  return seen;
}

/** The names `narrowTasks` accepts: every deployment, as `web` or `db/postgres`. */
export function deploymentNames(graph: TaskGraph): string[] {
  const names = new Set<string>();
  for (const n of graph.nodes.values()) if (n.kind === 'render') names.add(`${n.project.scope}${n.name}`);
  return [...names];
}
