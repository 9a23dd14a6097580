// Secret values (a `password: true` variable's, a variable named like `*TOKEN*`, `*PASSWORD*`, `*SECRET*`, `*KEY*`)
// never leave dsg in clear: output, logs and events show `***`; where a secret changes a key, the record holds
// its digest. The one owner of how secrets are told and hidden.
import { createHash } from 'node:crypto';

/** Variable names that say their value is a secret. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL/i;

/** Shorter values are not hidden: replacing every `1` or `on` in a log would hide everything else. */
const MIN_LENGTH = 3;

/** True when a variable's value must be kept secret: declared `password: true`, or named like a secret. */
export function isSecretVariable(name: string, password: boolean): boolean {
  return password || SECRET_NAME.test(name);
}

/** The values worth hiding among `values`, longest first (so a secret containing another is hidden whole). */
export function secretValues(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v.length >= MIN_LENGTH))].sort((a, b) => b.length - a.length);
}

/** Replaces every secret in a text with `***`, including its JSON-escaped spelling. */
export function maskSecrets(secrets: readonly string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  const spellings = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return (text) => {
    let out = text;
    for (const s of spellings) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  };
}

/**
 * `value` (JSON) with every secret inside its strings replaced by `<secret sha256:…>`: a key computed from it
 * still changes when the secret does, and the record stored beside the key shows only a digest.
 */
export function digestSecrets<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const text = JSON.stringify(value);
  if (text === undefined || !secrets.some((s) => text.includes(JSON.stringify(s).slice(1, -1)))) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const s of secrets) if (out.includes(s)) out = out.split(s).join(`<secret sha256:${digest(s)}>`);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]));
  };
  // The walk keeps every shape and changes strings only: the result has the type it was given.
  return walk(value) as T;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
