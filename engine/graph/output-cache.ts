// Memoised output of `dsg graph`: the text a run printed, stored under a key over everything that shaped it
// (flags, working directory, environment, runtime, dsg's own code) with the stamps of every file it read.
// A repeated `dsg graph` on an unchanged project replays the text after a few thousand stats, without
// loading the config loader, the compiler or the YAML parser. Loaded on every `dsg graph`: node built-ins only.
import { Buffer } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  isInputStamps,
  racyPath,
  stampFile,
  stampsHold,
  stampTree,
  type InputStamps,
} from './input-stamps.ts';

/** Version of the entry format; entries of another version are misses. */
const FORMAT = 1;

/** Entries kept per project: one per flag combination, the least recently written go first. */
const MAX_ENTRIES = 16;

/**
 * Environment variables left out of the key: they differ between shells and runs without meaning anything
 * to a config. A config that names one of them is not memoised at all (see graphInputs).
 */
export const IGNORED_ENV: readonly string[] = [
  '_',
  'OLDPWD',
  'PWD',
  'SHLVL',
  'TERM_SESSION_ID',
  'ITERM_SESSION_ID',
  'SECURITYSESSIONID',
  'WINDOWID',
  'DSG_DEBUG_GRAPH_CACHE',
];

/** One write of the memoised run: to stdout (0) or stderr (1), in the order they happened. */
export type OutputWrite = [0 | 1, string];

/** What a `dsg graph` invocation's output depends on, besides the files it reads. */
export interface GraphCacheRequest {
  /** The project's `.dsg/` directory. */
  stateDir: string;
  cwd: string;
  /** The parsed command-line flags. */
  flags: Record<string, unknown>;
  env: Record<string, string>;
  color: boolean;
  stdoutIsTTY: boolean;
}

/** Where an invocation's entry lives and what it must match. */
export interface GraphCacheSlot {
  file: string;
  key: string;
  env: string;
}

/** The first line of an entry file; the output text follows, the byte length of each write in `writes`. */
interface Header {
  format: number;
  key: string;
  env: string;
  code: InputStamps;
  inputs: InputStamps;
  writes: [0 | 1, number][];
}

/** The slot of an invocation: one file per flag combination, working directory and runtime. */
export function graphCacheSlot(request: GraphCacheRequest): GraphCacheSlot {
  const key = JSON.stringify({
    flags: sortedEntries(request.flags),
    cwd: request.cwd,
    color: request.color,
    tty: request.stdoutIsTTY,
    runtime: [process.execPath, process.version],
  });
  return {
    file: join(request.stateDir, 'graph-cache', `${hash53(key)}.json`),
    key,
    env: envKey(request.env, IGNORED_ENV),
  };
}

/** The entries of `record` sorted by name (code units: the same on every runtime and locale). */
export function sortedEntries<V>(record: Readonly<Record<string, V>>): [string, V][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The environment as a memo compares it: every variable but the `ignored` ones, sorted, as JSON. */
export function envKey(env: Readonly<Record<string, string>>, ignored: readonly string[]): string {
  const skip = new Set(ignored);
  return JSON.stringify(sortedEntries(env).filter(([k]) => !skip.has(k)));
}

/** The memoised writes of the slot when its entry is still valid, else why not. */
export function lookupGraphOutput(
  slot: GraphCacheSlot,
): { ok: true; writes: OutputWrite[] } | { ok: false; reason: string } {
  let data: Buffer;
  try {
    data = readFileSync(slot.file);
  } catch {
    return { ok: false, reason: 'no entry' };
  }
  // The header is one line of JSON (JSON.stringify never writes a raw newline), the output text follows it
  // unescaped: parsing a megabyte of output as a JSON string would cost more than the rest of a hit.
  const newline = data.indexOf(10);
  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', 0, newline < 0 ? data.length : newline));
  } catch {
    return { ok: false, reason: 'unreadable entry' };
  }
  if (!isHeader(header) || header.format !== FORMAT) return { ok: false, reason: 'unreadable entry' };
  if (header.key !== slot.key) return { ok: false, reason: 'other flags' };
  if (header.env !== slot.env) return { ok: false, reason: 'environment changed' };
  const total = header.writes.reduce((n, [, bytes]) => n + bytes, 0);
  if (newline + 1 + total !== data.length) return { ok: false, reason: 'unreadable entry' };
  if (!stampsHold(header.code)) return { ok: false, reason: 'dsg changed' };
  if (!stampsHold(header.inputs)) return { ok: false, reason: 'input changed' };
  const writes: OutputWrite[] = [];
  let at = newline + 1;
  for (const [stream, bytes] of header.writes) {
    writes.push([stream, data.toString('utf8', at, at + bytes)]);
    at += bytes;
  }
  return { ok: true, writes };
}

