// The one module that talks to @dagrejs/graphlib; the rest of dsg sees plain ids and edges.
import { Graph, alg } from '@dagrejs/graphlib';

/** A directed graph over string ids, with the few algorithms dsg needs. */
export interface Dag {
  /** Ids in an order where every edge goes forward; stable for the same input. */
  topoOrder(): string[];
  /** One cycle as an ordered list of ids (`a → b → a` is `['a', 'b']`), or undefined. */
  findCycle(): string[] | undefined;
  /** Every id that can reach `id`, and `id` itself. */
  upstreamOf(id: string): Set<string>;
  /** Every id reachable from `id`, and `id` itself. */
  downstreamOf(id: string): Set<string>;
}

/** Builds a Dag from node ids and `[from, to]` edges. */
export function makeDag(ids: Iterable<string>, edges: Iterable<readonly [string, string]>): Dag {
  const g = new Graph({ directed: true, multigraph: false });
  for (const id of ids) g.setNode(id);
  for (const [from, to] of edges) g.setEdge(from, to);
  const succ = (id: string): string[] => g.successors(id) ?? [];
  const pred = (id: string): string[] => g.predecessors(id) ?? [];
  return {
    topoOrder: () => alg.topsort(g),
    findCycle: () => {
      const component = alg.findCycles(g)[0];
      return component ? orderCycle(new Set(component), succ) : undefined;
    },
    upstreamOf: (id) => closure(id, pred),
    downstreamOf: (id) => closure(id, succ),
  };
}

function closure(start: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set([start]);
  const stack = [start];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const n of next(id)) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

// graphlib reports a strongly connected component; walk it to get one cycle in edge order.
function orderCycle(component: Set<string>, succ: (id: string) => string[]): string[] {
  const start = [...component].sort()[0];
  if (start === undefined) return [];
  const path: string[] = [start];
  const onPath = new Set(path);
  const visit = (id: string): boolean => {
    for (const n of succ(id)
      .filter((s) => component.has(s))
      .sort()) {
      if (n === start) return true;
      if (onPath.has(n)) continue;
      path.push(n);
      onPath.add(n);
      if (visit(n)) return true;
      path.pop();
      onPath.delete(n);
    }
    return false;
  };
  visit(start);
  return path;
}
