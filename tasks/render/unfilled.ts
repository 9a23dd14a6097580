// The last check of every render: no rendered object may carry a `${runtime...}` expression, whatever produced
// it (a chart's templates, a kustomization's files, a field nothing scanned). A literal reference deployed as an
// image name would be a wrong deploy without a word; it is refused here, at the object it was found in.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { Json } from '../../core/json.ts';
import { scanRuntimeRefs } from '../../core/runtime-refs.ts';
import { stringAt, objectAt, type SourcedObject } from './object.ts';
import type { RenderContext } from './render-context.ts';

/** The error for the first object of `objects` that still holds a runtime reference; undefined when none does. */
export function unfilledReference(
  objects: readonly SourcedObject[],
  ctx: Pick<RenderContext, 'deployment' | 'locate'>,
): Diagnostic | undefined {
  for (const { object, source } of objects) {
    if (!JSON.stringify(object).includes('${runtime.')) continue;
    const found = findReference(object, []);
    if (!found) continue;
    const kind = stringAt(object, 'kind') ?? 'object';
    const name = stringAt(objectAt(object, 'metadata'), 'name') ?? '?';
    const at = source ? { file: ctx.locate(source.file), line: source.line, col: 1 } : ctx.deployment.at;
    return error(
      `Cannot render deployment "${ctx.deployment.name}": ${kind.toLowerCase()}/${name} still holds "${found.text}" at ${found.path || '(root)'}`,
      at,
      "dsg fills in ${runtime...} references in the deployment's config, manifests and values files; a chart template or a generated file cannot name one",
    );
  }
  return undefined;
}

function findReference(value: Json, path: string[]): { text: string; path: string } | undefined {
  if (typeof value === 'string') {
    if (!value.includes('${runtime.')) return undefined;
    const scan = scanRuntimeRefs(value);
    const text = scan.refs[0]?.text ?? scan.invalid[0] ?? value;
    return { text, path: path.join('.') };
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findReference(item, [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = findReference(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
