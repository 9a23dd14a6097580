// One config file, start to finish: YAML with positions → version → profiles → variables → v1
// conversion → warnings for what dsg ignores → schema → ProjectConfig. Dependencies are handed back
// to the loader, which loads each project once.
import { basename, dirname } from 'node:path';
import type { LoadEnv } from './load-env.ts';
import type { SourceLocation } from '../../core/diagnostics.ts';
import { isSecretVariable, secretValues } from '../../core/secrets.ts';
import { encodeName } from './names.ts';
import type { ProjectRequest } from './requests.ts';
import { DiagSink } from './diag-sink.ts';
import { warnIgnored } from './ignored-fields.ts';
import { normalizeDeployments } from './normalize-deployments.ts';
import { normalizeImages } from './normalize-images.ts';
import { parseYaml } from './parse-yaml.ts';
import { maxConfigBytes } from '../../core/yaml-bounds.ts';
import { substituteVariables } from './substitute.ts';
import { describe, locate, str, toJson, type MapNode, type TreeNode } from './tree.ts';
import type { DependencyConfig, ProjectConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';
import { validateConfig } from './validate.ts';
import { readVarDefs } from './var-definitions.ts';
import { VarResolver } from './var-resolver.ts';
import { ALPHA_VERSIONS, generationOf, SUPPORTED_VERSIONS } from './versions.ts';

/** Loads `req` into `project` (an empty shell other projects may already point at). */
export async function loadProject(
  req: ProjectRequest,
  env: LoadEnv,
  project: ProjectConfig,
  sink: DiagSink,
): Promise<void> {
  const file = project.file;
  const fileStart: SourceLocation = { file, line: 1, col: 1 };
  const text = env.reads.text(req.configFile);
  if (text === undefined) {
    const detail = env.reads.stat(req.configFile) ? 'it cannot be read' : 'file not found';
    sink.error(`Cannot read config file "${file}": ${detail}`);
    return;
  }
  if (env.signal?.aborted) return;
  // The parse is synchronous: its size bound is what bounds how long Ctrl-C waits (see core/yaml-bounds.ts).
  if (text.length > maxConfigBytes) {
    sink.error(
      `Config file "${file}" is too large: ${megabytes(text.length)}, over dsg's limit of ${megabytes(maxConfigBytes)}`,
      fileStart,
      'a devspace.yaml is usually a few kB: keep data in manifests or values files',
    );
    return;
  }
  env.debug?.(`load: parsing "${file}" (${megabytes(text.length)})`);
  const started = performance.now();
  const parsed = await parseYaml(text, file);
  env.debug?.(
    `load: parsed "${file}" in ${Math.round(performance.now() - started)} ms (${parsed.parser} reader)`,
  );
  sink.add(parsed.diagnostics);
  if (parsed.root === null && sink.failed) return;
  if (parsed.root === null) {
    sink.error(
      `Config file "${file}" is empty: it needs at least \`version\``,
      fileStart,
      'start with `version: v2beta1`',
    );
    return;
  }
  if (parsed.root.kind !== 'map') {
    sink.error(
      `Config file "${file}" must be a mapping of sections, got ${describe(parsed.root)}`,
      parsed.root.loc ?? fileStart,
    );
    return;
  }
  const root = parsed.root;
  const version = readVersion(root, fileStart, sink);
  if (!version) return;
  const gen = generationOf(version);
  if (!gen) return;
  project.sourceVersion = version;
  project.name = str(root.entries.get('name')?.value) ?? defaultName(project.dir);

  const defs = readVarDefs(root.entries.get('vars')?.value, gen, sink);
  const resolver = new VarResolver({
    gen,
    defs,
    flags: req.flags,
    env: env.env,
    predefined: {
      name: project.name,
      namespace: req.namespace ?? env.namespace,
      kubeContext: env.kubeContext,
      profiles: req.profiles,
      env: env.env,
      dir: project.dir,
      timestamp: env.timestamp,
      random: env.random,
      git: env.git,
      reads: env.reads,
    },
    dir: project.dir,
    reads: env.reads,
    sink,
    ...(env.signal ? { signal: env.signal } : {}),
    ...(env.unanswered ? { unanswered: env.unanswered } : {}),
  });
  if (gen === 'v2' && root.entries.has('imports')) {
    const { mergeImports } = await import('./imports.ts');
    await mergeImports(root, req.configFile, { env, resolver, sink, version });
    refreshDefinitions(root, resolver, sink);
  }
  if (root.entries.has('profiles') || req.profiles.length > 0) {
    // Modules the common case does not need are loaded on demand: each costs a millisecond or two.
    const { applyProfiles } = await import('./profiles.ts');
    const requests = req.profiles.map((name) => (req.profilesAt ? { name, at: req.profilesAt } : { name }));
    await applyProfiles(root, requests, {
      env: env.env,
      resolver,
      sink,
      fileStart,
      activation: !req.disableActivation,
    });
  }
  refreshDefinitions(root, resolver, sink);
  await substituteVariables(root, {
    gen,
    resolver,
    sink,
    dir: project.dir,
    env: env.env,
    reads: env.reads,
    ...(env.signal ? { signal: env.signal } : {}),
  });
  project.vars = resolver.resolvedStrings();
  project.secrets = secretValues(
    Object.entries(project.vars)
      .filter(([name]) => isSecretVariable(name, resolver.definitions.get(name)?.password === true))
      .map(([, value]) => value),
  );

  let tree: MapNode = root;
  if (gen === 'v1') {
    const { checkV1Keys, V1_TOP_LEVEL } = await import('./v1-keys.ts');
    const { convertV1 } = await import('./convert-v1.ts');
    checkV1Keys(root, V1_TOP_LEVEL, [], version, sink);
    tree = convertV1(root, sink);
  }
  warnIgnored(tree, sink, gen !== 'v1');
  tree.entries.delete('vars');
  // Converted files keep their v1 shapes in the ignored sections; only v2beta1 ones are type-checked.
  const ignored = gen === 'v1' ? ['cluster', 'dev', 'commands', 'pullSecrets', 'require'] : ['cluster'];
  for (const k of ignored) tree.entries.delete(k);
  const json = jsonWithoutNulls(tree, 5) as { [key: string]: Json };
  if (!validateConfig(json, tree, fileStart, sink)) return;
  project.locate = (path) => locate(tree, path);
  project.resolved = json;

  const obj = (k: string): { [key: string]: Json } | undefined =>
    json[k] as { [key: string]: Json } | undefined;
  project.images = normalizeImages(obj('images'), tree, sink);
  project.deployments = normalizeDeployments(obj('deployments'), tree, req.namespace, sink);
  if (tree.entries.has('hooks')) {
    const { normalizeHooks } = await import('./normalize-hooks.ts');
    const names = {
      images: new Set(project.images.map((i) => i.name)),
      deployments: new Set(project.deployments.map((d) => d.name)),
    };
    project.hooks = normalizeHooks(tree.entries.get('hooks')?.value, names, sink);
  }
  if (gen !== 'v1' && tree.entries.has('dev')) {
    const { normalizeDev } = await import('./normalize-dev.ts');
    project.dev = normalizeDev(tree.entries.get('dev')?.value, sink);
  }
  const declared = json['dependencies'];
  if (req.ignoreDependencies || !declared || Object.keys(declared).length === 0) return;
  const { readDependencies } = await import('./dependencies.ts');
  const parent = {
    dir: project.dir,
    flags: req.flags,
    vars: project.vars,
    ...(req.namespace ? { namespace: req.namespace } : {}),
  };
  const deps = await readDependencies(obj('dependencies'), tree, parent, sink, env.sources);
  project.dependencies = deps.map((d): DependencyConfig => {
    const dep = env.loadDependency(d);
    return { name: d.name, at: d.at, dir: dirname(d.configFile), project: dep, deploy: d.deploy };
  });
}

/** Imports and profiles may change `vars`: the resolver gets the new definitions, their problems reported once. */
function refreshDefinitions(root: MapNode, resolver: VarResolver, sink: DiagSink): void {
  const again = new DiagSink();
  resolver.setDefs(readVarDefs(root.entries.get('vars')?.value, resolver.generation, again));
  for (const d of again.list) if (!sink.list.some((x) => x.message === d.message)) sink.list.push(d);
}

function readVersion(root: MapNode, fileStart: SourceLocation, sink: DiagSink): string | undefined {
  const e = root.entries.get('version');
  if (!e) {
    sink.error(
      'Missing required key "version" in the config',
      fileStart,
      'add `version: v2beta1` at the top (or the version the file was written for)',
    );
    return undefined;
  }
  const v = e.value.kind === 'scalar' ? e.value.value : undefined;
  const at = e.value.loc ?? e.keyLoc;
  const supported = `dsg reads ${SUPPORTED_VERSIONS[0] ?? ''} … ${SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 2] ?? ''} and ${SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1] ?? ''}`;
  if (typeof v !== 'string') {
    sink.error(`\`version\` must be a string such as "v2beta1", got ${describe(e.value)}`, at);
    return undefined;
  }
  if ((ALPHA_VERSIONS as readonly string[]).includes(v)) {
    sink.error(
      `Config version "${v}" is too old for dsg: ${supported}`,
      at,
      'upgrade the file with DevSpace 5 (`devspace upgrade`), then load it with dsg',
    );
    return undefined;
  }
  if (!generationOf(v)) {
    sink.error(`Unknown config version "${v}": ${supported}`, at);
    return undefined;
  }
  return v;
}

/** DevSpace names a project without `name` after its folder. */
function defaultName(dir: string): string {
  const base = basename(dir);
  return base.length > 2 ? encodeName(base) : 'devspace';
}

const FREE_FORM = new Set(['values', 'buildArgs', 'patches', 'vars']);

/**
 * The JSON the schema checks. `key:` with nothing after it means "not set" in the structural parts,
 * as in DevSpace, so such entries are left out there (but kept inside free-form values like helm's).
 */
function jsonWithoutNulls(node: TreeNode, depth: number): Json {
  if (node.kind !== 'map' || depth === 0) return toJson(node);
  const out: { [key: string]: Json } = {};
  node.entries.forEach((e, k) => {
    const v = e.value;
    if (v.kind === 'scalar' && v.value === null) return;
    out[k] = FREE_FORM.has(k) ? toJson(v) : jsonWithoutNulls(v, depth - 1);
  });
  return out;
}

function megabytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
