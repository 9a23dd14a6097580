// DevSpace patch paths (core/patch-path.ts) walked over the config tree, for profile patches: where a path
// leads, with the container that holds each match so that it can be replaced or removed.
import type { Json } from '../../core/json.ts';
import { filterMatches, positionOf, type PathSegment } from '../../core/patch-path.ts';
import type { MapNode, SeqNode, TreeNode } from './tree.ts';

/** A place in the tree a path leads to. */
export interface PathMatch {
  parent: MapNode | SeqNode;
  key: string | number;
  node: TreeNode;
}

/** Every node `segments` leads to from `root`, in document order. */
export function findMatches(root: MapNode, segments: readonly PathSegment[]): PathMatch[] {
  let current: PathMatch[] = [{ parent: root, key: '', node: root }];
  for (const segment of segments) {
    const next: PathMatch[] = [];
    for (const { node } of current) if (node.kind !== 'scalar') next.push(...children(node, segment));
    current = next;
  }
  return current;
}

function children(node: MapNode | SeqNode, segment: PathSegment): PathMatch[] {
  if (node.kind === 'map') {
    if (segment.type === 'key') {
      const e = node.entries.get(segment.key);
      return e ? [{ parent: node, key: segment.key, node: e.value }] : [];
    }
    if (segment.type !== 'wildcard') return [];
    return [...node.entries].map(([key, e]) => ({ parent: node, key, node: e.value }));
  }
  switch (segment.type) {
    case 'key':
    case 'index': {
      const at = positionOf(segment, node.items.length);
      const item = at === undefined ? undefined : node.items[at];
      return item && at !== undefined ? [{ parent: node, key: at, node: item }] : [];
    }
    case 'append':
      return [];
    case 'wildcard':
    case 'filter':
      return node.items.flatMap((item, key) =>
        segment.type === 'wildcard' || filterMatches(segment, (path) => fieldOf(item, path))
          ? [{ parent: node, key, node: item }]
          : [],
      );
  }
}

function fieldOf(node: TreeNode | undefined, path: readonly string[]): Json | undefined {
  let current = node;
  for (const key of path) current = current?.kind === 'map' ? current.entries.get(key)?.value : undefined;
  return current?.kind === 'scalar' ? current.value : undefined;
}
