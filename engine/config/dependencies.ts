// Validated `dependencies` → what to load for each: the config file of a `path:` dependency (a folder with
// devspace.yaml, or a file) or of a `git:` one (checked out into the git cache, sources.ts), with its profiles,
// variables and namespace. Fields dsg does not act on are named in a warning.
import type { DiagSink } from './diag-sink.ts';
import type { DependencyRequest } from './requests.ts';
import { bool, keyLocation, list, NAME_PATTERN, obj, s, scalarText } from './normalize-images.ts';
import { readSourceSpec, type SourceResolver, type SourceSpec } from './sources.ts';
import { locate, type TreeNode } from './tree.ts';
import type { Json } from '../../core/json.ts';

type Obj = { [key: string]: Json };

/** What a dependency inherits from the project that names it. */
export interface ParentScope {
  dir: string;
  flags: Record<string, string>;
  /** The parent's resolved variables, passed on with `overwriteVars: true`. */
  vars: Record<string, string>;
  /** The namespace the parent itself was given as a dependency: its dependencies inherit it. */
  namespace?: string;
}

/** Reads the dependency entries of one project; broken entries are reported and skipped. */
export async function readDependencies(
  deps: Obj | undefined,
  tree: TreeNode,
  parent: ParentScope,
  sink: DiagSink,
  sources: SourceResolver,
): Promise<DependencyRequest[]> {
  const pending: Promise<DependencyRequest | undefined>[] = [];
  for (const [name, raw] of Object.entries(deps ?? {})) {
    const d = raw as Obj;
    const path = ['dependencies', name];
    const at = keyLocation(tree, 'dependencies', name);
    if (bool(d, 'disabled')) continue;
    if (!NAME_PATTERN.test(name)) {
      sink.error(`Dependency name "${name}" is not valid: use letters, digits, ".", "_" and "-"`, at);
      continue;
    }
    const spec = readSourceSpec(d, tree, path, at, `Dependency "${name}"`, sink);
    if (!spec) continue;
    const deploy = readPipeline(d, name, tree, sink);
    // Checkouts run side by side; the order of the result is the order in the file.
    pending.push(request(name, d, spec, deploy, { tree, parent, sink, sources }));
  }
  const out: DependencyRequest[] = [];
  for (const r of await Promise.all(pending)) if (r) out.push(r);
  return out;
}

async function request(
  name: string,
  d: Obj,
  spec: SourceSpec,
  deploy: boolean,
  {
    tree,
    parent,
    sink,
    sources,
  }: { tree: TreeNode; parent: ParentScope; sink: DiagSink; sources: SourceResolver },
): Promise<DependencyRequest | undefined> {
  const path = ['dependencies', name];
  const at = keyLocation(tree, 'dependencies', name);
  const resolved = await sources.resolve(spec, parent.dir, `dependency "${name}"`, sink);
  if (!resolved) return undefined;
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(d, 'vars') ?? {})) vars[k] = scalarText(v);
  const flags = { ...parent.flags, ...(bool(d, 'overwriteVars') ? parent.vars : {}), ...vars };
  const out: DependencyRequest = {
    name,
    at,
    configFile: resolved.configFile,
    profiles: list(d, 'profiles'),
    flags,
    disableActivation: bool(d, 'disableProfileActivation') ?? false,
    ignoreDependencies: bool(d, 'ignoreDependencies') ?? false,
    deploy,
  };
  if (resolved.origin) out.origin = resolved.origin;
  const profilesAt = locate(tree, [...path, 'profiles']);
  if (profilesAt) out.profilesAt = profilesAt;
  const ns = s(d, 'namespace') || parent.namespace;
  if (ns) out.namespace = ns;
  return out;
}

/**
 * `pipeline`: dsg runs no DevSpace pipelines. `deploy` (the default) and `build` (build only, nothing deployed)
 * are what dsg does anyway; any other pipeline is named in a warning saying what dsg does instead.
 */
function readPipeline(d: Obj, name: string, tree: TreeNode, sink: DiagSink): boolean {
  const pipeline = s(d, 'pipeline') ?? 'deploy';
  if (pipeline === 'deploy' || pipeline === 'build') return pipeline === 'deploy';
  const at = locate(tree, ['dependencies', name, 'pipeline']);
  sink.warn(
    `\`dependencies.${name}.pipeline: ${pipeline}\` is not supported by dsg yet and is ignored: dsg builds and deploys the dependency`,
    at,
    pipeline === 'dev'
      ? 'dsg has no dev sessions for dependencies; remove `pipeline` to silence this'
      : 'dsg runs no DevSpace pipelines; use `pipeline: build` to only build the dependency',
  );
  return true;
}
