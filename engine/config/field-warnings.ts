// The two kinds of warning about fields DevSpace knows: removed by DevSpace itself, or not done by dsg.
import type { DiagSink } from './diag-sink.ts';
import { formatPath, type Entry, type TreeNode } from './tree.ts';

/** Warns that a DevSpace field does nothing any more (removed by DevSpace itself). */
export function noEffect(sink: DiagSink, path: (string | number)[], e: Entry | undefined, why: string): void {
  if (e && !isOff(e.value)) sink.warn(`\`${formatPath(path)}\` has no effect any more: ${why}`, e.keyLoc);
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
