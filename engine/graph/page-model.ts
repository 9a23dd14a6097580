// The graph as the HTML page and the SVG format see it: tasks with their summaries, edges with their reasons,
// dependency projects as clusters, and the layout of all three. JSON-ready: the page embeds it, and the graph
// output cache memoises it for `--format html` (the run drawn over it is read fresh every time).
import type { Json } from '../../core/json.ts';
import { projectLabel } from './projects.ts';
import { layoutGraph, type Layout } from './layout.ts';
import { NODE_HEIGHT, nodeLabel, nodeWidth } from './page/draw.ts';
import type { TaskGraph } from './types.ts';
import { edgeJson, inputsSummary, nodeLocation, type EdgeJson, type GraphView } from './view.ts';

/** A task of the page. */
export interface ModelNode {
  id: string;
  kind: string;
  name: string;
  /** The text in its box. */
  label: string;
  /** Its cluster: the dependency scope (`db/`), '' for the root project. */
  group: string;
  /** `devspace.yaml:12:3`. */
  location: string;
  inputs: { [key: string]: Json };
}

/** An edge of the page. */
export type ModelEdge = EdgeJson;

/** The graph of the page: the root project, tasks, edges, clusters and their layout. */
export interface GraphModel {
  version: 1;
  project: { name: string; file: string };
  nodes: ModelNode[];
  edges: ModelEdge[];
  /** Dependency projects: `id` is their scope, `label` their name and folder. */
  groups: { id: string; label: string }[];
  layout: Layout;
}

/** The model of a view of the graph, laid out. */
export async function graphModel(graph: TaskGraph, view: GraphView): Promise<GraphModel> {
  const groups = new Map<string, string>();
  const nodes = view.nodes.map((n): ModelNode => {
    const scope = n.project.scope;
    if (scope !== '') groups.set(scope, projectLabel(n.project));
    return {
      id: n.id,
      kind: n.kind,
      name: n.name,
      label: nodeLabel(n.id, scope),
      group: scope,
      location: nodeLocation(n),
      inputs: inputsSummary(n),
    };
  });
  const edges = view.edges.map(edgeJson);
  const layout = await layoutGraph({
    nodes: nodes.map((n) => ({
      id: n.id,
      width: nodeWidth(n.label),
      height: NODE_HEIGHT,
      ...(n.group !== '' ? { group: n.group } : {}),
    })),
    edges,
    groups: [...groups.keys()],
  });
  return {
    version: 1,
    project: { name: graph.root.name, file: graph.root.file },
    nodes,
    edges,
    groups: [...groups].map(([id, label]) => ({ id, label })),
    layout,
  };
}
