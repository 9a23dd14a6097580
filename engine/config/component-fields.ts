// Warnings for fields of a component deployment's values that dsg's native component renderer does not render
// (newer chart fields such as `serviceAccount`, or a typo): DevSpace's chart would act on some of them, so
// none is dropped without a word.
import type { Json } from '../../core/json.ts';
import { COMPONENT_FIELDS, CONTAINER_FIELDS } from '../../tasks/render/component-fields.ts';
import type { DiagSink } from './diag-sink.ts';
import { formatPath, locate, type TreeNode } from './tree.ts';

const WHY = 'dsg renders the DevSpace component chart itself and leaves this field out';

/** Warns about each field of `values` (at `path` in `tree`) that the component renderer does not read. */
export function warnUnrenderedComponentFields(
  values: { [key: string]: Json },
  path: (string | number)[],
  tree: TreeNode,
  sink: DiagSink,
): void {
  const warn = (at: (string | number)[]): void =>
    sink.warn(`\`${formatPath(at)}\` is not rendered by dsg and is ignored: ${WHY}`, locate(tree, at));
  for (const key of Object.keys(values)) if (!COMPONENT_FIELDS.has(key)) warn([...path, key]);
  for (const list of ['containers', 'initContainers']) {
    const items = values[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
      for (const key of Object.keys(item)) if (!CONTAINER_FIELDS.has(key)) warn([...path, list, i, key]);
    });
  }
}
