// What every graph format shows: a (possibly focused) set of nodes and edges, with a one-line summary per node.
import type { Json } from '../../core/json.ts';
import { formatLocation } from '../diagnostics-format.ts';
import { reachable } from './reach.ts';
import type { TaskEdge, TaskGraph } from './types.ts';
import type { TaskNode } from '../../core/task.ts';

/** The part of a graph a format prints. */
export interface GraphView {
  nodes: TaskNode[];
  edges: TaskEdge[];
}

/** The whole graph, or with `focus` only the task, its upstream and its downstream. */
export function graphView(graph: TaskGraph, focus?: string): GraphView {
  const all = [...graph.nodes.values()];
  if (focus === undefined) return { nodes: all, edges: [...graph.edges] };
  const pairs = graph.edges.map((e) => [e.from, e.to] as const);
  const keep = new Set([...reachable(focus, pairs, 'up'), ...reachable(focus, pairs, 'down')]);
  return {
    nodes: all.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
  };
}

/** The inputs of a task in a few fields: what a person needs to recognise it. */
export function inputsSummary(node: TaskNode): { [key: string]: Json } {
  switch (node.kind) {
    case 'build': {
      const { image } = node.spec;
      return image.builder.kind === 'custom'
        ? { builder: 'custom', command: image.builder.command, onChange: image.builder.onChange }
        : { builder: 'docker', dockerfile: image.dockerfile, context: image.context };
    }
    case 'tag': {
      const { image } = node.spec;
      return {
        image: image.image,
        tags: image.tags.length > 0 ? image.tags : ['<content key>'],
        push: !image.skipPush,
      };
    }
    case 'render': {
      const d = node.spec.deployment;
      if (d.type === 'kubectl')
        return { type: d.kustomize ? 'kustomize' : 'kubectl', manifests: d.manifests };
      if (d.type === 'helm') return { type: 'helm', chart: d.chart.name, release: d.releaseName };
      return { type: 'component' };
    }
    case 'deploy':
      return { type: node.spec.deployment.type, namespace: node.spec.deployment.namespace ?? null };
    default:
      return assertNever(node);
  }
}

/** An edge as the JSON formats show it (`--format json`, the page): its location only when known. */
export interface EdgeJson {
  from: string;
  to: string;
  reason: string;
  implicit: boolean;
  detail: string;
  location?: string;
}

/** The JSON form of an edge. */
export function edgeJson(e: TaskEdge): EdgeJson {
  const out: EdgeJson = { from: e.from, to: e.to, reason: e.reason, implicit: e.implicit, detail: e.detail };
  if (e.at) out.location = formatLocation(e.at);
  return out;
}

/** `devspace.yaml:12:3` for a node. */
export function nodeLocation(node: TaskNode): string {
  return formatLocation(node.at);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected task spec ${JSON.stringify(value)}`);
}
