// The drawing of a laid-out graph as SVG markup: one owner for `dsg graph --format svg` and the HTML page (which
// inserts the same markup and styles it with the run). Strings only, no DOM: it runs in the CLI and in the page.
import type { Layout } from '../layout.ts';

/** A task as drawn. */
export interface DrawNode {
  id: string;
  kind: string;
  /** The text in the box (the id without its project scope). */
  label: string;
}

/** An edge as drawn. */
export interface DrawEdge {
  from: string;
  to: string;
  reason: string;
  implicit: boolean;
}

/** What `drawGraph` draws: nodes, edges and clusters, with their layout. */
export interface Drawing {
  nodes: readonly DrawNode[];
  edges: readonly DrawEdge[];
  groups: readonly { id: string; label: string }[];
  layout: Layout;
}

/** Height of a task box; its width follows its label (drawn in a monospace font, so it can be computed). */
export const NODE_HEIGHT = 26;
const CHAR_WIDTH = 6.7;
const PADDING = 24;

/** The width of a task box for `label`. */
export function nodeWidth(label: string): number {
  return Math.ceil(PADDING + label.length * CHAR_WIDTH);
}

/** The label of a task: its id without the project scope, which its cluster already shows. */
export function nodeLabel(id: string, scope: string): string {
  return scope !== '' && id.startsWith(scope) ? id.slice(scope.length) : id;
}

/** Kind colours (fill tint and stroke), shared by the graph, the timeline and the legend. */
export const KIND_COLOURS: Readonly<Record<string, readonly [string, string]>> = {
  build: ['#e3ecf7', '#4e79a7'],
  tag: ['#f1e6f0', '#9c5f91'],
  render: ['#fdebd9', '#d9771c'],
  deploy: ['#e2f0df', '#4a8f41'],
};

/** Styles of the markup, for a standalone SVG and the page alike. */
export const GRAPH_CSS = `
.dsg-graph text{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;fill:#1d232b}
.dsg-graph .cluster rect{fill:#f7f8fa;stroke:#c4cad3;stroke-dasharray:4 3;rx:6}
.dsg-graph .cluster text{font-size:11px;fill:#5b6573;font-weight:600}
.dsg-graph .edge{fill:none;stroke:#8a94a3;stroke-width:1.2}
.dsg-graph .edge.dependency{stroke:#56606e;stroke-width:2}
.dsg-graph .edge.implicit{stroke:#b58a2b;stroke-dasharray:5 4}
.dsg-graph .edge.gone{stroke:#b9bec6;stroke-dasharray:2 3}
.dsg-graph .task rect{stroke-width:1.5;rx:4}
.dsg-graph .task .dot{fill:none}
${Object.entries(KIND_COLOURS)
  .map(([kind, [fill, stroke]]) => `.dsg-graph .task.k-${kind} rect{fill:${fill};stroke:${stroke}}`)
  .join('\n')}
`;

/** A standalone SVG document of the drawing. */
export function svgDocument(drawing: Drawing): string {
  const { width, height } = drawing.layout;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="dsg-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<style>${GRAPH_CSS}</style>`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    ARROWS,
    drawGraph(drawing),
    '</svg>',
    '',
  ].join('\n');
}

/** Arrow heads: one per edge style, since a marker cannot take its line's colour everywhere. */
export const ARROWS = `<defs>${[
  ['arrow', '#8a94a3'],
  ['arrow-dependency', '#56606e'],
  ['arrow-implicit', '#b58a2b'],
  ['arrow-critical', '#e0a100'],
]
  .map(
    ([id, colour]) =>
      `<marker id="${id}" viewBox="0 0 8 8" refX="7.5" refY="4" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0,0L8,4L0,8z" fill="${colour}"/></marker>`,
  )
  .join('')}</defs>`;

/**
 * Clusters, then edges, then tasks (each with `data-id` / `data-edge` for the page to find). With `hitPaths`,
 * each edge also gets a wide invisible twin, so that a thin line is easy to point at.
 */
export function drawGraph(drawing: Drawing, options: { hitPaths?: boolean } = {}): string {
  const { layout } = drawing;
  const out: string[] = ['<g class="clusters">'];
  for (const g of drawing.groups) {
    const b = layout.groups[g.id];
    if (!b) continue;
    out.push(
      `<g class="cluster" data-group="${xml(g.id)}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}"/><text x="${b.x + 8}" y="${b.y + 15}">${xml(g.label)}</text></g>`,
    );
  }
  out.push('</g><g class="edges">');
  const hits: string[] = [];
  drawing.edges.forEach((e, i) => {
    const d = pathOf(layout.edges[i] ?? []);
    if (d === '') return;
    const style = edgeStyle(e);
    const marker = style === 'explicit' || style === 'gone' ? 'arrow' : `arrow-${style}`;
    out.push(`<path class="edge ${style}" data-edge="${i}" d="${d}" marker-end="url(#${marker})"/>`);
    if (options.hitPaths) hits.push(`<path class="edge-hit" data-edge="${i}" d="${d}"/>`);
  });
  out.push(...hits);
  out.push('</g><g class="tasks">');
  for (const n of drawing.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    out.push(
      `<g class="task k-${xml(n.kind)}" data-id="${xml(n.id)}" transform="translate(${b.x},${b.y})"><rect width="${b.width}" height="${b.height}"/><circle class="dot" cx="10" cy="${b.height / 2}" r="3.5"/><text x="18" y="${b.height / 2 + 4}">${xml(n.label)}</text></g>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

/** How an edge is drawn: a dependency project's edge bold, an implicit one dashed, one of an older graph grey. */
export function edgeStyle(e: DrawEdge): 'explicit' | 'implicit' | 'dependency' | 'gone' {
  if (e.reason === 'gone') return 'gone';
  return e.implicit ? 'implicit' : e.reason === 'dependency' ? 'dependency' : 'explicit';
}

/** An SVG path through the points of a polyline. */
export function pathOf(points: readonly number[]): string {
  if (points.length < 4) return '';
  let d = `M${points[0]},${points[1]}`;
  for (let i = 2; i + 1 < points.length; i += 2) d += `L${points[i]},${points[i + 1]}`;
  return d;
}

/** Text made safe inside XML and HTML markup. */
export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
