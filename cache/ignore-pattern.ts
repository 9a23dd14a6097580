// One `.dockerignore` pattern, with the semantics of moby's patternmatcher (read, not copied): Go's
// `filepath.Clean` on the text, `*` and `?` never cross `/`, `**` crosses any number of folders, `[...]`
// classes, `\` escapes; a pattern that is a plain path compares exactly, `dir/**` by prefix, `**/x` by suffix.

/** How a pattern is matched, cheapest first (the same split moby makes). */
type Matcher =
  | { type: 'exact'; text: string }
  | { type: 'prefix'; text: string }
  | { type: 'suffix'; text: string }
  | { type: 'regexp'; re: RegExp };

/** A compiled pattern: `test` answers for one slash-separated relative path. */
export interface CompiledPattern {
  /** The cleaned pattern text, without `!`. */
  text: string;
  test(path: string): boolean;
  /** The literal start every matching path shares (up to the first wildcard); `''` when unknown. */
  literalPrefix: string;
}

/** Go's `path.Clean`: collapses `//`, drops `.`, resolves `..`, no trailing slash; `''` becomes `.`. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Checks the syntax Go's `filepath.Match` accepts; returns what is wrong, or undefined. */
export function patternSyntaxError(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let i = 0;
  // One class member: a character, or an escaped one; `-` and `]` must be escaped to be members.
  const member = (): boolean => {
    const c = chars[i];
    if (c === undefined || c === '-' || c === ']') return false;
    if (c === '\\') i++;
    if (chars[i] === undefined) return false;
    i++;
    return chars[i] !== undefined;
  };
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\') {
      if (i + 1 >= chars.length) return 'a trailing "\\" escapes nothing';
      i += 2;
      continue;
    }
    if (c !== '[') {
      i++;
      continue;
    }
    i++;
    if (chars[i] === '^') i++;
    let members = 0;
    for (;;) {
      if (chars[i] === ']' && members > 0) {
        i++;
        break;
      }
      if (!member()) return 'a "[" character class is empty, unclosed or has a bad range';
      if (chars[i] === '-') {
        i++;
        if (!member()) return 'a "[" character class is empty, unclosed or has a bad range';
      }
      members++;
    }
  }
  return undefined;
}

const regexpSpecial = new Set(Array.from('.+()|{}$'));
const syntaxChars = new Set(Array.from('^$\\.*+?()[]{}|/-'));

/** Compiles a cleaned pattern (no `!`); call `patternSyntaxError` first. */
export function compilePattern(text: string): CompiledPattern {
  const matcher = toMatcher(text);
  const wildcard = text.search(/[*?[\\]/);
  const literalPrefix = wildcard === -1 ? text : text.slice(0, wildcard);
  return { text, literalPrefix, test: (path) => run(matcher, path) };
}

function run(m: Matcher, path: string): boolean {
  switch (m.type) {
    case 'exact':
      return path === m.text;
    case 'prefix':
      return path.startsWith(m.text);
    case 'suffix':
      // `**/foo` matches `foo` itself as well as `a/b/foo`.
      return path.endsWith(m.text) || (m.text.startsWith('/') && path === m.text.slice(1));
    case 'regexp':
      return m.re.test(path);
  }
}

function toMatcher(text: string): Matcher {
  const chars = Array.from(text);
  let re = '^';
  let type: Matcher['type'] = 'exact';
  let inClass = false;
  let pos = 0;
  for (let i = 0; pos < chars.length; i++) {
    const c = chars[pos++] as string;
    if (c === '*' && !inClass) {
      if (chars[pos] === '*') {
        pos++;
        if (chars[pos] === '/') pos++;
        if (pos >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        // A leading `**` with no other wildcard is a suffix test, as in moby.
        if (i === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (c === '?' && !inClass) {
      re += '[^/]';
      type = 'regexp';
    } else if (regexpSpecial.has(c) || ((c === '*' || c === '?') && inClass)) {
      re += `\\${c}`;
    } else if (c === '\\') {
      const next = chars[pos++];
      if (next === undefined) re += '\\\\';
      else {
        // `\x` is the literal x, as in filepath.Match (moby would hand letters on to the regexp engine).
        re += syntaxChars.has(next) ? `\\${next}` : next;
        type = 'regexp';
      }
    } else if (c === '[') {
      re += c;
      inClass = true;
      type = 'regexp';
    } else if (c === ']') {
      re += inClass ? ']' : '\\]';
      inClass = false;
      type = 'regexp';
    } else {
      re += c;
    }
  }
  switch (type) {
    case 'exact':
      return { type, text };
    case 'prefix':
      return { type, text: text.slice(0, -2) };
    case 'suffix':
      return { type, text: text.slice(2) };
    case 'regexp':
      return { type, re: new RegExp(`${re}$`, 'u') };
  }
}
