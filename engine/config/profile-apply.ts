// Applies one profile to the config tree: `replace` (whole top-level sections), `merge` (a JSON merge
// patch) and `patches` (add / replace / remove at DevSpace paths), in that order, like DevSpace.
// Values inserted from a profile keep their own locations, so errors point into the profile.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { parsePatchPath, type PathSegment } from '../../core/patch-path.ts';
import { findMatches, type PathMatch } from './patch-path.ts';
import { clone, describe, entry, entryLoc, mapNode, str, type MapNode, type TreeNode } from './tree.ts';

/** Replaces the top-level sections the profile names (a mapping: `checkProfile` said so). */
export function applyReplace(root: MapNode, replace: MapNode): void {
  for (const [k, e] of replace.entries) root.entries.set(k, entry(clone(e.value), e.keyLoc));
}

/** JSON merge patch (RFC 7386): mappings merge key by key, `null` deletes, anything else replaces. */
export function applyMerge(root: MapNode, merge: MapNode): void {
  mergeInto(root, merge);
}

function mergeInto(target: TreeNode | undefined, patch: TreeNode): TreeNode {
  if (patch.kind !== 'map') return clone(patch);
  const out = target?.kind === 'map' ? target : mapNode(patch.loc);
  for (const [k, e] of patch.entries) {
    if (e.value.kind === 'scalar' && e.value.value === null) {
      out.entries.delete(k);
      continue;
    }
    const prior = out.entries.get(k);
    out.entries.set(k, entry(mergeInto(prior?.value, e.value), prior?.keyLoc ?? e.keyLoc));
  }
  return out;
}

/** A patch of a profile whose shape was checked: `op`, `path` and (for add and replace) `value`. */
export interface CheckedPatch {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value: TreeNode | undefined;
  at: SourceLocation | undefined;
}

/**
 * Checks the shape of a profile's `patches` as DevSpace's schema does — a list of mappings with `op` one of add,
 * replace, remove and a `path`, no other keys — whether or not the profile is applied; returns the valid ones.
 */
export function checkPatches(patches: TreeNode, profile: string, sink: DiagSink): CheckedPatch[] {
  if (patches.kind !== 'seq') {
    sink.error(`\`patches\` of profile "${profile}" must be a list, got ${describe(patches)}`, patches.loc);
    return [];
  }
  const out: CheckedPatch[] = [];
  for (const p of patches.items) {
    if (p.kind !== 'map') {
      sink.error(
        `A patch of profile "${profile}" must be a mapping with \`op\` and \`path\`, got ${describe(p)}`,
        p.loc,
      );
      continue;
    }
    for (const [k, e] of p.entries) {
      if (!['op', 'path', 'value', 'from'].includes(k))
        sink.error(
          `Unknown key "${k}" in a patch of profile "${profile}"`,
          e.keyLoc,
          'known keys: op, path, value',
        );
    }
    const opEntry = p.entries.get('op');
    const pathEntry = p.entries.get('path');
    const op = str(opEntry?.value);
    const path = str(pathEntry?.value);
    const at = (pathEntry && entryLoc(pathEntry)) ?? p.loc;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      sink.error(
        `\`op\` of a patch of profile "${profile}" must be one of add, replace, remove, got ${opEntry ? describe(opEntry.value) : 'nothing'}`,
        (opEntry && entryLoc(opEntry)) ?? p.loc,
      );
      continue;
    }
    if (path === undefined || path === '') {
      sink.error(`A patch of profile "${profile}" needs a \`path\``, at);
      continue;
    }
    out.push({ op, path, value: p.entries.get('value')?.value, at });
  }
  return out;
}

/** Applies the checked `patches` of a profile, in order. */
export function applyPatches(
  root: MapNode,
  patches: readonly CheckedPatch[],
  profile: string,
  sink: DiagSink,
): void {
  for (const { op, path, value, at } of patches) {
    if (op !== 'remove' && !value) {
      sink.error(`Patch "${op} ${path}" of profile "${profile}" needs a \`value\``, at);
      continue;
    }
    const problem = applyPatch(root, op, path, value);
    if (problem) sink.error(`Cannot apply patch "${op} ${path}" of profile "${profile}": ${problem}`, at);
  }
}

