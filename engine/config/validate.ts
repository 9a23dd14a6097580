// Checks the final v2beta1 tree against schemas/devspace-v2beta1.schema.json (through the validator
// generated from it) and turns every ajv error into a located diagnostic: all errors at once.
import { validate as generated } from '../../schemas/devspace-v2beta1.validate.ts';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { formatPath, locate, nodeAt, type TreeNode } from './tree.ts';
import type { Json } from '../../core/json.ts';
import { hintFor } from './hints.ts';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { properties?: Record<string, unknown> };
  data?: unknown;
}

type ValidateFunction = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const validateSchema = generated as unknown as ValidateFunction;

/** Validates `data` (the JSON of `tree`; coerced in place, e.g. `8080` → `"8080"` for strings). */
export function validateConfig(
  data: Json,
  tree: TreeNode,
  fileStart: SourceLocation,
  sink: DiagSink,
): boolean {
  if (validateSchema(data)) return true;
  const seen = new Set<string>();
  for (const e of validateSchema.errors ?? []) {
    const d = describeError(e, tree, fileStart);
    const key = `${d.message}@${d.at?.line ?? 0}:${d.at?.col ?? 0}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sink.error(d.message, d.at, d.hint);
  }
  return false;
}

function toPath(pointer: string, tree: TreeNode): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const parent = nodeAt(tree, out);
    out.push(parent?.kind === 'seq' && /^\d+$/.test(seg) ? Number(seg) : seg);
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'an integer',
  null: 'empty',
};

function shown(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return JSON.stringify(v) ?? 'nothing';
}

function describeError(
  e: AjvError,
  tree: TreeNode,
  fileStart: SourceLocation,
): { message: string; at?: SourceLocation; hint?: string } {
  const path = toPath(e.instancePath, tree);
  const where = path.length > 0 ? `\`${formatPath(path)}\`` : 'the config';
  const at = (p: (string | number)[]): SourceLocation => locate(tree, p) ?? fileStart;
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params['missingProperty']);
      return {
        message: `Missing required key "${missing}" in ${where}`,
        at: path.length > 0 ? at(path) : fileStart,
      };
    }
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      const known = Object.keys(e.parentSchema?.properties ?? {});
      const parent = nodeAt(tree, path);
      const keyLoc = parent?.kind === 'map' ? parent.entries.get(key)?.keyLoc : undefined;
      return {
        message: `Unknown key "${key}" in ${where}`,
        at: keyLoc ?? at([...path, key]),
        hint: hintFor(key, known),
      };
    }
    case 'type': {
      const types = String(e.params['type'])
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t);
      return { message: `${where} must be ${types.join(' or ')}, got ${shown(e.data)}`, at: at(path) };
    }
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String).join(', ');
      return { message: `${where} must be one of ${allowed}, got ${shown(e.data)}`, at: at(path) };
    }
    case 'minLength':
      return { message: `${where} must not be empty`, at: at(path) };
    default:
      return { message: `${where} ${e.message ?? 'is not valid'}`, at: at(path) };
  }
}
