// `dsg graph --format json`: a stable, documented shape for machines.
//
// {
//   "version": 1,
//   "project": { "name": "shop", "file": "devspace.yaml" },
//   "nodes": [ { "id": "build:api", "kind": "build", "name": "api", "project": ".", "scope": "",
//                "location": "devspace.yaml:8:3", "inputs": { ...one-line summary... } } ],
//   "edges": [ { "from": "build:api", "to": "tag:api", "reason": "build-tag", "implicit": false,
//                "detail": "image", "location": "api/Dockerfile:1:1" (only when known) } ]
// }
// Nodes are in compile order (project, then images, then deployments); edges in compile order.
import type { TaskGraph } from './types.ts';
import { edgeJson, inputsSummary, nodeLocation, type GraphView } from './view.ts';

/** Renders the view as the JSON document above, with a trailing newline. */
export function formatJson(graph: TaskGraph, view: GraphView): string {
  const doc = {
    version: 1,
    project: { name: graph.root.name, file: graph.root.file },
    nodes: view.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      name: n.name,
      project: n.project.rel,
      scope: n.project.scope,
      location: nodeLocation(n),
      inputs: inputsSummary(n),
    })),
    edges: view.edges.map(edgeJson),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
