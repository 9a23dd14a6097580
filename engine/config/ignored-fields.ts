// Warnings for what a v2beta1 config (written so, or converted) asks for and dsg does not do:
// whole sections (dev, pipelines, commands, ...) and single fields (kaniko, pull secrets, ...).
// Nothing DevSpace knows is dropped without a word.
import { applyOptions } from '../../tasks/kube/apply-args.ts';
import { noEffect, unsupported } from './field-warnings.ts';
import type { DiagSink } from './diag-sink.ts';
import { formatPath, type Entry, type MapNode, type TreeNode } from './tree.ts';

const SECTIONS: Record<string, string | undefined> = {
  // A v2beta1 `dev:` is read by normalize-dev.ts (logs and ports, a warning per other field); an older one is not.
  dev: '`dsg dev` reads the v2beta1 `dev:` section (logs, ports); convert the file to v2beta1 to use them',
  commands: undefined,
  pipelines: 'dsg runs build → tag → render → deploy for every image and deployment',
  functions: undefined,
  pullSecrets: undefined,
  require: undefined,
  localRegistry: 'images are pushed to the registries their names point to',
};

/** Warns about every ignored section and field of a v2beta1-shaped tree; `devRead`: normalize-dev.ts reads `dev`. */
export function warnIgnored(root: MapNode, sink: DiagSink, devRead: boolean): void {
  for (const [k, e] of root.entries) {
    if (k in SECTIONS && !empty(e) && !(k === 'dev' && devRead)) {
      sink.warn(`\`${k}\` is not supported by dsg yet and is ignored`, e.keyLoc, SECTIONS[k]);
    }
  }
  const cluster = root.entries.get('cluster');
  noEffect(sink, ['cluster'], cluster, 'DevSpace 4 dropped it; use --kube-context and -n');
  const images = root.entries.get('images')?.value;
  if (images?.kind === 'map')
    for (const [name, e] of images.entries) if (e.value.kind === 'map') image(name, e.value, sink);
  const deployments = root.entries.get('deployments')?.value;
  if (deployments?.kind === 'map')
    for (const [name, e] of deployments.entries) if (e.value.kind === 'map') deployment(name, e.value, sink);
}

function empty(e: Entry): boolean {
  const v = e.value;
  if (v.kind === 'scalar') return v.value === null;
  if (v.kind === 'seq') return v.items.length === 0;
  return v.entries.size === 0;
}

const ENGINE = 'dsg builds with the Docker Engine';

const IMAGE_FIELDS = [
  'buildKit',
  'kaniko',
  'docker',
  'createPullSecret',
  'injectRestartHelper',
  'restartHelperPath',
];
const DEPLOYMENT_FIELDS = new Set([
  'displayOutput',
  'disableDependencyUpdate',
  'chart',
  'createArgs',
  'kubectlBinaryPath',
  'kustomizeBinaryPath',
  'applyArgs',
]);

function image(name: string, img: MapNode, sink: DiagSink): void {
  // Most images have none of these: return before building any path.
  if (!IMAGE_FIELDS.some((k) => img.entries.has(k))) return;
  const path = ['images', name];
  for (const k of ['buildKit', 'kaniko']) {
    const e = img.entries.get(k);
    if (e) sink.warn(`\`${path.join('.')}.${k}\` is not supported by dsg yet: ${ENGINE}`, e.keyLoc);
  }
  const docker = img.entries.get('docker')?.value;
  if (docker?.kind === 'map') {
    for (const k of ['preferMinikube', 'disableFallback', 'useCli', 'args'])
      unsupported(sink, [...path, 'docker', k], docker.entries.get(k), ENGINE + ' API');
    const useBuildKit = docker.entries.get('useBuildKit');
    if (useBuildKit?.value.kind === 'scalar' && useBuildKit.value.value === true) {
      sink.warn(
        `\`${path.join('.')}.docker.useBuildKit\` is not supported by dsg yet: ${ENGINE}`,
        useBuildKit.keyLoc,
      );
    }
  }
  const pullSecret = img.entries.get('createPullSecret');
  if (pullSecret?.value.kind === 'scalar' && pullSecret.value.value === true)
    unsupported(sink, [...path, 'createPullSecret'], pullSecret, 'dsg creates no pull secrets');
  unsupported(sink, [...path, 'injectRestartHelper'], img.entries.get('injectRestartHelper'));
  unsupported(sink, [...path, 'restartHelperPath'], img.entries.get('restartHelperPath'));
}

function deployment(name: string, d: MapNode, sink: DiagSink): void {
  const kind = (d.entries.get('helm') ?? d.entries.get('kubectl'))?.value;
  if (kind?.kind !== 'map' || ![...kind.entries.keys()].some((k) => DEPLOYMENT_FIELDS.has(k))) return;
  const path = ['deployments', name];
  const helm = d.entries.get('helm')?.value;
  if (helm?.kind === 'map') {
    unsupported(
      sink,
      [...path, 'helm', 'displayOutput'],
      helm.entries.get('displayOutput'),
      'dsg keeps helm output in the task log',
    );
    unsupported(
      sink,
      [...path, 'helm', 'disableDependencyUpdate'],
      helm.entries.get('disableDependencyUpdate'),
    );
    const chart = helm.entries.get('chart')?.value;
    if (chart?.kind === 'map') {
      for (const k of ['username', 'password'])
        unsupported(
          sink,
          [...path, 'helm', 'chart', k],
          chart.entries.get(k),
          'log in with `helm registry login` or `helm repo add`',
        );
    }
  }
  const kubectl = d.entries.get('kubectl')?.value;
  if (kubectl?.kind === 'map') {
    for (const k of ['createArgs', 'kubectlBinaryPath', 'kustomizeBinaryPath'])
      unsupported(sink, [...path, 'kubectl', k], kubectl.entries.get(k));
    applyArgs([...path, 'kubectl', 'applyArgs'], kubectl.entries.get('applyArgs')?.value, sink);
  }
}

/** Each argument of `kubectl.applyArgs` the deploy does not act on (tasks/kube/apply-args.ts decides), at its item. */
function applyArgs(path: (string | number)[], args: TreeNode | undefined, sink: DiagSink): void {
  if (args?.kind !== 'seq') return;
  const items = args.items.map((item) => (item.kind === 'scalar' ? String(item.value) : ''));
  for (const { index, arg, why } of applyOptions(items).ignored) {
    const at = args.items[index]?.loc ?? args.loc;
    sink.warn(`\`${formatPath([...path, index])}: ${arg}\` is ignored: ${why}`, at);
  }
}
