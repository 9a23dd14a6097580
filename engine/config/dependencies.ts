// Validated `dependencies` → what to load for each: the config file of a `path:` dependency (a folder
// with devspace.yaml, or a file), its profiles, variables and namespace. `git:` dependencies are not
// fetched: they get a located error saying how to use them anyway.
import type { ReadLog } from '../../cache/read-log.ts';
import { join, resolve } from 'node:path';
import type { DiagSink } from './diag-sink.ts';
import type { DependencyRequest } from './requests.ts';
import { bool, keyLocation, list, NAME_PATTERN, obj, s, scalarText } from './normalize-images.ts';
import { locate, type TreeNode } from './tree.ts';
import type { Json } from '../../core/json.ts';

type Obj = { [key: string]: Json };

/** What a dependency inherits from the project that names it. */
export interface ParentScope {
  dir: string;
  flags: Record<string, string>;
  /** The parent's resolved variables, passed on with `overwriteVars: true`. */
  vars: Record<string, string>;
}

/** Reads the dependency entries of one project; broken entries are reported and skipped. */
export async function readDependencies(
  deps: Obj | undefined,
  tree: TreeNode,
  parent: ParentScope,
  sink: DiagSink,
  reads: ReadLog,
): Promise<DependencyRequest[]> {
  const out: DependencyRequest[] = [];
  for (const [name, raw] of Object.entries(deps ?? {})) {
    const d = raw as Obj;
    const path = ['dependencies', name];
    const at = keyLocation(tree, 'dependencies', name);
    if (bool(d, 'disabled')) continue;
    if (!NAME_PATTERN.test(name)) {
      sink.error(`Dependency name "${name}" is not valid: use letters, digits, ".", "_" and "-"`, at);
      continue;
    }
    const git = s(d, 'git');
    const rel = s(d, 'path');
    if (git !== undefined) {
      sink.error(
        `Git dependency "${name}" (${git}) is not supported by dsg yet: clone it and use \`path:\``,
        locate(tree, [...path, 'git']) ?? at,
        `git clone ${git} and set \`dependencies.${name}.path\` to the clone`,
      );
      continue;
    }
    if (rel === undefined) {
      sink.error(`Dependency "${name}" needs \`path\` (a folder with a devspace.yaml, or a config file)`, at);
      continue;
    }
    const pathAt = locate(tree, [...path, 'path']) ?? at;
    const configFile = configFileOf(resolve(parent.dir, rel), reads);
    if (typeof configFile !== 'string') {
      sink.error(
        `Cannot load dependency "${name}": ${configFile.problem.replace('PATH', `"${rel}"`)}`,
        pathAt,
      );
      continue;
    }
    const pipeline = s(d, 'pipeline') ?? 'deploy';
    if (pipeline !== 'deploy' && pipeline !== 'dev' && pipeline !== 'build') {
      sink.warn(
        `Pipeline "${pipeline}" of dependency "${name}" is not supported by dsg yet: dsg builds and deploys the dependency`,
        locate(tree, [...path, 'pipeline']),
      );
    }
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(d, 'vars') ?? {})) vars[k] = scalarText(v);
    const flags = { ...parent.flags, ...(bool(d, 'overwriteVars') ? parent.vars : {}), ...vars };
    const request: DependencyRequest = {
      name,
      at,
      configFile,
      profiles: list(d, 'profiles'),
      flags,
      disableActivation: bool(d, 'disableProfileActivation') ?? false,
      ignoreDependencies: bool(d, 'ignoreDependencies') ?? false,
      deploy: pipeline !== 'build',
    };
    const profilesAt = locate(tree, [...path, 'profiles']);
    if (profilesAt) request.profilesAt = profilesAt;
    const ns = s(d, 'namespace');
    if (ns) request.namespace = ns;
    out.push(request);
  }
  return out;
}

/** The config file a dependency path names: the path itself, or devspace.yaml inside it. */
function configFileOf(abs: string, reads: ReadLog): string | { problem: string } {
  const info = reads.stat(abs);
  if (!info) return { problem: 'PATH does not exist' };
  if (info.isFile()) return abs;
  const inside = join(abs, 'devspace.yaml');
  const file = reads.stat(inside);
  if (!file?.isFile()) return { problem: 'PATH has no devspace.yaml' };
  return inside;
}
