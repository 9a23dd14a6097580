// Hooks in the graph: each build and deploy task gets the hooks of its project that fire around it
// (`before:build:api`, `after:deploy:*`, a whole phase's `before:deploy`), and the `${runtime.images…}`
// references in their commands become the task's references, with an edge each, like those of its config.
import type { HookConfig } from '../../core/config.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { scanRuntimeRefs } from '../../core/runtime-refs.ts';
import type { TaskHook, TaskNode } from '../../core/task.ts';
import type { GraphProject } from './projects.ts';
import { invalidRef, resolveRefs } from './runtime-edges.ts';
import type { TaskEdge } from './types.ts';

/** The phase a task kind's hooks belong to, and the task ids that fill in its hooks' references. */
const PHASES = { build: 'build', deploy: 'deploy' } as const;

/** Attaches hooks to the build and deploy tasks of `project`; the edges and problems their references bring. */
export function attachHooks(
  project: GraphProject,
  nodes: Iterable<TaskNode>,
): { edges: TaskEdge[]; problems: Diagnostic[] } {
  const out = { edges: [] as TaskEdge[], problems: [] as Diagnostic[] };
  const { hooks } = project.config;
  if (hooks.length === 0) return out;
  for (const node of nodes) {
    if (node.project !== project || (node.kind !== 'build' && node.kind !== 'deploy')) continue;
    const attached = [
      ...hooksOf(hooks, PHASES[node.kind], node.name, 'run', project.scope),
      ...(node.kind === 'deploy' ? hooksOf(hooks, 'purge', node.name, 'purge', project.scope) : []),
    ];
    if (attached.length === 0) continue;
    node.hooks = attached;
    const sites = attached.flatMap(({ hook }) =>
      [hook.command, ...(hook.args ?? [])].flatMap((text) => {
        const scan = scanRuntimeRefs(text);
        for (const bad of scan.invalid) out.problems.push(invalidRef(bad, `hook ${hook.name}`, hook.at));
        return scan.refs.map((ref) => ({ ref, where: `hook ${hook.name}`, at: hook.at }));
      }),
    );
    // A build's hooks take images from other builds (as its build args do), a deploy's from the tag tasks.
    const resolved =
      node.kind === 'build'
        ? resolveRefs(project, node.id, 'build', sites, 'from', node.name)
        : resolveRefs(project, node.id, 'tag', sites, 'image-ref');
    node.refs = { ...node.refs, ...resolved.refs };
    out.edges.push(...resolved.edges);
    out.problems.push(...resolved.problems);
  }
  return out;
}

/**
 * The hooks that fire around one item, in DevSpace's order: the whole phase's `before:` first, then the
 * item's (`*` before its name); after the work, the item's, then the phase's `after:`. A hook listening to
 * two of these events runs once.
 */
function hooksOf(
  hooks: readonly HookConfig[],
  phase: 'build' | 'deploy' | 'purge',
  item: string,
  action: TaskHook['action'],
  scope: string,
): TaskHook[] {
  const out: TaskHook[] = [];
  const seen = new Set<string>();
  const add = (when: TaskHook['when'], event: string, group?: string): void => {
    for (const hook of hooks) {
      const id = `${when} ${hooks.indexOf(hook)}`;
      if (!hook.events.includes(event) || seen.has(id)) continue;
      seen.add(id);
      out.push({ event, action, when, hook, ...(group !== undefined ? { group: `${scope}${phase}` } : {}) });
    }
  };
  add('before', `before:${phase}`, 'group');
  for (const when of ['before', 'after', 'error'] as const) {
    add(when, `${when}:${phase}:*`);
    add(when, `${when}:${phase}:${item}`);
  }
  add('after', `after:${phase}`, 'group');
  return out;
}
