// Canonical JSON: one spelling per value, so equal records hash equal whatever order their keys were built in.
import { createHash } from 'node:crypto';
import type { Json } from '../core/json.ts';

/** Serialises `value` with keys sorted at every level and no whitespace; throws on non-JSON numbers (a bug). */
export function canonicalJson(value: Json): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: Json, out: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value === 'number') {
    // JSON.stringify already prints the shortest round-tripping form; -0 becomes 0. NaN and Infinity have no
    // JSON spelling and would silently become null, which would make two different records collide.
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${String(value)} is not a JSON number`);
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  // Code-unit order, the same on every runtime; `undefined` members are dropped as JSON.stringify does.
  for (const key of Object.keys(value).sort()) {
    const member = value[key];
    if (member === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(member, out);
  }
  out.push('}');
}

/** The lowercase hex sha256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
