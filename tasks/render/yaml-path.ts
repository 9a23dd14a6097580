// DevSpace patch paths (core/patch-path.ts) walked over rendered objects, for `kubectl.patches`: every value a
// path selects, with the container that holds it so that it can be replaced or removed.
import type { Json } from '../../core/json.ts';
import { filterMatches, positionOf, type PathSegment } from '../../core/patch-path.ts';
import { isObject } from './object.ts';

/** A value found by a path, with the container that holds it so it can be replaced or removed. */
export interface PathMatch {
  parent: { [key: string]: Json } | Json[];
  key: string | number;
  value: Json;
}

/** Every value the path selects in `root`, in document order. */
export function findPath(root: Json, segments: readonly PathSegment[]): PathMatch[] {
  let current: PathMatch[] = [{ parent: [root], key: 0, value: root }];
  for (const segment of segments) {
    const next: PathMatch[] = [];
    for (const match of current) next.push(...step(match.value, segment));
    current = next;
  }
  return current;
}

function step(node: Json, segment: PathSegment): PathMatch[] {
  if (isObject(node)) {
    if (segment.type === 'key')
      return segment.key in node
        ? [{ parent: node, key: segment.key, value: node[segment.key] ?? null }]
        : [];
    if (segment.type !== 'wildcard') return [];
    return Object.entries(node).map(([key, value]) => ({ parent: node, key, value }));
  }
  if (!Array.isArray(node)) return [];
  switch (segment.type) {
    case 'key':
    case 'index': {
      const at = positionOf(segment, node.length);
      return at === undefined ? [] : [{ parent: node, key: at, value: node[at] ?? null }];
    }
    case 'append':
      return [];
    case 'wildcard':
    case 'filter':
      return node.flatMap((value, key) =>
        segment.type === 'wildcard' || filterMatches(segment, (path) => fieldOf(value, path))
          ? [{ parent: node, key, value }]
          : [],
      );
  }
}

function fieldOf(value: Json, path: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}
