// `${runtime.images...}` and `${runtime.dependencies...}` references, resolved at compile time to the task
// whose output fills each one in: an edge from that task, and an entry in the node's `refs`. A reference to
// an image or dependency that does not exist, or an expression that is not a reference, is a located error.
import { relative, join } from 'node:path';
import { error, warning, type Diagnostic, type SourceLocation } from '../../core/diagnostics.ts';
import { modernForm, type RuntimeRef } from '../../core/runtime-refs.ts';
import type { TaskKind } from '../../core/task.ts';
import type { GraphProject } from './projects.ts';
import type { TaskEdge } from './types.ts';

/** A reference to resolve: what, where it was seen (for messages and the edge's detail) and its location. */
export interface RefSite {
  ref: RuntimeRef;
  where: string;
  at: SourceLocation;
}

/** The resolved references of one task: its `refs` table, the edges they need, the problems found. */
export interface ResolvedRefs {
  refs: Record<string, string>;
  edges: TaskEdge[];
  problems: Diagnostic[];
}

/**
 * Resolves the references of task `to` of `project`: each names an image of the project or of a dependency
 * (by the dependency path), whose `kind` task (`build` for builds, `tag` for renders) fills it in. A reference
 * to the task's own image (`self`) gets no edge: the task fills it in itself.
 */
export function resolveRefs(
  project: GraphProject,
  to: string,
  kind: Extract<TaskKind, 'build' | 'tag'>,
  sites: readonly RefSite[],
  reason: TaskEdge['reason'],
  self?: string,
): ResolvedRefs {
  const out: ResolvedRefs = { refs: {}, edges: [], problems: [] };
  const seen = new Set<string>();
  for (const { ref, where, at } of sites) {
    if (seen.has(ref.subject)) continue;
    seen.add(ref.subject);
    const target = projectOf(project, ref, where, at);
    if (!target.ok) {
      out.problems.push(target.error);
      continue;
    }
    const owner = target.value;
    if (!owner.config.images.some((i) => i.name === ref.image)) {
      out.problems.push(undefinedImage(owner, ref, where, at));
      continue;
    }
    const from = `${owner.scope}${kind}:${ref.image}`;
    out.refs[ref.subject] = from;
    if (owner === project && ref.image === self) continue;
    out.edges.push({ from, to, reason, implicit: false, detail: `${ref.text} in ${where}`, at });
  }
  return out;
}

/** The error for a `${runtime...}` expression that is not a reference to an image. */
export function invalidRef(text: string, where: string, at: SourceLocation): Diagnostic {
  return error(
    `Cannot resolve "${text}" in ${where}: dsg knows \${runtime.images.NAME.image}, .tag and the same under dependencies.DEP.`,
    at,
    'use ${runtime.images.NAME.image} or ${runtime.images.NAME.tag}',
  );
}

/** The warning for a legacy helper (`image(api)`): it still works, and this is how DevSpace 6 spells it. */
export function legacyWarning({ ref, where, at }: RefSite): Diagnostic {
  return warning(
    `Legacy helper "${ref.text}" in ${where} is read as ${modernForm(ref)}`,
    at,
    `write ${modernForm(ref)} instead`,
  );
}

/** Where a reference seen in a project-relative file points, as a diagnostic location. */
export function fileLocation(
  project: GraphProject,
  cwd: string,
  file: { path: string; line: number },
): SourceLocation {
  return { file: relative(cwd, join(project.dir, file.path)), line: file.line, col: 1 };
}

function projectOf(
  project: GraphProject,
  ref: RuntimeRef,
  where: string,
  at: SourceLocation,
): { ok: true; value: GraphProject } | { ok: false; error: Diagnostic } {
  let current = project;
  for (const name of ref.dependencies) {
    const next = current.dependsOn.find((d) => d.dependency.name === name);
    if (!next) {
      const known = current.dependsOn.map((d) => `"${d.dependency.name}"`).join(', ') || 'none';
      return {
        ok: false,
        error: error(
          `Dependency "${name}" of "${ref.text}" in ${where} is not defined in the dependencies of ${current.config.file}`,
          at,
          `defined dependencies: ${known}`,
        ),
      };
    }
    current = next.project;
  }
  return { ok: true, value: current };
}

function undefinedImage(owner: GraphProject, ref: RuntimeRef, where: string, at: SourceLocation): Diagnostic {
  const names = owner.config.images.map((i) => `"${i.name}"`).join(', ') || 'none';
  const of = ref.dependencies.length > 0 ? ` of dependency "${ref.dependencies.join('/')}"` : '';
  return error(
    `Image "${ref.image}" used by ${where} is not defined in images${of}`,
    at,
    `defined images: ${names}`,
  );
}
