// Git sources of dependencies and imports: one checkout per URL and ref in a cache folder outside every project
// (`$XDG_CACHE_HOME/dsg/git`, else `~/.cache/dsg/git`), made with the git CLI through the one process runner,
// every value an argument of its own. A checkout is cloned into a temp folder and renamed into place, so a failed
// clone leaves nothing; updating one (a branch that moved) holds a lock that other dsg processes wait for. A
// revision is immutable: once checked out it is never fetched again.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { firstLines, runProcess, type ProcessFailure, type ProcessResult } from '../core/process.ts';
import { fail, ok, type Result } from '../core/result.ts';
import { acquireLock } from './lock.ts';

/** What to check out of a repository. */
export type GitRef =
  { kind: 'branch' | 'tag'; name: string } | { kind: 'revision'; name: string } | { kind: 'default' };

/** A repository and a ref, as a config names them. */
export interface GitSource {
  url: string;
  ref: GitRef;
  /** `cloneArgs`: passed to `git clone` before the URL. */
  cloneArgs: readonly string[];
  /** False with `disableShallow`: clone the whole history. */
  shallow: boolean;
  /** `disablePull`: once cloned, never fetched again. */
  pinned: boolean;
}

/** How a load may use the network: fetch moving refs (a run), clone only what is missing, or nothing at all. */
export type GitMode = 'fetch' | 'clone' | 'offline';

/** A checkout ready to read. */
export interface Checkout {
  /** Absolute folder of the working tree. */
  dir: string;
  /** The commit checked out. */
  commit: string;
  /** Whether this call cloned or moved it. */
  changed: boolean;
}

/** Why a checkout could not be made. */
export interface GitFailure {
  reason: 'not-cached' | 'bad-ref' | 'no-repository' | 'no-ref' | 'git-failed' | 'lock' | 'aborted';
  /** The detail, completing "Cannot fetch …: ". */
  message: string;
  hint?: string;
}

/** Options for the git commands of one load. */
export interface GitOptions {
  /** The environment git runs with (PATH, HOME, proxies, credentials helpers). */
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Told when another dsg process holds a checkout this one needs. */
  onWait?: (dir: string) => void;
}

/** The folder holding every checkout: `$XDG_CACHE_HOME/dsg/git`, else `$HOME/.cache/dsg/git`. */
export function gitCacheDir(env: Readonly<Record<string, string>>): string {
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : join(env['HOME'] ?? process.cwd(), '.cache');
  return join(base, 'dsg', 'git');
}

/** The ref as people write it: `branch "main"`, `tag "v1"`, `revision "3f2a…"`, `the default branch`. */
export function describeRef(ref: GitRef): string {
  return ref.kind === 'default' ? 'the default branch' : `${ref.kind} "${ref.name}"`;
}

/** Whether the ref can point somewhere else tomorrow (a revision cannot). */
export function refMoves(ref: GitRef): boolean {
  return ref.kind !== 'revision';
}

/** The folder of one URL and ref: readable, and unique by a hash of both. */
export function checkoutDir(cacheDir: string, source: Pick<GitSource, 'url' | 'ref'>): string {
  const { url, ref } = source;
  const refName = ref.kind === 'default' ? 'HEAD' : ref.name;
  const hash = createHash('sha256').update(`${url}\0${ref.kind}\0${refName}`).digest('hex').slice(0, 12);
  const repo =
    url
      .replace(/\/+$/, '')
      .split(/[/:]/)
      .pop()
      ?.replace(/\.git$/, '') ?? 'repo';
  const word = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || '_';
  return join(cacheDir, `${word(repo)}@${word(refName)}-${hash}`);
}

/** Checks a ref before it reaches git: nothing may look like an option, a revision must be a commit hash. */
export function checkRef(ref: GitRef): string | undefined {
  if (ref.kind === 'default') return undefined;
  if (ref.name === '' || ref.name.startsWith('-'))
    return `${ref.kind} "${ref.name}" is not a valid name: it may not be empty or start with "-"`;
  if (ref.kind === 'revision' && !/^[0-9a-fA-F]{7,64}$/.test(ref.name))
    return `revision "${ref.name}" is not a commit hash`;
  return undefined;
}

/** Makes (or, in `fetch` mode, updates) the checkout of `source` under `cacheDir`. */
export async function checkout(
  cacheDir: string,
  source: GitSource,
  mode: GitMode,
  options: GitOptions,
): Promise<Result<Checkout, GitFailure>> {
  const bad = checkRef(source.ref);
  if (bad !== undefined) return fail({ reason: 'bad-ref', message: bad });
  const dir = checkoutDir(cacheDir, source);
  const present = (): boolean => existsSync(join(dir, '.git', 'HEAD'));
  const update = mode === 'fetch' && refMoves(source.ref) && !source.pinned;
  if (present() && !update) return current(dir, options);
  if (mode === 'offline')
    return fail({
      reason: 'not-cached',
      message: `it is not in the git cache ("${dir}") and --offline fetches nothing`,
      hint: 'run once without --offline to clone it',
    });
  try {
    await mkdir(cacheDir, { recursive: true });
  } catch (error) {
    return fail({ reason: 'lock', message: `cannot create the git cache "${cacheDir}": ${String(error)}` });
  }
  const lock = await acquireLock(`${dir}.lock`, {
    wait: true,
    command: `dsg: git checkout of ${source.url}`,
    ...(options.signal ? { signal: options.signal } : {}),
    onWait: () => options.onWait?.(dir),
  });
  if (!lock.ok) {
    const reason = lock.error.reason === 'lock-aborted' ? 'aborted' : 'lock';
    return fail({ reason, message: `cannot lock its checkout: ${lock.error.message}` });
  }
  try {
    // Another process may have cloned it while this one waited for the lock.
    if (!present()) return await clone(dir, source, options);
    if (!update) return await current(dir, options);
    return await fetchInto(dir, source, options);
  } finally {
    await lock.value.release();
  }
}

