// The one door to the layout library (elkjs, its layered algorithm): task boxes ranked left to right by
// dependency, each dependency project a cluster around its tasks. Pure computation, no I/O: the CLI lays out
// `--format svg` and the HTML page's graph with it, and the page bundles it to lay out what the CLI could not
// know (tasks of an older graph that only a run remembers). elkjs over dagre, measured by
// scripts/bench-layout.ts: at 1,000 tasks in 10 projects dagre's clustered layout takes 15 s, elkjs 1 s.
import elkModule from 'elkjs/lib/elk.bundled.js';

/** What to lay out: boxes, the edges between them, and the clusters boxes belong to. */
export interface LayoutInput {
  nodes: readonly { id: string; width: number; height: number; group?: string }[];
  edges: readonly { from: string; to: string }[];
  /** Cluster ids; a node names its cluster in `group`. */
  groups: readonly string[];
}

/** A box: its top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Positions for a LayoutInput, in its units, rounded to one decimal. */
export interface Layout {
  width: number;
  height: number;
  /** Node id → its box. */
  nodes: Record<string, Box>;
  /** The polyline of each input edge, in input order: [x0, y0, x1, y1, ...] (empty when not drawn). */
  edges: number[][];
  /** Cluster id → the box around its nodes. */
  groups: Record<string, Box>;
}

/** Space above a cluster's tasks for its label. */
export const GROUP_LABEL_SPACE = 22;

/** elkjs is CommonJS: runtimes hand its constructor over as the default export, its types call it `default`. */
type ElkConstructor = new () => { layout(graph: ElkNode): Promise<ElkNode> };
const Elk = ((elkModule as unknown as { default?: ElkConstructor }).default ??
  elkModule) as unknown as ElkConstructor;

interface ElkPoint {
  x: number;
  y: number;
}

interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkNode[];
  edges?: {
    id: string;
    sources: string[];
    targets: string[];
    sections?: { startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }[];
  }[];
}

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  // Edges between clusters are laid out with the clusters' contents, not around opaque boxes.
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.spacing.nodeNode': '12',
  'elk.spacing.edgeNode': '12',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  // One crossing-minimisation pass and edges sharing their ends merged: at 1,000 tasks in ten nested projects
  // (900 edges between dependency deploys) layout takes 4 s instead of 17 s (scripts/bench-graph-page.ts).
  'elk.layered.thoroughness': '1',
  'elk.layered.mergeEdges': 'true',
  // Every coordinate relative to the drawing, whatever cluster a node or edge is in.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/** Lays `input` out left to right; edges to unknown nodes and self-edges are left out (empty polylines). */
export async function layoutGraph(input: LayoutInput): Promise<Layout> {
  const known = new Set(input.nodes.map((n) => n.id));
  const groups = new Set(input.groups);
  const box = (n: LayoutInput['nodes'][number]): ElkNode => ({ id: n.id, width: n.width, height: n.height });
  const members = new Map<string, ElkNode[]>();
  const top: ElkNode[] = [];
  for (const n of input.nodes) {
    const list = n.group !== undefined && groups.has(n.group) ? members.get(n.group) : undefined;
    if (n.group !== undefined && groups.has(n.group) && !list) members.set(n.group, [box(n)]);
    else (list ?? top).push(box(n));
  }
  const clusters: ElkNode[] = [...members].map(([id, children]) => ({
    id: `cluster:${id}`,
    layoutOptions: { 'elk.padding': `[top=${GROUP_LABEL_SPACE + 8},left=10,bottom=10,right=10]` },
    children,
  }));
  const edges = input.edges.flatMap((e, i) =>
    known.has(e.from) && known.has(e.to) && e.from !== e.to
      ? [{ id: `e${i}`, sources: [e.from], targets: [e.to] }]
      : [],
  );
  const root = await new Elk().layout({
    id: 'root',
    layoutOptions: OPTIONS,
    children: [...top, ...clusters],
    edges,
  });
  const out: Layout = {
    width: round(root.width ?? 0),
    height: round(root.height ?? 0),
    nodes: {},
    edges: input.edges.map(() => []),
    groups: {},
  };
  const visit = (node: ElkNode): void => {
    for (const e of node.edges ?? []) {
      const s = e.sections?.[0];
      if (s)
        out.edges[Number(e.id.slice(1))] = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].flatMap(
          (p) => [round(p.x), round(p.y)],
        );
    }
    for (const c of node.children ?? []) {
      const b = {
        x: round(c.x ?? 0),
        y: round(c.y ?? 0),
        width: round(c.width ?? 0),
        height: round(c.height ?? 0),
      };
      if (c.id.startsWith('cluster:') && c.children) out.groups[c.id.slice('cluster:'.length)] = b;
      else out.nodes[c.id] = b;
      visit(c);
    }
  };
  visit(root);
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
