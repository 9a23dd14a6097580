// Where a dependency or an import comes from: a path in the project, or a git repository checked out into the
// git cache (cache/git-checkout.ts). Both end in one config file; every file looked at goes through the ReadLog.
import { join, resolve } from 'node:path';
import type { ReadLog } from '../../cache/read-log.ts';
import {
  checkout,
  describeRef,
  refMoves,
  type Checkout,
  type GitFailure,
  type GitMode,
  type GitRef,
  type GitSource,
} from '../../cache/git-checkout.ts';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { ProjectOrigin } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';
import type { Result } from '../../core/result.ts';
import type { DiagSink } from './diag-sink.ts';
import { bool, list, s } from './normalize-images.ts';
import { locate, type TreeNode, type TreePath } from './tree.ts';

type Obj = { [key: string]: Json };

/** A source as written: a path relative to the project, or a repository with a ref and a folder in it. */
export type SourceSpec =
  | { kind: 'path'; path: string; at: SourceLocation }
  | {
      kind: 'git';
      git: GitSource;
      subPath: string;
      /** The `git:` value; `refAt` the branch, tag or revision; `subPathAt` the subPath. */
      at: SourceLocation;
      refAt: SourceLocation;
      subPathAt: SourceLocation;
    };

/** The config file a source ends in, and its origin when it came from git. */
export interface ResolvedSource {
  configFile: string;
  origin?: ProjectOrigin;
}

/** Reads `path`, or `git` with `branch`/`tag`/`revision`, `subPath`, `cloneArgs`, `disableShallow`, `disablePull`. */
export function readSourceSpec(
  d: Obj,
  tree: TreeNode,
  path: TreePath,
  at: SourceLocation,
  what: string,
  sink: DiagSink,
): SourceSpec | undefined {
  const where = (k: string): SourceLocation => locate(tree, [...path, k]) ?? at;
  const url = s(d, 'git');
  const rel = s(d, 'path');
  if (url !== undefined && rel !== undefined) {
    sink.error(`${what} has both \`git\` and \`path\`: use one of them`, where('git'));
    return undefined;
  }
  if (url === undefined) {
    if (rel === undefined) {
      sink.error(`${what} needs \`path\` (a folder with a devspace.yaml, or a config file) or \`git\``, at);
      return undefined;
    }
    return { kind: 'path', path: rel, at: where('path') };
  }
  const refs = (['branch', 'tag', 'revision'] as const).filter((k) => s(d, k));
  if (refs.length > 1) {
    sink.error(
      `${what} names both \`${refs[0]}\` and \`${refs[1]}\`: use one of them`,
      where(refs[1] ?? 'git'),
    );
    return undefined;
  }
  const [kind] = refs;
  const ref: GitRef = kind ? { kind, name: s(d, kind) ?? '' } : { kind: 'default' };
  const git: GitSource = {
    url: url.trim(),
    ref,
    cloneArgs: list(d, 'cloneArgs'),
    shallow: bool(d, 'disableShallow') !== true,
    pinned: bool(d, 'disablePull') === true,
  };
  const subPath = s(d, 'subPath') ?? '';
  return {
    kind: 'git',
    git,
    subPath,
    at: where('git'),
    refAt: where(kind ?? 'git'),
    subPathAt: where('subPath'),
  };
}

/** What resolving sources needs from the load. */
export interface SourceContext {
  reads: ReadLog;
  /** The git cache folder (cache/git-checkout.ts `gitCacheDir`). */
  cacheDir: string;
  mode: GitMode;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Told when another dsg process holds a checkout this load waits for. */
  notify?: (line: string) => void;
}

/** Resolves sources for one load: each git checkout is made once, however many projects name it. */
export class SourceResolver {
  private readonly checkouts = new Map<string, Promise<Result<Checkout, GitFailure>>>();

  constructor(private readonly ctx: SourceContext) {}

  /** The config file of `spec` (relative to `dir`), or undefined after reporting why not to `sink`. */
  async resolve(
    spec: SourceSpec,
    dir: string,
    what: string,
    sink: DiagSink,
  ): Promise<ResolvedSource | undefined> {
    if (spec.kind === 'path') {
      const file = configFileOf(resolve(dir, spec.path), this.ctx.reads);
      if (typeof file !== 'string') {
        sink.error(`Cannot load ${what}: ${file.problem.replace('PATH', `"${spec.path}"`)}`, spec.at);
        return undefined;
      }
      return { configFile: file };
    }
    const { git } = spec;
    const made = await this.checkout(git);
    if (!made.ok) {
      const e = made.error;
      const at = e.reason === 'no-ref' || e.reason === 'bad-ref' ? spec.refAt : spec.at;
      sink.error(
        `Cannot fetch ${what} from "${git.url}" (${describeRef(git.ref)}): ${e.message}`,
        at,
        e.hint,
      );
      return undefined;
    }
    const { reads } = this.ctx;
    // The commit a checkout holds is in `.git/HEAD` (detached): its stamp tells memos that the checkout moved.
    reads.stat(join(made.value.dir, '.git', 'HEAD'));
    if (this.ctx.mode === 'fetch' && refMoves(git.ref) && !git.pinned)
      reads.unrepeatable(`a git source on ${describeRef(git.ref)} of "${git.url}", fetched on every run`);
    const file = configFileOf(join(made.value.dir, spec.subPath), reads);
    const inRepo = spec.subPath === '' ? 'the repository' : `"${spec.subPath}"`;
    if (typeof file !== 'string') {
      sink.error(
        `Cannot load ${what}: ${file.problem.replace('PATH', inRepo)} in "${git.url}" (${describeRef(git.ref)})`,
        spec.subPath === '' ? spec.at : spec.subPathAt,
      );
      return undefined;
    }
    const origin: ProjectOrigin = { git: git.url, ref: describeRef(git.ref), commit: made.value.commit };
    if (spec.subPath !== '') origin.subPath = spec.subPath;
    return { configFile: file, origin };
  }

  private checkout(git: GitSource): Promise<Result<Checkout, GitFailure>> {
    const id = JSON.stringify([git.url, git.ref]);
    let made = this.checkouts.get(id);
    if (!made) {
      const { cacheDir, mode, env, signal, notify } = this.ctx;
      made = checkout(cacheDir, git, mode, {
        env,
        ...(signal ? { signal } : {}),
        onWait: (dir) => notify?.(`Waiting for another dsg process that is updating "${dir}"…`),
      });
      this.checkouts.set(id, made);
    }
    return made;
  }
}

/** The config file a path names: the path itself, or devspace.yaml inside it. */
export function configFileOf(abs: string, reads: ReadLog): string | { problem: string } {
  const info = reads.stat(abs);
  if (!info) return { problem: 'PATH does not exist' };
  if (info.isFile()) return abs;
  const inside = join(abs, 'devspace.yaml');
  const file = reads.stat(inside);
  if (!file?.isFile()) return { problem: 'PATH has no devspace.yaml' };
  return inside;
}
