// The layout library of `dsg graph --format html|svg`: elkjs's layered algorithm (engine/graph/layout.ts, what
// dsg ships) against dagre on the same synthetic task graphs of about 100 and 1,000 tasks (images in
// dependency projects of 25, random FROM edges, build → tag → render → deploy chains, dependency deploys).
// Prints layout time (median of the runs), edge crossings, total edge length and drawing area.
//   node dist/scripts/bench-layout.js [--runs 5]
import process from 'node:process';
import * as dagre from '@dagrejs/dagre';
import { layoutGraph, type Box, type Layout, type LayoutInput } from '../engine/graph/layout.ts';
import { median, printTable } from './bench-lib.ts';
import { randomImageDag } from './gen-project.ts';

/** A task graph shaped like a compiled one: `images` images, 25 per project, 4 tasks each. */
export function syntheticTaskGraph(images: number, seed = 1): LayoutInput {
  const dag = randomImageDag(images, seed);
  const project = (i: number): string => (i < 25 ? '' : `p${Math.floor(i / 25)}/`);
  const nodes: { id: string; width: number; height: number; group?: string }[] = [];
  const edges: { from: string; to: string }[] = [];
  for (let i = 0; i < images; i++) {
    const p = project(i);
    for (const kind of ['build', 'tag', 'render', 'deploy']) {
      const id = `${p}${kind}:img${i}`;
      nodes.push({ id, width: 40 + id.length * 7, height: 28, ...(p ? { group: p } : {}) });
    }
    edges.push({ from: `${p}build:img${i}`, to: `${p}tag:img${i}` });
    edges.push({ from: `${p}tag:img${i}`, to: `${p}render:img${i}` });
    edges.push({ from: `${p}render:img${i}`, to: `${p}deploy:img${i}` });
    for (const up of dag[i] ?? []) {
      const u = Number(up.slice(3));
      // Within a project an image builds FROM another; across projects the dependency's deploy comes first.
      if (project(u) === p) edges.push({ from: `${p}build:${up}`, to: `${p}build:img${i}` });
      else edges.push({ from: `${project(u)}deploy:${up}`, to: `${p}deploy:img${i}` });
    }
  }
  const groups = [...new Set(nodes.flatMap((n) => (n.group ? [n.group] : [])))];
  return { nodes, edges, groups };
}

type Label = { x?: number; y?: number; width?: number; height?: number; points?: { x: number; y: number }[] };
/** The part of dagre used here, typed by hand: its bundled types do not resolve for the linter. */
interface DagreApi {
  Graph: new (options: { multigraph: boolean; compound: boolean }) => {
    setGraph(label: object): void;
    setDefaultEdgeLabel(make: () => object): void;
    setNode(id: string, label: object): void;
    setParent(id: string, parent: string): void;
    setEdge(from: string, to: string, label: object, name: string): void;
    node(id: string): Label;
    edge(e: { v: string; w: string; name: string }): Label;
    graph(): { width?: number; height?: number };
  };
  layout(g: unknown): void;
}

/** The same graph laid out by dagre (clusters as compound nodes), with the options dsg would give it. */
function dagreLayout(input: LayoutInput): Layout {
  const api = dagre as unknown as DagreApi;
  const Graph = api.Graph;
  const g = new Graph({ multigraph: true, compound: input.groups.length > 0 });
  g.setGraph({ rankdir: 'LR', ranksep: 48, nodesep: 12, edgesep: 8, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of input.groups) g.setNode(group, { label: group, paddingTop: 22 });
  for (const n of input.nodes) {
    g.setNode(n.id, { width: n.width, height: n.height });
    if (n.group !== undefined) g.setParent(n.id, n.group);
  }
  input.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, String(i)));
  api.layout(g);
  const box = (l: { x?: number; y?: number; width?: number; height?: number }): Box => ({
    x: (l.x ?? 0) - (l.width ?? 0) / 2,
    y: (l.y ?? 0) - (l.height ?? 0) / 2,
    width: l.width ?? 0,
    height: l.height ?? 0,
  });
  const nodes: Layout['nodes'] = {};
  for (const n of input.nodes) nodes[n.id] = box(g.node(n.id));
  const groups: Layout['groups'] = {};
  for (const id of input.groups) groups[id] = box(g.node(id));
  const edges = input.edges.map((e, i) => {
    const label = g.edge({ v: e.from, w: e.to, name: String(i) }) as { points?: { x: number; y: number }[] };
    return (label.points ?? []).flatMap((p) => [p.x, p.y]);
  });
  const size = g.graph();
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges, groups };
}

