// DevSpace `kubectl.patches`: add / replace / remove at a path, on the rendered objects whose name (and,
// when given, kind and apiVersion) match the patch's target. Semantics follow DevSpace v6: replace and
// remove need the path to exist; add merges into a map, appends to a list, or creates a missing key.
import type { Json } from '../../core/json.ts';
import type { PatchConfig } from '../../core/config.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { cloneJson, describeRef, isObject, refOf, type KubeObject } from './object.ts';
import { parsePatchPath, type PathSegment } from '../../core/patch-path.ts';
import { findPath, type PathMatch } from './yaml-path.ts';

/** Why a patch could not be applied: which patch, which object, what went wrong. */
export interface PatchFailure {
  index: number;
  message: string;
}

/** True when the patch's target selects this object. */
export function patchTargets(patch: PatchConfig, object: KubeObject): boolean {
  const ref = refOf(object);
  const target = patch.target;
  if (!target?.name || target.name !== ref.name) return false;
  if (target.kind && target.kind !== ref.kind) return false;
  if (target.apiVersion && target.apiVersion !== ref.apiVersion) return false;
  return true;
}

/** Applies every patch that targets `object`, in order, to a copy of it. */
export function applyPatches(
  object: KubeObject,
  patches: readonly PatchConfig[],
): Result<KubeObject, PatchFailure> {
  let current: Json = cloneJson(object);
  for (const [index, patch] of patches.entries()) {
    if (!isObject(current) || !patchTargets(patch, current)) continue;
    const applied = applyOne(current, patch);
    if (!applied.ok) {
      return fail({ index, message: `${describeRef(refOf(object))}: ${applied.error}` });
    }
    current = applied.value;
  }
  return isObject(current)
    ? ok(current)
    : fail({ index: 0, message: 'the patched object is no longer a mapping' });
}

function applyOne(root: Json, patch: PatchConfig): Result<Json, string> {
  const parsed = parsePatchPath(patch.path);
  if (!parsed.ok) return fail(`cannot read path "${patch.path}": ${parsed.error}`);
  const segments = parsed.value;
  const matches = findPath(root, segments);
  switch (patch.op) {
    case 'replace':
      if (matches.length === 0) return fail(`replace does not apply: "${patch.path}" does not exist`);
      for (const m of matches) setAt(m, cloneJson(patch.value ?? null));
      return ok(root);
    case 'remove':
      if (matches.length === 0) return fail(`remove does not apply: "${patch.path}" does not exist`);
      removeAll(matches);
      return ok(root);
    case 'add':
      return add(root, segments, matches, patch);
  }
}

function add(
  root: Json,
  segments: PathSegment[],
  matches: PathMatch[],
  patch: PatchConfig,
): Result<Json, string> {
  const value = patch.value ?? null;
  const first = matches[0];
  if (first && (isObject(first.value) || Array.isArray(first.value))) {
    for (const m of matches) {
      if (Array.isArray(m.value)) m.value.push(cloneJson(value));
      else if (isObject(m.value) && isObject(value)) Object.assign(m.value, cloneJson(value));
      else return fail(`add to the map at "${patch.path}" needs a map value`);
    }
    return ok(root);
  }
  if (first) {
    // An existing scalar: inside a list the value goes before it; in a map DevSpace refuses to overwrite.
    if (!Array.isArray(first.parent)) return fail(`add does not apply: "${patch.path}" already exists`);
    for (const m of [...matches].reverse()) {
      if (Array.isArray(m.parent) && typeof m.key === 'number') m.parent.splice(m.key, 0, cloneJson(value));
    }
    return ok(root);
  }
  const last = segments[segments.length - 1];
  const parents = findPath(root, segments.slice(0, -1));
  if (!last || parents.length === 0)
    return fail(`add does not apply: the parent of "${patch.path}" does not exist`);
  for (const p of parents) {
    if (last.type === 'append' && Array.isArray(p.value)) p.value.push(cloneJson(value));
    else if (last.type === 'key' && isObject(p.value)) p.value[last.key] = cloneJson(value);
    else return fail(`add does not apply: cannot create "${patch.path}" there`);
  }
  return ok(root);
}

function setAt(match: PathMatch, value: Json): void {
  if (Array.isArray(match.parent)) match.parent[match.key as number] = value;
  else match.parent[match.key as string] = value;
}

function removeAll(matches: PathMatch[]): void {
  // Remove list items from the highest index down so earlier removals do not shift later ones.
  const ordered = [...matches].sort((a, b) =>
    typeof a.key === 'number' && typeof b.key === 'number' ? b.key - a.key : 0,
  );
  for (const m of ordered) {
    if (Array.isArray(m.parent)) m.parent.splice(m.key as number, 1);
    else Reflect.deleteProperty(m.parent, m.key);
  }
}
