// DevSpace's variable syntax: `${NAME}`, `$!{NAME}` (always a string) and `$${NAME}` (a literal `${NAME}`).
import type { Scalar } from './tree.ts';

const VAR = /\$+!?\{[a-zA-Z0-9\-_.]+\}/g;

/** One variable reference in a string. */
export interface VarRef {
  name: string;
  /** Offset of the reference in the string. */
  index: number;
  length: number;
}

/** True when `s` may hold a variable reference (a cheap test before the regex). */
export function mayHaveVars(s: string): boolean {
  return s.includes('{') && s.includes('$');
}

/** The references in `s`, without the escaped `$${...}` ones. */
export function findVars(s: string): VarRef[] {
  if (!mayHaveVars(s)) return [];
  const refs: VarRef[] = [];
  for (const m of s.matchAll(VAR)) {
    const text = m[0];
    if (text.startsWith('$$')) continue;
    const open = text.indexOf('{');
    refs.push({ name: text.slice(open + 1, -1), index: m.index, length: text.length });
  }
  return refs;
}

/**
 * Replaces every reference through `lookup`; a reference whose lookup returns undefined stays as written.
 * A string that is exactly one `${NAME}` takes the variable's own type (DevSpace does the same).
 */
export function substitute(s: string, lookup: (name: string) => Scalar | undefined): Scalar {
  if (!mayHaveVars(s)) return s;
  let whole: Scalar | undefined;
  let count = 0;
  const out = s.replace(VAR, (text: string) => {
    if (text.startsWith('$$')) return text.slice(1);
    count++;
    const open = text.indexOf('{');
    const value = lookup(text.slice(open + 1, -1));
    if (value === undefined) return text;
    if (text.length === s.length && text[1] !== '!') whole = value;
    return value === null ? '' : String(value);
  });
  if (count === 1 && whole !== undefined && typeof whole !== 'string') return whole;
  return out;
}
