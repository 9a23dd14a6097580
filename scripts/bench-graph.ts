// `dsg graph --format json` on synthetic projects of 10, 100 and 1,000 images (one deployment each), against
// `dsg --version` measured in the same run, each a process of its own. Two cases, reported apart:
//   miss: no graph memo (`.dsg/graph-cache/` removed first): the config is loaded and the graph compiled;
//   hit:  the memo of the previous call holds: the output is replayed after stats of what the compile read.
// Each call's debug line (DSG_DEBUG_GRAPH_CACHE) is checked, so a miss is never a hit in disguise.
// Target: both at most 1.5x `dsg --version` at 1,000 images.
//   node dist/scripts/bench-graph.js [--runs 7] [--sizes 10,100,1000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { dsg, median, printTable, timeCommand } from './bench-lib.ts';
import { generateGraphProject } from './gen-project.ts';

const option = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(option('--runs', '7'));
const sizes = option('--sizes', '10,100,1000').split(',').map(Number);
const DEBUG = { DSG_DEBUG_GRAPH_CACHE: '1' };
const graphArgs = [...dsg, 'graph', '--format', 'json'];

/** One `dsg graph` call, checked to be the case it is timed as. */
function graphCall(dir: string, expect: RegExp): number {
  const r = timeCommand(graphArgs, dir, DEBUG);
  if (!expect.test(r.stderr)) throw new Error(`expected ${String(expect)} from dsg graph, got: ${r.stderr}`);
  return r.ms;
}

const rows: (string | number)[][] = [];
const verdicts: string[] = [];
const root = await mkdtemp(join(tmpdir(), 'dsg-bench-graph-'));
try {
  for (const n of sizes) {
    const dir = join(root, `n${n}`);
    await generateGraphProject(dir, n);
    // Files written within the racy window are not trusted to a memo: let them age, as a real project's have.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const check = timeCommand(graphArgs, dir);
    const nodes = (JSON.parse(check.stdout) as { nodes: unknown[] }).nodes.length;
    // Interleave the three so that machine noise hits them alike.
    const times = { version: [] as number[], miss: [] as number[], hit: [] as number[] };
    for (let i = 0; i < runs; i++) {
      times.version.push(timeCommand([...dsg, '--version'], dir).ms);
      await rm(join(dir, '.dsg', 'graph-cache'), { recursive: true, force: true });
      times.miss.push(graphCall(dir, /^graph cache: miss \(no memo\)\ngraph cache: stored$/m));
      times.hit.push(graphCall(dir, /^graph cache: hit$/m));
    }
    const version = median(times.version);
    for (const which of ['miss', 'hit'] as const) {
      const ms = median(times[which]);
      // The machine is shared: the best runs show the cost without other processes' noise.
      const best = Math.min(...times[which]) / Math.min(...times.version);
      rows.push([
        n,
        nodes,
        which,
        ms.toFixed(1),
        version.toFixed(1),
        (ms / version).toFixed(2),
        best.toFixed(2),
      ]);
      if (n === 1000) verdicts.push(`${which} ${ms / version <= 1.5 ? 'meets' : 'misses'} it`);
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
printTable(['images', 'tasks', 'case', 'graph ms', '--version ms', 'ratio', 'best/best'], rows);
process.stdout.write(
  `medians of ${runs}; target: ratio <= 1.50 at 1,000 images${verdicts.length > 0 ? ` (${verdicts.join(', ')})` : ''}\n`,
);
