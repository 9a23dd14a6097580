// The path language of DevSpace patches: dotted paths with `[0]`, `[*]`, `[?(@.name=='api')]` and the legacy
// `name=api` selector, `$.`-rooted or not, and the XPath / JSON-pointer spelling `/spec/containers/0/image`.
import type { Json } from '../../core/json.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isObject } from './object.ts';

/** One step of a path. */
export type PathSegment =
  | { type: 'key'; key: string }
  | { type: 'index'; index: number }
  | { type: 'append' }
  | { type: 'wildcard' }
  | { type: 'filter'; key: string; values: Json[] };

/** A value found by a path, with the container that holds it so it can be replaced or removed. */
export interface PathMatch {
  parent: { [key: string]: Json } | Json[];
  key: string | number;
  value: Json;
}

/** Parses a patch path; a failure says what is wrong with it. */
export function parsePath(path: string): Result<PathSegment[], string> {
  const trimmed = path.trim();
  if (trimmed === '') return fail('the path is empty');
  if (trimmed.startsWith('/')) return ok(parsePointer(trimmed));
  return parseDotted(trimmed.replace(/^\$\.?/, ''));
}

function parsePointer(path: string): PathSegment[] {
  return path
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part): PathSegment => {
      if (part === '-') return { type: 'append' };
      if (part === '*') return { type: 'wildcard' };
      if (/^\d+$/.test(part)) return { type: 'index', index: Number(part) };
      return { type: 'key', key: part };
    });
}

function parseDotted(path: string): Result<PathSegment[], string> {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      i++;
      continue;
    }
    if (ch === '[') {
      const end = closingBracket(path, i);
      if (end < 0) return fail(`unclosed "[" in "${path}"`);
      const inner = path.slice(i + 1, end).trim();
      const segment = bracketSegment(inner);
      if (!segment.ok) return segment;
      segments.push(segment.value);
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
    const token = path.slice(i, end);
    const legacy = /^([^=]+)=([^=><~]+)$/.exec(token);
    if (legacy) {
      const value = legacy[2] ?? '';
      const values: Json[] = /^\d+$/.test(value) ? [value, Number(value)] : [value];
      segments.push({ type: 'filter', key: legacy[1] ?? '', values });
    } else if (token === '*') {
      segments.push({ type: 'wildcard' });
    } else {
      segments.push({ type: 'key', key: token });
    }
    i = end;
  }
  if (segments.length === 0) return fail(`"${path}" selects nothing`);
  return ok(segments);
}

function closingBracket(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === ']') {
      return i;
    }
  }
  return -1;
}

function bracketSegment(inner: string): Result<PathSegment, string> {
  if (inner === '*') return ok({ type: 'wildcard' });
  if (inner === '-') return ok({ type: 'append' });
  if (/^\d+$/.test(inner)) return ok({ type: 'index', index: Number(inner) });
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return ok({ type: 'key', key: quoted[2] ?? '' });
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (!filter) return fail(`cannot read "[${inner}]"`);
  let key: string | undefined;
  const values: Json[] = [];
  for (const alternative of (filter[1] ?? '').split('||')) {
    const test = /^\s*@\.([\w.-]+)\s*==\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|true|false))\s*$/.exec(
      alternative,
    );
    if (!test || (key !== undefined && key !== test[1])) return fail(`cannot read the filter "[${inner}]"`);
    key = test[1];
    const literal = test[4];
    values.push(literal === undefined ? (test[2] ?? test[3] ?? '') : (JSON.parse(literal) as Json));
  }
  return ok({ type: 'filter', key: key ?? '', values });
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
  switch (segment.type) {
    case 'key':
      if (isObject(node) && segment.key in node)
        return [{ parent: node, key: segment.key, value: node[segment.key] ?? null }];
      return [];
    case 'index':
      if (Array.isArray(node) && segment.index < node.length) {
        return [{ parent: node, key: segment.index, value: node[segment.index] ?? null }];
      }
      return [];
    case 'append':
      return [];
    case 'wildcard':
      if (Array.isArray(node)) return node.map((value, key) => ({ parent: node, key, value }));
      if (isObject(node)) return Object.entries(node).map(([key, value]) => ({ parent: node, key, value }));
      return [];
    case 'filter':
      if (!Array.isArray(node)) return [];
      return node.flatMap((value, key) =>
        isObject(value) && segment.values.some((v) => value[segment.key] === v)
          ? [{ parent: node, key, value }]
          : [],
      );
  }
}