/** Edge crossings (proper segment intersections between different edges) and total edge length. */
export function quality(l: Layout): { crossings: number; length: number } {
  const segments: [number, number, number, number, number][] = [];
  let length = 0;
  l.edges.forEach((pts, e) => {
    for (let i = 0; i + 3 < pts.length; i += 2) {
      const s: [number, number, number, number, number] = [
        pts[i] ?? 0,
        pts[i + 1] ?? 0,
        pts[i + 2] ?? 0,
        pts[i + 3] ?? 0,
        e,
      ];
      segments.push(s);
      length += Math.hypot(s[2] - s[0], s[3] - s[1]);
    }
  });
  // Sweep by x: only segments whose x ranges overlap can cross.
  const order = segments
    .map((s) => ({ s, lo: Math.min(s[0], s[2]), hi: Math.max(s[0], s[2]) }))
    .sort((a, b) => a.lo - b.lo);
  let crossings = 0;
  for (let i = 0; i < order.length; i++) {
    const a = order[i];
    if (!a) continue;
    for (let j = i + 1; j < order.length; j++) {
      const b = order[j];
      if (!b || b.lo > a.hi) break;
      if (a.s[4] !== b.s[4] && properlyCross(a.s, b.s)) crossings++;
    }
  }
  return { crossings, length: Math.round(length) };
}

function properlyCross(a: readonly number[], b: readonly number[]): boolean {
  const [ax, ay, bx, by] = a as [number, number, number, number];
  const [cx, cy, dx, dy] = b as [number, number, number, number];
  const side = (px: number, py: number, qx: number, qy: number, rx: number, ry: number): number =>
    Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  const d1 = side(ax, ay, bx, by, cx, cy);
  const d2 = side(ax, ay, bx, by, dx, dy);
  const d3 = side(cx, cy, dx, dy, ax, ay);
  const d4 = side(cx, cy, dx, dy, bx, by);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

const isMain = process.argv[1]?.endsWith('bench-layout.js') || process.argv[1]?.endsWith('bench-layout.ts');
if (isMain) {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const rows: (string | number)[][] = [];
  for (const images of [25, 250]) {
    const input = syntheticTaskGraph(images);
    const engines: [string, () => Promise<Layout>][] = [
      ['dagre', async () => dagreLayout(input)],
      ['elkjs', () => layoutGraph(input)],
    ];
    const results = new Map<string, { ms: number; layout: Layout }>();
    const times = new Map<string, number[]>(engines.map(([name]) => [name, []]));
    // Interleaved, after one warm-up each, so that JIT and machine noise hit both alike.
    for (const [, run] of engines) await run();
    for (let r = 0; r < runs; r++) {
      for (const [name, run] of engines) {
        const start = performance.now();
        const layout = await run();
        times.get(name)?.push(performance.now() - start);
        results.set(name, { ms: 0, layout });
      }
    }
    const dagreMs = median(times.get('dagre') ?? []);
    for (const [name] of engines) {
      const result = results.get(name);
      if (!result) continue;
      const ms = median(times.get(name) ?? []);
      const q = quality(result.layout);
      rows.push([
        input.nodes.length,
        input.edges.length,
        name,
        ms.toFixed(0),
        (ms / dagreMs).toFixed(2),
        q.crossings,
        q.length,
        `${Math.round(result.layout.width)}×${Math.round(result.layout.height)}`,
      ]);
    }
  }
  printTable(['tasks', 'edges', 'library', 'ms', 'vs dagre', 'crossings', 'edge length', 'area'], rows);
}
