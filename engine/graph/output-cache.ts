// Memoised output of `dsg graph` (a memo of cache/memo.ts): the text a run printed, stored under a key over
// the flags, working directory, runtime and colours, with the stamps of every path the loader and compiler read
// and digests of the variables they looked up. A repeated `dsg graph` on an unchanged project replays the text
// after a few thousand stats, without loading the config loader, the compiler or the YAML parser.
import { join } from 'node:path';
import process from 'node:process';
import { memoSlot, openMemo, sortedEntries, storeMemo, type MemoSlot } from '../../cache/memo.ts';
import type { ReadLog } from '../../cache/read-log.ts';

/** Version of the entry format; entries of another version are misses. */
const FORMAT = 2;

/** One write of the memoised run: to stdout (0) or stderr (1), in the order they happened. */
export type OutputWrite = [0 | 1, string];

/** What a `dsg graph` invocation's output depends on, besides what it reads. */
export interface GraphCacheRequest {
  /** The project's `.dsg/` directory. */
  stateDir: string;
  cwd: string;
  /** The parsed command-line flags that shape the output. */
  flags: Record<string, unknown>;
  color: boolean;
  stdoutIsTTY: boolean;
}

/** The slot of an invocation: one entry per flag combination, working directory and runtime. */
export function graphCacheSlot(request: GraphCacheRequest): MemoSlot {
  const key = JSON.stringify({
    flags: sortedEntries(request.flags),
    cwd: request.cwd,
    color: request.color,
    tty: request.stdoutIsTTY,
    runtime: [process.execPath, process.version],
  });
  return memoSlot(join(request.stateDir, 'graph-cache'), key);
}

/** The memoised writes of the slot when they are still valid, else why not. */
export function lookupGraphOutput(
  slot: MemoSlot,
  env: Readonly<Record<string, string>>,
): { ok: true; writes: OutputWrite[] } | { ok: false; reason: string } {
  const found = openMemo(slot, FORMAT, env);
  if (!found.ok) return found;
  const { extra, sections } = found.memo;
  const streams = Array.isArray(extra) ? extra : [];
  if (streams.length !== sections.length || !streams.every((s) => s === 0 || s === 1))
    return { ok: false, reason: 'unreadable memo' };
  return { ok: true, writes: sections.map((text, i) => [streams[i] === 1 ? 1 : 0, text.toString('utf8')]) };
}

/**
 * Stores `writes` with what the loader and compiler read (`reads`); `startMs` is when the process started
 * (everything it read was read after that), `projectDir` where relative paths are kept from. Returns why
 * nothing was stored, or undefined.
 */
export function storeGraphOutput(
  slot: MemoSlot,
  reads: ReadLog,
  env: Readonly<Record<string, string>>,
  writes: readonly OutputWrite[],
  startMs: number,
  projectDir: string,
): Promise<string | undefined> {
  if (reads.volatile !== undefined) return Promise.resolve(`the config uses ${reads.volatile}`);
  const merged = mergeWrites(writes);
  return storeMemo(
    slot,
    {
      format: FORMAT,
      env,
      envNames: reads.envNames,
      extra: merged.map(([stream]) => stream),
      sections: merged.map(([, text]) => text),
      fixed: [...reads.paths],
      paths: [],
      base: projectDir,
    },
    startMs,
  );
}

/** Consecutive writes to one stream as one. */
function mergeWrites(writes: readonly OutputWrite[]): OutputWrite[] {
  const out: OutputWrite[] = [];
  for (const [stream, text] of writes) {
    const last = out[out.length - 1];
    if (last && last[0] === stream) last[1] += text;
    else out.push([stream, text]);
  }
  return out;
}
