// The documents of a manifest or values file as plain values, for finding image references at compile time.
// Manifests are usually small, plain block YAML: the config's fast reader reads each document, so a graph of
// 1,000 deployments neither loads nor warms up the `yaml` package. Whenever the fast reader declines one
// document (anchors, tags, directives, duplicate keys, anything unusual), the whole text goes to the `yaml`
// package, which gives exactly what this function always returned: every document without errors, as JS.
import { parseYamlFast } from '../config/yaml-fast.ts';
import { flowTooDeep } from '../../core/yaml-bounds.ts';
import type { TreeNode } from '../config/tree.ts';

/** The value of every error-free YAML document in `text`, in order (null for an empty document). */
export async function manifestDocuments(text: string): Promise<unknown[]> {
  return fastManifestDocuments(text) ?? (await fullDocuments(text));
}

// `---` at the start of a line always starts a document (YAML forbids it inside any scalar). The `yaml`
// package rejects implicit keys longer than 1,024 characters; long lines take the full path.
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
const DIRECTIVE_OR_END = /^(?:%|\.\.\.)/m;

/** The same through the config's fast reader alone; undefined when the text needs the `yaml` package. */
export function fastManifestDocuments(text: string): unknown[] | undefined {
  if (hasLongLine(text) || ((text.includes('%') || text.includes('...')) && DIRECTIVE_OR_END.test(text)))
    return undefined;
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_START)) if (m.index > 0) starts.push(m.index);
  const out: unknown[] = [];
  let duplicate = false;
  const onDuplicate = (): void => {
    duplicate = true;
  };
  for (let i = 0; i < starts.length; i++) {
    const piece = text.slice(starts[i], starts[i + 1] ?? text.length);
    const parsed = parseYamlFast(piece, '', onDuplicate);
    // The `yaml` package reports duplicate keys as errors and leaves that document out.
    if (!parsed || duplicate) return undefined;
    // Comments and blank lines before the first `---` are no document; after a `---` even nothing is one.
    const marked = i > 0 || piece.replace(/^\uFEFF/, '').startsWith('---');
    if (parsed.root || marked) out.push(parsed.root ? toJs(parsed.root) : null);
  }
  return out;
}

function hasLongLine(text: string): boolean {
  if (text.length <= 1024) return false;
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if ((end < 0 ? text.length : end) - start > 1024) return true;
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}

/** Plain JS as the `yaml` package's `toJS()` builds it (the fast reader only produces string keys). */
function toJs(node: TreeNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJs);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) {
        // A key named like an inherited property (`__proto__`) must become an own property, as in `yaml`.
        if (k in out)
          Object.defineProperty(out, k, {
            value: toJs(e.value),
            writable: true,
            enumerable: true,
            configurable: true,
          });
        else out[k] = toJs(e.value);
      }
      return out;
    }
  }
}

async function fullDocuments(text: string): Promise<unknown[]> {
  // Hostile nesting takes the `yaml` package seconds to refuse; the render task reports it, located.
  if (flowTooDeep(text)) return [];
  const { parseAllDocuments } = await import('yaml');
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('errors' in doc) || doc.errors.length > 0) continue;
    try {
      out.push(doc.toJS());
    } catch {
      // An alias bomb or an unknown alias: no value to look into (the render task reports it).
    }
  }
  return out;
}
