// `dsg run build` on synthetic custom-builder projects (N images, F files each, a random DAG), N = 50, 200, 1000:
// cold run, fully cached re-run, re-run after touching one leaf file; the floor measured in the same run
// (a Node script that stats every input file, and `node -e 0`); and the makespan of sleeping tasks against
// max(critical path, total work / slots).
//   node dist/scripts/bench-run.js [--sizes 50,200,1000] [--files 20] [--runs 5]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { dsg, median, printTable, timeCommand } from './bench-lib.ts';
import { generateRunProject, randomImageDag } from './gen-project.ts';

const flag = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const sizes = flag('sizes', '50,200,1000').split(',').map(Number);
const files = Number(flag('files', '20'));
const runs = Number(flag('runs', '5'));

const STAT_SCRIPT = `
const fs = require('node:fs'); const path = require('node:path');
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else fs.statSync(p); } };
for (const e of fs.readdirSync('.')) if (e.startsWith('img')) walk(e);
fs.readFileSync('devspace.yaml');`;

interface RunEnd {
  type: string;
  id?: string;
  status?: string;
  summary?: { durationMs: number };
}
const parse = (stdout: string): RunEnd[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEnd);

const downstreamOf = (dag: string[][], start: string): Set<string> => {
  const out = new Set([start]);
  for (let i = 0; i < dag.length; i++) if ((dag[i] ?? []).some((u) => out.has(u))) out.add(`img${i}`);
  return out;
};

const root = await mkdtemp(join(tmpdir(), 'dsg-bench-run-'));
const rows: (string | number)[][] = [];
const chains: string[] = [];
try {
  for (const n of sizes) {
    const dir = join(root, `n${n}`);
    await generateRunProject(dir, n, files);
    const cold = timeCommand([...dsg, 'run', 'build'], dir).ms;
    const cached: number[] = [];
    const stat: number[] = [];
    const node0: number[] = [];
    for (let i = 0; i < runs; i++) {
      node0.push(timeCommand([process.execPath, '-e', '0'], dir).ms);
      stat.push(timeCommand([process.execPath, '-e', STAT_SCRIPT], dir).ms);
      cached.push(timeCommand([...dsg, 'run', 'build'], dir).ms);
    }
    // Touch the source of the first image: its downstream chain, and only it, must run.
    const dag = randomImageDag(n, 1);
    await appendFile(join(dir, 'img0', 'src', 'file0.txt'), 'touched\n');
    const touched = timeCommand([...dsg, 'run', 'build', '--json'], dir);
    const ran = new Set(
      parse(touched.stdout)
        .filter((e) => e.type === 'task-end' && e.status === 'ran')
        .map((e) => (e.id ?? '').replace(/^(build|tag):/, '')),
    );
    const expected = downstreamOf(dag, 'img0');
    const exact = ran.size === expected.size && [...expected].every((x) => ran.has(x));
    chains.push(
      `N=${n}: touched img0, ran ${ran.size} images, expected ${expected.size} (${exact ? 'exactly the affected chain' : 'MISMATCH'})`,
    );
    const c = median(cached);
    const s = median(stat);
    rows.push([
      n,
      n * files,
      cold.toFixed(0),
      c.toFixed(0),
      touched.ms.toFixed(0),
      s.toFixed(0),
      median(node0).toFixed(0),
      (c / s).toFixed(2),
    ]);
  }
  printTable(
    ['N', 'files', 'cold ms', 'cached ms', 'touch-1 ms', 'stat floor ms', 'node -e 0 ms', 'cached/floor'],
    rows,
  );
  for (const line of chains) process.stdout.write(`${line}\n`);
  process.stdout.write('target: cached/floor <= 1.5 at N=1000 (the stat floor includes Node start-up)\n\n');

  // Makespan: every build sleeps a known time; compare with max(critical path, work / slots). The build
  // command itself (two shells and a `sleep` process) costs more than its sleep: the second bound uses the
  // command's measured time, run outside dsg in the same project, so that its ratio is dsg's own overhead.
  const sleepMs = 300;
  const makespanRows: (string | number)[][] = [];
  for (const [n, parallel] of [
    [50, 4],
    [200, 8],
  ] as const) {
    const dir = join(root, `sleep${n}`);
    await generateRunProject(dir, n, 2, sleepMs, 7);
    const dag = randomImageDag(n, 7);
    const depth: number[] = [];
    dag.forEach((ups, i) => (depth[i] = 1 + Math.max(0, ...ups.map((u) => depth[Number(u.slice(3))] ?? 0))));
    const bound = (taskMs: number): number => Math.max(Math.max(...depth) * taskMs, (n * taskMs) / parallel);
    const commandMs = median(
      Array.from(
        { length: 5 },
        () => timeCommand(['/bin/sh', '-c', `SLEEP=${(sleepMs / 1000).toFixed(3)} sh build.sh`], dir).ms,
      ),
    );
    const r = timeCommand([...dsg, 'run', 'build', '--json', '--parallel', String(parallel)], dir);
    const end = parse(r.stdout).find((e) => e.type === 'run-end');
    const makespan = end?.summary?.durationMs ?? r.ms;
    makespanRows.push([
      n,
      parallel,
      bound(sleepMs).toFixed(0),
      (makespan / bound(sleepMs)).toFixed(2),
      commandMs.toFixed(0),
      bound(commandMs).toFixed(0),
      makespan.toFixed(0),
      (makespan / bound(commandMs)).toFixed(2),
    ]);
  }
  printTable(
    [
      'N',
      'slots',
      'bound (sleep) ms',
      'ratio',
      'command ms',
      'bound (command) ms',
      'makespan ms',
      'ratio (command)',
    ],
    makespanRows,
  );
  process.stdout.write(
    'target: ratio <= 1.10; bound = max(critical path, work / slots) with each task lasting its sleep, or the\n' +
      'measured time of its command run outside dsg (two shells and a sleep process)\n',
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
