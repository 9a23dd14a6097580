// Variables DevSpace defines itself (`DEVSPACE_NAME`, `DEVSPACE_GIT_COMMIT`, ... and their
// `devspace.*` spellings). Git is asked only when a config uses a git variable.
import { homedir, tmpdir } from 'node:os';
import type { ReadLog } from '../../cache/read-log.ts';
import { outcomeOf, runProcess } from '../../core/process.ts';

/** The dsg version reported as `DEVSPACE_VERSION`. */
export const DSG_VERSION = '0.1.0';

/** What predefined variables are computed from, for one project. */
export interface PredefinedContext {
  name: string;
  namespace: string;
  kubeContext: string;
  profiles: readonly string[];
  env: Record<string, string>;
  dir: string;
  /** Unix seconds, fixed for the whole load. */
  timestamp: string;
  random: string;
  git: GitProbe;
  /** Told when a value differs between runs (random, time, git state). */
  reads: ReadLog;
}

/** A predefined value, with a note when it is a stand-in (no git repository). */
export interface PredefinedValue {
  value: string;
  warning?: string;
}

const ALIASES: Record<string, string> = {
  'devspace.name': 'DEVSPACE_NAME',
  'devspace.version': 'DEVSPACE_VERSION',
  'devspace.random': 'DEVSPACE_RANDOM',
  'devspace.profile': 'DEVSPACE_PROFILE',
  'devspace.userHome': 'DEVSPACE_USER_HOME',
  'devspace.timestamp': 'DEVSPACE_TIMESTAMP',
  'devspace.git.branch': 'DEVSPACE_GIT_BRANCH',
  'devspace.git.commit': 'DEVSPACE_GIT_COMMIT',
  'devspace.context': 'DEVSPACE_CONTEXT',
  'devspace.namespace': 'DEVSPACE_NAMESPACE',
  'devspace.tempFolder': 'DEVSPACE_TMPDIR',
  DEVSPACE_SPACE: 'DEVSPACE_NAMESPACE',
};

const NAMES = new Set([
  'DEVSPACE_NAME',
  'DEVSPACE_VERSION',
  'DEVSPACE_RANDOM',
  'DEVSPACE_PROFILE',
  'DEVSPACE_PROFILES',
  'DEVSPACE_USER_HOME',
  'DEVSPACE_TIMESTAMP',
  'DEVSPACE_GIT_BRANCH',
  'DEVSPACE_GIT_COMMIT',
  'DEVSPACE_CONTEXT',
  'DEVSPACE_NAMESPACE',
  'DEVSPACE_TMPDIR',
  ...Object.keys(ALIASES),
]);

/** Value used for git variables outside a git repository. */
export const NO_GIT = 'no-git';

/** True for the names DevSpace predefines. */
export function isPredefined(name: string): boolean {
  return NAMES.has(name);
}

/** The value of predefined variable `name` (which must satisfy isPredefined). */
export async function predefinedValue(name: string, ctx: PredefinedContext): Promise<PredefinedValue> {
  const canonical = ALIASES[name] ?? name;
  switch (canonical) {
    case 'DEVSPACE_NAME':
      return { value: ctx.name };
    case 'DEVSPACE_VERSION':
      return { value: DSG_VERSION };
    case 'DEVSPACE_RANDOM':
      ctx.reads.unrepeatable('a random value (DEVSPACE_RANDOM)');
      return { value: ctx.random };
    case 'DEVSPACE_PROFILE':
      return { value: ctx.profiles[ctx.profiles.length - 1] ?? '' };
    case 'DEVSPACE_PROFILES':
      return { value: ctx.profiles.join(' ') };
    case 'DEVSPACE_USER_HOME':
      return { value: ctx.env['HOME'] || homedir() };
    case 'DEVSPACE_TIMESTAMP':
      ctx.reads.unrepeatable('the time (DEVSPACE_TIMESTAMP)');
      return { value: ctx.timestamp };
    case 'DEVSPACE_CONTEXT':
      return { value: ctx.kubeContext };
    case 'DEVSPACE_NAMESPACE':
      return { value: ctx.namespace };
    case 'DEVSPACE_TMPDIR':
      return { value: ctx.env['TMPDIR'] || tmpdir() };
    case 'DEVSPACE_GIT_COMMIT':
    case 'DEVSPACE_GIT_BRANCH': {
      ctx.reads.unrepeatable(`the git state (${canonical})`);
      const info = await ctx.git.info(ctx.dir, ctx.env);
      const value = canonical === 'DEVSPACE_GIT_COMMIT' ? info.commit : info.branch;
      if (value !== undefined) return { value };
      return {
        value: NO_GIT,
        warning: `Variable "${name}" is used but git cannot tell it (${info.reason ?? 'unknown reason'}): using "${NO_GIT}"`,
      };
    }
    default:
      throw new Error(`Not a predefined variable: ${name}`);
  }
}

/** What git says about a directory. */
export interface GitInfo {
  commit?: string;
  branch?: string;
  reason?: string;
}

/** Asks git once per directory and load; shared by every project of one load. */
export class GitProbe {
  private readonly cache = new Map<string, Promise<GitInfo>>();

  /** Commit (8 characters, like DevSpace) and branch of the repository holding `dir`. */
  info(dir: string, env: Record<string, string>): Promise<GitInfo> {
    let p = this.cache.get(dir);
    if (!p) {
      p = probe(dir, env);
      this.cache.set(dir, p);
    }
    return p;
  }
}

async function probe(dir: string, env: Record<string, string>): Promise<GitInfo> {
  const opts = { cwd: dir, env, timeoutMs: 10_000 };
  const commit = outcomeOf(await runProcess('git', ['rev-parse', 'HEAD'], opts));
  if (commit.failed !== undefined) {
    const why = commit.stderr.includes('not a git repository')
      ? `"${dir}" is not in a git repository`
      : commit.failed;
    return { reason: why };
  }
  const branch = outcomeOf(await runProcess('git', ['rev-parse', '--abbrev-ref', 'HEAD'], opts));
  const info: GitInfo = { commit: commit.stdout.trim().slice(0, 8) };
  if (branch.failed === undefined) info.branch = branch.stdout.trim();
  return info;
}
