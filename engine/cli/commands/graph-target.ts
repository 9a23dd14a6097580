// Where `dsg graph` writes: stdout, the file of `-o FILE`, or for `--open` without `-o` a page in `.dsg/`.
// Loaded on every `dsg graph` (before the output cache is asked): node built-ins only.
import { join, resolve } from 'node:path';
import { bool, str, type FlagValues } from '../args.ts';

/** The formats of `dsg graph`. */
export const GRAPH_FORMATS = ['text', 'dot', 'mermaid', 'json', 'html', 'svg'] as const;

/** One of the formats. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The absolute file to write, or undefined for stdout (`-o -` means stdout too). */
export function graphTarget(
  cwd: string,
  stateDir: string,
  flags: FlagValues,
  format: GraphFormat,
): string | undefined {
  const output = str(flags, 'output');
  if (output !== undefined && output !== '-') return resolve(cwd, output);
  if (bool(flags, 'open')) return join(stateDir, `graph.${format}`);
  return undefined;
}
