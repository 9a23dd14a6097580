// Config → TaskGraph: one build and tag task per image, one render and deploy task per deployment, and the
// edges of DESIGN.md ("The graph"), each with the reason it exists.
import { join, relative } from 'node:path';
import type { ImageConfig } from '../../core/config.ts';
import type { ProjectConfig } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isAcyclic } from './acyclic.ts';
import { dockerfileFroms } from './dockerfile-from.ts';
import { repositoryIndex, scanDeployment } from './image-refs.ts';
import { repositoryOf, runtimeImageNames } from './image-names.ts';
import { collectProjects, type GraphProject } from './projects.ts';
import { readTextIfExists } from './read-text.ts';
import type { TaskEdge, TaskGraph } from './types.ts';
import type { TaskKind, TaskNode } from '../../core/task.ts';

/** A compiled graph and the warnings found on the way. */
export interface CompiledGraph {
  graph: TaskGraph;
  warnings: Diagnostic[];
}

/** The id of a task: `build:api`, `db/deploy:postgres`. */
export function taskId(scope: string, kind: TaskKind, name: string): string {
  return `${scope}${kind}:${name}`;
}

/** Compiles the root project (and its dependencies) into a task graph. */
export async function compileGraph(
  root: ProjectConfig,
  cwd: string,
): Promise<Result<CompiledGraph, Diagnostic[]>> {
  const { projects, errors } = collectProjects(root);
  if (errors.length > 0) return fail(errors);
  const nodes = new Map<string, TaskNode>();
  const edges: TaskEdge[] = [];
  const warnings: Diagnostic[] = [];
  const problems: Diagnostic[] = [];
  const deploying = deployingProjects(projects);
  // Per-project lookups, built once: per deployment or per image they would make compiling quadratic.
  const indexes = new Map(projects.map((p) => [p, projectIndex(p.config)]));
  const indexOf = (p: GraphProject): ProjectIndex => indexes.get(p) ?? projectIndex(p.config);

  for (const project of projects) {
    const { scope } = project;
    for (const image of project.config.images) {
      for (const kind of ['build', 'tag'] as const) {
        const id = taskId(scope, kind, image.name);
        nodes.set(id, { id, kind, name: image.name, project, at: image.at, spec: { kind, image } });
      }
      edges.push(
        edge(taskId(scope, 'build', image.name), taskId(scope, 'tag', image.name), 'build-tag', 'image'),
      );
    }
    for (const deployment of project.config.deployments) {
      const render = taskId(scope, 'render', deployment.name);
      nodes.set(render, {
        id: render,
        kind: 'render',
        name: deployment.name,
        project,
        at: deployment.at,
        spec: { kind: 'render', deployment, images: [] },
      });
      if (!deploying.has(project)) continue;
      const deploy = taskId(scope, 'deploy', deployment.name);
      nodes.set(deploy, {
        id: deploy,
        kind: 'deploy',
        name: deployment.name,
        project,
        at: deployment.at,
        spec: { kind: 'deploy', deployment },
      });
      edges.push(edge(render, deploy, 'render-deploy', 'rendered objects'));
    }
  }

  const scans = await Promise.all(
    projects.flatMap((project) =>
      project.config.deployments.map(async (d) => ({
        project,
        d,
        scan: await scanDeployment(project.config, d, indexOf(project).byRepository),
      })),
    ),
  );
  for (const { project, d, scan } of scans) {
    warnings.push(...scan.warnings);
    const render = nodes.get(taskId(project.scope, 'render', d.name));
    const known = indexOf(project).byName;
    for (const name of scan.runtime) {
      if (!known.has(name))
        problems.push(undefinedImage(project.config, name, `deployment "${d.name}"`, d.at));
    }
    const tags = new Map<string, TaskEdge>();
    for (const [name, detail] of scan.explicit) {
      if (known.has(name))
        tags.set(name, edge(taskId(project.scope, 'tag', name), render?.id ?? '', 'image-ref', detail));
    }
    if (scan.implicit) {
      for (const name of known.keys()) {
        if (!tags.has(name)) {
          tags.set(name, {
            ...edge(
              taskId(project.scope, 'tag', name),
              render?.id ?? '',
              'image-ref',
              'references not visible: every image of the project',
            ),
            implicit: true,
          });
        }
      }
    }
    edges.push(...tags.values());
    if (render?.spec.kind === 'render') render.spec.images = [...tags.values()].map((e) => e.from);
  }

  const builds = await Promise.all(
    projects.flatMap((p) => p.config.images.map((image) => buildEdges(p, indexOf(p), image, cwd))),
  );
  for (const result of builds) {
    edges.push(...result.edges);
    problems.push(...result.problems);
  }
  edges.push(...dependencyEdges(projects, nodes));
  if (problems.length > 0) return fail(problems);

  const pairs = edges.map((e) => [e.from, e.to] as const);
  if (!isAcyclic(nodes.keys(), pairs)) {
    // Only a graph with a cycle needs the graph library, to name one cycle.
    const { makeDag } = await import('./dag.ts');
    const cycle = makeDag(nodes.keys(), pairs).findCycle();
    if (cycle) return fail([cycleError(cycle, edges)]);
  }
  return ok({ graph: { nodes, edges, root }, warnings });
}

