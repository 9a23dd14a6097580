// Reads the `vars` section: a map in v2beta1 (`NAME: value` shorthand or a definition), a list of
// definitions with `name` in v1betaN. Definitions keep their locations for error messages.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { mappingItems, requiredName } from './list-items.ts';
import { describe, formatPath, type Scalar, type TreeNode } from './tree.ts';
import type { Generation } from './versions.ts';

/** Where a variable's value comes from when nothing overrides it. */
export type VarSource = '' | 'all' | 'env' | 'input' | 'command' | 'none';

/** One `vars` entry. */
export interface VarDef {
  name: string;
  /** Where the variable was declared. */
  at?: SourceLocation;
  value?: Scalar;
  default?: Scalar;
  source: VarSource;
  question?: string;
  command?: string;
  args?: string[];
  commands?: { os?: string; command: string; args?: string[] }[];
  alwaysResolve?: boolean;
  /** `password: true`: the value is a secret (never echoed, logged or stored in clear). */
  password?: boolean;
  /** `options`: the answers a question accepts. */
  options?: string[];
  /** `validationPattern` / `validationMessage`: what an answer must match, and what to say when it does not. */
  validationPattern?: string;
  validationMessage?: string;
}

const SOURCES: readonly VarSource[] = ['all', 'env', 'input', 'command', 'none'];
const KNOWN = new Set([
  'name',
  'value',
  'question',
  'default',
  'options',
  'password',
  'validationPattern',
  'validationMessage',
  'noCache',
  'command',
  'args',
  'commands',
  'alwaysResolve',
  'source',
]);

/** Parses the `vars` node of a config; problems go to `sink`, broken definitions are skipped. */
export function readVarDefs(
  node: TreeNode | undefined,
  gen: Generation,
  sink: DiagSink,
): Map<string, VarDef> {
  const defs = new Map<string, VarDef>();
  if (!node || (node.kind === 'scalar' && node.value === null)) return defs;
  if (gen === 'v2') {
    if (node.kind !== 'map') {
      sink.error(`\`vars\` must be a mapping of NAME: definition, got ${describe(node)}`, node.loc);
      return defs;
    }
    for (const [name, e] of node.entries) {
      const def =
        e.value.kind === 'map'
          ? readDefinition(name, e.value, ['vars', name], sink)
          : shorthand(name, e.value, sink);
      if (!def) continue;
      if (e.keyLoc) def.at = e.keyLoc;
      defs.set(name, def);
    }
    return defs;
  }
  if (node.kind !== 'seq') {
    sink.error(`\`vars\` must be a list of definitions with \`name\`, got ${describe(node)}`, node.loc);
    return defs;
  }
  for (const listed of mappingItems(node, 'vars', '`name`', sink)) {
    const named = requiredName(listed, 'vars', sink);
    if (!named) continue;
    const def = readDefinition(named.name, listed.item, ['vars', listed.index], sink);
    if (!def) continue;
    if (named.at) def.at = named.at;
    defs.set(def.name, def);
  }
  return defs;
}

function shorthand(name: string, node: TreeNode, sink: DiagSink): VarDef | undefined {
  if (node.kind !== 'scalar') {
    sink.error(`\`vars.${name}\` must be a value or a definition mapping, got ${describe(node)}`, node.loc);
    return undefined;
  }
  const v = node.value;
  if (v === null) return { name, source: '' };
  if (typeof v === 'string' && v.startsWith('$(') && v.endsWith(')')) {
    return { name, source: '', command: v.slice(2, -1) };
  }
  return { name, source: 'none', value: v };
}

