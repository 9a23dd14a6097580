// The images a Dockerfile builds FROM: the one reader of `FROM` lines, used by the compiler for `build → build`
// edges and by the build to put the image built in this run in place of the name the line gives.

/** A `FROM` instruction that names an image (not a stage of the same file, not `scratch`). */
export interface FromReference {
  /** The image as the builder will read it: global `ARG` defaults and build args filled in. */
  image: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** 1-based line where it ends (after continuation lines). */
  endLine: number;
  /** `--platform=...` and any other flags, as written. */
  flags: string[];
  /** The stage name after `AS`, if any. */
  alias: string | undefined;
}

/**
 * Lists the external images of every `FROM`, in order. As the builder does, only `ARG`s declared before the
 * first `FROM` count, and a build arg overrides an `ARG`'s default.
 */
export function dockerfileFroms(text: string, buildArgs: Readonly<Record<string, string>>): FromReference[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const found: FromReference[] = [];
  let global = true;
  for (const { words, line, endLine } of instructions(text)) {
    const [op, ...rest] = words;
    const keyword = op?.toUpperCase();
    if (keyword === 'ARG' && global) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const value = buildArgs[name] ?? (eq < 0 ? undefined : unquote(decl.slice(eq + 1)));
        if (value !== undefined) args.set(name, value);
      }
    } else if (keyword === 'FROM') {
      global = false;
      const flags = rest.filter((w) => w.startsWith('--'));
      const operands = rest.filter((w) => !w.startsWith('--'));
      const image = operands[0] ? substitute(operands[0], args) : undefined;
      const asIndex = operands.findIndex((w) => w.toUpperCase() === 'AS');
      const alias = asIndex >= 0 ? operands[asIndex + 1] : undefined;
      if (image && !stages.has(image.toLowerCase()) && image !== 'scratch')
        found.push({ image, line, endLine, flags, alias });
      if (alias) stages.add(alias.toLowerCase());
    }
  }
  return found;
}

/**
 * `text` with the image of each `FROM` for which `replace` gives a reference swapped for it. The instruction is
 * written again on its first line (its flags and stage name kept) and its continuation lines left empty, so every
 * other instruction keeps its line number for messages.
 */
export function replaceFroms(
  text: string,
  froms: readonly FromReference[],
  replace: (from: FromReference) => string | undefined,
): string {
  const lines = text.split('\n');
  for (const from of froms) {
    const reference = replace(from);
    if (reference === undefined) continue;
    const alias = from.alias !== undefined ? ` AS ${from.alias}` : '';
    const carriageReturn = (lines[from.endLine - 1] ?? '').endsWith('\r') ? '\r' : '';
    lines[from.line - 1] = `${['FROM', ...from.flags, reference].join(' ')}${alias}${carriageReturn}`;
    for (let i = from.line; i < from.endLine; i++) lines[i] = carriageReturn;
  }
  return lines.join('\n');
}

/** Logical instructions: continuation lines joined, comments and blank lines skipped. */
function* instructions(text: string): Generator<{ words: string[]; line: number; endLine: number }> {
  let pending = '';
  let start = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (pending === '') start = index + 1;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      continue;
    }
    if (trimmed.startsWith('#')) continue;
    const full = pending + trimmed;
    pending = '';
    yield { words: full.split(/\s+/).filter(Boolean), line: start, endLine: index + 1 };
  }
}

function substitute(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced?: string, modifier?: string, word?: string, bare?: string) => {
      const value = args.get(braced ?? bare ?? '');
      if (modifier === '+') return value !== undefined && value !== '' ? (word ?? '') : '';
      return value !== undefined && value !== '' ? value : (word ?? '');
    },
  );
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
