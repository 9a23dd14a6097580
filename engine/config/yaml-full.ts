// The complete YAML parser (the `yaml` package) for files the fast reader declines, and the source of
// every YAML syntax error. Loaded on demand: importing it costs ~25 ms that most runs never need.
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.ts';
import { entry, mapNode, scalarNode, seqNode, type MapNode, type TreeNode } from './tree.ts';
import type { DuplicateKeyHandler } from './yaml-fast.ts';
import { explainYamlError, flowTooDeep, maxAliasNodes, maxYamlDepth } from '../../core/yaml-bounds.ts';

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
  const deep = flowTooDeep(text);
  if (deep) {
    const message = `Cannot parse YAML in "${file}": nesting deeper than ${maxYamlDepth} levels`;
    return { root: null, diagnostics: [{ severity: 'error', message, location: { file, ...deep } }] };
  }
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
        message: `Cannot parse YAML in "${file}": ${lowerFirst(explainYamlError(e.message))}`,
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
  try {
    return { root: first.contents ? convert.node(first.contents, 0) : null, diagnostics };
  } catch (e) {
    if (!(e instanceof TooMuch)) throw e;
    const d: Diagnostic = { severity: 'error', message: `Cannot read "${file}": ${e.message}` };
    if (e.location) d.location = e.location;
    if (e.hint) d.hint = e.hint;
    return { root: null, diagnostics: [d] };
  }
}

/** A document that asks for more than dsg gives one file: too deep, an alias bomb, an alias to itself. */
class TooMuch extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation | undefined,
    readonly hint?: string,
  ) {
    super(message);
  }
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

  /** Nodes alias expansion may still produce. */
  private aliasBudget = maxAliasNodes;
  /** How many aliases the node being converted is inside. */
  private inAlias = 0;
  /** The outermost alias being expanded: where an alias bomb goes off. */
  private aliasSite: YamlNode | undefined;
  /** Each alias's target: `resolve` walks the whole document every time. */
  private readonly targets = new Map<YamlNode, YamlNode | undefined>();
  private readonly locs = new Map<YamlNode, SourceLocation>();
  /** The collections being converted, root first: an alias to one of them would contain itself. */
  private readonly open = new Set<YamlNode>();

  node(n: YamlNode, depth: number): TreeNode {
    const Y = this.Y;
    if (depth > maxYamlDepth)
      throw new TooMuch(`nesting deeper than ${maxYamlDepth} levels`, this.loc(n), 'flatten the structure');
    if (this.inAlias > 0 && --this.aliasBudget < 0) {
      throw new TooMuch(
        `aliases expand to more than ${maxAliasNodes.toLocaleString('en-US')} nodes`,
        this.aliasSite && this.loc(this.aliasSite),
        'an alias of an alias of … multiplies; repeat fewer values through anchors',
      );
    }
    if (Y.isAlias(n)) return this.alias(n, depth);
    if (!Y.isCollection(n)) return this.leaf(n);
    this.open.add(n);
    const converted = this.collection(n, depth);
    this.open.delete(n);
    return converted;
  }

  private alias(n: import('yaml').Alias, depth: number): TreeNode {
    if (!this.targets.has(n)) this.targets.set(n, n.resolve(this.doc));
    const target = this.targets.get(n);
    if (!target) {
      throw new TooMuch(
        `unknown alias "*${n.source}": no anchor "&${n.source}" is defined before it`,
        this.loc(n),
        `define \`&${n.source}\` on a value above this line, or remove the alias`,
      );
    }
    if (this.open.has(target)) {
      throw new TooMuch(
        `alias "*${n.source}" is used inside the value it names: a value cannot contain itself`,
        this.loc(n),
        `move \`*${n.source}\` (or \`<<: *${n.source}\`) out of the value anchored \`&${n.source}\``,
      );
    }
    if (this.inAlias++ === 0) this.aliasSite = n;
    const converted = this.node(target, depth + 1);
    this.inAlias--;
    return converted;
  }

  private collection(n: YamlNode, depth: number): TreeNode {
    const Y = this.Y;
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
    return scalarNode(null, this.loc(n));
  }

  private leaf(n: YamlNode): TreeNode {
    const Y = this.Y;
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
    // An aliased node is converted once per use: its location is computed once.
    let loc = this.locs.get(n);
    if (!loc) {
      loc = this.Y.isScalar(n) ? this.at(n.range[0], n.range[1]) : this.at(n.range[0]);
      this.locs.set(n, loc);
    }
    return loc;
  }
}
