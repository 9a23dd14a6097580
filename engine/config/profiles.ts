// Chooses the profiles to apply and applies them: profiles activated by `activation` (environment or
// variable conditions) first, then those asked for with `-p` in order; each preceded by its
// `parent`/`parents`. The `profiles` section is removed afterwards, as DevSpace does.
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { applyMerge, applyPatches, applyReplace, checkPatches, type CheckedPatch } from './profile-apply.ts';
import { mappingItems, requiredName } from './list-items.ts';
import { describe, entryLoc, str, type MapNode, type TreeNode } from './tree.ts';
import type { VarResolver } from './var-resolver.ts';

/** A profile requested by name, with where it was requested (undefined for the command line). */
export interface ProfileRequest {
  name: string;
  at?: SourceLocation;
}

/** What profile application needs besides the tree. */
export interface ProfileContext {
  env: Record<string, string>;
  resolver: VarResolver;
  sink: DiagSink;
  /** Where the file starts, for errors about `-p` when the file has no `profiles`. */
  fileStart: SourceLocation;
  /** False for `disableProfileActivation`: only requested profiles apply. */
  activation: boolean;
}

const KNOWN = new Set([
  'name',
  'description',
  'parent',
  'parents',
  'patches',
  'replace',
  'merge',
  'strategicMerge',
  'activation',
]);

interface Profile {
  name: string;
  node: MapNode;
  at?: SourceLocation;
  /** What applying it does, checked whether it is applied or not. */
  body: ProfileBody;
}

/** A profile's changes, their shapes checked. */
interface ProfileBody {
  replace: MapNode | undefined;
  merge: MapNode | undefined;
  patches: CheckedPatch[];
  /** Parent names with where they are named. */
  parents: { name: string; at: SourceLocation | undefined }[];
}

/** Applies the requested and activated profiles to `root`; returns the names applied, in order. */
export async function applyProfiles(
  root: MapNode,
  requests: readonly ProfileRequest[],
  ctx: ProfileContext,
): Promise<string[]> {
  const section = root.entries.get('profiles');
  root.entries.delete('profiles');
  const profiles = readProfiles(section?.value, ctx.sink);
  const sectionAt = section?.keyLoc ?? ctx.fileStart;
  const activated = ctx.activation ? await activatedProfiles(profiles, ctx) : [];
  // A profile named twice is applied at its last position, like DevSpace.
  const wanted: ProfileRequest[] = [...activated.map((name) => ({ name })), ...requests];
  const order = wanted.filter((w, i) => !wanted.slice(i + 1).some((later) => later.name === w.name));
  const chain: Profile[] = [];
  for (const w of order) expand(w.name, w.at ?? sectionAt, profiles, chain, [], ctx.sink);
  for (const p of chain) applyOne(root, p, ctx.sink);
  return chain.map((p) => p.name);
}

function readProfiles(node: TreeNode | undefined, sink: DiagSink): Map<string, Profile> {
  const out = new Map<string, Profile>();
  if (!node || (node.kind === 'scalar' && node.value === null)) return out;
  if (node.kind !== 'seq') {
    sink.error(`\`profiles\` must be a list of profiles, got ${describe(node)}`, node.loc);
    return out;
  }
  for (const listed of mappingItems(node, 'profiles', '`name`', sink)) {
    const named = requiredName(listed, 'profiles', sink);
    if (!named) continue;
    const { item } = listed;
    const { name } = named;
    for (const [k, e] of item.entries) {
      if (!KNOWN.has(k))
        sink.error(
          `Unknown key "${k}" in profile "${name}"`,
          e.keyLoc,
          `known keys: ${[...KNOWN].join(', ')}`,
        );
    }
    // Every profile is checked as DevSpace's schema checks it, applied or not.
    const body = checkProfile(item, name, sink);
    if (!out.has(name)) {
      const p: Profile = { name, node: item, body };
      if (named.at) p.at = named.at;
      out.set(name, p);
    }
  }
  return out;
}

async function activatedProfiles(profiles: Map<string, Profile>, ctx: ProfileContext): Promise<string[]> {
  const out: string[] = [];
  for (const p of profiles.values()) {
    const activation = p.node.entries.get('activation')?.value;
    if (!activation) continue;
    if (activation.kind !== 'seq') {
      ctx.sink.error(
        `\`activation\` of profile "${p.name}" must be a list, got ${describe(activation)}`,
        activation.loc,
      );
      continue;
    }
    for (const rule of activation.items) {
      if (await ruleMatches(rule, p.name, ctx)) out.push(p.name);
    }
  }
  return out;
}

