// DevSpace loads a `.env` file from the project folder into the environment before resolving
// variables (without overriding variables already set); dsg does the same for the root project.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The variables of `dir/.env`, or none when there is no such file. */
export async function readDotEnv(dir: string): Promise<Record<string, string>> {
  const text = await readFile(join(dir, '.env'), 'utf8').catch(() => undefined);
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
