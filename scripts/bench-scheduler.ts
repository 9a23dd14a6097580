// Scheduler benchmark. Part 1: random DAGs whose tasks sleep 5–50 ms, run at several slot counts; prints the
// makespan against the lower bound max(critical path, total work / slots) — a ratio near 1 means the scheduler
// leaves no parallelism unused. Part 2: the scheduler's own overhead on 10,000 instant tasks.
//
//   node dist/scripts/bench-scheduler.js [--sizes 50,200,1000] [--parallel 2,4,8] [--seed 1]
//   deno run -A --no-check scripts/bench-scheduler.ts
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { schedule, type SchedulerTask } from '../engine/run/scheduler.ts';
import { seeded as random } from './gen-project.ts';

interface BenchTask extends SchedulerTask {
  durationMs: number;
}

/** A random DAG: each task depends on up to 3 earlier tasks, mostly recent ones so that chains get deep. */
function randomDag(n: number, next: () => number): BenchTask[] {
  const kinds = ['build', 'tag', 'render', 'deploy'];
  const tasks: BenchTask[] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(next() * 4);
    for (let k = 0; k < count; k++) {
      const window = Math.min(i, 20);
      deps.add(`t${i - 1 - Math.floor(next() * window)}`);
    }
    const kind = kinds[Math.floor(next() * kinds.length)] ?? 'build';
    tasks.push({ id: `t${i}`, kind, deps: [...deps], durationMs: 5 + Math.floor(next() * 46) });
  }
  return tasks;
}

/** The longest chain by duration: no schedule can finish sooner. */
function criticalPathMs(tasks: readonly BenchTask[]): number {
  const finish = new Map<string, number>();
  // Deps always point to earlier tasks, so input order is a topological order.
  for (const t of tasks)
    finish.set(t.id, t.durationMs + Math.max(0, ...t.deps.map((d) => finish.get(d) ?? 0)));
  return Math.max(0, ...finish.values());
}

async function makespan(tasks: readonly BenchTask[], parallel: number): Promise<number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const began = performance.now();
  await schedule(tasks, {
    parallel,
    keepGoing: false,
    estimateMs: (id) => byId.get(id)?.durationMs ?? 1,
    execute: async (task, signal) => {
      await sleep(task.durationMs, undefined, { signal });
      return 'succeeded';
    },
  });
  return performance.now() - began;
}

async function overhead(
  name: string,
  tasks: readonly SchedulerTask[],
  parallel: number,
  kindLimits: Record<string, number> = {},
): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < 6; run++) {
    const began = performance.now();
    await schedule(tasks, {
      parallel,
      kindLimits,
      keepGoing: false,
      execute: () => Promise.resolve('succeeded'),
    });
    times.push(performance.now() - began);
  }
  const [first, ...warm] = times;
  console.log(
    `${name.padEnd(28)} first ${ms(first ?? 0)}  warm min ${ms(Math.min(...warm))}  median ${ms(median(warm))}`,
  );
}

const ms = (n: number): string => `${n.toFixed(1)} ms`.padStart(9);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function flag(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : (args[at + 1] ?? fallback);
}

async function main(): Promise<void> {
  const sizes = flag('sizes', '50,200,1000').split(',').map(Number);
  const slots = flag('parallel', '2,4,8').split(',').map(Number);
  const seed = Number(flag('seed', '1'));
  console.log('tasks  slots      work  crit.path      bound   makespan  ratio');
  const ratios: number[] = [];
  for (const n of sizes) {
    const tasks = randomDag(n, random(seed + n));
    const work = tasks.reduce((sum, t) => sum + t.durationMs, 0);
    const critical = criticalPathMs(tasks);
    for (const parallel of slots) {
      const bound = Math.max(critical, work / parallel);
      const took = await makespan(tasks, parallel);
      ratios.push(took / bound);
      const cells = [work, critical, bound, took].map((x) => `${(x / 1000).toFixed(2)}s`.padStart(10));
      console.log(
        `${String(n).padStart(5)}  ${String(parallel).padStart(5)}${cells.join(' ')}  ${(took / bound).toFixed(3)}`,
      );
    }
  }
  console.log(`worst ratio ${Math.max(...ratios).toFixed(3)}\n`);

  console.log('scheduler overhead, 10,000 tasks whose execute resolves at once:');
  const chain = Array.from({ length: 10_000 }, (_, i) => ({
    id: `c${i}`,
    kind: 'x',
    deps: i ? [`c${i - 1}`] : [],
  }));
  const wide = Array.from({ length: 10_000 }, (_, i) => ({
    id: `w${i}`,
    kind: `k${i % 4}`,
    deps: [] as string[],
  }));
  await overhead('chain, parallel 4', chain, 4);
  await overhead('wide, parallel 8', wide, 8);
  await overhead('wide, 4 kinds limited to 2', wide, 8, { k0: 2, k1: 2, k2: 2, k3: 2 });
}

await main();
