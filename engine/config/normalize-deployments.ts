// Validated v2beta1 `deployments` → DeploymentConfig[]: kubectl, helm with a chart, or a component
// deployment (helm without a chart, or the DevSpace component chart named explicitly).
import type { SourceLocation } from '../../core/diagnostics.ts';
import { warnUnrenderedComponentFields } from './component-fields.ts';
import type { DiagSink } from './diag-sink.ts';
import { bool, keyLocation, list, NAME_PATTERN, obj, s } from './normalize-images.ts';
import { locate, type TreeNode } from './tree.ts';
import type { DeploymentConfig, HelmDeployment, KubectlDeployment, PatchConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';

type Obj = { [key: string]: Json };

const COMPONENT_CHART = 'component-chart';

/** Builds the DeploymentConfig list from the validated `deployments` mapping. */
export function normalizeDeployments(
  deployments: Obj | undefined,
  tree: TreeNode,
  namespace: string | undefined,
  sink: DiagSink,
): DeploymentConfig[] {
  const out: DeploymentConfig[] = [];
  for (const [name, raw] of Object.entries(deployments ?? {})) {
    const d = raw as Obj;
    const at = keyLocation(tree, 'deployments', name);
    if (!NAME_PATTERN.test(name)) {
      sink.error(`Deployment name "${name}" is not valid: use letters, digits, ".", "_" and "-"`, at);
      continue;
    }
    const kinds = ['helm', 'kubectl', 'tanka'].filter((k) => d[k] !== undefined);
    if (d['tanka'] !== undefined) {
      sink.error(
        `Deployment "${name}" uses \`tanka\`, which is not supported by dsg yet`,
        locate(tree, ['deployments', name, 'tanka']),
      );
      continue;
    }
    if (kinds.length !== 1) {
      sink.error(
        kinds.length === 0
          ? `Deployment "${name}" needs \`helm\` or \`kubectl\``
          : `Deployment "${name}" has both \`helm\` and \`kubectl\`: a deployment uses one of them`,
        at,
      );
      continue;
    }
    const base = { name, at, updateImageTags: bool(d, 'updateImageTags') ?? true };
    const ns = s(d, 'namespace') || namespace;
    // A deployment's own namespace, else its dependency's (`dependencies.X.namespace`), holds against `-n`.
    const withNs = ns !== undefined && ns !== '' ? { ...base, namespace: ns } : base;
    const kubectl = obj(d, 'kubectl');
    const deployment = kubectl
      ? kubectlDeployment(withNs, kubectl, tree, sink)
      : helmDeployment(withNs, obj(d, 'helm') ?? {}, tree, sink);
    if (deployment) out.push(deployment);
  }
  return out;
}

interface Base {
  name: string;
  at: SourceLocation;
  namespace?: string;
  updateImageTags: boolean;
}

function kubectlDeployment(
  base: Base,
  k: Obj,
  tree: TreeNode,
  sink: DiagSink,
): KubectlDeployment | undefined {
  const manifests = list(k, 'manifests');
  const inline = s(k, 'inlineManifest');
  if (manifests.length === 0 && !inline) {
    sink.error(
      `Deployment "${base.name}" needs \`kubectl.manifests\` or \`kubectl.inlineManifest\``,
      locate(tree, ['deployments', base.name, 'kubectl']) ?? base.at,
    );
    return undefined;
  }
  const d: KubectlDeployment = {
    ...base,
    type: 'kubectl',
    manifests,
    kustomize: bool(k, 'kustomize') ?? false,
    patches: patches(k['patches']),
    applyArgs: list(k, 'applyArgs'),
    kustomizeArgs: list(k, 'kustomizeArgs'),
  };
  if (inline) d.inlineManifest = inline;
  return d;
}

function patches(v: Json | undefined): PatchConfig[] {
  if (!Array.isArray(v)) return [];
  return v.map((raw) => {
    const p = raw as Obj;
    const patch: PatchConfig = { op: s(p, 'op') as PatchConfig['op'], path: s(p, 'path') ?? '' };
    if (p['value'] !== undefined) patch.value = p['value'];
    const t = obj(p, 'target');
    if (t) {
      const target: NonNullable<PatchConfig['target']> = {};
      for (const key of ['apiVersion', 'kind', 'name'] as const) {
        const value = s(t, key);
        if (value !== undefined) target[key] = value;
      }
      patch.target = target;
    }
    return patch;
  });
}

function helmDeployment(base: Base, h: Obj, tree: TreeNode, sink: DiagSink): DeploymentConfig | undefined {
  const path = ['deployments', base.name, 'helm'];
  const values = obj(h, 'values') ?? {};
  const chart = obj(h, 'chart');
  const chartName = chart ? (s(chart, 'name') ?? s(chart, 'path')) : undefined;
  if (chart && s(chart, 'git') !== undefined) {
    sink.error(
      `Helm chart of deployment "${base.name}" comes from git (${s(chart, 'git') ?? ''}), which is not supported by dsg yet`,
      locate(tree, [...path, 'chart', 'git']),
      'clone the repository and use `chart.name: ./path/to/chart`',
    );
    return undefined;
  }
  if (chart && !chartName) {
    sink.error(
      `Deployment "${base.name}" needs \`helm.chart.name\` (a chart name, a local path or an oci:// reference)`,
      locate(tree, [...path, 'chart']),
    );
    return undefined;
  }
  const repo = chart ? s(chart, 'repo') : undefined;
  if (
    !chart ||
    (chartName === COMPONENT_CHART && (repo === undefined || /charts\.devspace\.sh/.test(repo)))
  ) {
    for (const k of ['valuesFiles', 'releaseName', 'upgradeArgs', 'templateArgs']) {
      if (h[k] !== undefined) {
        sink.warn(
          `\`${path.join('.')}.${k}\` is ignored: dsg renders the DevSpace component chart itself`,
          locate(tree, [...path, k]),
        );
      }
    }
    if (chart && s(chart, 'version')) {
      sink.warn(
        `\`${path.join('.')}.chart.version\` is ignored: dsg renders the DevSpace component chart itself`,
        locate(tree, [...path, 'chart', 'version']),
      );
    }
    warnUnrenderedComponentFields(values, [...path, 'values'], tree, sink);
    return { ...base, type: 'component', values };
  }
  const d: HelmDeployment = {
    ...base,
    type: 'helm',
    releaseName: s(h, 'releaseName') ?? base.name,
    chart: { name: chartName ?? '' },
    values,
    valuesFiles: list(h, 'valuesFiles'),
    templateArgs: list(h, 'templateArgs'),
    upgradeArgs: list(h, 'upgradeArgs'),
  };
  const version = chart ? s(chart, 'version') : undefined;
  if (version) d.chart.version = version;
  if (repo) d.chart.repo = repo;
  return d;
}
