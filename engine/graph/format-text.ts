// `dsg graph` default: each end task (nothing depends on it) as a tree of what it waits for.
import { projectLabel } from './projects.ts';
import type { TaskGraph, TaskEdge } from './types.ts';
import type { GraphView } from './view.ts';

/** Options for the text tree. */
export interface TextOptions {
  color: boolean;
}

/** With dependencies: one line per project (its task-id prefix, name and source, task count) above the trees. */
function projectLevel(view: GraphView, dim: (s: string) => string): string[] {
  const projects = new Map<string, { label: string; tasks: number }>();
  for (const n of view.nodes) {
    const p = projects.get(n.project.scope) ?? { label: projectLabel(n.project), tasks: 0 };
    p.tasks++;
    projects.set(n.project.scope, p);
  }
  if (projects.size < 2) return [];
  return [
    dim(`${projects.size} projects:`),
    ...[...projects].map(([scope, p]) => dim(`  ${scope || '(root)'}  ${p.label} · ${p.tasks} tasks`)),
  ];
}

/** Renders the view as indented trees, one per end task; a subtree shown once is referenced after that. */
export function formatText(graph: TaskGraph, view: GraphView, options: TextOptions): string {
  const dim = (s: string): string => (options.color ? `\u001b[2m${s}\u001b[0m` : s);
  const bold = (s: string): string => (options.color ? `\u001b[1m${s}\u001b[0m` : s);
  const order = new Map(view.nodes.map((n, i) => [n.id, i]));
  const incoming = new Map<string, TaskEdge[]>();
  const hasOutgoing = new Set<string>();
  for (const e of view.edges) {
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
    hasOutgoing.add(e.from);
  }
  for (const list of incoming.values())
    list.sort((a, b) => (order.get(a.from) ?? 0) - (order.get(b.from) ?? 0));

  const edgeNote = (e: TaskEdge): string => {
    if (e.implicit) return dim(`  (implicit: ${e.detail})`);
    if (e.reason === 'build-tag' || e.reason === 'render-deploy') return '';
    return dim(`  ← ${e.detail}`);
  };
  const shown = new Set<string>();
  const lines: string[] = [];
  const walk = (id: string, prefix: string): void => {
    const children = incoming.get(id) ?? [];
    children.forEach((e, i) => {
      const last = i === children.length - 1;
      const repeat = shown.has(e.from) && (incoming.get(e.from)?.length ?? 0) > 0;
      lines.push(
        `${prefix}${last ? '└─ ' : '├─ '}${e.from}${repeat ? dim(' (see above)') : ''}${edgeNote(e)}`,
      );
      if (repeat) return;
      shown.add(e.from);
      walk(e.from, prefix + (last ? '   ' : '│  '));
    });
  };

  const ends = view.nodes.filter((n) => !hasOutgoing.has(n.id));
  lines.push(
    bold(graph.root.name) +
      dim(` · ${graph.root.file} · ${view.nodes.length} tasks, ${view.edges.length} edges`),
  );
  lines.push(...projectLevel(view, dim));
  for (const n of ends) {
    lines.push(`${bold(n.id)}${dim(`  ${n.at.file}:${n.at.line}`)}`);
    shown.add(n.id);
    walk(n.id, '');
  }
  return `${lines.join('\n')}\n`;
}
