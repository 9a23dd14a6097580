// Runs a DAG of tasks with maximal parallelism: per-edge readiness (no phase barriers), a global and per-kind slot
// pool, critical-path priority among ready tasks, and cancellation through one AbortSignal per task.
// It knows nothing of caching, config or task kinds: `execute` decides what running a task means.
import { fail, ok, type Result } from '../../core/result.ts';
import { priorityRanks, ReadyPool } from './pool.ts';

/** A node as the scheduler sees it: an id, a kind for the per-kind limits, and the ids it waits for. */
export interface SchedulerTask {
  id: string;
  kind: string;
  deps: readonly string[];
}

/** How a task ended (or why it never started). */
export type TaskOutcome = 'succeeded' | 'failed' | 'cancelled' | 'upstream-failed' | 'not-started';

/** What to run and under which limits. */
export interface SchedulerOptions<T extends SchedulerTask = SchedulerTask> {
  /** Global slots (`--parallel N`); an integer ≥ 1, or Infinity. */
  parallel: number;
  /** Per-kind slots on top of the global ones (`--max-concurrent-builds`, `--build-sequential` → `build: 1`). */
  kindLimits?: Readonly<Record<string, number>>;
  /** Run everything that does not depend on a failure, instead of stopping at the first one. */
  keepGoing: boolean;
  /** External cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Last known duration of a task, for critical-path priority (default 1 for every task). */
  estimateMs?: (id: string) => number;
  /** Runs one task; must settle soon after `signal` aborts. Throwing is a bug (see `schedule`). */
  execute: (task: T, signal: AbortSignal) => Promise<'succeeded' | 'failed'>;
  /** Called when a task takes its slots, right before `execute`. */
  onStart?: (id: string) => void;
  /** Called exactly once per task, when its outcome is final (also for tasks that never started). */
  onEnd?: (id: string, outcome: TaskOutcome) => void;
}

/**
 * Runs `tasks` and resolves with every task's outcome, in input order. Rejects with the error (an AggregateError
 * when several) after the run settled when `execute`, `onStart` or `onEnd` threw: those are bugs, and the task
 * whose `execute` threw counts as failed meanwhile. Duplicate ids, unknown deps and cycles throw right away.
 */
export function schedule<T extends SchedulerTask>(
  tasks: readonly T[],
  options: SchedulerOptions<T>,
): Promise<Map<string, TaskOutcome>> {
  checkLimits(options);
  return new Run(tasks, plan(tasks, options.estimateMs), options).start();
}

/** The graph in index form, with a topological order and each task's start priority. */
interface Plan {
  deps: number[][];
  dependents: number[][];
  order: number[];
  position: Int32Array;
  /** 0 starts first: longest remaining path (the task's own estimate plus its longest downstream chain), then id. */
  rank: Int32Array;
}

function plan(tasks: readonly SchedulerTask[], estimateMs: ((id: string) => number) | undefined): Plan {
  const n = tasks.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = (tasks[i] as SchedulerTask).id;
    if (index.has(id)) throw new Error(`Cannot schedule task "${id}": the id appears twice`);
    index.set(id, i);
  }
  const deps: number[][] = [];
  const dependents: number[][] = tasks.map(() => []);
  for (let i = 0; i < n; i++) {
    const task = tasks[i] as SchedulerTask;
    const mine: number[] = [];
    for (const id of task.deps) {
      const d = index.get(id);
      if (d === undefined)
        throw new Error(`Cannot schedule task "${task.id}": it depends on unknown task "${id}"`);
      mine.push(d);
    }
    // A dep listed twice would be waited for twice and released once.
    const unique = mine.length > 1 ? [...new Set(mine)] : mine;
    for (const d of unique) (dependents[d] as number[]).push(i);
    deps.push(unique);
  }
  // Kahn's algorithm, iterative so that a 10,000-task chain cannot overflow the stack.
  const waiting = Int32Array.from(deps, (d) => d.length);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k] as number] as number[])
      if (--(waiting[d] as number) === 0) order.push(d);
  }
  if (order.length < n) {
    const stuck = tasks.filter((_, i) => (waiting[i] as number) > 0).map((t) => `"${t.id}"`);
    throw new Error(
      `Cannot schedule: a cycle among ${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ', …' : ''}`,
    );
  }
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) position[order[k] as number] = k;
  const rank = priorityRanks(tasks, dependents, order, estimateMs);
  return { deps, dependents, order, position, rank };
}

function checkLimits(options: SchedulerOptions<never>): void {
  const valid = (n: number): boolean => n === Infinity || (Number.isInteger(n) && n >= 1);
  if (!valid(options.parallel))
    throw new Error(`Cannot schedule with parallel ${options.parallel}: need ≥ 1`);
  for (const [kind, limit] of Object.entries(options.kindLimits ?? {})) {
    if (!valid(limit)) throw new Error(`Cannot schedule with a "${kind}" limit of ${limit}: need ≥ 1`);
  }
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}

/** The state of one `schedule` call. */
class Run<T extends SchedulerTask> {
  private readonly outcome: (TaskOutcome | undefined)[];
  private readonly waiting: Int32Array;
  private readonly running = new Map<number, AbortController>();
  private readonly pool: ReadyPool;
  private readonly errors: unknown[] = [];
  private stopping = false;
  private done = false;
  private resolve: (outcomes: Map<string, TaskOutcome>) => void = () => undefined;
  private reject: (error: unknown) => void = () => undefined;
  private readonly onAbort = (): void => this.stop(this.options.signal?.reason);

