// The keys DevSpace 3–5 (v1beta1 … v1beta11) knew in the sections dsg converts, as one union across
// the versions. A key that no version knew is an error; what each known key becomes is decided by
// the converter. Sections dsg ignores are not checked key by key.
import type { DiagSink } from './diag-sink.ts';
import { hintFor } from './hints.ts';
import { formatPath, type TreeNode } from './tree.ts';

/** A key set (nested), `any` for free-form values, or a list/map of a spec. */
export type KeySpec = 'any' | { readonly [key: string]: KeySpec } | readonly ['list' | 'map', KeySpec];

const buildOptions = { target: 'any', network: 'any', buildArgs: 'any' } as const;

const image: KeySpec = {
  image: 'any',
  tag: 'any',
  tags: 'any',
  dockerfile: 'any',
  context: 'any',
  entrypoint: 'any',
  cmd: 'any',
  createPullSecret: 'any',
  insecure: 'any',
  skipPush: 'any',
  preferSyncOverRebuild: 'any',
  injectRestartHelper: 'any',
  restartHelperPath: 'any',
  appendDockerfileInstructions: 'any',
  rebuildStrategy: 'any',
  build: {
    disabled: 'any',
    dockerfile: 'any',
    context: 'any',
    options: buildOptions,
    docker: {
      preferMinikube: 'any',
      skipPush: 'any',
      disableFallback: 'any',
      useBuildKit: 'any',
      useCli: 'any',
      args: 'any',
      options: buildOptions,
    },
    kaniko: 'any',
    buildKit: 'any',
    custom: {
      command: 'any',
      commands: 'any',
      args: 'any',
      appendArgs: 'any',
      imageFlag: 'any',
      imageTagOnly: 'any',
      skipImageArg: 'any',
      onChange: 'any',
    },
  },
};

const deployment: KeySpec = {
  name: 'any',
  namespace: 'any',
  disabled: 'any',
  concurrent: 'any',
  component: 'any',
  helm: {
    chart: { name: 'any', version: 'any', repo: 'any', username: 'any', password: 'any', git: 'any' },
    componentChart: 'any',
    values: 'any',
    valuesFiles: 'any',
    replaceImageTags: 'any',
    wait: 'any',
    rollback: 'any',
    force: 'any',
    timeout: 'any',
    tillerNamespace: 'any',
    devSpaceValues: 'any',
    atomic: 'any',
    cleanupOnFail: 'any',
    recreate: 'any',
    disableHooks: 'any',
    driver: 'any',
    path: 'any',
    v2: 'any',
    displayOutput: 'any',
    deleteArgs: 'any',
    templateArgs: 'any',
    upgradeArgs: 'any',
    fetchArgs: 'any',
  },
  kubectl: {
    cmdPath: 'any',
    manifests: 'any',
    kustomize: 'any',
    kustomizeArgs: 'any',
    replaceImageTags: 'any',
    flags: 'any',
    deleteArgs: 'any',
    createArgs: 'any',
    applyArgs: 'any',
  },
};

const dependency: KeySpec = {
  name: 'any',
  source: {
    git: 'any',
    cloneArgs: 'any',
    disableShallow: 'any',
    subPath: 'any',
    branch: 'any',
    tag: 'any',
    revision: 'any',
    configName: 'any',
    path: 'any',
  },
  config: 'any',
  profile: 'any',
  profiles: 'any',
  profileParents: 'any',
  disableProfileActivation: 'any',
  vars: 'any',
  overwriteVars: 'any',
  skipBuild: 'any',
  ignoreDependencies: 'any',
  namespace: 'any',
  dev: 'any',
  disabled: 'any',
};

/** Top-level keys of v1betaN files; the sections not converted are checked only for presence. */
export const V1_TOP_LEVEL: KeySpec = {
  version: 'any',
  name: 'any',
  images: ['map', image],
  deployments: ['list', deployment],
  dependencies: ['list', dependency],
  vars: 'any',
  profiles: 'any',
  dev: 'any',
  hooks: 'any',
  commands: 'any',
  pullSecrets: 'any',
  require: 'any',
  cluster: 'any',
};

/** Reports every key of `node` that no DevSpace v1beta version knew. */
export function checkV1Keys(
  node: TreeNode,
  spec: KeySpec,
  path: (string | number)[],
  version: string,
  sink: DiagSink,
): void {
  if (spec === 'any') return;
  if (Array.isArray(spec)) {
    const [kind, inner] = spec as readonly ['list' | 'map', KeySpec];
    if (kind === 'list' && node.kind === 'seq')
      node.items.forEach((item, i) => checkV1Keys(item, inner, [...path, i], version, sink));
    if (kind === 'map' && node.kind === 'map')
      for (const [k, e] of node.entries) checkV1Keys(e.value, inner, [...path, k], version, sink);
    return;
  }
  if (node.kind !== 'map') return;
  const keys = spec as { readonly [key: string]: KeySpec };
  for (const [k, e] of node.entries) {
    const sub = keys[k];
    if (sub === undefined) {
      const where = path.length > 0 ? ` in \`${formatPath(path)}\`` : '';
      sink.error(
        `Unknown key "${k}"${where}: DevSpace ${version} configs have no such key`,
        e.keyLoc,
        hintFor(k, Object.keys(keys)),
      );
      continue;
    }
    checkV1Keys(e.value, sub, [...path, k], version, sink);
  }
}
