// Helm values of a deployment: its `valuesFiles` merged in order, then its inline `values` on top, the way
// helm merges `-f a.yaml -f b.yaml`: maps merge key by key, anything else is replaced. A null is kept, so
// that helm can still use it to delete a default of the chart.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Json } from '../../core/json.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isObject, type JsonObject } from '../render/object.ts';

/** Merges `over` into a copy of `base`, helm style. */
export function mergeValues(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    if (isObject(value) && isObject(current)) out[key] = mergeValues(current, value);
    else out[key] = value;
  }
  return out;
}

/** Reads the values files (project-relative) and merges them and the inline values. */
export async function loadValues(
  projectDir: string,
  files: readonly string[],
  inline: JsonObject,
  locate: (file: string) => string,
): Promise<Result<JsonObject, Diagnostic>> {
  let merged: JsonObject = {};
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(join(projectDir, file), 'utf8');
    } catch (e) {
      const detail = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
      return fail(error(`Cannot read values file "${file}": ${detail}`));
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const problem = doc.errors[0];
    if (problem) {
      const pos = lineCounter.linePos(problem.pos[0]);
      const detail = problem.message.split('\n')[0] ?? problem.message;
      return fail(
        error(`Invalid values file "${file}": ${detail}`, {
          file: locate(file),
          line: pos.line,
          col: pos.col,
        }),
      );
    }
    const value = doc.toJS({ maxAliasCount: 1000 }) as Json | undefined;
    if (value === null || value === undefined) continue;
    if (!isObject(value)) return fail(error(`Invalid values file "${file}": the top level is not a mapping`));
    merged = mergeValues(merged, value);
  }
  return ok(mergeValues(merged, inline));
}
