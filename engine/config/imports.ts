// `imports:` (v2beta1): other config files, from a path or git, merged into this one before profiles and
// variables, with DevSpace's rules: a section that is a mapping gains the keys it does not have yet (the
// importing file wins), a list section gains the imported items at its end; an imported file's own imports are
// merged after it, relative to its folder. Paths inside imported sections stay relative to the project, as in
// DevSpace. Every value keeps its location in the imported file, so a later error points there.
import { dirname } from 'node:path';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { Json } from '../../core/json.ts';
import type { DiagSink } from './diag-sink.ts';
import { displayPath, type LoadEnv } from './load-env.ts';
import { parseYaml } from './parse-yaml.ts';
import { readSourceSpec } from './sources.ts';
import { substituteVariables } from './substitute.ts';
import { describe, toJson, type MapNode } from './tree.ts';
import type { VarResolver } from './var-resolver.ts';

/** The sections an import contributes (DevSpace's list); `name`, `version` and `imports` are its own. */
const IMPORTED_SECTIONS = [
  'require',
  'vars',
  'dev',
  'deployments',
  'images',
  'pipelines',
  'commands',
  'functions',
  'pullSecrets',
  'dependencies',
  'profiles',
  'hooks',
  'localRegistry',
];

/** What merging needs: the load, this project's variables, and where problems go. */
export interface ImportContext {
  env: LoadEnv;
  resolver: VarResolver;
  sink: DiagSink;
  /** The config version of the importing file: every import must have the same. */
  version: string;
}

/** Merges the `imports` of `root` (read from `file`, absolute) into it, then removes the section. */
export async function mergeImports(root: MapNode, file: string, ctx: ImportContext): Promise<void> {
  await mergeInto(root, root, [file], ctx);
  root.entries.delete('imports');
}

/** Merges the imports listed in `from` into `root`; `chain` is the files being imported, outermost first. */
async function mergeInto(root: MapNode, from: MapNode, chain: string[], ctx: ImportContext): Promise<void> {
  const section = from.entries.get('imports');
  if (!section) return;
  const { env, resolver, sink } = ctx;
  const file = chain[chain.length - 1] ?? '';
  // Variables in the section (a path, `enabled: ${FLAG}`) are filled in before anything is read.
  const holder: MapNode = { kind: 'map', entries: new Map([['imports', section]]) };
  await substituteVariables(holder, {
    gen: 'v2',
    resolver,
    sink,
    dir: dirname(file),
    env: env.env,
    reads: env.reads,
    sections: ['imports'],
    always: false,
    ...(env.signal ? { signal: env.signal } : {}),
  });
  const list = section.value;
  if (list.kind !== 'seq') {
    sink.error(`\`imports\` must be a list of imports, got ${describe(list)}`, list.loc ?? section.keyLoc);
    return;
  }
  for (const [index, item] of list.items.entries()) {
    const at = item.loc ?? section.keyLoc;
    if (item.kind !== 'map') {
      sink.error(
        `\`imports[${index}]\` must be a mapping with \`path\` or \`git\`, got ${describe(item)}`,
        at,
      );
      continue;
    }
    const enabled = item.entries.get('enabled')?.value;
    if (enabled && !(enabled.kind === 'scalar' && typeof enabled.value === 'boolean')) {
      // An expression that failed was reported where it is written; once is enough.
      if (sink.list.some((d) => d.severity === 'error' && d.location === enabled.loc)) continue;
      sink.error(
        `\`imports[${index}].enabled\` must be true or false, got ${describe(enabled)}`,
        enabled.loc ?? at,
      );
      continue;
    }
    if (enabled?.kind === 'scalar' && enabled.value === false) continue;
    const what = `import ${index + 1} of "${displayPath(env.cwd, file)}"`;
    const fields = toJson(item) as { [key: string]: Json };
    const spec = readSourceSpec(
      fields,
      list,
      [index],
      item.loc ?? root.loc ?? start(file),
      `Import ${index + 1}`,
      sink,
    );
    if (!spec) continue;
    const resolved = await env.sources.resolve(spec, dirname(file), what, sink);
    if (!resolved) continue;
    const imported = resolved.configFile;
    if (chain.includes(imported)) {
      const names = [...chain.slice(chain.indexOf(imported)), imported].map((f) => displayPath(env.cwd, f));
      sink.error(`Import cycle: ${names.join(' → ')}`, spec.at, 'remove the import that leads back');
      continue;
    }
    const shown = resolved.origin ? imported : displayPath(env.cwd, imported);
    const tree = await readImport(imported, shown, spec.at, ctx);
    if (!tree) continue;
    mergeSections(root, tree, shown, sink);
    await mergeInto(root, tree, [...chain, imported], ctx);
  }
}

/** Parses one imported file; undefined after reporting why it cannot be merged. */
async function readImport(
  file: string,
  shown: string,
  at: SourceLocation,
  { env, sink, version }: ImportContext,
): Promise<MapNode | undefined> {
  const text = env.reads.text(file);
  if (text === undefined) {
    sink.error(`Cannot read import "${shown}": it cannot be read`, at);
    return undefined;
  }
  const parsed = await parseYaml(text, shown);
  sink.add(parsed.diagnostics);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const tree = parsed.root;
  if (tree?.kind !== 'map') {
    sink.error(
      `Import "${shown}" must be a mapping of sections, got ${tree ? describe(tree) : 'nothing'}`,
      at,
    );
    return undefined;
  }
  const written = tree.entries.get('version')?.value;
  const theirs = written?.kind === 'scalar' ? written.value : undefined;
  if (theirs !== version) {
    sink.error(
      `Import "${shown}" has version ${theirs === undefined ? '(none)' : `"${String(theirs)}"`}, the importing config "${version}": an import must have the version of the config that imports it`,
      written?.loc ?? tree.loc ?? at,
    );
    return undefined;
  }
  return tree;
}

/** DevSpace's merge: new keys of mapping sections, appended items of list sections; the importer wins. */
function mergeSections(root: MapNode, imported: MapNode, shown: string, sink: DiagSink): void {
  for (const name of IMPORTED_SECTIONS) {
    const theirs = imported.entries.get(name);
    if (!theirs || (theirs.value.kind === 'scalar' && theirs.value.value === null)) continue;
    const ours = root.entries.get(name);
    if (!ours || (ours.value.kind === 'scalar' && ours.value.value === null)) {
      root.entries.set(name, theirs);
    } else if (ours.value.kind === 'map' && theirs.value.kind === 'map') {
      for (const [k, e] of theirs.value.entries) if (!ours.value.entries.has(k)) ours.value.entries.set(k, e);
    } else if (ours.value.kind === 'seq' && theirs.value.kind === 'seq') {
      ours.value.items.push(...theirs.value.items);
    } else {
      sink.error(
        `Cannot merge \`${name}\` of import "${shown}": it is ${describe(theirs.value)}, in the importing config ${describe(ours.value)}`,
        theirs.keyLoc ?? theirs.value.loc,
      );
    }
  }
}

function start(file: string): SourceLocation {
  return { file, line: 1, col: 1 };
}
