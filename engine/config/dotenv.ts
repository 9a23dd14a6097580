// DevSpace loads a `.env` file from the project folder into the environment before resolving
// variables (without overriding variables already set); dsg does the same for the root project.
import { join } from 'node:path';
import type { ReadLog } from '../../cache/read-log.ts';

/** The variables of `dir/.env`, or none when there is no such file. */
export function readDotEnv(dir: string, reads: ReadLog): Record<string, string> {
  const text = reads.text(join(dir, '.env'));
  return text === undefined ? {} : parseDotEnv(text);
}

/** Parses `KEY=value` lines: `export` prefixes, quotes and `#` comments as in common .env files. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!m?.[1]) continue;
    let value = (m[2] ?? '').trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replaceAll('\\n', '\n').replaceAll('\\"', '"');
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    out[m[1]] = value;
  }
  return out;
}
