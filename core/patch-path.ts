// The path language of DevSpace patches, in profiles and in `kubectl.patches` alike: dotted paths with
// `[0]`, `[-1]`, `[*]`, `[-]`, `["my-key"]` and `[?(@.name=='api' || @.name=='web')]`, the legacy `name=api`
// selector, `$.`-rooted or not, and the JSON-pointer spelling `/spec/containers/0/image`. One parser; the
// config tree (engine/config/patch-path.ts) and rendered objects (tasks/render/yaml-path.ts) walk its result.
import type { Json } from './json.ts';
import { fail, ok, type Result } from './result.ts';

/** One step of a path. */
export type PathSegment =
  /** A key of a mapping; in a list, a key that is a whole number (`.0`, `/0`) is a position. */
  | { type: 'key'; key: string }
  /** A position in a list (`[2]`; `[-1]` counts from the end). */
  | { type: 'index'; index: number }
  /** The end of a list (`[-]`, `/-`): only `add` can go there. */
  | { type: 'append' }
  /** Every entry of a mapping or item of a list. */
  | { type: 'wildcard' }
  /** The items of a list whose field at `key` (dotted for nested fields) equals one of `values`. */
  | { type: 'filter'; key: string; values: Json[] };

/** Parses a patch path; a failure says what is wrong with it. */
export function parsePatchPath(path: string): Result<PathSegment[], string> {
  const trimmed = path.trim();
  if (trimmed === '') return fail('the path is empty');
  if (trimmed.startsWith('/')) return ok(parsePointer(trimmed));
  return parseDotted(trimmed.replace(/^\$\.?/, ''));
}

/** The position a key segment names in a list of `length` items, or undefined when it names none. */
export function positionOf(segment: PathSegment, length: number): number | undefined {
  const raw =
    segment.type === 'index' ? segment.index : segment.type === 'key' ? wholeNumber(segment.key) : undefined;
  if (raw === undefined) return undefined;
  const at = raw < 0 ? length + raw : raw;
  return at >= 0 && at < length ? at : undefined;
}

/** True when a list item's field (read by `field`, which follows a dotted key) matches a filter. */
export function filterMatches(
  segment: Extract<PathSegment, { type: 'filter' }>,
  field: (path: readonly string[]) => Json | undefined,
): boolean {
  const value = field(segment.key.split('.'));
  return value !== undefined && segment.values.some((v) => v === value);
}

function wholeNumber(text: string): number | undefined {
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

function parsePointer(path: string): PathSegment[] {
  return path
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part): PathSegment => {
      if (part === '-') return { type: 'append' };
      if (part === '*') return { type: 'wildcard' };
      return { type: 'key', key: part };
    });
}

function parseDotted(path: string): Result<PathSegment[], string> {
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      continue;
    }
    if (path[i] === '[') {
      const end = closingBracket(path, i);
      if (end < 0) return fail(`unclosed "[" in "${path}"`);
      const segment = bracketSegment(path.slice(i + 1, end).trim());
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
      // `name=1` is written without types: it selects the string and the number.
      const value = legacy[2] ?? '';
      const values: Json[] = /^-?\d+$/.test(value) ? [value, Number(value)] : [value];
      segments.push({ type: 'filter', key: legacy[1] ?? '', values });
    } else if (token === '*') segments.push({ type: 'wildcard' });
    else segments.push({ type: 'key', key: token });
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
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ']') return i;
  }
  return -1;
}

function bracketSegment(inner: string): Result<PathSegment, string> {
  if (inner === '*') return ok({ type: 'wildcard' });
  if (inner === '-') return ok({ type: 'append' });
  const index = wholeNumber(inner);
  if (index !== undefined) return ok({ type: 'index', index });
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return ok({ type: 'key', key: quoted[2] ?? '' });
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (!filter) return fail(`cannot read "[${inner}]"`);
  let key: string | undefined;
  const values: Json[] = [];
  for (const alternative of (filter[1] ?? '').split('||')) {
    const test = /^\s*@\.([\w.-]+)\s*==\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?|true|false|null))\s*$/.exec(
      alternative,
    );
    if (!test || (key !== undefined && key !== test[1])) return fail(`cannot read the filter "[${inner}]"`);
    key = test[1];
    const literal = test[4];
    values.push(literal === undefined ? (test[2] ?? test[3] ?? '') : (JSON.parse(literal) as Json));
  }
  return ok({ type: 'filter', key: key ?? '', values });
}