/** Applies one operation; returns why it could not be applied. */
export function applyPatch(
  root: MapNode,
  op: 'add' | 'replace' | 'remove',
  path: string,
  value?: TreeNode,
): string | undefined {
  const parsed = parsePatchPath(path);
  if (!parsed.ok) return parsed.error;
  const segs = parsed.value;
  const strict = path.startsWith('/');
  const matches = findMatches(root, segs);
  if (op === 'remove') {
    if (matches.length === 0) return strict ? 'the path matches nothing' : undefined;
    // Remove from the back so that earlier indexes of the same list stay valid.
    for (const m of [...matches].reverse()) removeMatch(m);
    return undefined;
  }
  if (!value) return 'it has no value';
  if (op === 'replace') {
    if (matches.length === 0)
      return strict ? 'the path matches nothing' : applyPatch(root, 'add', path, value);
    for (const m of matches) setMatch(m, clone(value));
    return undefined;
  }
  const first = matches[0];
  if (first && first.node.kind !== 'scalar') {
    for (const m of matches) {
      if (m.node.kind === 'seq') m.node.items.push(clone(value));
      else if (m.node.kind === 'map') {
        if (value.kind !== 'map')
          return `"${path}" is a mapping, so the value must be a mapping too, got ${describe(value)}`;
        for (const [k, e] of value.entries) m.node.entries.set(k, entry(clone(e.value), e.keyLoc));
      }
    }
    return undefined;
  }
  const last = segs[segs.length - 1];
  if (!last || (last.type !== 'key' && last.type !== 'index' && last.type !== 'append'))
    return 'the last part of the path must name a key or an index';
  const parents = findMatches(root, segs.slice(0, -1));
  if (parents.length === 0) return 'its parent path does not exist';
  for (const { node: parent } of parents) {
    if (parent.kind === 'seq') {
      const at = insertPosition(last, parent.items.length);
      if (at === undefined)
        return `"${describeSegment(last)}" is not a valid position in a list of ${parent.items.length}`;
      parent.items.splice(at, 0, clone(value));
    } else if (parent.kind === 'map' && last.type === 'key') {
      if (parent.entries.has(last.key))
        return `"${path}" already exists and is not a list or mapping: use op replace`;
      parent.entries.set(last.key, entry(clone(value), value.loc));
    } else return `the parent of "${describeSegment(last)}" is ${describe(parent)}`;
  }
  return undefined;
}

function removeMatch(m: PathMatch): void {
  if (m.parent.kind === 'map') m.parent.entries.delete(String(m.key));
  else m.parent.items.splice(Number(m.key), 1);
}

function setMatch(m: PathMatch, value: TreeNode): void {
  if (m.parent.kind === 'map') {
    const prior = m.parent.entries.get(String(m.key));
    m.parent.entries.set(String(m.key), entry(value, prior?.keyLoc));
  } else m.parent.items[Number(m.key)] = value;
}

/** Where `add` inserts into a list of `length`: before a position, or at the end for `-`; undefined when invalid. */
function insertPosition(last: PathSegment, length: number): number | undefined {
  if (last.type === 'append' || (last.type === 'key' && last.key === '-')) return length;
  const raw =
    last.type === 'index'
      ? last.index
      : last.type === 'key' && /^\d+$/.test(last.key)
        ? Number(last.key)
        : undefined;
  return raw !== undefined && raw >= 0 && raw <= length ? raw : undefined;
}

function describeSegment(segment: PathSegment): string {
  switch (segment.type) {
    case 'key':
      return segment.key;
    case 'index':
      return String(segment.index);
    case 'append':
      return '-';
    case 'wildcard':
      return '*';
    case 'filter':
      return `${segment.key}=${segment.values.map(String).join('|')}`;
  }
}
