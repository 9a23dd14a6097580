// Reading a `.dockerignore` file the way BuildKit's ignorefile reader does, and deciding per path whether
// the build context leaves it out: the last pattern that matches the path or one of its parent folders wins.
import { cleanPath, compilePattern, patternSyntaxError, type CompiledPattern } from './ignore-pattern.ts';
import { cacheFailure, errorDetail, type CacheFailure } from './types.ts';
import { fail, ok, type Result } from '../core/result.ts';

/** One pattern line of an ignore file. */
export interface IgnoreRule {
  /** `!pattern`: re-includes what earlier rules excluded. */
  negated: boolean;
  pattern: CompiledPattern;
  /** 1-based line in the ignore file. */
  line: number;
}

/** Per-rule memory of whether a folder or one of its parents matched; children start from it. */
export type MatchState = readonly boolean[];

/** Parses ignore-file text; `file` names it in failures (a path relative to the project). */
export function parseDockerignore(text: string, file: string): Result<IgnoreRule[], CacheFailure> {
  const rules: IgnoreRule[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Only a `#` in the first column starts a comment: `  # x` is a pattern, as in Docker.
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    if (negated) pattern = pattern.slice(1).trim();
    if (pattern !== '') {
      pattern = cleanPath(pattern);
      // `/foo` and `foo` are the same: everything is relative to the context root.
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    const where = { file, line: index + 1, col: 1, length: line.length };
    if (pattern === '' || (negated && pattern === '/')) {
      return fail(
        cacheFailure(
          'bad-ignore-pattern',
          `Cannot use ignore file "${file}": line ${index + 1} is a lone "!"`,
          {
            hint: 'Write the path to re-include after the "!", or remove the line.',
            location: where,
          },
        ),
      );
    }
    const syntax = patternSyntaxError(pattern);
    let compiled: CompiledPattern | undefined;
    let detail = syntax;
    if (syntax === undefined) {
      try {
        compiled = compilePattern(pattern);
      } catch (error) {
        detail = errorDetail(error);
      }
    }
    if (compiled === undefined) {
      return fail(
        cacheFailure(
          'bad-ignore-pattern',
          `Cannot use ignore file "${file}": line ${index + 1} has an invalid pattern "${line.trim()}": ${detail ?? 'unknown error'}`,
          { location: where },
        ),
      );
    }
    rules.push({ negated, pattern: compiled, line: index + 1 });
  }
  return ok(rules);
}

/** Decides, path by path, what an ignore file leaves out of the build context. */
export class IgnoreMatcher {
  /** True when some rule re-includes paths, so an excluded folder may still hold included files. */
  readonly hasNegations: boolean;

  constructor(readonly rules: readonly IgnoreRule[]) {
    this.hasNegations = rules.some((r) => r.negated);
  }

  /** The state of the context root: nothing matched yet. */
  rootState(): MatchState {
    return this.rules.map(() => false);
  }

  /** Whether `path` is excluded, given its parent folder's state; also returns the state for its children. */
  match(path: string, parent: MatchState): { excluded: boolean; state: MatchState } {
    if (this.rules.length === 0) return { excluded: false, state: parent };
    let excluded = false;
    const state: boolean[] = [];
    for (const [i, rule] of this.rules.entries()) {
      // A rule that matched a parent folder covers everything below it.
      const matched = parent[i] === true || rule.pattern.test(path);
      state.push(matched);
      if (matched) excluded = !rule.negated;
    }
    return { excluded, state };
  }

  /** Whether `path` (a slash-separated relative path) is excluded, checking every parent folder. */
  excludes(path: string): boolean {
    let state = this.rootState();
    let excluded = false;
    const parts = path.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      ({ excluded, state } = this.match(parts.slice(0, depth).join('/'), state));
    }
    return excluded;
  }

  /**
   * Whether an excluded folder must still be walked: some negation after the rules that excluded it could
   * match a path below it. Conservative: a negation that starts with a wildcard always could.
   */
  mayReincludeBelow(dir: string, state: MatchState): boolean {
    let lastMatched = -1;
    state.forEach((m, i) => {
      if (m) lastMatched = i;
    });
    const below = `${dir}/`;
    for (let i = lastMatched + 1; i < this.rules.length; i++) {
      const rule = this.rules[i] as IgnoreRule;
      if (!rule.negated) continue;
      const prefix = rule.pattern.literalPrefix;
      if (below.startsWith(prefix) || prefix.startsWith(below)) return true;
    }
    return false;
  }
}
