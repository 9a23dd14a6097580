// v1betaN `images.NAME` → v2beta1 `images.NAME`: `build.docker/kaniko/custom/buildKit` move up a
// level, `build.*.options` become `buildArgs`/`target`/`network`, `tag` becomes `tags`, and the
// v1beta1/2 `build.dockerfile/context` move to the image. Nodes are moved, not copied, so they keep
// their original locations.
import type { DiagSink } from './diag-sink.ts';
import { noEffect } from './field-warnings.ts';
import { entry, mapNode, scalarNode, seqNode, type Entry, type MapNode, type TreeNode } from './tree.ts';

/** Copies entry `from[key]` to `to[as ?? key]` when present. */
export function move(from: MapNode, key: string, to: MapNode, as?: string): Entry | undefined {
  const e = from.entries.get(key);
  if (e) to.entries.set(as ?? key, e);
  return e;
}

/** Converts one image; undefined when the image is not built (`build.disabled: true`). */
export function convertImage(name: string, img: TreeNode, sink: DiagSink): TreeNode | undefined {
  const path = ['images', name];
  if (img.kind !== 'map') return img;
  const out = mapNode(img.loc);
  for (const k of [
    'image',
    'tags',
    'dockerfile',
    'context',
    'entrypoint',
    'cmd',
    'appendDockerfileInstructions',
    'rebuildStrategy',
    'skipPush',
    'createPullSecret',
  ]) {
    move(img, k, out);
  }
  const tag = img.entries.get('tag');
  if (tag && !out.entries.has('tags') && tag.value.kind === 'scalar' && tag.value.value !== null) {
    out.entries.set('tags', entry(seqNode([tag.value], tag.value.loc), tag.keyLoc));
  }
  noEffect(sink, [...path, 'insecure'], img.entries.get('insecure'), 'DevSpace 4 dropped it');
  noEffect(
    sink,
    [...path, 'preferSyncOverRebuild'],
    img.entries.get('preferSyncOverRebuild'),
    'DevSpace 6 dropped it',
  );
  move(img, 'injectRestartHelper', out);
  move(img, 'restartHelperPath', out);
  const build = img.entries.get('build')?.value;
  if (build?.kind !== 'map') return out;
  const disabled = build.entries.get('disabled');
  if (disabled?.value.kind === 'scalar' && disabled.value.value === true) {
    sink.warn(
      `Image "${name}" has \`build.disabled: true\`: dsg does not build it and leaves it out`,
      disabled.keyLoc,
      'deployments that use it keep their image references as written',
    );
    return undefined;
  }
  if (!out.entries.has('dockerfile')) move(build, 'dockerfile', out);
  if (!out.entries.has('context')) move(build, 'context', out);
  takeOptions(build.entries.get('options')?.value, out);
  const docker = build.entries.get('docker')?.value;
  if (docker?.kind === 'map') {
    takeOptions(docker.entries.get('options')?.value, out);
    const skipPush = docker.entries.get('skipPush');
    if (skipPush) out.entries.set('skipPush', skipPush);
    const d = mapNode(docker.loc);
    for (const k of ['preferMinikube', 'disableFallback', 'useBuildKit', 'args']) move(docker, k, d);
    move(docker, 'useCli', d);
    if (d.entries.size > 0) out.entries.set('docker', entry(d, build.entries.get('docker')?.keyLoc));
  }
  const kaniko = build.entries.get('kaniko');
  if (kaniko) {
    if (kaniko.value.kind === 'map') takeOptions(kaniko.value.entries.get('options')?.value, out);
    out.entries.set('kaniko', kaniko);
  }
  const buildKit = build.entries.get('buildKit');
  if (buildKit) {
    if (buildKit.value.kind === 'map') {
      takeOptions(buildKit.value.entries.get('options')?.value, out);
      const skipPush = buildKit.value.entries.get('skipPush');
      if (skipPush) out.entries.set('skipPush', skipPush);
    }
    out.entries.set('buildKit', buildKit);
  }
  const custom = build.entries.get('custom');
  if (custom?.value.kind === 'map') {
    const c = mapNode(custom.value.loc);
    for (const k of [
      'command',
      'commands',
      'args',
      'appendArgs',
      'imageFlag',
      'imageTagOnly',
      'skipImageArg',
      'onChange',
    ])
      move(custom.value, k, c);
    // DevSpace 5 appended `image:tag` to the command unless told not to; v2beta1 needs it spelt out.
    if (!c.entries.has('skipImageArg'))
      c.entries.set('skipImageArg', entry(scalarNode(false, custom.keyLoc), custom.keyLoc));
    out.entries.set('custom', entry(c, custom.keyLoc));
  } else if (custom) out.entries.set('custom', custom);
  return out;
}

function takeOptions(options: TreeNode | undefined, out: MapNode): void {
  if (options?.kind !== 'map') return;
  for (const k of ['buildArgs', 'target', 'network']) move(options, k, out);
}
