// Config → TaskGraph: one build and tag task per image, one render and deploy task per deployment, and the
// edges of DESIGN.md ("The graph"), each with the reason it exists.
import { join, relative } from 'node:path';
import type { ImageConfig, ProjectConfig } from '../../core/config.ts';
import { error, type Diagnostic, type SourceLocation } from '../../core/diagnostics.ts';
import { scanRuntimeRefsIn } from '../../core/runtime-refs.ts';
import { secretValues } from '../../core/secrets.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isAcyclic } from './acyclic.ts';
import { imageNamed, repositoryIndex } from '../../core/image-ref.ts';
import { dockerfileFroms } from '../../tasks/docker/dockerfile-from.ts';
import { attachHooks } from './hooks.ts';
import { scanDeployment, type SeenRuntimeRef, type SeenText } from './image-refs.ts';
import { collectProjects, type GraphProject } from './projects.ts';
import { ReadLog } from '../../cache/read-log.ts';
import { noteDeclaredEnv } from './declared-env.ts';
import { fileLocation, invalidRef, legacyWarning, resolveRefs, type RefSite } from './runtime-edges.ts';
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
  reads: ReadLog = new ReadLog(),
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
  const base = (project: GraphProject, name: string, at: SourceLocation) => ({ name, project, at, refs: {} });

  for (const project of projects) {
    const { scope } = project;
    for (const image of project.config.images) {
      const build = taskId(scope, 'build', image.name);
      const tag = taskId(scope, 'tag', image.name);
      nodes.set(build, { ...base(project, image.name, image.at), id: build, kind: 'build', spec: { image } });
      nodes.set(tag, { ...base(project, image.name, image.at), id: tag, kind: 'tag', spec: { image } });
      edges.push(edge(build, tag, 'build-tag', 'image'));
    }
    for (const deployment of project.config.deployments) {
      const render = taskId(scope, 'render', deployment.name);
      const node = base(project, deployment.name, deployment.at);
      nodes.set(render, { ...node, id: render, kind: 'render', spec: { deployment, images: [] } });
      if (!deploying.has(project)) continue;
      const deploy = taskId(scope, 'deploy', deployment.name);
      nodes.set(deploy, { ...node, id: deploy, kind: 'deploy', spec: { deployment } });
      edges.push(edge(render, deploy, 'render-deploy', 'rendered objects'));
    }
  }

  const scans = await Promise.all(
    projects.flatMap((project) =>
      project.config.deployments.map(async (d) => ({
        project,
        d,
        scan: await scanDeployment(project.config, d, indexOf(project).byRepository, reads),
      })),
    ),
  );
  for (const { project, d, scan } of scans) {
    warnings.push(...scan.warnings);
    const render = nodes.get(taskId(project.scope, 'render', d.name));
    if (render?.kind !== 'render') continue;
    const where = `deployment "${d.name}"`;
    const located = (file: SeenText['file']): SourceLocation =>
      file ? fileLocation(project, cwd, file) : d.at;
    const config = scanRuntimeRefsIn(d);
    for (const text of config.invalid) problems.push(invalidRef(text, where, d.at));
    for (const seen of scan.invalid) problems.push(invalidRef(seen.text, seen.where, located(seen.file)));
    const seenAt = (seen: SeenRuntimeRef): SourceLocation =>
      seen.path ? (project.config.locate(['deployments', d.name, ...seen.path]) ?? d.at) : located(seen.file);
    const sites: RefSite[] = [
      ...config.refs.map((ref) => ({ ref, where, at: d.at })),
      ...scan.runtime.map((seen) => ({ ref: seen.ref, where: seen.where, at: seenAt(seen) })),
    ];
    for (const site of sites) if (site.ref.legacy) warnings.push(legacyWarning(site));
    const resolved = resolveRefs(project, render.id, 'tag', sites, 'image-ref');
    problems.push(...resolved.problems);
    render.refs = resolved.refs;
    const tags = new Map<string, TaskEdge>(resolved.edges.map((e) => [e.from, e]));
    const known = indexOf(project).byName;
    for (const [name, detail] of scan.explicit) {
      const from = taskId(project.scope, 'tag', name);
      if (known.has(name) && !tags.has(from)) tags.set(from, edge(from, render.id, 'image-ref', detail));
    }
    if (scan.implicit !== undefined) {
      const detail = `every image of the project: ${scan.implicit}`;
      for (const name of known.keys()) {
        const from = taskId(project.scope, 'tag', name);
        if (tags.has(from)) continue;
        tags.set(from, { ...edge(from, render.id, 'image-ref', detail), implicit: true });
      }
    }
    edges.push(...tags.values());
    render.spec.images = [...tags.keys()];
  }

  const builds = await Promise.all(
    projects.flatMap((p) =>
      p.config.images.map((image) => buildEdges(p, indexOf(p), image, { cwd, nodes, reads })),
    ),
  );
  for (const result of builds) {
    edges.push(...result.edges);
    problems.push(...result.problems);
  }
  const known = new Set(edges.map((e) => `${e.from}\0${e.to}`));
  for (const project of projects) {
    noteDeclaredEnv(project.config, reads);
    const hooked = attachHooks(project, nodes.values());
    edges.push(...hooked.edges.filter((e) => !known.has(`${e.from}\0${e.to}`)));
    problems.push(...hooked.problems);
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
  const secrets = secretValues(projects.flatMap((p) => p.config.secrets));
  return ok({ graph: { nodes, edges, root, secrets }, warnings });
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

/** The edges into one build: its runtime references (which also fill its node's `refs`) and its `FROM` lines. */
async function buildEdges(
  project: GraphProject,
  { byRepository }: ProjectIndex,
  image: ImageConfig,
  { cwd, nodes, reads }: { cwd: string; nodes: ReadonlyMap<string, TaskNode>; reads: ReadLog },
): Promise<{ edges: TaskEdge[]; problems: Diagnostic[] }> {
  const target = taskId(project.scope, 'build', image.name);
  const where = `image "${image.name}"`;
  const scan = scanRuntimeRefsIn(image);
  const sites = scan.refs.map((ref) => ({ ref, where, at: image.at }));
  const resolved = resolveRefs(project, target, 'build', sites, 'from', image.name);
  const node = nodes.get(target);
  if (node) node.refs = resolved.refs;
  const out = resolved.edges;
  const problems = [...resolved.problems, ...scan.invalid.map((text) => invalidRef(text, where, image.at))];
  if (image.builder.kind !== 'docker') return { edges: out, problems };
  const file = join(project.dir, image.dockerfile);
  const text = reads.text(file);
  if (text === undefined) return { edges: out, problems };
  for (const from of dockerfileFroms(text, image.buildArgs)) {
    const name = imageNamed(from.image, byRepository);
    if (name === undefined || name === image.name) continue;
    const at = { file: relative(cwd, file), line: from.line, col: 1 };
    const parent = taskId(project.scope, 'build', name);
    if (out.some((e) => e.from === parent)) continue;
    out.push({ ...edge(parent, target, 'from', `FROM ${from.image} in ${image.dockerfile}`), at });
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
