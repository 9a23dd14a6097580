// What a task depends on and what depends on it, straight from the edge list: `dsg graph --focus` needs
// nothing more, so printing a graph never loads the graph library.

/** `start` (one id or several) and every id reachable from it along `edges` (`down`), or against them (`up`). */
export function reachable(
  start: string | readonly string[],
  edges: Iterable<readonly [string, string]>,
  direction: 'up' | 'down',
): Set<string> {
  const next = new Map<string, string[]>();
  for (const [from, to] of edges) {
    const [a, b] = direction === 'down' ? [from, to] : [to, from];
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  }
  const starts = typeof start === 'string' ? [start] : start;
  const seen = new Set(starts);
  const stack = [...starts];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}
