// `dsg graph --format dot|mermaid`: pictures, one cluster per project, implicit edges dashed.
import { projectLabel } from './projects.ts';
import type { GraphView } from './view.ts';
import type { TaskNode } from '../../core/task.ts';

const SHAPES = { build: 'box', tag: 'cds', render: 'note', deploy: 'component' } as const;

/** Graphviz source of the view. */
export function formatDot(view: GraphView): string {
  const lines = ['digraph dsg {', '  rankdir=LR;', '  node [fontname="Helvetica" fontsize=11];'];
  for (const [index, [project, nodes]] of [...byProject(view.nodes)].entries()) {
    lines.push(`  subgraph cluster_${index} {`, `    label=${quote(project)};`);
    for (const n of nodes) lines.push(`    ${quote(n.id)} [shape=${SHAPES[n.kind]}];`);
    lines.push('  }');
  }
  for (const e of view.edges) {
    const style = e.implicit
      ? ' [style=dashed label="implicit"]'
      : e.reason === 'dependency'
        ? ' [style=bold]'
        : '';
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${style};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid flowchart of the view. */
export function formatMermaid(view: GraphView): string {
  const ids = new Map(view.nodes.map((n, i) => [n.id, `t${i}`]));
  const lines = ['flowchart LR'];
  for (const [index, [project, nodes]] of [...byProject(view.nodes)].entries()) {
    lines.push(`  subgraph p${index}[${mermaidText(project)}]`);
    for (const n of nodes) lines.push(`    ${ids.get(n.id) ?? ''}${shape(n)}`);
    lines.push('  end');
  }
  for (const e of view.edges) {
    const arrow = e.implicit ? '-. implicit .->' : e.reason === 'dependency' ? '==>' : '-->';
    lines.push(`  ${ids.get(e.from) ?? ''} ${arrow} ${ids.get(e.to) ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function byProject(nodes: readonly TaskNode[]): Map<string, TaskNode[]> {
  const out = new Map<string, TaskNode[]>();
  for (const n of nodes) {
    const label = projectLabel(n.project);
    out.set(label, [...(out.get(label) ?? []), n]);
  }
  return out;
}

function shape(n: TaskNode): string {
  const text = mermaidText(n.id);
  switch (n.kind) {
    case 'build':
      return `[${text}]`;
    case 'tag':
      return `([${text}])`;
    case 'render':
      return `[/${text}/]`;
    case 'deploy':
      return `[[${text}]]`;
  }
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function mermaidText(s: string): string {
  return `"${s.replace(/"/g, '#quot;')}"`;
}
