// What changed between two key records: a short list for the `input changed: <what>` reason, and a
// longer before → after description for `dsg why`.
import type { KeyRecord } from './key.ts';
import type { Json } from '../core/json.ts';

/** One difference between two records. */
export interface RecordChange {
  /** Which part of the record. */
  area: 'implementation' | 'spec' | 'file' | 'env' | 'tools' | 'upstream';
  /** The short label: `api/src/main.ts`, `+api/new.ts`, `buildArgs.VERSION`, `env.FOO`, `upstream build:api`. */
  label: string;
  change: 'changed' | 'added' | 'removed';
  before?: Json;
  after?: Json;
}

/** Every difference, in record order: implementation, spec, files, env, tools, upstream. */
export function recordChanges(before: KeyRecord, after: KeyRecord): RecordChange[] {
  const changes: RecordChange[] = [];
  if (
    before.implVersion !== after.implVersion ||
    before.kind !== after.kind ||
    before.schema !== after.schema
  ) {
    changes.push({
      area: 'implementation',
      label: 'implementation version',
      change: 'changed',
      before: `${before.kind} v${before.implVersion}`,
      after: `${after.kind} v${after.implVersion}`,
    });
  }
  diffJson(before.spec, after.spec, '', changes);
  diffMap(
    before.files,
    after.files,
    (path, change) => {
      const label = change === 'added' ? `+${path}` : change === 'removed' ? `-${path}` : path;
      return { area: 'file', label };
    },
    changes,
  );
  diffMap(before.env, after.env, (name) => ({ area: 'env', label: `env.${name}` }), changes);
  diffMap(before.tools, after.tools, (name) => ({ area: 'tools', label: `tools.${name}` }), changes);
  diffMap(before.upstream, after.upstream, (id) => ({ area: 'upstream', label: `upstream ${id}` }), changes);
  return changes;
}

/** The short labels of what changed, e.g. `['api/src/main.ts', 'buildArgs.VERSION', 'env.FOO']`. */
export function diffRecords(before: KeyRecord, after: KeyRecord): string[] {
  return recordChanges(before, after).map((c) => c.label);
}

/** A multi-line description for `dsg why`: one line per change, with before → after values. */
export function describeDiff(before: KeyRecord, after: KeyRecord): string {
  const changes = recordChanges(before, after);
  if (changes.length === 0) return 'No input changed.';
  return changes.map(describeChange).join('\n');
}

function describeChange(c: RecordChange): string {
  const area = c.area === 'implementation' ? '' : `${c.area === 'file' ? 'file' : c.area} `;
  const name = c.area === 'file' ? c.label.replace(/^[+-]/, '') : stripAreaPrefix(c);
  const head = c.area === 'implementation' ? c.label : `${area}${name}`;
  if (c.area === 'file') return `${head}: ${c.change === 'changed' ? 'content changed' : c.change}`;
  if (c.change === 'added') return `${head}: added ${show(c.after)}`;
  if (c.change === 'removed') return `${head}: removed (was ${show(c.before)})`;
  const digests = c.area === 'upstream';
  return `${head}: ${show(c.before, digests)} → ${show(c.after, digests)}`;
}

function stripAreaPrefix(c: RecordChange): string {
  if (c.area === 'env') return c.label.slice('env.'.length);
  if (c.area === 'tools') return c.label.slice('tools.'.length);
  if (c.area === 'upstream') return c.label.slice('upstream '.length);
  return c.label;
}

const maxShown = 60;

/** A value as shown in `dsg why`: JSON, long values cut in the middle; digests shortened. */
function show(value: Json | undefined, digest = false): string {
  if (value === undefined) return '(none)';
  if (digest && typeof value === 'string') return `${value.replace(/^sha256:/, '').slice(0, 12)}…`;
  const text = JSON.stringify(value);
  if (text.length <= maxShown) return text;
  const half = Math.floor((maxShown - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(-half)}`;
}

function diffMap(
  before: Record<string, string>,
  after: Record<string, string>,
  label: (name: string, change: RecordChange['change']) => Pick<RecordChange, 'area' | 'label'>,
  out: RecordChange[],
): void {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const b = Object.hasOwn(before, name) ? before[name] : undefined;
    const a = Object.hasOwn(after, name) ? after[name] : undefined;
    if (b === a) continue;
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    out.push(withValues({ ...label(name, change), change }, b, a));
  }
}

function withValues(c: RecordChange, before: Json | undefined, after: Json | undefined): RecordChange {
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return c;
}

function diffJson(
  before: Json | undefined,
  after: Json | undefined,
  path: string,
  out: RecordChange[],
): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const b = Object.hasOwn(before, key) ? before[key] : undefined;
      const a = Object.hasOwn(after, key) ? after[key] : undefined;
      diffJson(b, a, joinKey(path, key), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      diffJson(before[i], after[i], `${path}[${i}]`, out);
    }
    return;
  }
  if (sameJson(before, after)) return;
  const change = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  out.push(withValues({ area: 'spec', label: path === '' ? 'spec' : path, change }, before, after));
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinKey(path: string, key: string): string {
  // Identifier-like keys read as `a.b`; anything else is quoted so the path stays unambiguous.
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === '') return part;
  return part.startsWith('[') ? `${path}${part}` : `${path}.${part}`;
}

function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