function edge(from: string, to: string, reason: TaskEdge['reason'], detail: string): TaskEdge {
  return { from, to, reason, implicit: false, detail };
}

// A dependency's deploys are skipped when every project naming it says so.
function deployingProjects(projects: readonly GraphProject[]): Set<GraphProject> {
  const out = new Set<GraphProject>(projects.slice(0, 1));
  for (const p of projects) for (const d of p.dependsOn) if (d.dependency.deploy) out.add(d.project);
  return out;
}

/** A project's images by name and by repository. */
interface ProjectIndex {
  byName: ReadonlyMap<string, ImageConfig>;
  byRepository: ReadonlyMap<string, string>;
}

function projectIndex(config: ProjectConfig): ProjectIndex {
  return { byName: new Map(config.images.map((i) => [i.name, i])), byRepository: repositoryIndex(config) };
}

async function buildEdges(
  project: GraphProject,
  { byName: known, byRepository }: ProjectIndex,
  image: ImageConfig,
  cwd: string,
): Promise<{ edges: TaskEdge[]; problems: Diagnostic[] }> {
  const target = taskId(project.scope, 'build', image.name);
  const out: TaskEdge[] = [];
  const problems: Diagnostic[] = [];
  const strings = JSON.stringify([
    image.buildArgs,
    image.builder,
    image.tags,
    image.appendDockerfileInstructions,
  ]);
  for (const name of new Set(runtimeImageNames(strings))) {
    if (!known.has(name))
      problems.push(undefinedImage(project.config, name, `image "${image.name}"`, image.at));
    else if (name !== image.name)
      out.push({
        ...edge(
          taskId(project.scope, 'build', name),
          target,
          'from',
          `\${runtime.images.${name}} in image "${image.name}"`,
        ),
        at: image.at,
      });
  }
  if (image.builder.kind !== 'docker') return { edges: out, problems };
  const file = join(project.dir, image.dockerfile);
  const text = readTextIfExists(file);
  if (text === undefined) return { edges: out, problems };
  for (const from of dockerfileFroms(text, image.buildArgs)) {
    const name = byRepository.get(repositoryOf(from.image));
    if (name === undefined || name === image.name) continue;
    const at = { file: relative(cwd, file), line: from.line, col: 1 };
    out.push({
      ...edge(
        taskId(project.scope, 'build', name),
        target,
        'from',
        `FROM ${from.image} in ${image.dockerfile}`,
      ),
      at,
    });
  }
  return { edges: out, problems };
}

function dependencyEdges(
  projects: readonly GraphProject[],
  nodes: ReadonlyMap<string, TaskNode>,
): TaskEdge[] {
  const deploysOf = (p: GraphProject): string[] =>
    [...nodes.values()].filter((n) => n.kind === 'deploy' && n.project === p).map((n) => n.id);
  // A project without deployments passes its dependencies' barrier on to its dependents.
  const barrier = new Map<GraphProject, string[]>();
  const barrierOf = (p: GraphProject, seen: Set<GraphProject>): string[] => {
    const known = barrier.get(p);
    if (known) return known;
    if (seen.has(p)) return [];
    seen.add(p);
    const own = deploysOf(p);
    const result = own.length > 0 ? own : p.dependsOn.flatMap((d) => barrierOf(d.project, seen));
    barrier.set(p, result);
    return result;
  };
  const out: TaskEdge[] = [];
  for (const p of projects) {
    const targets = deploysOf(p);
    for (const { dependency, project } of p.dependsOn) {
      for (const from of barrierOf(project, new Set())) {
        for (const to of targets)
          out.push({ ...edge(from, to, 'dependency', `dependency "${dependency.name}"`), at: dependency.at });
      }
    }
  }
  return out;
}

function undefinedImage(project: ProjectConfig, name: string, where: string, at: TaskNode['at']): Diagnostic {
  const names = project.images.map((i) => `"${i.name}"`).join(', ') || 'none';
  return error(`Image "${name}" used by ${where} is not defined in images`, at, `defined images: ${names}`);
}

function cycleError(cycle: readonly string[], edges: readonly TaskEdge[]): Diagnostic {
  const ring = [...cycle, cycle[0] ?? ''];
  const steps = ring.slice(1).map((to, i) => edges.find((e) => e.from === ring[i] && e.to === to));
  const d = error(
    `Task cycle: ${ring.join(' → ')}`,
    steps.find((s) => s?.at)?.at,
    'break the cycle by removing one of these references',
  );
  d.related = steps.flatMap((s) =>
    s
      ? [
          s.at
            ? { message: `${s.from} → ${s.to}: ${s.detail}`, location: s.at }
            : { message: `${s.from} → ${s.to}: ${s.detail}` },
        ]
      : [],
  );
  return d;
}