  constructor(
    private readonly tasks: readonly T[],
    private readonly plan: Plan,
    private readonly options: SchedulerOptions<T>,
  ) {
    this.outcome = tasks.map(() => undefined);
    this.waiting = Int32Array.from(plan.deps, (d) => d.length);
    const { rank } = plan;
    const before = (a: number, b: number): boolean => (rank[a] as number) < (rank[b] as number);
    this.pool = new ReadyPool(
      options.parallel,
      options.kindLimits ?? {},
      (i) => (tasks[i] as T).kind,
      before,
    );
  }

  start(): Promise<Map<string, TaskOutcome>> {
    const promise = new Promise<Map<string, TaskOutcome>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const signal = this.options.signal;
    if (signal?.aborted) this.stop(signal.reason);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    if (!this.stopping) for (const i of this.plan.order) if (this.waiting[i] === 0) this.pool.add(i);
    this.dispatch();
    this.settleIfDone();
    return promise;
  }

  private dispatch(): void {
    while (!this.stopping) {
      const i = this.pool.take();
      if (i === undefined) return;
      this.launch(i);
    }
  }

  private launch(i: number): void {
    const task = this.tasks[i] as T;
    const controller = new AbortController();
    this.running.set(i, controller);
    this.call(() => this.options.onStart?.(task.id));
    let promise: Promise<'succeeded' | 'failed'>;
    try {
      promise = this.options.execute(task, controller.signal);
    } catch (error) {
      // Settle later, as a rejection would: `finish` must never run inside the dispatch loop.
      queueMicrotask(() => this.finish(i, controller.signal, fail(error)));
      return;
    }
    Promise.resolve(promise).then(
      (value) => this.finish(i, controller.signal, ok(value)),
      (error: unknown) => this.finish(i, controller.signal, fail(error)),
    );
  }

  private finish(i: number, signal: AbortSignal, result: Result<unknown, unknown>): void {
    const task = this.tasks[i] as T;
    this.running.delete(i);
    this.pool.release(i);
    const outcome = this.outcomeOf(task, signal, result);
    this.end(i, outcome);
    if (outcome === 'succeeded') {
      for (const d of this.plan.dependents[i] as number[]) {
        if (--(this.waiting[d] as number) === 0 && this.outcome[d] === undefined && !this.stopping)
          this.pool.add(d);
      }
    } else if (outcome === 'failed') {
      if (this.options.keepGoing) this.blockDownstream(i);
      else this.stop(new DOMException(`Cancelled because "${task.id}" failed`, 'AbortError'));
    }
    this.dispatch();
    this.settleIfDone();
  }

  private outcomeOf(task: T, signal: AbortSignal, result: Result<unknown, unknown>): TaskOutcome {
    if (result.ok) {
      if (result.value === 'succeeded') return 'succeeded';
      // A failure reported after the abort is the abort's doing; a success is real work that completed.
      if (result.value === 'failed') return signal.aborted ? 'cancelled' : 'failed';
      this.errors.push(
        new Error(
          `Task "${task.id}": execute returned ${String(result.value)}, expected "succeeded" or "failed"`,
        ),
      );
      return 'failed';
    }
    if (signal.aborted && isAbort(result.error, signal)) return 'cancelled';
    this.errors.push(result.error);
    return 'failed';
  }

  /** keepGoing: everything downstream of a failure can never run; say so now, in topological order. */
  private blockDownstream(failed: number): void {
    const blocked: number[] = [];
    const stack = [...(this.plan.dependents[failed] as number[])];
    for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
      if (this.outcome[d] !== undefined) continue;
      this.outcome[d] = 'upstream-failed';
      blocked.push(d);
      for (const next of this.plan.dependents[d] as number[]) stack.push(next);
    }
    const { position } = this.plan;
    blocked.sort((a, b) => (position[a] as number) - (position[b] as number));
    for (const d of blocked)
      this.call(() => this.options.onEnd?.((this.tasks[d] as T).id, 'upstream-failed'));
  }

  private stop(reason: unknown): void {
    if (this.stopping || this.done) return;
    this.stopping = true;
    this.pool.drain();
    for (const controller of this.running.values()) controller.abort(reason);
  }

  private end(i: number, outcome: TaskOutcome): void {
    this.outcome[i] = outcome;
    this.call(() => this.options.onEnd?.((this.tasks[i] as T).id, outcome));
  }

  private settleIfDone(): void {
    if (this.done || this.running.size > 0 || this.pool.ready > 0) return;
    this.done = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    // Tasks that never started: blocked by a failure, or simply not reached before the run stopped.
    for (const i of this.plan.order) {
      if (this.outcome[i] !== undefined) continue;
      const blocked = (this.plan.deps[i] as number[]).some((d) => {
        const o = this.outcome[d];
        return o === 'failed' || o === 'upstream-failed';
      });
      this.end(i, blocked ? 'upstream-failed' : 'not-started');
    }
    if (this.errors.length === 1) this.reject(this.errors[0]);
    else if (this.errors.length > 1)
      this.reject(new AggregateError(this.errors, 'Several scheduled tasks threw'));
    else this.resolve(new Map(this.tasks.map((t, i) => [t.id, this.outcome[i] as TaskOutcome])));
  }

  /** Runs a caller's callback; one that throws is a bug to report at the end, not a reason to corrupt the run. */
  private call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.errors.push(error);
    }
  }
}
