// A fast reader for the YAML that devspace.yaml files are made of: block mappings and sequences,
// plain and quoted scalars, literal block scalars and one-line flow collections. The `yaml`
// package needs ~150 ms of cold JIT for a 1,000-image file; this reader needs a few. Anything
// outside that subset (anchors, tags, multi-line flow, folded scalars, errors) makes it give up,
// and the caller parses the file with the `yaml` package instead, which also reports the errors.
import type { SourceLocation } from '../../core/diagnostics.ts';
import { entry, mapNode, scalarNode, seqNode, type Entry, type MapNode, type TreeNode } from './tree.ts';
import {
  bail,
  doubleQuotedEnd,
  FlowReader,
  resolvePlain,
  singleQuotedEnd,
  unescapeDouble,
  Unsupported,
} from './yaml-scalars.ts';
import { maxYamlDepth } from '../../core/yaml-bounds.ts';

/** Called for a key that appears twice in one mapping. */
export type DuplicateKeyHandler = (key: string, first: Entry, second: Entry) => void;

/** Parses `text`; undefined when the text needs the full YAML parser. The document may be null. */
export function parseYamlFast(
  text: string,
  file: string,
  onDuplicate: DuplicateKeyHandler,
): { root: TreeNode | null } | undefined {
  try {
    return { root: new FastReader(text, file, onDuplicate).document() };
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;

class FastReader {
  private readonly lines: string[];
  /** Leading spaces of each line; -1 for blank and comment-only lines. */
  private readonly indents: Int32Array;
  private i = 0;
  private depth = 0;

  constructor(
    text: string,
    private readonly file: string,
    private readonly onDuplicate: DuplicateKeyHandler,
  ) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.includes('\t') || /\r(?!\n)/.test(text)) bail();
    this.lines = text.includes('\r') ? text.split(/\r?\n/) : text.split('\n');
    // A final newline ends the last line; it does not start an empty one.
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] === '') this.lines.pop();
    this.indents = new Int32Array(this.lines.length);
    for (let l = 0; l < this.lines.length; l++) {
      const line = this.lines[l] ?? '';
      let n = 0;
      while (line.charCodeAt(n) === SPACE) n++;
      this.indents[l] = n === line.length || line.charCodeAt(n) === HASH ? -1 : n;
    }
  }

  document(): TreeNode | null {
    while (this.i < this.lines.length && this.blankAt(this.i)) this.i++;
    const first = this.lines[this.i];
    if (first !== undefined && first.startsWith('---')) {
      if (!/^---\s*(#.*)?$/.test(first)) bail();
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) return null;
    const root = this.block(this.indent(this.i));
    this.skipBlank();
    if (this.i < this.lines.length) bail();
    return root;
  }

  private loc(line: number, col: number, length?: number): SourceLocation {
    const file = this.file;
    return length === undefined
      ? { file, line: line + 1, col: col + 1 }
      : { file, line: line + 1, col: col + 1, length };
  }

  /** Leading spaces of a non-blank line. */
  private indent(line: number): number {
    return this.indents[line] ?? 0;
  }

  private blankAt(line: number): boolean {
    return this.indents[line] === -1;
  }

  private skipBlank(): void {
    // Called several times per line: locals, and the marker check only at column 0.
    const indents = this.indents;
    let i = this.i;
    while (i < indents.length && indents[i] === -1) i++;
    this.i = i;
    if (indents[i] !== 0) return;
    const s = this.lines[i] ?? '';
    const c = s.charCodeAt(0);
    if ((c === DASH && s.startsWith('---')) || (c === 46 && s.startsWith('...')) || c === 37) bail();
  }

  private isSeqItem(s: string, col: number): boolean {
    if (s.charCodeAt(col) !== DASH) return false;
    const next = s.charCodeAt(col + 1);
    return Number.isNaN(next) || next === SPACE;
  }

  /** A block node whose first line is the current line, indented `n`. */
  private block(n: number): TreeNode {
    const s = this.lines[this.i] ?? '';
    // Deep nesting is the full parser's to report (as a located error).
    if (++this.depth > maxYamlDepth) bail();
    let node: TreeNode;
    if (this.isSeqItem(s, n)) node = this.seq(n);
    else if (this.keyEnd(s, n) >= 0) node = this.map(n);
    else return bail();
    this.depth--;
    return node;
  }

  /** Where the `:` after a key starting at `col` is, or -1 when the text is not a `key:` entry. */
  private keyEnd(s: string, col: number): number {
    const c = s[col];
    if (c === '"' || c === "'") {
      const close = c === '"' ? doubleQuotedEnd(s, col) : singleQuotedEnd(s, col);
      if (close < 0) return -1;
      let p = close + 1;
      while (s.charCodeAt(p) === SPACE) p++;
      return s.charCodeAt(p) === COLON && this.endsToken(s, p + 1) ? p : -1;
    }
    if (c === undefined || '-?:,[]{}#&*!|>%@`'.includes(c)) {
      if (c !== '-' && c !== '?' && c !== ':') return -1;
      if (this.endsToken(s, col + 1)) return -1;
    }
    // Native searches rather than a loop per character: this runs for every line.
    const comment = s.indexOf(' #', col);
    for (let p = s.indexOf(':', col); p >= 0; p = s.indexOf(':', p + 1)) {
      if (comment >= 0 && comment < p) return -1;
      if (this.endsToken(s, p + 1)) return p;
    }
    return -1;
  }

  private endsToken(s: string, p: number): boolean {
    return p >= s.length || s.charCodeAt(p) === SPACE;
  }

  /** A block mapping whose keys are at column `n`; the first may start mid-line (`- key: v`). */
  private map(n: number): MapNode {
    const node = mapNode({ file: this.file, line: this.i + 1, col: n + 1 });
    for (;;) {
      const line = this.i;
      const s = this.lines[line] ?? '';
      const col = n;
      const colon = this.keyEnd(s, col);
      if (colon < 0) bail();
      let keyEnd = colon;
      while (keyEnd > col && s.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      const rawKey = s.slice(col, keyEnd);
      const key = this.keyText(rawKey);
      const keyLoc = this.loc(line, col, keyEnd - col);
      const value = this.value(s, colon + 1, n, true);
      const e = entry(value, keyLoc);
      const prior = node.entries.get(key);
      if (prior) this.onDuplicate(key, prior, e);
      else node.entries.set(key, e);
      this.skipBlank();
      if (this.i >= this.lines.length) return node;
      const m = this.indent(this.i);
      if (m < n) return node;
      if (m > n || this.isSeqItem(this.lines[this.i] ?? '', m)) bail();
    }
  }

  private keyText(raw: string): string {
    const c = raw[0];
    if (c === '"') return unescapeDouble(raw.slice(1, -1));
    if (c === "'") return raw.slice(1, -1).replaceAll("''", "'");
    if (raw === '<<') bail();
    const v = resolvePlain(raw);
    if (typeof v !== 'string') bail();
    return raw;
  }

  /** A block sequence whose dashes are at column `n`. */
  private seq(n: number) {
    const items: TreeNode[] = [];
    const node = seqNode(items, this.loc(this.i, n));
    for (;;) {
      const s = this.lines[this.i] ?? '';
      let p = n + 1;
      while (s.charCodeAt(p) === SPACE) p++;
      if (p >= s.length || s.charCodeAt(p) === HASH) {
        items.push(this.value(s, n + 1, n, false));
      } else if (this.isSeqItem(s, p)) {
        bail();
      } else if (this.keyEnd(s, p) >= 0) {
        items.push(this.map(p));
      } else {
        items.push(this.value(s, n + 1, n, false));
      }
      this.skipBlank();
      if (this.i >= this.lines.length) return node;
      const m = this.indent(this.i);
      if (m < n) return node;
      if (m > n) bail();
      if (!this.isSeqItem(this.lines[this.i] ?? '', n)) return node;
    }
  }

  /** The value after `key:` or `- ` on the current line, starting at `from`; `owner` is the key's indent. */
  private value(s: string, from: number, owner: number, inMap: boolean): TreeNode {
    const line = this.i;
    let p = from;
    while (s.charCodeAt(p) === SPACE) p++;
    if (p >= s.length || s.charCodeAt(p) === HASH) {
      this.i++;
      this.skipBlank();
      if (this.i < this.lines.length) {
        const m = this.indent(this.i);
        const next = this.lines[this.i] ?? '';
        if (m > owner || (inMap && m === owner && this.isSeqItem(next, m))) return this.block(m);
      }
      return scalarNode(null, this.loc(line, p));
    }
    const c = s[p];
    if (c === '|') return this.literal(s, p, owner);
    if (c === '"' || c === "'") {
      const close = c === '"' ? doubleQuotedEnd(s, p) : singleQuotedEnd(s, p);
      if (close < 0) bail();
      this.endOfLine(s, close + 1);
      const raw = s.slice(p + 1, close);
      const value = c === '"' ? unescapeDouble(raw) : raw.replaceAll("''", "'");
      this.i++;
      return scalarNode(value, this.loc(line, p, close + 1 - p));
    }
    if (c === '[' || c === '{') {
      const flow = new FlowReader(s, p, (col, length) => this.loc(line, col, length));
      const node = flow.node();
      this.endOfLine(s, flow.pos);
      this.i++;
      return node;
    }
    if ('&*!%@`>?,]}'.includes(c ?? '')) bail();
    if (c === '-' && this.endsToken(s, p + 1)) bail();
    const comment = s.indexOf(' #', p);
    const end = comment >= 0 ? comment : s.length;
    for (let q = s.indexOf(':', p); q >= 0 && q < end; q = s.indexOf(':', q + 1)) {
      if (this.endsToken(s, q + 1)) bail();
    }
    const raw = s.slice(p, end).trimEnd();
    this.i++;
    this.skipBlank();
    if (this.i < this.lines.length && this.indent(this.i) > owner) bail();
    return scalarNode(resolvePlain(raw), this.loc(line, p, raw.length));
  }

  private endOfLine(s: string, p: number): void {
    while (s.charCodeAt(p) === SPACE) p++;
    if (p < s.length && s.charCodeAt(p) !== HASH) bail();
    if (p < s.length && s.charCodeAt(p - 1) !== SPACE) bail();
  }

  /** `|`, `|-`, `|+`, optionally with an indentation digit. */
  private literal(s: string, p: number, owner: number): TreeNode {
    const line = this.i;
    const header = /^\|([-+]?)([1-9]?)([-+]?)\s*(#.*)?$/.exec(s.slice(p));
    if (!header) return bail();
    const chomp = header[1] || header[3];
    const explicit = header[2] ? owner + Number(header[2]) : 0;
    this.i++;
    let indent = explicit;
    const body: string[] = [];
    while (this.i < this.lines.length) {
      const t = this.lines[this.i] ?? '';
      let n = 0;
      while (t.charCodeAt(n) === SPACE) n++;
      if (n === t.length) {
        if (indent > 0 && n > indent) body.push(t.slice(indent));
        else if (indent === 0 && n > 0 && body.every((b) => b === '')) bail();
        else body.push('');
        this.i++;
        continue;
      }
      if (indent === 0) {
        if (n <= owner) break;
        indent = n;
      }
      if (n < indent) break;
      body.push(t.slice(indent));
      this.i++;
    }
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const content = body.slice(0, end).join('\n');
    let value: string;
    if (chomp === '-') value = content;
    else if (chomp === '+') value = content + '\n'.repeat(body.length - end + (end > 0 ? 1 : 0));
    else value = end > 0 ? content + '\n' : '';
    // Trailing blank lines belong to the scalar only for `+`; give them back otherwise.
    if (chomp !== '+') this.i -= body.length - end;
    return scalarNode(value, this.loc(line, p, header[0].trimEnd().replace(/\s*#.*$/, '').length));
  }
}
