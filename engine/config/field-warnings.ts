// The two kinds of warning about fields DevSpace knows: removed by DevSpace itself, or not done by dsg.
import type { DiagSink } from './diag-sink.ts';
import { formatPath, type Entry, type MapNode, type TreeNode } from './tree.ts';

/** Warns that a DevSpace field does nothing any more (removed by DevSpace itself). */
export function noEffect(sink: DiagSink, path: (string | number)[], e: Entry | undefined, why: string): void {
  if (e && !isOff(e.value)) sink.warn(`\`${formatPath(path)}\` has no effect any more: ${why}`, e.keyLoc);
}

/** `noEffect` for each field of `node` named in `removed` (field → why it does nothing any more). */
export function removedFields(
  sink: DiagSink,
  node: MapNode,
  path: (string | number)[],
  removed: Readonly<Record<string, string>>,
): void {
  for (const [key, why] of Object.entries(removed))
    noEffect(sink, [...path, key], node.entries.get(key), why);
}

/** Warns about a field DevSpace acts on and dsg does not. */
export function unsupported(
  sink: DiagSink,
  path: (string | number)[],
  e: Entry | undefined,
  detail?: string,
): void {
  if (e && !isOff(e.value)) {
    sink.warn(
      `\`${formatPath(path)}\` is not supported by dsg yet and is ignored${detail ? `: ${detail}` : ''}`,
      e.keyLoc,
    );
  }
}

/** false, null, empty list: a field written only to say "off". */
function isOff(v: TreeNode): boolean {
  if (v.kind === 'scalar') return v.value === false || v.value === null;
  if (v.kind === 'seq') return v.items.length === 0;
  return false;
}
