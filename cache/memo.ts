// The memo layer of dsg: a result stored under a key (flags, working directory, runtime) with what it was
// computed from — the stamps of every path read, and digests of the environment variables that could change it —
// so that a later identical invocation can replay it after a few thousand stats. The graph cache (`dsg graph`)
// and the run memo (`dsg run`) are both memos; each keeps its own payload in sections.
// Loaded on every `dsg run` and `dsg graph`: node built-ins only.
import type { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from '../core/json.ts';
import { decodeMemoFile, encodeMemoFile } from './memo-file.ts';
import { changedPaths, racyPath, stampPaths } from './stamp.ts';

/** Where a memo lives and the key it must match. */
export interface MemoSlot {
  file: string;
  key: string;
}

/** What a memo records beside its payload. */
interface Header {
  format: number;
  key: string;
  /** Digest of the environment variables the result may depend on (never their values). */
  env: string;
  /** Variables the computation read beyond the standard ones (names only). */
  envNames: string[];
  /** The first `code` paths are dsg's own code; the first `fixed` (code included) are all-or-nothing. */
  code: number;
  fixed: number;
  extra: Json;
}

/** A memo found with its key, environment and code still holding. */
export interface OpenMemo {
  extra: Json;
  sections: Buffer[];
  /** The paths after the fixed ones (those whose changes a caller may answer in part). */
  paths: string[];
  /** Indices into `paths` of the ones whose stamps changed. */
  changed: number[];
}

/** Why no memo applies, as debug output says it (`miss (input changed)`). */
export type MemoMiss =
  'no memo' | 'unreadable memo' | 'other flags' | 'environment changed' | 'dsg changed' | 'input changed';

/** What a memo is stored with. */
export interface MemoContent {
  format: number;
  env: Readonly<Record<string, string>>;
  /** Variables the computation read (beyond the standard ones). */
  envNames: Iterable<string>;
  extra: Json;
  sections: readonly string[];
  /** Paths whose change is a miss of the whole memo (config files and what the compiler read). */
  fixed: readonly string[];
  /** Paths a caller answers in part (the run memo: each task's inputs). */
  paths: readonly string[];
  /** Where relative paths are kept from (the project folder). */
  base: string;
}

/**
 * Variables that change what dsg or its tools do whatever a config says: the tools' own settings, registries
 * and proxies, dsg's and DevSpace's. A memo depends on these and on the variables the config read.
 */
const STANDARD_NAMES =
  /^(PATH|HOME|USERPROFILE|USER|TMPDIR|KUBECONFIG|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|SSL_CERT_(FILE|DIR)|(DOCKER|HELM|KUBE|KUBECTL|XDG|DEVSPACE|DSG)_\w+)$/;

/** Variables that only show what dsg does (debug output), never change it. */
const PRESENTATION_NAMES = /^DSG_DEBUG_\w+$/;

/** The slot of a memo under `dir` for `key` (a string the memo must match in full). */
export function memoSlot(dir: string, key: string): MemoSlot {
  return { file: join(dir, `${hash53(key)}.memo`), key };
}

/** The digest of the variables a memo depends on: the standard ones and `names`, by name and value digest. */
export function envDigest(env: Readonly<Record<string, string>>, names: Iterable<string>): string {
  const all = new Set(names);
  for (const name of Object.keys(env)) if (STANDARD_NAMES.test(name)) all.add(name);
  const entries = [...all]
    .filter((n) => !PRESENTATION_NAMES.test(n))
    .sort()
    .map((n) => [n, env[n] === undefined ? null : sha256(env[n])]);
  return sha256(JSON.stringify(entries));
}

/** The memo of `slot` when its key, environment, dsg and fixed paths still hold; else why not. */
export function openMemo(
  slot: MemoSlot,
  format: number,
  env: Readonly<Record<string, string>>,
): { ok: true; memo: OpenMemo } | { ok: false; reason: MemoMiss } {
  let data: Buffer;
  try {
    data = readFileSync(slot.file);
  } catch {
    return { ok: false, reason: 'no memo' };
  }
  const file = decodeMemoFile(data, isHeader);
  if (!file || file.header.format !== format) return { ok: false, reason: 'unreadable memo' };
  const { header, paths, stamps } = file;
  if (header.key !== slot.key) return { ok: false, reason: 'other flags' };
  if (header.env !== envDigest(env, header.envNames)) return { ok: false, reason: 'environment changed' };
  const changed = changedPaths(paths, stamps);
  if (changed.length > 0 && (changed[0] ?? 0) < header.code) return { ok: false, reason: 'dsg changed' };
  if (changed.length > 0 && (changed[0] ?? 0) < header.fixed) return { ok: false, reason: 'input changed' };
  return {
    ok: true,
    memo: {
      extra: header.extra,
      sections: file.sections,
      paths: paths.slice(header.fixed),
      changed: changed.map((i) => i - header.fixed),
    },
  };
}

/**
 * Stores a memo; `startMs` is when the computation started (every path was read after it). Returns why
 * nothing was stored, or undefined. A path changed too recently (the racy rule) cannot be trusted, and neither
 * can a path with a line break.
 */
export async function storeMemo(
  slot: MemoSlot,
  content: MemoContent,
  startMs: number,
): Promise<string | undefined> {
  const code = codePaths();
  if (!code) return 'the code folder is too large to stamp';
  const inputs = [...new Set([...content.fixed, ...content.paths])];
  const odd = inputs.find((p) => p.includes('\n'));
  if (odd !== undefined) return `the path "${odd}" holds a line break`;
  // dsg's own code is not checked: it changes by a rebuild, never within a run's timestamp tick.
  const racy = racyPath(inputs, startMs);
  if (racy !== undefined) return `"${racy}" changed too recently to trust its timestamp`;
  const fixed = [...code, ...new Set(content.fixed)];
  const paths = [...fixed, ...content.paths];
  const header: Header = {
    format: content.format,
    key: slot.key,
    env: envDigest(content.env, content.envNames),
    envNames: [...new Set(content.envNames)].sort(),
    code: code.length,
    fixed: fixed.length,
    extra: content.extra,
  };
  const bytes = encodeMemoFile(header, content.sections, paths, stampPaths(paths), content.base);
  const dir = dirname(slot.file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Loaded only to store: crash-safe writes need node:crypto for temp names.
    const { writeFileAtomic } = await import('./atomic.ts');
    await writeFileAtomic(slot.file, bytes);
  } catch {
    return `cannot write "${slot.file}"`;
  }
  pruneMemos(dir, slot.file, MAX_MEMOS);
  return undefined;
}

/** Memos kept per folder: one per flag combination; the least recently written go first. */
const MAX_MEMOS = 16;

/** Keeps the newest `max` files of a memo folder (and always `keep`). */
export function pruneMemos(dir: string, keep: string, max: number): void {
  try {
    const names = readdirSync(dir);
    if (names.length <= max) return;
    const aged = names
      .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs }))
      .filter((e) => e.path !== keep)
      .sort((a, b) => (b.mtime ?? 0) - (a.mtime ?? 0));
    for (const e of aged.slice(max - 1)) rmSync(e.path, { force: true });
  } catch {
    // Pruning is housekeeping: a folder another process changed meanwhile is pruned next time.
  }
}

