// The bytes of a run memo: a JSON header line, then sections that are each parsed only when needed (JSON
// text ending in a newline), then the stats of the stamped paths as float64 numbers, which need no parsing.
import { Buffer } from 'node:buffer';
import type { Stats } from 'node:fs';
import { statOf } from '../graph/input-stamps.ts';

/** Per path: kind (0 absent, 1 file, 2 folder, 3 other), size, mtimeMs, ctimeMs, inode. */
export const STAT_FIELDS = 5;

/** A memo file split into its parts; sections stay unparsed bytes. */
export interface MemoFile<H> {
  header: H;
  sections: Buffer[];
  stats: Float64Array;
}

/** The file of `header` (which must be JSON), `sections` (any text; each is followed by a newline) and `stats`. */
export function encodeMemoFile(header: object, sections: readonly string[], stats: Float64Array): Buffer {
  const sizes = sections.map((s) => Buffer.byteLength(s));
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ ...header, sections: sizes })}\n`),
    ...sections.flatMap((s) => [Buffer.from(s), Buffer.from('\n')]),
    Buffer.from(stats.buffer, stats.byteOffset, stats.byteLength),
  ]);
}

/** Splits a memo file; undefined when it is not one (truncated, garbage, a header `valid` refuses). */
export function decodeMemoFile<H>(
  data: Buffer,
  valid: (header: unknown) => header is H,
): MemoFile<H> | undefined {
  const newline = data.indexOf(10);
  if (newline < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', 0, newline));
  } catch {
    return undefined;
  }
  const sizes = (header as { sections?: unknown } | null)?.sections;
  if (!valid(header) || !Array.isArray(sizes) || !sizes.every((n) => Number.isInteger(n) && n >= 0))
    return undefined;
  const sections: Buffer[] = [];
  let at = newline + 1;
  for (const size of sizes as number[]) {
    if (data[at + size] !== 10) return undefined;
    sections.push(data.subarray(at, at + size));
    at += size + 1;
  }
  if ((data.length - at) % (STAT_FIELDS * 8) !== 0) return undefined;
  // Copied out: a Float64Array needs an aligned buffer.
  const stats = new Float64Array((data.length - at) / 8);
  data.copy(Buffer.from(stats.buffer), 0, at);
  return { header, sections, stats };
}

/** A section parsed as a JSON array whose every item `valid` accepts; undefined otherwise. */
export function parseSection<T>(
  section: Buffer | undefined,
  valid: (value: unknown) => value is T,
): T[] | undefined {
  if (!section) return undefined;
  try {
    const value = JSON.parse(section.toString('utf8')) as unknown;
    return Array.isArray(value) && value.every(valid) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the stamp of `s` (or of an absent path) at `at`. */
export function putStat(stats: Float64Array, at: number, s: Stats | undefined): void {
  if (!s) return;
  stats[at] = s.isFile() ? 1 : s.isDirectory() ? 2 : 3;
  stats[at + 1] = s.size;
  stats[at + 2] = s.mtimeMs;
  stats[at + 3] = s.ctimeMs;
  stats[at + 4] = s.ino;
}

/** True when `path` still has the stamp at `at`. */
export function statMatches(path: string, stats: Float64Array, at: number): boolean {
  const s = statOf(path);
  if (!s) return stats[at] === 0;
  return (
    stats[at] === (s.isFile() ? 1 : s.isDirectory() ? 2 : 3) &&
    stats[at + 1] === s.size &&
    stats[at + 2] === s.mtimeMs &&
    stats[at + 3] === s.ctimeMs &&
    stats[at + 4] === s.ino
  );
}

/**
 * As in git's racy rule: a path written within a timestamp tick of the run's start could change again without
 * its stamp changing. Whole-second times may come from a file system (or runtime: Deno reports ctime in whole
 * seconds) that keeps nothing finer; a ctime that coarse is all that tells a rewrite under a restored mtime.
 */
export function isRacy(s: Stats, startMs: number): boolean {
  if (s.mtimeMs > startMs - (s.mtimeMs % 1000 === 0 ? 3000 : 500)) return true;
  return s.ctimeMs % 1000 === 0 && s.ctimeMs > startMs - 3000;
}
