// The bytes of a memo (the graph cache's, the run memo's): a JSON header line, sections of text that are each
// parsed only when needed, the stamped paths, then their stamps as float64 numbers, which need no parsing.
import { Buffer } from 'node:buffer';
import { sep } from 'node:path';
import { STAMP_FIELDS } from './stamp.ts';

/** A memo file split into its parts; sections stay unparsed bytes. */
export interface MemoFile<H> {
  header: H;
  sections: Buffer[];
  /** Absolute paths. */
  paths: string[];
  stamps: Float64Array;
}

/**
 * The file of `header` (JSON), `sections` (any text), `paths` and their `stamps`. Paths inside `base` are
 * kept relative to it: a project of 20,000 inputs does not repeat its folder 20,000 times.
 */
export function encodeMemoFile(
  header: object,
  sections: readonly string[],
  paths: readonly string[],
  stamps: Float64Array,
  base: string,
): Buffer {
  const prefix = base + sep;
  const pathText = paths.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)).join('\n');
  const parts = [...sections, pathText];
  const sizes = parts.map((s) => Buffer.byteLength(s));
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ ...header, sections: sizes, base })}\n`),
    ...parts.flatMap((s) => [Buffer.from(s), Buffer.from('\n')]),
    Buffer.from(stamps.buffer, stamps.byteOffset, stamps.byteLength),
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
  const { sections: sizes, base } = (header ?? {}) as { sections?: unknown; base?: unknown };
  if (!valid(header) || typeof base !== 'string') return undefined;
  if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((n) => Number.isInteger(n) && n >= 0))
    return undefined;
  const parts: Buffer[] = [];
  let at = newline + 1;
  for (const size of sizes as number[]) {
    if (data[at + size] !== 10) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + 1;
  }
  const pathText = parts.pop()?.toString('utf8') ?? '';
  const prefix = base + sep;
  const paths = pathText === '' ? [] : pathText.split('\n').map((p) => (p.startsWith(sep) ? p : prefix + p));
  if (data.length - at !== paths.length * STAMP_FIELDS * 8) return undefined;
  // Copied out: a Float64Array needs an aligned buffer.
  const stamps = new Float64Array(paths.length * STAMP_FIELDS);
  data.copy(Buffer.from(stamps.buffer), 0, at);
  return { header, sections: parts, paths, stamps };
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
