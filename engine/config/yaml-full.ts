// The complete YAML parser (the `yaml` package) for files the fast reader declines, and the source of
// every YAML syntax error. Loaded on demand: importing it costs ~25 ms that most runs never need.
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.ts';
import { entry, mapNode, scalarNode, seqNode, type MapNode, type TreeNode } from './tree.ts';
import type { DuplicateKeyHandler } from './yaml-fast.ts';

type Yaml = typeof import('yaml');
type YamlNode = import('yaml').Node;
type YamlDoc = import('yaml').Document.Parsed;

/** Parses `text` with the `yaml` package; the first document is the config, like DevSpace reads it. */
export async function parseYamlFull(
  text: string,
  file: string,
  onDuplicate: DuplicateKeyHandler,
): Promise<{ root: TreeNode | null; diagnostics: Diagnostic[] }> {
  const Y = await import('yaml');
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number, end?: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    const loc: SourceLocation = { file, line, col };
    if (end !== undefined && end > offset) {
      const next = lines.lineStarts[line] ?? Infinity;
      loc.length = Math.max(1, Math.min(end, next - 1) - offset);
    }
    return loc;
  };
  const list = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];
  for (const doc of list) {
    for (const e of doc.errors) {
      diagnostics.push({
        severity: 'error',
        message: `Cannot parse YAML in "${file}": ${lowerFirst(e.message)}`,
        location: at(e.pos[0], e.pos[1]),
      });
    }
  }
  const first = list[0];
  if (diagnostics.length > 0 || !first) return { root: null, diagnostics };
  if (list.slice(1).some((d) => d.contents !== null)) {
    const second = list[1];
    diagnostics.push({
      severity: 'warning',
      message: `"${file}" holds more than one YAML document: only the first is the config, the rest is ignored`,
      ...(second?.range ? { location: at(second.range[0]) } : {}),
    });
  }
  const convert = new Converter(Y, first, at, onDuplicate);
  return { root: first.contents ? convert.node(first.contents, 0) : null, diagnostics };
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

class Converter {
  constructor(
    private readonly Y: Yaml,
    private readonly doc: YamlDoc,
    private readonly at: (offset: number, end?: number) => SourceLocation,
    private readonly onDuplicate: DuplicateKeyHandler,
  ) {}

  node(n: YamlNode, depth: number): TreeNode {
    const Y = this.Y;
    if (depth > 200) throw new Error('YAML nesting deeper than 200 levels');
    if (Y.isAlias(n)) {
      const target = n.resolve(this.doc);
      return target ? this.node(target, depth + 1) : scalarNode(null, this.loc(n));
    }
    if (Y.isMap(n)) {
      const m = mapNode(this.loc(n));
      const merges: TreeNode[] = [];
      for (const pair of n.items) {
        const key = pair.key as YamlNode | null;
        const value = pair.value as YamlNode | null;
        const keyText = key && Y.isScalar(key) ? String(key.value) : key ? JSON.stringify(key.toJSON()) : '';
        const keyLoc = key ? this.loc(key) : m.loc;
        const v = value ? this.node(value, depth + 1) : scalarNode(null, keyLoc);
        if (keyText === '<<' && key && Y.isScalar(key) && key.type === 'PLAIN') {
          merges.push(v);
          continue;
        }
        const e = entry(v, keyLoc);
        const prior = m.entries.get(keyText);
        if (prior) this.onDuplicate(keyText, prior, e);
        else m.entries.set(keyText, e);
      }
      for (const source of merges) this.merge(m, source);
      return m;
    }
    if (Y.isSeq(n)) {
      return seqNode(
        n.items.map((item) =>
          item ? this.node(item as YamlNode, depth + 1) : scalarNode(null, this.loc(n)),
        ),
        this.loc(n),
      );
    }
    if (Y.isScalar(n)) {
      const v = n.value;
      const value =
        v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? v
          : JSON.stringify(v);
      return scalarNode(value, this.loc(n));
    }
    return scalarNode(null, this.loc(n));
  }

  /** YAML merge keys (`<<: *base`): keys already in the mapping win. */
  private merge(target: MapNode, source: TreeNode): void {
    const sources = source.kind === 'seq' ? source.items : [source];
    for (const s of sources) {
      if (s.kind !== 'map') continue;
      for (const [k, e] of s.entries) if (!target.entries.has(k)) target.entries.set(k, e);
    }
  }

  private loc(n: YamlNode): SourceLocation | undefined {
    if (!n.range) return undefined;
    return this.Y.isScalar(n) ? this.at(n.range[0], n.range[1]) : this.at(n.range[0]);
  }
}
