// Command-line parsing against a declared table of flags; unknown flags get a suggestion.

/** One flag a command accepts. */
export interface FlagSpec {
  name: string;
  short?: string;
  type: 'boolean' | 'string' | 'number';
  repeat?: boolean;
  /** Value placeholder in help, e.g. `FILE`. */
  value?: string;
  help: string;
}

/** Parsed flags: booleans, strings, numbers, or lists for repeatable flags. */
export type FlagValues = Record<string, boolean | string | number | string[]>;

/** The result of parsing: positionals and flags, or a usage error. */
export type Parsed = { ok: true; positionals: string[]; flags: FlagValues } | { ok: false; message: string };

/** Parses `args` (after the command words) against `specs`. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): Parsed {
  const positionals: string[] = [];
  const flags: FlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [rawName, inline] = splitOnce(long ? arg.slice(2) : arg.slice(1), '=');
    const spec = specs.find((s) => (long ? s.name === rawName : s.short === rawName));
    if (!spec) return { ok: false, message: unknownFlag(arg.split('=')[0] ?? arg, specs) };
    let value: string | undefined = inline;
    if (spec.type === 'boolean') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        return { ok: false, message: `Flag "--${spec.name}" takes no value, got "${value}"` };
      }
      flags[spec.name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined)
        return { ok: false, message: `Flag "--${spec.name}" needs a value (${spec.value ?? 'VALUE'})` };
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        return { ok: false, message: `Flag "--${spec.name}" needs a positive whole number, got "${value}"` };
      flags[spec.name] = n;
    } else if (spec.repeat) {
      const list = flags[spec.name];
      flags[spec.name] = [...(Array.isArray(list) ? list : []), value];
    } else {
      flags[spec.name] = value;
    }
  }
  return { ok: true, positionals, flags };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function unknownFlag(flag: string, specs: readonly FlagSpec[]): string {
  const names = specs.map((s) => `--${s.name}`);
  const close = suggest(flag.startsWith('--') ? flag : `-${flag}`, names);
  return `Unknown flag "${flag}"${close ? ` — did you mean "${close}"?` : ''}`;
}

/** The candidate closest to `word` by edit distance, when it is close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** A string flag's value, if given. */
export function str(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable flag's values. */
export function list(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : [];
}

/** A boolean flag. */
export function bool(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

/** A number flag's value, if given. */
export function num(flags: FlagValues, name: string): number | undefined {
  const v = flags[name];
  return typeof v === 'number' ? v : undefined;
}
