// Gives every variable its value, in DevSpace's order of precedence: `--var`, predefined, the
// definition (value, command, environment, default), the environment for undeclared names. A
// variable DevSpace would ask for in a terminal gets its default, then an answer (when the loader may ask), or
// stays unresolved with a warning (`dsg graph`), or is a located error naming `--var`.
import process from 'node:process';
import type { ReadLog } from '../../cache/read-log.ts';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { isPredefined, predefinedValue, type PredefinedContext } from './predefined-vars.ts';
import { firstLines, outcomeOf, runProcess, runShellLine } from '../../core/process.ts';
import type { Scalar } from './tree.ts';
import type { VarDef } from './var-definitions.ts';
import { findVars, substitute } from './var-syntax.ts';
import { defaultQuestion, unresolvedText, type UnansweredVars, type VarQuestion } from './var-question.ts';
import type { Generation } from './versions.ts';

/** How long a variable's command may run. */
export const VAR_COMMAND_TIMEOUT_MS = 60_000;

/** Everything a resolver needs for one project. */
export interface ResolverOptions {
  gen: Generation;
  defs: Map<string, VarDef>;
  flags: Record<string, string>;
  env: Record<string, string>;
  predefined: PredefinedContext;
  /** Project directory: commands run here. */
  dir: string;
  /** Told that a variable came from a command: its output may differ between runs. */
  reads: ReadLog;
  sink: DiagSink;
  signal?: AbortSignal;
  /** Variables DevSpace would ask for: asked, or left unresolved with a warning; an error when absent. */
  unanswered?: UnansweredVars;
}

/** Resolves variables once each and remembers the results (and the failures). */
export class VarResolver {
  private readonly values = new Map<string, Scalar>();
  private readonly failed = new Set<string>();
  private readonly stack: string[] = [];
  private defs: Map<string, VarDef>;

  constructor(private readonly opts: ResolverOptions) {
    this.defs = opts.defs;
  }

  /** Replaces the definitions (profiles may change them); values already resolved are kept. */
  setDefs(defs: Map<string, VarDef>): void {
    this.defs = defs;
  }

  /** The config generation the variables follow. */
  get generation(): Generation {
    return this.opts.gen;
  }

  /** The definitions in force. */
  get definitions(): ReadonlyMap<string, VarDef> {
    return this.defs;
  }

  /** True when `name` has a source at all: a flag, a predefined value, a definition or the environment. */
  isKnown(name: string): boolean {
    const n = name.trim();
    return n in this.opts.flags || isPredefined(n) || this.defs.has(n) || Boolean(this.opts.env[n]);
  }

  /** The value of a resolved variable, undefined when it is unresolved, failed or a runtime variable. */
  lookup(name: string): Scalar | undefined {
    return this.values.get(name.trim());
  }

