// DevSpace's patch paths: `images.api.tags`, `/images/api`, `deployments[0]`, `images["my-image"]`,
// `deployments.name=web.helm`, `deployments[?(@.name=='web')]`, `images.*.rebuildStrategy`, `list[-]`.
import type { MapNode, SeqNode, TreeNode } from './tree.ts';

/** One step of a path: a key (or index, decided by the container), every child, or a filter. */
export type PathSeg =
  { kind: 'key'; key: string } | { kind: 'all' } | { kind: 'filter'; key: string; value: string };

/** A place in the tree a path leads to. */
export interface PathMatch {
  parent: MapNode | SeqNode;
  key: string | number;
  node: TreeNode;
}

/** Parses a patch path; a string is the reason it cannot be read. */
export function parsePatchPath(path: string): PathSeg[] | string {
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((p) =>
        p === '*' ? { kind: 'all' } : { kind: 'key', key: p.replaceAll('~1', '/').replaceAll('~0', '~') },
      );
  }
  let s = path.startsWith('$.') ? path.slice(2) : path.startsWith('$') ? path.slice(1) : path;
  const segs: PathSeg[] = [];
  while (s.length > 0) {
    if (s.startsWith('.')) {
      s = s.slice(1);
      continue;
    }
    if (s.startsWith('[')) {
      const close = bracketEnd(s);
      if (close < 0) return `unclosed "[" in "${path}"`;
      const inner = s.slice(1, close).trim();
      s = s.slice(close + 1);
      const seg = bracket(inner);
      if (typeof seg === 'string') return `${seg} in "${path}"`;
      segs.push(seg);
      continue;
    }
    const m = /^[^.[]+/.exec(s);
    const token = m?.[0] ?? '';
    s = s.slice(token.length);
    const eq = /^([^=]+)=([^.=><~]+)$/.exec(token);
    if (token === '*') segs.push({ kind: 'all' });
    else if (eq?.[1] && eq[2]) segs.push({ kind: 'filter', key: eq[1], value: eq[2] });
    else segs.push({ kind: 'key', key: token });
  }
  return segs.length > 0 ? segs : `empty path "${path}"`;
}

function bracketEnd(s: string): number {
  let quote = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function bracket(inner: string): PathSeg | string {
  if (inner === '*') return { kind: 'all' };
  const quoted = /^(["'])(.*)\1$/.exec(inner);
  if (quoted) return { kind: 'key', key: quoted[2] ?? '' };
  if (/^-?\d+$/.test(inner) || inner === '-') return { kind: 'key', key: inner };
  const filter = /^\?\(@\.([\w-]+)\s*==\s*(?:'([^']*)'|"([^"]*)"|([\w.-]+))(?:\s*\|\|.*)?\)$/.exec(inner);
  if (filter?.[1])
    return { kind: 'filter', key: filter[1], value: filter[2] ?? filter[3] ?? filter[4] ?? '' };
  return `cannot read "[${inner}]"`;
}

/** Every node `segs` leads to from `root`, in document order. */
export function findMatches(root: MapNode, segs: readonly PathSeg[]): PathMatch[] {
  let current: PathMatch[] = [{ parent: root, key: '', node: root }];
  for (const seg of segs) {
    const next: PathMatch[] = [];
    for (const { node } of current) {
      if (node.kind === 'scalar') continue;
      for (const m of children(node, seg)) next.push(m);
    }
    current = next;
  }
  return current;
}

function children(node: MapNode | SeqNode, seg: PathSeg): PathMatch[] {
  const out: PathMatch[] = [];
  if (node.kind === 'map') {
    if (seg.kind === 'key') {
      const e = node.entries.get(seg.key);
      if (e) out.push({ parent: node, key: seg.key, node: e.value });
    } else {
      for (const [k, e] of node.entries)
        if (seg.kind === 'all' || matchesFilter(e.value, seg))
          out.push({ parent: node, key: k, node: e.value });
    }
    return out;
  }
  if (seg.kind === 'key') {
    const i = Number(seg.key);
    const item =
      Number.isInteger(i) && seg.key !== '' ? node.items[i < 0 ? node.items.length + i : i] : undefined;
    if (item) out.push({ parent: node, key: i < 0 ? node.items.length + i : i, node: item });
    return out;
  }
  node.items.forEach((item, i) => {
    if (seg.kind === 'all' || matchesFilter(item, seg)) out.push({ parent: node, key: i, node: item });
  });
  return out;
}

function matchesFilter(node: TreeNode, seg: PathSeg & { kind: 'filter' }): boolean {
  if (node.kind !== 'map') return false;
  const v = node.entries.get(seg.key)?.value;
  return v?.kind === 'scalar' && v.value !== null && String(v.value) === seg.value;
}