function readDefinition(
  name: string,
  node: TreeNode & { kind: 'map' },
  path: (string | number)[],
  sink: DiagSink,
): VarDef | undefined {
  const def: VarDef = { name, source: '' };
  let ok = true;
  for (const [key, e] of node.entries) {
    const where = formatPath([...path, key]);
    const v = e.value;
    if (!KNOWN.has(key)) {
      sink.error(
        `Unknown key "${key}" in variable "${name}"`,
        e.keyLoc,
        `known keys: ${[...KNOWN].join(', ')}`,
      );
      ok = false;
      continue;
    }
    if (key === 'name') continue;
    if (key === 'value' || key === 'default') {
      if (v.kind !== 'scalar') {
        sink.error(`\`${where}\` must be a string, number or boolean, got ${describe(v)}`, v.loc ?? e.keyLoc);
        ok = false;
      } else if (v.value !== null) def[key] = v.value;
    } else if (key === 'source') {
      const s = v.kind === 'scalar' ? v.value : undefined;
      if (typeof s !== 'string' || !(SOURCES as readonly string[]).includes(s)) {
        sink.error(
          `\`${where}\` must be one of ${SOURCES.join(', ')}, got ${describe(v)}`,
          v.loc ?? e.keyLoc,
        );
        ok = false;
      } else def.source = s as VarSource;
    } else if (key === 'args' || key === 'options') {
      const args = stringList(v);
      if (!args) {
        sink.error(`\`${where}\` must be a list of strings, got ${describe(v)}`, v.loc ?? e.keyLoc);
        ok = false;
      } else def[key] = args;
    } else if (key === 'commands') {
      const commands = commandList(v);
      if (!commands) {
        sink.error(`\`${where}\` must be a list of { command, args, os }`, v.loc ?? e.keyLoc);
        ok = false;
      } else def.commands = commands;
    } else if (
      key === 'command' ||
      key === 'question' ||
      key === 'validationPattern' ||
      key === 'validationMessage'
    ) {
      if (v.kind !== 'scalar' || (v.value !== null && typeof v.value !== 'string')) {
        sink.error(`\`${where}\` must be a string, got ${describe(v)}`, v.loc ?? e.keyLoc);
        ok = false;
      } else if (typeof v.value === 'string') def[key] = v.value;
    } else if (key === 'alwaysResolve' || key === 'password') {
      if (v.kind === 'scalar' && typeof v.value === 'boolean') def[key] = v.value;
      else if (!(v.kind === 'scalar' && v.value === null)) {
        sink.error(`\`${where}\` must be true or false, got ${describe(v)}`, v.loc ?? e.keyLoc);
        ok = false;
      }
    }
  }
  if (def.validationPattern !== undefined && !validPattern(def.validationPattern)) {
    const at = node.entries.get('validationPattern');
    sink.error(
      `\`${formatPath([...path, 'validationPattern'])}\` is not a valid regular expression: "${def.validationPattern}"`,
      at?.value.loc ?? at?.keyLoc,
    );
    ok = false;
  }
  if (def.value !== undefined && def.default !== undefined) {
    sink.error(
      `Variable "${name}" has both \`value\` and \`default\`: use one of them`,
      node.entries.get('value')?.keyLoc,
    );
    ok = false;
  }
  return ok ? def : undefined;
}

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function stringList(v: TreeNode): string[] | undefined {
  if (v.kind !== 'seq') return undefined;
  const out: string[] = [];
  for (const item of v.items) {
    if (item.kind !== 'scalar' || item.value === null || typeof item.value === 'object') return undefined;
    out.push(String(item.value));
  }
  return out;
}

function commandList(v: TreeNode): VarDef['commands'] {
  if (v.kind !== 'seq') return undefined;
  const out: NonNullable<VarDef['commands']> = [];
  for (const item of v.items) {
    if (item.kind !== 'map') return undefined;
    const command = item.entries.get('command')?.value;
    const os = item.entries.get('os')?.value;
    const args = item.entries.get('args')?.value;
    if (command?.kind !== 'scalar' || typeof command.value !== 'string') return undefined;
    const c: NonNullable<VarDef['commands']>[number] = { command: command.value };
    if (os?.kind === 'scalar' && typeof os.value === 'string') c.os = os.value;
    if (args) {
      const list = stringList(args);
      if (!list) return undefined;
      c.args = list;
    }
    out.push(c);
  }
  return out;
}
