// Fills `${VAR}` references into the sections dsg uses, the way DevSpace does after applying profiles.
// Sections dsg ignores (dev, commands, pipelines, ...) are left alone: they are only warned
// about, and resolving them could ask for values nobody needs. `${runtime.*}` stays as written for the
// graph compiler. v2beta1 also evaluates whole-string `$(command)` expressions outside runtime fields.
import process from 'node:process';
import type { ReadLog } from '../../cache/read-log.ts';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { firstLines, outcomeOf, runShellLine } from '../../core/process.ts';
import type { MapNode, Scalar, ScalarNode, TreeNode } from './tree.ts';
import { findVars, mayHaveVars, substitute } from './var-syntax.ts';
import type { VarResolver } from './var-resolver.ts';
import { convertString } from './var-resolver.ts';
import type { Generation } from './versions.ts';

/** The top-level sections whose values dsg uses. */
export const USED_SECTIONS = ['images', 'deployments', 'dependencies', 'hooks'] as const;

/** How long a `$(...)` expression may run. */
export const EXPRESSION_TIMEOUT_MS = 60_000;

const EXPRESSION = /^\$\$?#?!?\(([\s\S]+)\)$/;

/**
 * DevSpace's shell built-ins for conditions (`enabled: $(is_equal ${ENV} "prod")`), as sh functions with its
 * rules: an exit status, no output, so that the expression is true or false.
 */
const EXPRESSION_BUILTINS = [
  'is_equal() { [ $# -le 2 ] && [ "${1-}" = "${2-}" ]; }',
  `is_empty() { [ $# -le 1 ] && [ -z "$(printf %s "\${1-}" | tr -d '[:space:]')" ]; }`,
  'is_true() { [ $# -eq 1 ] && [ "$1" = true ]; }',
  'is_in() { [ $# -eq 2 ] || return 1; case " $2 " in *" $1 "*) return 0;; esac; return 1; }',
  `is_os() { [ $# -eq 1 ] && [ "$1" = ${process.platform === 'win32' ? 'windows' : process.platform} ]; }`,
].join('\n');

/** Options for one project's substitution. */
export interface SubstituteOptions {
  gen: Generation;
  resolver: VarResolver;
  sink: DiagSink;
  dir: string;
  env: Record<string, string>;
  /** Told that a `$(...)` expression ran: its output may differ between runs. */
  reads: ReadLog;
  signal?: AbortSignal;
  /** The sections to fill in (default USED_SECTIONS); `imports` alone before the imported files are merged. */
  sections?: readonly string[];
  /** False: resolve only what the sections reference, not the always-resolved definitions too. */
  always?: boolean;
}

/** Resolves every variable the used sections reference (plus the always-resolved ones) and fills them in. */
export async function substituteVariables(root: MapNode, opts: SubstituteOptions): Promise<void> {
  const strings: ScalarNode[] = [];
  const expressions: ScalarNode[] = [];
  for (const section of opts.sections ?? USED_SECTIONS) {
    const node = root.entries.get(section)?.value;
    if (node) collect(node, [section], strings, expressions, opts.gen);
  }
  const uses = new Map<string, SourceLocation | undefined>();
  for (const s of strings) {
    for (const ref of findVars(s.value as string))
      if (!uses.has(ref.name.trim())) uses.set(ref.name.trim(), s.loc);
  }
  for (const [name, at] of uses) await opts.resolver.resolve(name, at);
  for (const def of opts.always === false ? [] : opts.resolver.definitions.values()) {
    const always = opts.gen === 'v2' ? def.alwaysResolve !== false : def.alwaysResolve === true;
    if (always) await opts.resolver.resolve(def.name);
  }
  const lookup = (n: string): Scalar | undefined => opts.resolver.lookup(n);
  for (const s of strings) s.value = substitute(s.value as string, lookup);
  for (const s of expressions) await evaluate(s, opts);
}

/** Runtime fields: DevSpace fills these while it runs, so `$(...)` there is not a load-time expression. */
function isRuntimeField(path: readonly string[]): boolean {
  const [section, , a, b] = path;
  if (section === 'images') return a === 'custom';
  if (section === 'deployments')
    return (a === 'helm' && b === 'values') || a === 'tanka' || (a === 'kubectl' && b === 'inlineManifest');
  return false;
}

function collect(
  node: TreeNode,
  path: string[],
  strings: ScalarNode[],
  expressions: ScalarNode[],
  gen: Generation,
): void {
  if (node.kind === 'scalar') {
    if (typeof node.value !== 'string') return;
    if (mayHaveVars(node.value)) strings.push(node);
    if (gen === 'v2' && node.value.includes('$(') && EXPRESSION.test(node.value) && !isRuntimeField(path))
      expressions.push(node);
    return;
  }
  if (node.kind === 'seq') {
    for (const item of node.items) collect(item, path, strings, expressions, gen);
    return;
  }
  // One shared path stack (only its first four parts matter): no array per node.
  const deep = path.length >= 4;
  node.entries.forEach((e, k) => {
    if (!deep) path.push(k);
    collect(e.value, path, strings, expressions, gen);
    if (!deep) path.pop();
  });
}

async function evaluate(node: ScalarNode, opts: SubstituteOptions): Promise<void> {
  const text = node.value;
  if (typeof text !== 'string') return;
  const m = EXPRESSION.exec(text);
  if (!m?.[1]) return;
  if (text[1] === '$') {
    node.value = text.slice(1);
    return;
  }
  const prefix = text.slice(0, text.indexOf('('));
  const keepSpace = prefix.includes('#');
  const forceString = prefix.includes('!');
  opts.reads.unrepeatable('a $(...) expression');
  const env = { ...opts.env };
  for (const [k, v] of Object.entries(opts.resolver.resolvedStrings()))
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] = v;
  const r = outcomeOf(
    await runShellLine(`${EXPRESSION_BUILTINS}\n${m[1]}`, {
      cwd: opts.dir,
      env,
      timeoutMs: EXPRESSION_TIMEOUT_MS,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  );
  if (r.failed !== undefined) {
    if (r.code === 1 && r.stdout.trim() === '' && r.stderr.trim() === '') {
      node.value = forceString ? 'false' : false;
      return;
    }
    const detail = firstLines(r.stderr, 1) || firstLines(r.stdout, 1);
    opts.sink.error(
      `Cannot evaluate expression "${text}": ${r.failed}${detail ? `: ${detail}` : ''}`,
      node.loc,
    );
    return;
  }
  const out = keepSpace ? r.stdout : r.stdout.trim();
  if (forceString) node.value = out;
  else if (out === '') node.value = true;
  else if (out === 'null' || out === 'undefined') node.value = null;
  else node.value = convertString(out);
}
