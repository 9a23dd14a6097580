// v1betaN (DevSpace 3–5) → v2beta1 (DevSpace 6), for the sections dsg uses. Runs after profiles and
// variables, like DevSpace's own upgrade. Fields that no longer mean anything are warned about.
import type { DiagSink } from './diag-sink.ts';
import { convertImage, move } from './convert-v1-images.ts';
import { convertDeployments } from './convert-v1-deployments.ts';
import { convertV1Hooks } from './convert-v1-hooks.ts';
import { removedFields } from './field-warnings.ts';
import { mappingItems } from './list-items.ts';
import { encodeName } from './names.ts';
import { entry, entryLoc, mapNode, scalarNode, seqNode, str, type MapNode, type TreeNode } from './tree.ts';
import { LATEST_VERSION } from './versions.ts';

/** Converts a v1betaN tree (profiles applied, variables filled) into the v2beta1 shape. */
export function convertV1(root: MapNode, sink: DiagSink): MapNode {
  const out = mapNode(root.loc);
  const version = root.entries.get('version');
  out.entries.set('version', entry(scalarNode(LATEST_VERSION, version?.value.loc), version?.keyLoc));
  move(root, 'name', out);
  const images = root.entries.get('images');
  if (images?.value.kind === 'map') {
    const m = mapNode(images.value.loc);
    for (const [name, e] of images.value.entries) {
      const converted = convertImage(name, e.value, sink);
      if (converted) m.entries.set(name, entry(converted, e.keyLoc));
    }
    out.entries.set('images', entry(m, images.keyLoc));
  } else if (images) out.entries.set('images', images);
  const deployments = root.entries.get('deployments');
  if (deployments)
    out.entries.set('deployments', entry(convertDeployments(deployments.value, sink), deployments.keyLoc));
  const dependencies = root.entries.get('dependencies');
  if (dependencies)
    out.entries.set(
      'dependencies',
      entry(convertDependencies(dependencies.value, sink), dependencies.keyLoc),
    );
  const hooks = root.entries.get('hooks');
  if (hooks) out.entries.set('hooks', entry(convertV1Hooks(hooks.value), hooks.keyLoc));
  // Sections that only get warnings stay, so the warning pass sees them like in a v2beta1 file.
  for (const k of ['dev', 'commands', 'pullSecrets', 'require', 'cluster']) move(root, k, out);
  return out;
}

function convertDependencies(list: TreeNode, sink: DiagSink): TreeNode {
  if (list.kind !== 'seq') return list;
  const out = mapNode(list.loc);
  for (const { item: d, index: i } of mappingItems(list, 'dependencies', '`source`', sink)) {
    const path = ['dependencies', i];
    const source = d.entries.get('source');
    if (source?.value.kind !== 'map') {
      sink.error(
        `\`dependencies[${i}].source\` is required: a mapping with \`path\` or \`git\``,
        source?.keyLoc ?? d.loc,
      );
      continue;
    }
    const nameEntry = d.entries.get('name');
    const written = str(nameEntry?.value) ?? defaultName(source.value);
    const name = encodeName(written);
    const at = (nameEntry && entryLoc(nameEntry)) ?? source.keyLoc ?? d.loc;
    const prior = out.entries.get(name);
    if (prior) {
      sink.error(
        `Duplicate dependency name "${name}": give each dependency its own \`name\``,
        at,
        undefined,
        [{ message: `"${name}" is first defined here`, ...(prior.keyLoc ? { location: prior.keyLoc } : {}) }],
      );
      continue;
    }
    const dep = mapNode(d.loc);
    for (const k of ['git', 'branch', 'tag', 'revision', 'subPath', 'cloneArgs', 'disableShallow'])
      move(source.value, k, dep);
    const pathEntry = source.value.entries.get('path');
    const configName = source.value.entries.get('configName');
    const configFile = str(configName?.value);
    if (pathEntry && configFile) {
      const joined = `${String((pathEntry.value.kind === 'scalar' && pathEntry.value.value) || '.')}/${configFile}`;
      dep.entries.set('path', entry(scalarNode(joined, pathEntry.value.loc), pathEntry.keyLoc));
    } else if (pathEntry) dep.entries.set('path', pathEntry);
    else if (configFile && configName) dep.entries.set('subPath', configName);
    const profiles: TreeNode[] = [];
    const profile = d.entries.get('profile');
    if (profile?.value.kind === 'scalar' && profile.value.value !== null) profiles.push(profile.value);
    const list2 = d.entries.get('profiles');
    if (list2?.value.kind === 'seq') profiles.push(...list2.value.items);
    if (profiles.length > 0)
      dep.entries.set('profiles', entry(seqNode(profiles, profiles[0]?.loc), (profile ?? list2)?.keyLoc));
    const vars = d.entries.get('vars');
    if (vars?.value.kind === 'seq') {
      const m = mapNode(vars.value.loc);
      for (const v of vars.value.items) {
        if (v.kind !== 'map') continue;
        const n = str(v.entries.get('name')?.value);
        const value = v.entries.get('value');
        if (n) m.entries.set(n, entry(value?.value ?? scalarNode('', v.loc), v.entries.get('name')?.keyLoc));
      }
      dep.entries.set('vars', entry(m, vars.keyLoc));
    } else if (vars) dep.entries.set('vars', vars);
    for (const k of [
      'overwriteVars',
      'ignoreDependencies',
      'namespace',
      'disabled',
      'disableProfileActivation',
    ])
      move(d, k, dep);
    removedFields(sink, d, path, {
      skipBuild: 'DevSpace 6 dropped it; dsg builds the images of every dependency',
      profileParents: 'DevSpace 6 dropped it; list the parents in `profiles`',
      dev: 'DevSpace 6 dropped it',
      config: 'DevSpace 4 dropped it',
    });
    out.entries.set(name, entry(dep, at));
  }
  return out;
}

/** DevSpace 4/5 allowed unnamed dependencies; name them after their folder or repository. */
function defaultName(source: MapNode): string {
  const path = str(source.entries.get('path')?.value);
  const git = str(source.entries.get('git')?.value);
  const from = path ?? git ?? 'dependency';
  const base =
    from
      .replace(/[/\\]+$/, '')
      .split(/[/\\:]/)
      .pop() ?? from;
  return base.replace(/\.git$/, '').replace(/\.ya?ml$/, '') || 'dependency';
}
