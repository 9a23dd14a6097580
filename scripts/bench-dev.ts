// `dsg dev` on a generated project of F input files (default 20,000, in folders of 20, one custom-built image per
// 1,000 files): the time from a file's write to the start of the first affected task, minus the debounce, p50
// and p95 over E edits; the same figure for Skaffold's 1 s poll and Tilt's 200 ms debounce, modelled (a poll
// adds a wait spread evenly over its period, a debounce adds itself) on the latency measured here; the idle CPU
// of `dsg dev` over S seconds without edits; its memory (RSS) after the first edit and after M edits.
//   node dist/scripts/bench-dev.js [--files 20000] [--edits 50] [--idle-seconds 60] [--memory-edits 500]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { dsg, printTable } from './bench-lib.ts';

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1] ?? fallback) : fallback;
};
const files = flag('files', 20_000);
const edits = flag('edits', 50);
const idleSeconds = flag('idle-seconds', 60);
const memoryEdits = flag('memory-edits', 500);
const DEBOUNCE_MS = 100;
const PER_IMAGE = 1000;
const PER_FOLDER = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes the project: images i0…, each with PER_IMAGE files under i<n>/d<k>/f<j>.txt. */
async function generate(dir: string): Promise<string[]> {
  const lines = ['version: v2beta1', 'name: bench-dev', 'images:'];
  const paths: string[] = [];
  for (let image = 0; image * PER_IMAGE < files; image++) {
    lines.push(
      `  i${image}:`,
      `    image: local/bench-i${image}`,
      '    custom:',
      '      command: "true"',
      '      skipImageArg: true',
      '      onChange:',
      `        - i${image}/**`,
    );
    for (let f = 0; f < PER_IMAGE && image * PER_IMAGE + f < files; f++) {
      const folder = join(dir, `i${image}`, `d${Math.floor(f / PER_FOLDER)}`);
      if (f % PER_FOLDER === 0) await mkdir(folder, { recursive: true });
      const path = join(folder, `f${f}.txt`);
      await writeFile(path, `file ${f}\n`);
      paths.push(path);
    }
  }
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
  return paths;
}

interface DevEvent {
  type: string;
  id?: string;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** CPU seconds (user + system) of a process, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const dir = await mkdtemp(join(tmpdir(), 'dsg-bench-dev-'));
try {
  const paths = await generate(dir);
  const [command = 'node', ...args] = dsg;
  const child = spawn(command, [...args, 'dev', '--json', '--debounce', String(DEBOUNCE_MS)], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const waiters: { match: (e: DevEvent) => boolean; resolve: (at: number) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const now = performance.now();
    const event = JSON.parse(line) as DevEvent;
    for (const w of [...waiters])
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(now);
      }
  });
  const next = (match: (e: DevEvent) => boolean): Promise<number> =>
    new Promise((resolve) => waiters.push({ match, resolve }));
  const pid = child.pid ?? 0;
  await next((e) => e.type === 'dev-ready');

  let counter = 0;
  /** One edit of a file of image `image`; resolves with the time to its build's start and to the iteration's end. */
  const edit = async (): Promise<{ startMs: number }> => {
    const index = (counter * 7919) % paths.length;
    const image = Math.floor(index / PER_IMAGE);
    const started = next((e) => e.type === 'task-start' && e.id === `build:i${image}`);
    const done = next((e) => e.type === 'dev-done');
    const at = performance.now();
    await writeFile(paths[index] ?? '', `edit ${counter++}\n`);
    const startMs = (await started) - at;
    await done;
    // Past the watcher's stream slice: each edit is a lone save, as a person makes them.
    await sleep(1000);
    return { startMs };
  };

  const latencies: number[] = [];
  let rssFirst = NaN;
  for (let i = 0; i < edits; i++) {
    latencies.push((await edit()).startMs - DEBOUNCE_MS);
    if (i === 0) rssFirst = await rssMb(pid);
  }

  const cpuBefore = await cpuSeconds(pid);
  await sleep(idleSeconds * 1000);
  const idleCpu = ((await cpuSeconds(pid)) - cpuBefore) / idleSeconds;

  for (let i = edits; i < memoryEdits; i++) await edit();
  const rssAfter = await rssMb(pid);
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));

  const [p50, p95] = [percentile(latencies, 50), percentile(latencies, 95)];
  console.log(`dsg dev on ${files} input files (${Math.ceil(files / PER_IMAGE)} images), ${edits} edits:`);
  printTable(
    ['write → first affected task starts', 'p50 ms', 'p95 ms'],
    [
      [`dsg dev, minus its ${DEBOUNCE_MS} ms debounce`, p50.toFixed(1), p95.toFixed(1)],
      ['Skaffold-style 1 s poll (modelled: + 500 / + 950)', (p50 + 500).toFixed(1), (p95 + 950).toFixed(1)],
      ['Tilt-style 200 ms debounce (modelled: + 200)', (p50 + 200).toFixed(1), (p95 + 200).toFixed(1)],
    ],
  );
  console.log(`p95 target ≤ 50 ms: ${p95 <= 50 ? 'met' : 'missed'}`);
  console.log(
    `idle CPU over ${idleSeconds} s: ${(idleCpu * 100).toFixed(2)} % of a core (target < 1 %: ${idleCpu < 0.01 ? 'met' : 'missed'})`,
  );
  console.log(
    `RSS after the first edit: ${rssFirst.toFixed(1)} MB; after ${memoryEdits}: ${rssAfter.toFixed(1)} MB (× ${(rssAfter / rssFirst).toFixed(2)})`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