async function current(dir: string, options: GitOptions): Promise<Result<Checkout, GitFailure>> {
  const head = await git(['rev-parse', 'HEAD'], dir, options);
  return head.ok ? ok({ dir, commit: head.value, changed: false }) : head;
}

async function clone(
  dir: string,
  source: GitSource,
  options: GitOptions,
): Promise<Result<Checkout, GitFailure>> {
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rm(dir, { recursive: true, force: true });
  const { ref } = source;
  const args = ['-c', 'advice.detachedHead=false', 'clone', '--quiet'];
  if (source.shallow && ref.kind !== 'revision') args.push('--depth', '1');
  if (ref.kind === 'branch' || ref.kind === 'tag') args.push('--branch', ref.name);
  args.push(...source.cloneArgs, '--', source.url, temp);
  try {
    const cloned = await git(args, undefined, options, ref);
    if (!cloned.ok) return cloned;
    // HEAD holds the commit itself (detached), so a moved checkout changes `.git/HEAD`, which memos stamp.
    const target = ref.kind === 'revision' ? await resolveRevision(temp, ref.name, options) : ok('HEAD');
    if (!target.ok) return target;
    const detached = await git(['checkout', '--quiet', '--detach', target.value], temp, options);
    if (!detached.ok) return detached;
    await rename(temp, dir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  const head = await current(dir, options);
  return head.ok ? ok({ ...head.value, changed: true }) : head;
}

async function resolveRevision(
  dir: string,
  revision: string,
  options: GitOptions,
): Promise<Result<string, GitFailure>> {
  const found = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], dir, options);
  if (found.ok) return found;
  return fail({ reason: 'no-ref', message: `revision "${revision}" is not in the repository` });
}

async function fetchInto(
  dir: string,
  source: GitSource,
  options: GitOptions,
): Promise<Result<Checkout, GitFailure>> {
  const { ref } = source;
  const refspec =
    ref.kind === 'branch' ? `refs/heads/${ref.name}` : ref.kind === 'tag' ? `refs/tags/${ref.name}` : 'HEAD';
  const args = ['fetch', '--quiet', ...(source.shallow ? ['--depth', '1'] : []), 'origin', refspec];
  const fetched = await git(args, dir, options, ref);
  if (!fetched.ok) return fetched;
  const [was, now] = await Promise.all([
    git(['rev-parse', 'HEAD'], dir, options),
    git(['rev-parse', 'FETCH_HEAD'], dir, options),
  ]);
  if (!was.ok) return was;
  if (!now.ok) return now;
  if (was.value === now.value) return ok({ dir, commit: now.value, changed: false });
  const moved = await git(['checkout', '--quiet', '--force', '--detach', now.value], dir, options);
  if (!moved.ok) return moved;
  const cleaned = await git(['clean', '-ffdxq'], dir, options);
  return cleaned.ok ? ok({ dir, commit: now.value, changed: true }) : cleaned;
}

/** Runs git; its trimmed stdout, or a failure whose message is git's own first line. */
async function git(
  args: readonly string[],
  cwd: string | undefined,
  options: GitOptions,
  ref?: GitRef,
): Promise<Result<string, GitFailure>> {
  // Never a credential prompt: a run must not hang on a terminal question it cannot show.
  const env = { ...options.env, GIT_TERMINAL_PROMPT: '0' };
  const run = await runProcess('git', args, {
    cwd: cwd ?? process.cwd(),
    env,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return run.ok && run.value.code === 0 ? ok(run.value.stdout.trim()) : fail(gitFailure(run, ref));
}

function gitFailure(
  run: { ok: true; value: ProcessResult } | { ok: false; error: ProcessFailure },
  ref: GitRef | undefined,
): GitFailure {
  if (!run.ok) {
    if (run.error.reason === 'aborted') return { reason: 'aborted', message: 'cancelled' };
    return {
      reason: 'git-failed',
      message: run.error.message,
      ...(run.error.reason === 'not-found' ? { hint: 'install git (Debian: apt-get install git)' } : {}),
    };
  }
  const lines = run.value.stderr.split('\n').filter((l) => /^(fatal|error):/.test(l.trim()));
  const detail =
    firstLines(lines.join('\n'), 1) || firstLines(run.value.stderr, 1) || `exit code ${run.value.code}`;
  const text = detail.replace(/^(fatal|error):\s*/, '');
  if (ref && /Remote branch .* not found|couldn't find remote ref|not found in upstream/i.test(text))
    return { reason: 'no-ref', message: `${describeRef(ref)} does not exist: ${text}` };
  if (
    /does not appear to be a git repository|not found|Could not read from remote|repository .* does not exist/i.test(
      text,
    )
  )
    return {
      reason: 'no-repository',
      message: text,
      hint: 'check the URL and that you can read the repository',
    };
  return { reason: 'git-failed', message: text };
}