  /** Every resolved value as a string, for `ProjectConfig.vars`. */
  resolvedStrings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) out[k] = v === null ? '' : String(v);
    return out;
  }

  /** Resolves `name`; undefined when it failed (already reported) or is a `runtime.*` reference. */
  async resolve(name: string, usedAt?: SourceLocation): Promise<Scalar | undefined> {
    name = name.trim();
    if (this.values.has(name)) return this.values.get(name);
    if (this.failed.has(name) || name.startsWith('runtime.')) return undefined;
    if (this.stack.includes(name)) {
      this.fail(
        name,
        `Cannot resolve variable "${name}": its definition refers to itself (${[...this.stack, name].join(' → ')})`,
        usedAt,
      );
      return undefined;
    }
    this.stack.push(name);
    try {
      const value = await this.compute(name, usedAt);
      if (value === undefined) {
        this.failed.add(name);
        return undefined;
      }
      this.values.set(name, value);
      return value;
    } finally {
      this.stack.pop();
    }
  }

  private async compute(name: string, usedAt: SourceLocation | undefined): Promise<Scalar | undefined> {
    const { flags, env, sink } = this.opts;
    const flag = flags[name];
    if (flag !== undefined) return convertString(flag);
    if (isPredefined(name)) {
      const p = await predefinedValue(name, this.opts.predefined);
      if (p.warning) sink.warn(p.warning, usedAt);
      return p.value;
    }
    const def = this.defs.get(name);
    if (def) return this.fromDefinition(def, usedAt);
    const fromEnv = env[name];
    if (fromEnv) return convertString(fromEnv);
    if (this.opts.gen === 'v1') {
      if (this.opts.unanswered)
        return this.answer({ name, question: defaultQuestion(name), password: false }, usedAt);
      this.fail(
        name,
        `Variable "${name}" has no value: DevSpace would ask for it in a terminal; pass --var ${name}=VALUE`,
        usedAt,
        `or set the environment variable ${name}`,
      );
    } else {
      this.fail(
        name,
        `Cannot resolve variable "${name}": it is not declared under \`vars\`, not set in the environment and not predefined`,
        usedAt,
        `pass --var ${name}=VALUE, set the environment variable ${name}, declare it under \`vars\`, or write $\${${name}} for a literal`,
      );
    }
    return undefined;
  }

  private async fromDefinition(def: VarDef, usedAt: SourceLocation | undefined): Promise<Scalar | undefined> {
    const { env } = this.opts;
    const at = usedAt ?? def.at;
    if (def.value !== undefined) return this.expand(def.value, def);
    const hasCommand = def.command !== undefined || (def.commands?.length ?? 0) > 0;
    if (hasCommand && (def.source === '' || def.source === 'all' || def.source === 'command'))
      return this.runCommand(def);
    if (def.source === 'env' || def.source === 'all' || def.source === '') {
      const fromEnv = env[def.name];
      if (fromEnv) return convertString(fromEnv);
    }
    if (def.default !== undefined) return this.expand(def.default, def);
    const hint = `pass --var ${def.name}=VALUE${def.source === 'input' ? '' : `, set the environment variable ${def.name}`} or give the variable a \`default\``;
    if (def.source === 'env') {
      this.fail(
        def.name,
        `Cannot resolve variable "${def.name}": it comes from the environment variable ${def.name}, which is not set, and it has no default`,
        at,
        hint,
        def,
      );
    } else if (def.source === 'none') {
      this.fail(
        def.name,
        `Cannot resolve variable "${def.name}": it has \`source: none\` but neither \`value\` nor \`default\``,
        at,
        hint,
        def,
      );
    } else if (this.opts.unanswered) {
      return this.answer(questionOf(def), at, def);
    } else {
      this.fail(
        def.name,
        `Variable "${def.name}" has no value: DevSpace would ask for it in a terminal; pass --var ${def.name}=VALUE`,
        at,
        def.source === 'input'
          ? 'or give the variable a `default`'
          : `or set the environment variable ${def.name}, or give the variable a \`default\``,
        def,
      );
    }
    return undefined;
  }

  /** A variable DevSpace would ask for: asked when the loader may ask, else shown unresolved with a warning. */
  private async answer(q: VarQuestion, at?: SourceLocation, def?: VarDef): Promise<Scalar | undefined> {
    const { unanswered, sink, reads, signal } = this.opts;
    if (unanswered === 'unresolved' || unanswered === undefined) {
      sink.warn(
        `Variable "${q.name}" has no value: shown unresolved as ${unresolvedText(q.name)}; dsg run asks for it in a terminal`,
        at,
        `pass --var ${q.name}=VALUE to see the graph with a value`,
      );
      return unresolvedText(q.name);
    }
    // An answer typed in a terminal is never memoised: the next run asks again.
    reads.unrepeatable(`a variable asked in a terminal ("${q.name}")`);
    const answer = await unanswered(q, signal);
    if (answer === undefined) {
      this.fail(
        q.name,
        `Variable "${q.name}" has no value: the question was not answered`,
        at,
        `pass --var ${q.name}=VALUE`,
        def,
      );
      return undefined;
    }
    return convertString(answer);
  }

  /** Resolves `${...}` inside a definition's own strings. */
  private async expand(value: Scalar, def: VarDef): Promise<Scalar | undefined> {
    if (typeof value !== 'string') return value;
    for (const ref of findVars(value)) {
      if (!ref.name.startsWith('runtime.') && (await this.resolve(ref.name, def.at)) === undefined)
        return undefined;
    }
    return substitute(value, (n) => this.lookup(n));
  }

  private async runCommand(def: VarDef): Promise<Scalar | undefined> {
    const platform = process.platform === 'win32' ? 'windows' : process.platform;
    const chosen = def.commands?.find(
      (c) =>
        !c.os ||
        c.os
          .split(',')
          .map((s) => s.trim())
          .includes(platform),
    );
    const rawCommand = chosen?.command ?? def.command;
    if (rawCommand === undefined) {
      this.fail(
        def.name,
        `Cannot resolve variable "${def.name}": none of its \`commands\` is for ${platform}`,
        def.at,
      );
      return undefined;
    }
    const rawArgs = chosen ? chosen.args : def.args;
    const command = await this.expand(rawCommand, def);
    if (command === undefined) return undefined;
    const args: string[] = [];
    for (const a of rawArgs ?? []) {
      const v = await this.expand(a, def);
      if (v === undefined) return undefined;
      args.push(v === null ? '' : String(v));
    }
    const shown = [String(command), ...args].join(' ');
    this.opts.reads.unrepeatable(`a variable from a command ("${def.name}")`);
    const options = {
      cwd: this.opts.dir,
      env: this.opts.env,
      timeoutMs: VAR_COMMAND_TIMEOUT_MS,
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    };
    // DevSpace's rule: a command with `args` runs directly, one without goes through a shell.
    const r = outcomeOf(
      rawArgs
        ? await runProcess(String(command), args, options)
        : await runShellLine(String(command), options),
    );
    if (r.failed !== undefined) {
      const detail = firstLines(r.stderr, 1) || firstLines(r.stdout, 1);
      this.fail(
        def.name,
        `Cannot resolve variable "${def.name}": command "${shown}" failed (${r.failed})${detail ? `: ${detail}` : ''}`,
        def.at,
        `fix the command or pass --var ${def.name}=VALUE`,
      );
      return undefined;
    }
    return r.stdout.trim();
  }

  private fail(name: string, message: string, at?: SourceLocation, hint?: string, def?: VarDef): void {
    this.failed.add(name);
    const related =
      def?.at && def.at !== at ? [{ message: `"${name}" is declared here`, location: def.at }] : undefined;
    this.opts.sink.error(message, at, hint, related);
  }
}

function questionOf(def: VarDef): VarQuestion {
  const q: VarQuestion = {
    name: def.name,
    question: def.question ?? defaultQuestion(def.name),
    password: def.password === true,
  };
  if (def.options && def.options.length > 0) q.options = def.options;
  if (def.validationPattern !== undefined) q.validationPattern = def.validationPattern;
  if (def.validationMessage !== undefined) q.validationMessage = def.validationMessage;
  return q;
}

/** DevSpace turns `--var` and environment strings that look like booleans or integers into those types. */
export function convertString(s: string): Scalar {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?[0-9]{1,15}$/.test(s) && String(Number(s)) === s) return Number(s);
  return s;
}