async function ruleMatches(rule: TreeNode, profile: string, ctx: ProfileContext): Promise<boolean> {
  if (rule.kind !== 'map') {
    ctx.sink.error(
      `An activation rule of profile "${profile}" must be a mapping with \`env\` or \`vars\``,
      rule.loc,
    );
    return false;
  }
  for (const [k, e] of rule.entries) {
    if (k !== 'env' && k !== 'vars') {
      ctx.sink.error(
        `Unknown key "${k}" in an activation rule of profile "${profile}"`,
        e.keyLoc,
        'known keys: env, vars',
      );
      return false;
    }
    if (e.value.kind !== 'map') {
      ctx.sink.error(
        `\`activation[].${k}\` of profile "${profile}" must map names to regular expressions`,
        e.value.loc,
      );
      return false;
    }
    for (const [name, cond] of e.value.entries) {
      const pattern = cond.value.kind === 'scalar' ? String(cond.value.value ?? '') : undefined;
      if (pattern === undefined) {
        ctx.sink.error(
          `Activation condition "${name}" of profile "${profile}" must be a regular expression`,
          cond.keyLoc,
        );
        return false;
      }
      let re: RegExp;
      try {
        re = new RegExp(`^${pattern.replace(/^\^/, '').replace(/\$$/, '')}$`);
      } catch (err) {
        ctx.sink.error(
          `Activation condition "${name}" of profile "${profile}" is not a valid regular expression: ${(err as Error).message}`,
          entryLoc(cond),
        );
        return false;
      }
      let actual: string;
      if (k === 'env') actual = ctx.env[name] ?? '';
      else {
        // Like DevSpace, a variable nobody defines simply does not match.
        if (!ctx.resolver.isKnown(name)) return false;
        const v = await ctx.resolver.resolve(name, entryLoc(cond));
        if (v === undefined) return false;
        actual = v === null ? '' : String(v);
      }
      if (!re.test(actual)) return false;
    }
  }
  return true;
}

function expand(
  name: string,
  at: SourceLocation | undefined,
  profiles: Map<string, Profile>,
  chain: Profile[],
  seen: string[],
  sink: DiagSink,
): void {
  const p = profiles.get(name);
  if (!p) {
    const available = [...profiles.keys()];
    sink.error(
      `Unknown profile "${name}": ${available.length > 0 ? `available profiles are ${available.join(', ')}` : 'this config defines no profiles'}`,
      at,
    );
    return;
  }
  if (seen.includes(name)) {
    sink.error(`Profile "${name}" is its own parent (${[...seen, name].join(' → ')})`, p.at);
    return;
  }
  for (const parent of p.body.parents) expand(parent.name, parent.at, profiles, chain, [...seen, name], sink);
  chain.push(p);
}

function applyOne(root: MapNode, p: Profile, sink: DiagSink): void {
  const strategic = p.node.entries.get('strategicMerge');
  if (strategic) {
    sink.warn(
      `\`strategicMerge\` of profile "${p.name}" has no effect: DevSpace 6 dropped it and dsg ignores it`,
      strategic.keyLoc,
      'use `merge` or `patches`',
    );
  }
  if (p.body.replace) applyReplace(root, p.body.replace);
  if (p.body.merge) applyMerge(root, p.body.merge);
  applyPatches(root, p.body.patches, p.name, sink);
}

/** Checks the shapes of a profile's `replace`, `merge`, `patches`, `parent` and `parents`. */
function checkProfile(node: MapNode, name: string, sink: DiagSink): ProfileBody {
  const body: ProfileBody = { replace: undefined, merge: undefined, patches: [], parents: [] };
  const replace = node.entries.get('replace')?.value;
  if (replace?.kind === 'map') body.replace = replace;
  else if (replace)
    sink.error(
      `\`replace\` of profile "${name}" must be a mapping of sections, got ${describe(replace)}`,
      replace.loc,
    );
  const merge = node.entries.get('merge')?.value;
  if (merge?.kind === 'map') body.merge = merge;
  else if (merge)
    sink.error(`\`merge\` of profile "${name}" must be a mapping, got ${describe(merge)}`, merge.loc);
  const patches = node.entries.get('patches')?.value;
  if (patches) body.patches = checkPatches(patches, name, sink);
  const parent = node.entries.get('parent');
  const parents = node.entries.get('parents');
  if (parent && parents)
    sink.error(`Profile "${name}" has both \`parent\` and \`parents\`: use one of them`, parents.keyLoc);
  else if (parent) {
    const parentName = str(parent.value);
    if (parentName) body.parents.push({ name: parentName, at: entryLoc(parent) });
    else
      sink.error(
        `\`parent\` of profile "${name}" must be a profile name, got ${describe(parent.value)}`,
        entryLoc(parent),
      );
  } else if (parents) {
    if (parents.value.kind !== 'seq') {
      sink.error(`\`parents\` of profile "${name}" must be a list`, entryLoc(parents));
      return body;
    }
    for (const item of parents.value.items) {
      const profileEntry = item.kind === 'map' ? item.entries.get('profile') : undefined;
      const parentName = str(profileEntry?.value);
      if (item.kind === 'map' && item.entries.has('source')) {
        sink.error(
          `Profile parents from another source (\`parents[].source\`) are not supported by dsg yet`,
          item.entries.get('source')?.keyLoc,
        );
      } else if (parentName && profileEntry)
        body.parents.push({ name: parentName, at: entryLoc(profileEntry) });
      else sink.error(`An entry of \`parents\` of profile "${name}" needs \`profile: NAME\``, item.loc);
    }
  }
  return body;
}
