// The lists of a config whose items are mappings, most of them named by a `name` key (v1 `deployments`,
// `dependencies`, `profiles`, `vars`): each item checked the same way, with the same located messages.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { describe, entryLoc, str, type Entry, type MapNode, type SeqNode } from './tree.ts';

/** One mapping of a list, and its position in it. */
export interface ListItem {
  item: MapNode;
  index: number;
}

/** The mappings of `list` (written as `section`); an item that is not one is reported (`needs`: what it must have). */
export function mappingItems(list: SeqNode, section: string, needs: string, sink: DiagSink): ListItem[] {
  const out: ListItem[] = [];
  list.items.forEach((item, index) => {
    if (item.kind === 'map') out.push({ item, index });
    else
      sink.error(`\`${section}[${index}]\` must be a mapping with ${needs}, got ${describe(item)}`, item.loc);
  });
  return out;
}

/** A list item's `name`: the entry and its trimmed text, or undefined after reporting that it is missing. */
export function requiredName(
  { item, index }: ListItem,
  section: string,
  sink: DiagSink,
): { name: string; entry: Entry; at: SourceLocation | undefined } | undefined {
  const entry = item.entries.get('name');
  const name = str(entry?.value)?.trim();
  if (!entry || !name) {
    sink.error(
      `\`${section}[${index}].name\` is required and must be a string`,
      (entry && entryLoc(entry)) ?? item.loc,
    );
    return undefined;
  }
  return { name, entry, at: entryLoc(entry) ?? item.loc };
}