/**
 * Stores `writes` in the slot with the stamps of `inputs` and of dsg's code; `startMs` is when the process
 * started (every file it read was read after that). Returns why nothing was stored, or undefined.
 */
export async function storeGraphOutput(
  slot: GraphCacheSlot,
  inputs: InputStamps,
  writes: readonly OutputWrite[],
  startMs: number,
): Promise<string | undefined> {
  const code = codeStamps(import.meta.url);
  if (!code) return 'the code folder is too large to stamp';
  // dsg's own code is not checked: it changes by a rebuild, never within a run's timestamp tick.
  const racy = racyPath(inputs, startMs);
  if (racy !== undefined) return `"${racy}" changed too recently to trust its timestamp`;
  const chunks = merged(writes).map(([stream, text]) => [stream, Buffer.from(text, 'utf8')] as const);
  const header: Header = {
    format: FORMAT,
    key: slot.key,
    env: slot.env,
    code,
    inputs,
    writes: chunks.map(([stream, bytes]) => [stream, bytes.length]),
  };
  const entry = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...chunks.map(([, b]) => b)]);
  const dir = dirname(slot.file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return `cannot create "${dir}"`;
  }
  try {
    // Loaded only to store: crash-safe writes need node:crypto for temp names.
    const { writeFileAtomic } = await import('../../cache/atomic.ts');
    await writeFileAtomic(slot.file, entry);
  } catch {
    return `cannot write "${slot.file}"`;
  }
  pruneEntries(dir, slot.file, MAX_ENTRIES);
  return undefined;
}

/**
 * Stamps of dsg's own code, so that another build of dsg never replays this one's output: the bundle's files
 * (their names carry content hashes), or every source folder when dsg runs unbundled; and the YAML package.
 */
export function codeStamps(moduleUrl: string): InputStamps | undefined {
  const path = fileURLToPath(moduleUrl);
  const out: InputStamps = { files: [], dirs: [] };
  const options = { skip: new Set<string>(), limit: 2000 };
  const marker = `${sep}dist${sep}cli${sep}`;
  const at = path.lastIndexOf(marker);
  const roots =
    at >= 0
      ? [path.slice(0, at + marker.length - 1)]
      : ['core', 'engine', 'schemas', 'bin', 'tasks', 'cache'].map((d) => resolve(dirname(path), '../..', d));
  for (const root of roots) if (!stampTree(root, out, options)) return undefined;
  // The YAML package stays outside the bundle: the nearest node_modules/yaml is the one that is loaded.
  for (let dir = roots[0] ?? ''; ; dir = dirname(dir)) {
    const stamp = stampFile(join(dir, 'node_modules', 'yaml', 'package.json'));
    out.files.push(stamp);
    if (stamp.length > 1 || dirname(dir) === dir) break;
  }
  return out;
}

/** Consecutive writes to one stream as one. */
function merged(writes: readonly OutputWrite[]): OutputWrite[] {
  const out: OutputWrite[] = [];
  for (const [stream, text] of writes) {
    const last = out[out.length - 1];
    if (last && last[0] === stream) last[1] += text;
    else out.push([stream, text]);
  }
  return out;
}

/** Keeps the newest `max` files of a memo folder (and always `keep`). */
export function pruneEntries(dir: string, keep: string, max: number): void {
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

function isHeader(value: unknown): value is Header {
  if (!value || typeof value !== 'object') return false;
  const e = value as Partial<Header>;
  return (
    typeof e.format === 'number' &&
    typeof e.key === 'string' &&
    typeof e.env === 'string' &&
    isInputStamps(e.code) &&
    isInputStamps(e.inputs) &&
    Array.isArray(e.writes) &&
    e.writes.every(
      (w: unknown) =>
        Array.isArray(w) && (w[0] === 0 || w[0] === 1) && Number.isInteger(w[1]) && (w[1] as number) >= 0,
    )
  );
}

/** A 53-bit string hash (cyrb53) in hex: names a slot; the key inside the entry is compared in full. */
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