/** The entries of `record` sorted by name (code units: the same on every runtime and locale). */
export function sortedEntries<V>(record: Readonly<Record<string, V>>): [string, V][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Dsg's own code, so that another build of dsg never replays this one's memos: the bundle's files (their names
 * carry content hashes), or every source folder and file when dsg runs unbundled; and the YAML package.
 */
function codePaths(): string[] | undefined {
  const path = fileURLToPath(import.meta.url);
  const marker = `${sep}dist${sep}cli${sep}`;
  const at = path.lastIndexOf(marker);
  const roots =
    at >= 0
      ? [path.slice(0, at + marker.length - 1)]
      : ['core', 'engine', 'schemas', 'bin', 'tasks', 'cache'].map((d) => resolve(dirname(path), '..', d));
  const out: string[] = [];
  for (const root of roots) if (!walk(root, out, 2000)) return undefined;
  // The YAML package stays outside the bundle: the nearest node_modules/yaml is the one that is loaded.
  for (let dir = roots[0] ?? ''; ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', 'yaml', 'package.json');
    out.push(pkg);
    if (statSync(pkg, { throwIfNoEntry: false }) || dirname(dir) === dir) break;
  }
  return out;
}

/** Adds every folder and file under `base` to `out`; false past `limit` entries. */
function walk(base: string, out: string[], limit: number): boolean {
  const stack = [base];
  while (stack.length > 0) {
    const dir = stack.pop() ?? '';
    out.push(dir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (out.length > limit) return false;
      const path = join(dir, name);
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) stack.push(path);
      else out.push(path);
    }
  }
  return true;
}

function isHeader(value: unknown): value is Header {
  if (!value || typeof value !== 'object') return false;
  const h = value as Partial<Header>;
  return (
    typeof h.format === 'number' &&
    typeof h.key === 'string' &&
    typeof h.env === 'string' &&
    Array.isArray(h.envNames) &&
    h.envNames.every((n) => typeof n === 'string') &&
    Number.isInteger(h.code) &&
    Number.isInteger(h.fixed) &&
    'extra' in h
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A 53-bit string hash (cyrb53) in hex: names a slot; the key inside the memo is compared in full. */
export function hash53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
