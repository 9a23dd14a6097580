// Text → located tree. The fast reader handles what devspace.yaml files are usually made of; the
// `yaml` package handles the rest and reports syntax errors. Both report duplicate keys the same way.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { formatPath, type Entry, type TreeNode, type TreePath } from './tree.ts';
import { parseYamlFast } from './yaml-fast.ts';

/** The parsed document (null when empty) and what went wrong; errors mean the tree is unusable. */
export interface ParsedYaml {
  root: TreeNode | null;
  diagnostics: Diagnostic[];
  /** Which parser produced the tree (for tests and timings). */
  parser: 'fast' | 'full';
}

/** Parses YAML text keeping every node's location; `file` is the name used in locations. */
export async function parseYaml(text: string, file: string): Promise<ParsedYaml> {
  const duplicates: { key: string; first: Entry; second: Entry }[] = [];
  const onDuplicate = (key: string, first: Entry, second: Entry): void => {
    duplicates.push({ key, first, second });
  };
  const fast = parseYamlFast(text, file, onDuplicate);
  let result: ParsedYaml;
  if (fast) result = { root: fast.root, diagnostics: [], parser: 'fast' };
  else {
    duplicates.length = 0;
    const { parseYamlFull } = await import('./yaml-full.ts');
    const full = await parseYamlFull(text, file, onDuplicate);
    result = { ...full, parser: 'full' };
  }
  if (duplicates.length > 0 && result.root) {
    const paths = pathsOfFirstEntries(result.root, new Set(duplicates.map((d) => d.first)));
    for (const d of duplicates) {
      const where = paths.get(d.first);
      const inside = where && where.length > 0 ? ` in \`${formatPath(where)}\`` : '';
      const diagnostic: Diagnostic = {
        severity: 'error',
        message: `Duplicate key "${d.key}"${inside}: every key of a mapping must be unique`,
        related: [
          {
            message: `"${d.key}" is first defined here`,
            ...(d.first.keyLoc ? { location: d.first.keyLoc } : {}),
          },
        ],
        hint: `rename or remove one of the two "${d.key}" entries`,
      };
      if (d.second.keyLoc) diagnostic.location = d.second.keyLoc;
      result.diagnostics.push(diagnostic);
    }
  }
  return result;
}

/** The path of the mapping that holds each wanted entry; only walked when a duplicate was found. */
function pathsOfFirstEntries(root: TreeNode, wanted: Set<Entry>): Map<Entry, TreePath> {
  const found = new Map<Entry, TreePath>();
  const walk = (node: TreeNode, path: (string | number)[]): void => {
    if (node.kind === 'map') {
      for (const [k, e] of node.entries) {
        if (wanted.has(e)) found.set(e, [...path]);
        walk(e.value, [...path, k]);
      }
    } else if (node.kind === 'seq') node.items.forEach((item, i) => walk(item, [...path, i]));
  };
  walk(root, []);
  return found;
}
