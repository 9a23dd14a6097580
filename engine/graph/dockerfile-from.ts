// Finds the images a Dockerfile builds FROM, so that `build:base → build:api` edges can be drawn.

/** A `FROM` reference found in a Dockerfile, with its 1-based line. */
export interface FromReference {
  image: string;
  line: number;
}

/** Lists the external images of every `FROM` (stage names excluded), with `ARG` defaults and build args applied. */
export function dockerfileFroms(text: string, buildArgs: Readonly<Record<string, string>>): FromReference[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const found: FromReference[] = [];
  for (const { words, line } of instructions(text)) {
    const [op, ...rest] = words;
    const keyword = op?.toUpperCase();
    if (keyword === 'ARG') {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const value = buildArgs[name] ?? (eq < 0 ? undefined : unquote(decl.slice(eq + 1)));
        if (value !== undefined) args.set(name, value);
      }
    } else if (keyword === 'FROM') {
      const operands = rest.filter((w) => !w.startsWith('--'));
      const image = operands[0] ? substitute(operands[0], args) : undefined;
      const asIndex = operands.findIndex((w) => w.toUpperCase() === 'AS');
      const alias = asIndex >= 0 ? operands[asIndex + 1] : undefined;
      if (image && !stages.has(image.toLowerCase()) && image !== 'scratch') found.push({ image, line });
      if (alias) stages.add(alias.toLowerCase());
    }
  }
  return found;
}

function* instructions(text: string): Generator<{ words: string[]; line: number }> {
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
    yield { words: full.split(/\s+/).filter(Boolean), line: start };
  }
}

function substitute(value: string, args: ReadonlyMap<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced?: string, fallback?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      return args.get(name) ?? fallback ?? '';
    },
  );
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
