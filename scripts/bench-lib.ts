// Small helpers shared by the benchmark scripts: timing child processes and printing tables.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** The repository root (benchmarks run compiled from dist/scripts or from source under Deno). */
export const repo = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url),
);

/** The command that starts dsg: the bundle that `bin` runs (`npm run build`). */
export const dsg = [process.execPath, join(repo, 'dist/cli/dsg.js')];

/** Runs a command and returns its wall time in ms; throws when it fails unless `allowFail`. */
export function timeCommand(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  allowFail = false,
): { ms: number; stdout: string; stderr: string } {
  const [cmd, ...args] = argv;
  const start = performance.now();
  const r = spawnSync(cmd ?? '', args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - start;
  if (r.status !== 0 && !allowFail)
    throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** The median of some measurements. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Prints rows as an aligned table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells) process.stdout.write(`${r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}\n`);
}
