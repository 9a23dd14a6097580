// The YAML document as dsg works on it: plain values that remember where they were written.
// Profiles, variables and version conversion move these nodes around, so a value keeps its
// location through every stage and an error found late still points at the right line.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { Json } from '../../core/json.ts';

/** A scalar value as YAML resolves it (core schema). */
export type Scalar = string | number | boolean | null;

/** A YAML mapping; insertion order is the order in the file. */
export interface MapNode {
  kind: 'map';
  entries: Map<string, Entry>;
  loc?: SourceLocation;
}

/** One key of a mapping: where the key was written, and its value. */
export interface Entry {
  keyLoc?: SourceLocation;
  value: TreeNode;
}

/** A YAML sequence. */
export interface SeqNode {
  kind: 'seq';
  items: TreeNode[];
  loc?: SourceLocation;
}

/** A YAML scalar. */
export interface ScalarNode {
  kind: 'scalar';
  value: Scalar;
  loc?: SourceLocation;
}

/** Any node of the tree. */
export type TreeNode = MapNode | SeqNode | ScalarNode;

/** A path into the tree: map keys and sequence indexes. */
export type TreePath = readonly (string | number)[];

/** Builds a mapping node. */
export function mapNode(loc?: SourceLocation, entries?: Map<string, Entry>): MapNode {
  // Literals with every property: adding one later would cost an extra allocation per node.
  const map = entries ?? new Map<string, Entry>();
  return loc ? { kind: 'map', entries: map, loc } : { kind: 'map', entries: map };
}

/** Builds a sequence node. */
export function seqNode(items: TreeNode[], loc?: SourceLocation): SeqNode {
  return loc ? { kind: 'seq', items, loc } : { kind: 'seq', items };
}

/** Builds a scalar node. */
export function scalarNode(value: Scalar, loc?: SourceLocation): ScalarNode {
  return loc ? { kind: 'scalar', value, loc } : { kind: 'scalar', value };
}

/** Builds a map entry. */
export function entry(value: TreeNode, keyLoc?: SourceLocation): Entry {
  return keyLoc ? { keyLoc, value } : { value };
}

/** The value under `key` when `node` is a mapping. */
export function child(node: TreeNode | undefined, key: string): TreeNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

/** The string value of a scalar, or undefined for anything else. */
export function str(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/** Where an entry is best pointed at: the value for scalars, the key for collections. */
export function entryLoc(e: Entry): SourceLocation | undefined {
  if (e.value.kind === 'scalar' && e.value.loc) return e.value.loc;
  return e.keyLoc ?? e.value.loc;
}

/** Converts a subtree to plain JSON. */
export function toJson(node: TreeNode): Json {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq': {
      const items = node.items;
      const out: Json[] = new Array<Json>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = toJson(items[i] as TreeNode);
      return out;
    }
    case 'map': {
      const out: { [key: string]: Json } = {};
      node.entries.forEach((e, k) => (out[k] = toJson(e.value)));
      return out;
    }
  }
}

/** Builds a tree from plain JSON, every node located at `loc` (values that came from somewhere else). */
export function fromJson(value: Json, loc?: SourceLocation): TreeNode {
  if (Array.isArray(value))
    return seqNode(
      value.map((v) => fromJson(v, loc)),
      loc,
    );
  if (value !== null && typeof value === 'object') {
    const m = mapNode(loc);
    for (const [k, v] of Object.entries(value)) m.entries.set(k, entry(fromJson(v, loc), loc));
    return m;
  }
  return scalarNode(value, loc);
}

/** Deep copy; locations are shared (they are never mutated). */
export function clone(node: TreeNode): TreeNode {
  switch (node.kind) {
    case 'scalar':
      return { ...node };
    case 'seq':
      return { ...node, items: node.items.map(clone) };
    case 'map': {
      const entries = new Map<string, Entry>();
      for (const [k, e] of node.entries) entries.set(k, { ...e, value: clone(e.value) });
      return { ...node, entries };
    }
  }
}

/** The node at `path`, or undefined. */
export function nodeAt(root: TreeNode, path: TreePath): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (node.kind === 'map') node = node.entries.get(String(seg))?.value;
    else if (node.kind === 'seq' && typeof seg === 'number') node = node.items[seg];
    else return undefined;
  }
  return node;
}

/** Finds where `path` was written, falling back to the nearest ancestor that has a location. */
export function locate(root: TreeNode, path: TreePath): SourceLocation | undefined {
  let node: TreeNode | undefined = root;
  let best = root.loc;
  for (const seg of path) {
    if (!node) break;
    if (node.kind === 'map') {
      const e = node.entries.get(String(seg));
      if (!e) break;
      best = entryLoc(e) ?? best;
      node = e.value;
    } else if (node.kind === 'seq') {
      const index = typeof seg === 'number' ? seg : Number(seg);
      const item: TreeNode | undefined = Number.isInteger(index) ? node.items[index] : undefined;
      if (!item) break;
      best = item.loc ?? best;
      node = item;
    } else break;
  }
  return best;
}

/** `images.api.tags[0]`: a path as users write it in messages. */
export function formatPath(path: TreePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** A short description of a node's type for messages. */
export function describe(node: TreeNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}
