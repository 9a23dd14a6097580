// The three non-apply patch types: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and an
// approximation of strategic merge patch that handles the directives kubectl and helm send.
import { asArray, clone, deepEqual, isRecord, removeKey } from './object.ts';
import { isPrimitiveMergeList, keyValue, mergeKey } from './list-keys.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** Media types of PATCH bodies. */
export const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** RFC 7386: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const result: Record<string, unknown> = isRecord(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) removeKey(result, key);
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Strategic merge patch, approximated: like a merge patch, except that keyed lists (containers, env,
 * ports, volumes...) merge by key, and the directives `$patch`, `$retainKeys`, `$setElementOrder/…`
 * and `$deleteFromPrimitiveList/…` that client-side three-way patches contain are honoured or dropped.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') return withoutDirectives(patch);
  if (patch['$patch'] === 'delete') return undefined;
  const result: Record<string, unknown> = isRecord(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((v) => !value.some((d) => deepEqual(d, v)));
      }
      continue;
    }
    if (key.startsWith('$')) continue;
    if (value === null) {
      removeKey(result, key);
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else if (isRecord(value)) {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) removeKey(result, key);
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) removeKey(result, key);
  }
  return result;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  if (patch.some((e) => isRecord(e) && e['$patch'] === 'replace')) {
    return patch.filter((e) => !(isRecord(e) && e['$patch'] === 'replace')).map(withoutDirectives);
  }
  const existing = asArray(current);
  if (isPrimitiveMergeList(field)) {
    return [...existing, ...patch.filter((p) => !existing.some((e) => deepEqual(e, p)))];
  }
  const key = mergeKey(field, [...existing, ...patch]);
  if (key === undefined) return patch.map(withoutDirectives);
  const result = existing.map((e) => clone(e));
  for (const element of patch) {
    const id = keyValue(element, key);
    const index = result.findIndex((e) => keyValue(e, key) === id);
    if (isRecord(element) && element['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], element);
    } else {
      result.push(withoutDirectives(element));
    }
  }
  return result;
}

function withoutDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDirectives);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = withoutDirectives(v);
  return out;
}

/** RFC 6902 operations; a failing operation (bad path, failed `test`) fails the whole patch. */
export function jsonPatch(target: unknown, operations: unknown): Result<unknown, string> {
  if (!Array.isArray(operations)) return fail('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const op of operations) {
    if (!isRecord(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string') {
      return fail(`invalid JSON patch operation ${JSON.stringify(op)}`);
    }
    const path = op['path'];
    const applied = applyOperation(doc, op['op'], path, op);
    if (!applied.ok) return applied;
    doc = applied.value;
  }
  return ok(doc);
}

function applyOperation(
  doc: unknown,
  op: string,
  path: string,
  operation: Record<string, unknown>,
): Result<unknown, string> {
  switch (op) {
    case 'add':
      return setAt(doc, path, clone(operation['value']), 'add');
    case 'replace':
      return setAt(doc, path, clone(operation['value']), 'replace');
    case 'remove':
      return removeAt(doc, path);
    case 'test': {
      const found = getAt(doc, path);
      if (!found.ok) return found;
      return deepEqual(found.value, operation['value']) ? ok(doc) : fail(`testing value ${path} failed`);
    }
    case 'move':
    case 'copy': {
      const from = typeof operation['from'] === 'string' ? operation['from'] : '';
      const found = getAt(doc, from);
      if (!found.ok) return found;
      const source = op === 'move' ? removeAt(doc, from) : ok(doc);
      if (!source.ok) return source;
      return setAt(source.value, path, clone(found.value), 'add');
    }
    default:
      return fail(`unexpected JSON patch operation "${op}"`);
  }
}

function pointer(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function getAt(doc: unknown, path: string): Result<unknown, string> {
  let current = doc;
  for (const part of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isRecord(current)) current = current[part];
    else current = undefined;
    if (current === undefined) return fail(`doc is missing path: "${path}"`);
  }
  return ok(current);
}

function parentOf(doc: unknown, path: string): Result<{ parent: unknown; last: string }, string> {
  const parts = pointer(path);
  const last = parts.pop();
  if (last === undefined) return fail('cannot patch the document root');
  const parent = getAt(doc, parts.length === 0 ? '' : `/${parts.join('/')}`);
  if (!parent.ok) return fail(`doc is missing path: "${path}"`);
  return ok({ parent: parent.value, last });
}

function setAt(doc: unknown, path: string, value: unknown, mode: 'add' | 'replace'): Result<unknown, string> {
  if (path === '') return ok(value);
  const found = parentOf(doc, path);
  if (!found.ok) return found;
  const { parent, last } = found.value;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      return fail(`invalid index in "${path}"`);
    if (mode === 'add') parent.splice(index, 0, value);
    else if (index < parent.length) parent[index] = value;
    else return fail(`doc is missing path: "${path}"`);
  } else if (isRecord(parent)) {
    if (mode === 'replace' && !(last in parent)) return fail(`doc is missing key: "${path}"`);
    parent[last] = value;
  } else {
    return fail(`doc is missing path: "${path}"`);
  }
  return ok(doc);
}

function removeAt(doc: unknown, path: string): Result<unknown, string> {
  const found = parentOf(doc, path);
  if (!found.ok) return found;
  const { parent, last } = found.value;
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length)
      return fail(`invalid index in "${path}"`);
    parent.splice(index, 1);
  } else if (isRecord(parent) && last in parent) {
    removeKey(parent, last);
  } else {
    return fail(`doc is missing path: "${path}"`);
  }
  return ok(doc);
}
