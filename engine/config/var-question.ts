// What a variable without a value turns into: a question for whoever can answer (`dsg run` in a terminal), a
// value shown unresolved with a warning (`dsg graph`), or, with neither, the located error naming `--var`.

/** A question DevSpace would ask in a terminal for a variable without a value. */
export interface VarQuestion {
  name: string;
  /** The variable's `question`, or DevSpace's default wording. */
  question: string;
  /** `options`: the answer is one of these. */
  options?: string[];
  /** `password: true`: the answer is typed hidden and never echoed. */
  password: boolean;
  /** `validationPattern`: the answer must match it (a JavaScript regular expression). */
  validationPattern?: string;
  /** `validationMessage`: shown when an answer does not match the pattern. */
  validationMessage?: string;
}

/** Asks a question; undefined when nobody answered (end of input, Ctrl-C, cancelled). */
export type AskVariable = (question: VarQuestion, signal?: AbortSignal) => Promise<string | undefined>;

/** How the loader treats variables without a value: ask, or leave them unresolved with a warning. */
export type UnansweredVars = AskVariable | 'unresolved';

/** DevSpace's question for a variable that declares none. */
export function defaultQuestion(name: string): string {
  return `Please enter a value for ${name}`;
}

/** The text an unresolved variable stands as in `dsg graph`: the reference as written. */
export function unresolvedText(name: string): string {
  return `\${${name}}`;
}
