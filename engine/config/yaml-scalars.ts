// Scalars and one-line flow collections for the fast YAML reader: quoting, escapes, and the YAML 1.2
// core schema that decides whether `8080` is a number and `true` a boolean.
import type { SourceLocation } from '../../core/diagnostics.ts';
import { entry, mapNode, scalarNode, seqNode, type Scalar, type TreeNode } from './tree.ts';
import { maxYamlDepth } from '../../core/yaml-bounds.ts';

/** Thrown to abandon the fast path; caught in yaml-fast.ts and never escapes it. */
export class Unsupported extends Error {}

/** Gives up on the fast path. */
export const bail = (): never => {
  throw new Unsupported();
};

const SPACE = 32;
const DASH = 45;

/** Index of the closing `"` of a double-quoted scalar opening at `open`, or -1. */
export function doubleQuotedEnd(s: string, open: number): number {
  for (let p = open + 1; p < s.length; p++) {
    const c = s[p];
    if (c === '\\') p++;
    else if (c === '"') return p;
  }
  return -1;
}

/** Index of the closing `'` of a single-quoted scalar opening at `open`, or -1. */
export function singleQuotedEnd(s: string, open: number): number {
  for (let p = open + 1; p < s.length; p++) {
    if (s[p] === "'") {
      if (s[p + 1] === "'") p++;
      else return p;
    }
  }
  return -1;
}

/** The value of a double-quoted scalar's text. */
export function unescapeDouble(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    const simple = ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return bail();
  });
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** Reads a one-line flow collection: `[a, "b"]`, `{}`, `[{"name": "x"}]`. */
export class FlowReader {
  private depth = 0;

  constructor(
    private readonly s: string,
    public pos: number,
    private readonly loc: (col: number, length?: number) => SourceLocation,
  ) {}

  node(): TreeNode {
    this.space();
    const c = this.s[this.pos];
    if (c !== '[' && c !== '{') return this.scalar(false);
    // Deep nesting is the full parser's to report (as a located error).
    if (++this.depth > maxYamlDepth) bail();
    const node = c === '[' ? this.seq() : this.map();
    this.depth--;
    return node;
  }

  private space(): void {
    while (this.s.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  private seq(): TreeNode {
    const items: TreeNode[] = [];
    const node = seqNode(items, this.loc(this.pos));
    this.pos++;
    for (;;) {
      this.space();
      if (this.s[this.pos] === ']') break;
      items.push(this.node());
      this.space();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== ']') bail();
    }
    this.pos++;
    return node;
  }

  private map(): TreeNode {
    const node = mapNode(this.loc(this.pos));
    this.pos++;
    for (;;) {
      this.space();
      if (this.s[this.pos] === '}') break;
      const keyStart = this.pos;
      const key = this.scalar(true);
      if (key.kind !== 'scalar' || typeof key.value !== 'string') return bail();
      this.space();
      if (this.s[this.pos] !== ':') bail();
      this.pos++;
      const value = this.node();
      const e = entry(value, this.loc(keyStart, key.loc?.length));
      if (node.entries.has(key.value)) bail();
      node.entries.set(key.value, e);
      this.space();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== '}') bail();
    }
    this.pos++;
    return node;
  }

  private scalar(isKey: boolean): TreeNode {
    const s = this.s;
    const start = this.pos;
    const c = s[start];
    if (c === '"' || c === "'") {
      const close = c === '"' ? doubleQuotedEnd(s, start) : singleQuotedEnd(s, start);
      if (close < 0) bail();
      const raw = s.slice(start + 1, close);
      this.pos = close + 1;
      const value = c === '"' ? unescapeDouble(raw) : raw.replaceAll("''", "'");
      return scalarNode(value, this.loc(start, close + 1 - start));
    }
    if (c === undefined || '[]{},#&*!|>%@`?'.includes(c)) bail();
    let p = start;
    for (; p < s.length; p++) {
      const ch = s[p];
      if (ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
      if (ch === '#' && s[p - 1] === ' ') bail();
      if (ch === ':' && (p + 1 >= s.length || ' ,[]{}'.includes(s[p + 1] ?? ''))) {
        if (!isKey) bail();
        break;
      }
    }
    const raw = s.slice(start, p).trimEnd();
    if (raw === '') bail();
    this.pos = start + raw.length;
    const value = resolvePlain(raw);
    if (isKey && typeof value !== 'string') bail();
    return scalarNode(value, this.loc(start, raw.length));
  }
}

const NUMBERISH = /^[-+.0-9a-fA-FoxINnif]+$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** Resolves a plain scalar with the YAML 1.2 core schema, as the `yaml` package does. */
export function resolvePlain(raw: string): Scalar {
  if (raw === '' || raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null;
  const c = raw.charCodeAt(0);
  if (c === 116 || c === 84 || c === 102 || c === 70) {
    if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true;
    if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false;
  }
  if ((c >= 48 && c <= 57) || c === DASH || c === 43 || c === 46) {
    if (!NUMBERISH.test(raw)) return raw;
    if (INT.test(raw)) return Number(raw);
    if (/^0o[0-7]+$/.test(raw)) return parseInt(raw.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(raw)) return parseInt(raw.slice(2), 16);
    if (FLOAT.test(raw) && /[.eE]/.test(raw)) return Number(raw);
    if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(raw)) bail();
  }
  return raw;
}
