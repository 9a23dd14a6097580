// Manifest files: how their YAML documents become objects, with every error pointing at the file and line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { explainYamlError, flowTooDeep, maxYamlDepth } from '../../core/yaml-bounds.ts';
import type { Json } from '../../core/json.ts';
import { error, type Diagnostic, type SourceLocation } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { isObject, objectAt, stringAt, type SourcedObject } from './object.ts';

/** Turns a project-relative path into the cwd-relative path messages use. */
export type Locate = (projectRelative: string) => string;

/** Reads and parses one manifest file of the project. */
export async function readManifestFile(
  projectDir: string,
  file: string,
  locate: Locate,
): Promise<Result<SourcedObject[], Diagnostic>> {
  let text: string;
  try {
    text = await readFile(join(projectDir, file), 'utf8');
  } catch (e) {
    return fail(error(`Cannot read manifest "${file}": ${(e as Error).message}`));
  }
  return parseManifests(text, file, locate);
}

/**
 * Splits multi-document YAML into objects. `file` names the text in messages (project-relative);
 * `kind: List` documents are expanded into their items; empty documents are skipped.
 */
export function parseManifests(
  text: string,
  file: string,
  locate: Locate,
): Result<SourcedObject[], Diagnostic> {
  const deep = flowTooDeep(text);
  if (deep) {
    const where = { file: locate(file), ...deep };
    return fail(error(`Invalid manifest "${file}": nesting deeper than ${maxYamlDepth} levels`, where));
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number, length?: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    const location: SourceLocation = {
      file: locate(file),
      line: Math.max(1, pos.line),
      col: Math.max(1, pos.col),
    };
    if (length !== undefined) location.length = length;
    return location;
  };
  const objects: SourcedObject[] = [];
  if (!Array.isArray(docs)) return ok(objects);
  for (const [index, doc] of docs.entries()) {
    const problem = doc.errors[0];
    if (problem) {
      const detail = explainYamlError(problem.message.split('\n')[0] ?? problem.message);
      return fail(error(`Invalid manifest "${file}": ${detail}`, at(problem.pos[0], 1)));
    }
    const start = doc.contents?.range[0] ?? 0;
    let value: Json | undefined;
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) as Json | undefined;
    } catch (e) {
      // An alias bomb, or an alias without its anchor: the `yaml` package refuses to build the value.
      const detail = e instanceof Error ? explainAliasError(e.message) : String(e);
      return fail(error(`Invalid manifest "${file}": ${detail}`, at(start)));
    }
    if (value === null || value === undefined) continue;
    const line = Math.max(1, lineCounter.linePos(start).line);
    const checked = checkObject(value, `document ${index + 1}`);
    if (!checked.ok) return fail(error(`Invalid manifest "${file}": ${checked.error}`, at(start)));
    if (checked.value['kind'] === 'List') {
      const items = checked.value['items'];
      for (const [i, item] of (Array.isArray(items) ? items : []).entries()) {
        const inner = checkObject(item, `item ${i + 1} of the List in document ${index + 1}`);
        if (!inner.ok) return fail(error(`Invalid manifest "${file}": ${inner.error}`, at(start)));
        objects.push({ object: inner.value, source: { file, line } });
      }
      continue;
    }
    objects.push({ object: checked.value, source: { file, line } });
  }
  return ok(objects);
}

function checkObject(value: Json, what: string): Result<{ [key: string]: Json }, string> {
  if (!isObject(value)) return fail(`${what} is not a mapping`);
  if (!stringAt(value, 'apiVersion')) return fail(`${what} has no "apiVersion"`);
  if (!stringAt(value, 'kind')) return fail(`${what} has no "kind"`);
  if (value['kind'] !== 'List' && !stringAt(objectAt(value, 'metadata'), 'name')) {
    return fail(`${what} (kind "${stringAt(value, 'kind') ?? ''}") has no "metadata.name"`);
  }
  return ok(value);
}

function explainAliasError(message: string): string {
  return message.startsWith('Excessive alias count')
    ? 'aliases expand to more than 1,000 aliased values'
    : message.replace(/^[A-Z]/, (c) => c.toLowerCase());
}
