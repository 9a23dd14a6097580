// The projects of a graph: the root and every dependency, once per resolved directory, each with its scope.
import { relative } from 'node:path';
import type { DependencyConfig, ProjectConfig } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { TaskProject } from '../../core/task.ts';

/** A project of the graph and the dependencies whose deploys must finish before its own. */
export interface GraphProject extends TaskProject {
  dependsOn: { dependency: DependencyConfig; project: GraphProject }[];
}

/**
 * How a project is named in pictures: its name and folder, or for a git checkout its URL and ref (the folder
 * in the git cache says nothing and differs between machines).
 */
export function projectLabel(project: TaskProject): string {
  const origin = project.config.origin;
  if (!origin) return `${project.config.name} (${project.rel})`;
  const sub = origin.subPath ? ` ${origin.subPath}` : '';
  return `${project.config.name} (${origin.git}${sub}, ${origin.ref})`;
}

/** Collects projects breadth-first (so a diamond gets its shortest scope) and rejects dependency cycles. */
export function collectProjects(root: ProjectConfig): { projects: GraphProject[]; errors: Diagnostic[] } {
  const byDir = new Map<string, GraphProject>();
  const make = (config: ProjectConfig, scope: string): GraphProject => {
    const project: GraphProject = {
      dir: config.dir,
      rel: relative(root.dir, config.dir) || '.',
      scope,
      config,
      dependsOn: [],
    };
    byDir.set(config.dir, project);
    return project;
  };
  const queue = [make(root, '')];
  for (let i = 0; i < queue.length; i++) {
    const project = queue[i];
    if (!project) break;
    for (const dependency of project.config.dependencies) {
      let target = byDir.get(dependency.dir);
      if (!target) {
        target = make(dependency.project, `${project.scope}${dependency.name}/`);
        queue.push(target);
      }
      project.dependsOn.push({ dependency, project: target });
    }
  }
  const cycle = findDependencyCycle(queue);
  return { projects: queue, errors: cycle ? [cycle] : [] };
}

function findDependencyCycle(projects: readonly GraphProject[]): Diagnostic | undefined {
  const state = new Map<GraphProject, 'active' | 'done'>();
  const trail: { from: GraphProject; dependency: DependencyConfig }[] = [];
  const visit = (p: GraphProject): Diagnostic | undefined => {
    state.set(p, 'active');
    for (const { dependency, project } of p.dependsOn) {
      trail.push({ from: p, dependency });
      if (state.get(project) === 'active') return cycleDiagnostic(trail, project);
      if (!state.has(project)) {
        const found = visit(project);
        if (found) return found;
      }
      trail.pop();
    }
    state.set(p, 'done');
    return undefined;
  };
  for (const p of projects) {
    if (state.has(p)) continue;
    const found = visit(p);
    if (found) return found;
  }
  return undefined;
}

function cycleDiagnostic(
  trail: { from: GraphProject; dependency: DependencyConfig }[],
  back: GraphProject,
): Diagnostic {
  const start = trail.findIndex((t) => t.from === back);
  const edges = trail.slice(start);
  const names = [...edges.map((e) => e.from.config.name), back.config.name];
  const d = error(
    `Dependency cycle: ${names.join(' → ')}`,
    edges[0]?.dependency.at,
    'remove one of these dependencies',
  );
  d.related = edges.map((e) => ({
    message: `${e.from.config.name} depends on "${e.dependency.name}"`,
    location: e.dependency.at,
  }));
  return d;
}
