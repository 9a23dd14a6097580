// Bounds on the work one YAML file can ask for, shared by the config reader and the manifest parsers.
// Parsing is synchronous, so these bounds are also what keeps dsg answering Ctrl-C: no config file holds
// the event loop for more than about a second and a half on a small machine (a 2 MB file through the
// `yaml` package, the slow path), after which the signal is seen.

/** Deeper nesting (block or flow) is an error; real configs stay under 20 levels. */
export const maxYamlDepth = 200;

/** Nodes that alias expansion may produce in one file; an alias bomb asks for billions. */
export const maxAliasNodes = 100_000;

/** A config file larger than this is refused before parsing (the largest real ones are a few kB). */
export const maxConfigBytes = 2 * 1024 * 1024;

/** The `yaml` package reports its own stack exhaustion as a syntax error; this says what it means. */
export function explainYamlError(message: string): string {
  return message.startsWith('Maximum call stack size exceeded')
    ? `nesting deeper than ${maxYamlDepth} levels`
    : message;
}

/** Where flow nesting (`[`, `{`) first goes deeper than `maxYamlDepth`, 1-based; undefined when it never does. */
export function flowTooDeep(text: string): { line: number; col: number } | undefined {
  // A quick scan before the `yaml` package, which needs seconds to find out for itself on hostile input.
  // Quoted strings and comments are skipped; a stray quote can only hide brackets, never invent them.
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (quote !== '') {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '#' && (i === lineStart || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if ((c === '"' || c === "'") && (i === lineStart || /[\s[{,:]/.test(text[i - 1] ?? ''))) {
      quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > maxYamlDepth) return { line, col: i - lineStart + 1 };
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
