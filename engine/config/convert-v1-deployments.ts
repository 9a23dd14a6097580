// v1betaN `deployments: [{ name, ... }]` → v2beta1 `deployments: { NAME: ... }`. `component:`
// (v1beta1–3) and `helm.componentChart: true` become helm without a chart (the component chart);
// helm flags (`wait`, `atomic`, ...) become `upgradeArgs`, as DevSpace's own upgrade does.
import type { DiagSink } from './diag-sink.ts';
import { move } from './convert-v1-images.ts';
import { noEffect, removedFields } from './field-warnings.ts';
import { encodeName } from './names.ts';
import { mappingItems, requiredName } from './list-items.ts';
import { entry, mapNode, scalarNode, seqNode, type MapNode, type TreeNode } from './tree.ts';

/** Converts the `deployments` list into the v2beta1 mapping. */
export function convertDeployments(list: TreeNode, sink: DiagSink): TreeNode {
  if (list.kind !== 'seq') return list;
  const out = mapNode(list.loc);
  for (const listed of mappingItems(list, 'deployments', '`name`', sink)) {
    const { item: d, index } = listed;
    const path = ['deployments', index];
    const named = requiredName(listed, 'deployments', sink);
    if (!named) continue;
    const written = named.name;
    const name = encodeName(written);
    const { at } = named;
    if (name !== written)
      sink.warn(
        `Deployment name "${written}" becomes "${name}" (names are lower case letters, digits and dashes)`,
        at,
      );
    const prior = out.entries.get(name);
    if (prior) {
      sink.error(`Duplicate deployment name "${name}": every deployment needs its own name`, at, undefined, [
        { message: `"${name}" is first defined here`, ...(prior.keyLoc ? { location: prior.keyLoc } : {}) },
      ]);
      continue;
    }
    const disabled = d.entries.get('disabled');
    if (disabled?.value.kind === 'scalar' && disabled.value.value === true) continue;
    out.entries.set(name, entry(convertOne(d, path, sink), at));
  }
  return out;
}

function convertOne(d: MapNode, path: (string | number)[], sink: DiagSink): MapNode {
  const out = mapNode(d.loc);
  move(d, 'namespace', out);
  noEffect(
    sink,
    [...path, 'concurrent'],
    d.entries.get('concurrent'),
    'dsg deploys every deployment as soon as its images are ready',
  );
  const component = d.entries.get('component');
  if (component) {
    const helm = mapNode(component.value.loc);
    helm.entries.set('values', component);
    out.entries.set('helm', entry(helm, component.keyLoc));
  }
  const helm = d.entries.get('helm');
  if (helm?.value.kind === 'map')
    out.entries.set('helm', entry(convertHelm(helm.value, [...path, 'helm'], out, sink), helm.keyLoc));
  else if (helm) out.entries.set('helm', helm);
  const kubectl = d.entries.get('kubectl');
  if (kubectl?.value.kind === 'map')
    out.entries.set(
      'kubectl',
      entry(convertKubectl(kubectl.value, [...path, 'kubectl'], out, sink), kubectl.keyLoc),
    );
  else if (kubectl) out.entries.set('kubectl', kubectl);
  return out;
}

function convertHelm(h: MapNode, path: (string | number)[], deployment: MapNode, sink: DiagSink): MapNode {
  const out = mapNode(h.loc);
  const componentChart = h.entries.get('componentChart');
  const isComponent = componentChart?.value.kind === 'scalar' && componentChart.value.value === true;
  const chart = h.entries.get('chart');
  const git = chart?.value.kind === 'map' ? chart.value.entries.get('git') : undefined;
  if (chart && git?.value.kind === 'map' && chart.value.kind === 'map') {
    // v1beta11 wrote `git: { url, branch, ... }`; v2beta1 spells the source inline.
    const c = mapNode(chart.value.loc);
    for (const [k, e] of chart.value.entries) if (k !== 'git') c.entries.set(k, e);
    for (const [k, e] of git.value.entries) c.entries.set(k === 'url' ? 'git' : k, e);
    if (!isComponent) out.entries.set('chart', entry(c, chart.keyLoc));
  } else if (chart && !isComponent) out.entries.set('chart', chart);
  for (const k of ['values', 'valuesFiles', 'templateArgs', 'upgradeArgs', 'displayOutput']) move(h, k, out);
  move(h, 'replaceImageTags', deployment, 'updateImageTags');
  const flags: TreeNode[] = [];
  const flag = (key: string, arg: string): void => {
    const e = h.entries.get(key);
    if (e?.value.kind === 'scalar' && e.value.value === true) flags.push(scalarNode(arg, e.keyLoc));
  };
  flag('wait', '--wait');
  flag('atomic', '--atomic');
  flag('cleanupOnFail', '--cleanup-on-fail');
  flag('force', '--force');
  flag('disableHooks', '--no-hooks');
  const timeout = h.entries.get('timeout');
  if (timeout?.value.kind === 'scalar' && timeout.value.value !== null) {
    const t = timeout.value.value;
    flags.push(
      scalarNode('--timeout', timeout.keyLoc),
      scalarNode(typeof t === 'number' ? `${t}s` : String(t), timeout.value.loc),
    );
  }
  if (flags.length > 0) {
    const existing = out.entries.get('upgradeArgs');
    if (existing?.value.kind === 'seq') existing.value.items.push(...flags);
    else out.entries.set('upgradeArgs', entry(seqNode(flags, flags[0]?.loc), flags[0]?.loc));
  }
  removedFields(sink, h, path, {
    tillerNamespace: 'Tiller went away with Helm 2',
    v2: 'Helm 2 is not supported any more',
    devSpaceValues: 'DevSpace 4 dropped it',
    rollback: 'DevSpace 4 dropped it',
    recreate: 'Helm 3 dropped `--recreate-pods`',
    driver: 'DevSpace 6 dropped it',
    path: 'DevSpace 6 dropped it',
    fetchArgs: 'DevSpace 6 dropped it',
    deleteArgs: 'DevSpace 6 dropped it',
  });
  return out;
}

function convertKubectl(k: MapNode, path: (string | number)[], deployment: MapNode, sink: DiagSink): MapNode {
  const out = mapNode(k.loc);
  for (const key of ['manifests', 'kustomize', 'kustomizeArgs', 'applyArgs', 'createArgs']) move(k, key, out);
  move(k, 'replaceImageTags', deployment, 'updateImageTags');
  move(k, 'cmdPath', out, 'kubectlBinaryPath');
  const flags = k.entries.get('flags');
  if (flags && !out.entries.has('applyArgs')) out.entries.set('applyArgs', flags);
  noEffect(sink, [...path, 'deleteArgs'], k.entries.get('deleteArgs'), 'DevSpace 6 dropped it');
  return out;
}
