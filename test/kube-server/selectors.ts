// Label and field selectors as list, watch and deletecollection take them.
import { isRecord, text, valueAt, type KubeObject } from './object.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** A parsed selector: true when the object matches. */
export type Selector = (object: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin';
  values: string[];
}

const matchAll: Selector = () => true;

/** Parses `labelSelector` (equality and set-based: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`). */
export function parseLabelSelector(text: string | null): Result<Selector, string> {
  if (text === null || text.trim() === '') return ok(matchAll);
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const parsed = parseRequirement(part.trim());
    if (!parsed) return fail(`unable to parse requirement: "${part.trim()}"`);
    requirements.push(parsed);
  }
  return ok((object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => matches(r, labels[r.key]));
  });
}

/** Parses `fieldSelector` (`path=value`, `path==value`, `path!=value`, comma-separated) over any dotted path. */
export function parseFieldSelector(text: string | null): Result<Selector, string> {
  if (text === null || text.trim() === '') return ok(matchAll);
  const requirements: Requirement[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(part);
    if (!m) return fail(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, key = '', op = '=', value = ''] = m;
    requirements.push({ key, op: op === '!=' ? '!=' : '=', values: [value] });
  }
  return ok((object) =>
    requirements.every((r) => {
      const value = valueAt(object, r.key);
      return matches(r, value === undefined || value === null ? '' : fieldText(value));
    }),
  );
}

function fieldText(value: unknown): string {
  return isRecord(value) || Array.isArray(value) ? JSON.stringify(value) : text(value);
}

function matches(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case '=':
      return value === r.values[0];
    case '!=':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
  }
}

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const keyPattern = '[A-Za-z0-9_./-]+';

function parseRequirement(part: string): Requirement | undefined {
  let m = new RegExp(`^(${keyPattern})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
  if (m) {
    const values = (m[3] ?? '').split(',').map((v) => v.trim());
    return { key: m[1] ?? '', op: m[2] === 'in' ? 'in' : 'notin', values };
  }
  m = new RegExp(`^(${keyPattern})\\s*(==|!=|=)\\s*([A-Za-z0-9_.-]*)$`).exec(part);
  if (m) return { key: m[1] ?? '', op: m[2] === '!=' ? '!=' : '=', values: [m[3] ?? ''] };
  m = new RegExp(`^(!?)\\s*(${keyPattern})$`).exec(part);
  if (m) return { key: m[2] ?? '', op: m[1] === '!' ? '!exists' : 'exists', values: [] };
  return undefined;
}
