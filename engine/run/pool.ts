// The ready queue and the slots: which ready task may start next, by priority, under the global and per-kind
// limits.

/**
 * Start priority of every task as a rank (0 starts first): the longest remaining path, i.e. the task's own estimate
 * plus its longest downstream chain, then the id. `order` must be topological. Ranking once up front lets the ready
 * heap compare integers, never strings.
 */
export function priorityRanks(
  tasks: readonly { id: string }[],
  dependents: readonly (readonly number[])[],
  order: readonly number[],
  estimateMs: ((id: string) => number) | undefined,
): Int32Array {
  const n = tasks.length;
  const remaining = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k] as number;
    let longest = 0;
    for (const d of dependents[i] ?? []) longest = Math.max(longest, remaining[d] as number);
    remaining[i] = estimate(estimateMs, (tasks[i] as { id: string }).id) + longest;
  }
  const byPriority = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const ra = remaining[a] as number;
    const rb = remaining[b] as number;
    if (ra !== rb) return rb - ra;
    const ia = (tasks[a] as { id: string }).id;
    const ib = (tasks[b] as { id: string }).id;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[byPriority[k] as number] = k;
  return rank;
}

function estimate(estimateMs: ((id: string) => number) | undefined, id: string): number {
  if (estimateMs === undefined) return 1;
  const ms = estimateMs(id);
  // An estimate only orders tasks; a nonsense value must not stall or crash the run.
  return Number.isFinite(ms) && ms >= 0 ? ms : 1;
}

/** Orders two task indices: true when `a` should start before `b`. */
export type Before = (a: number, b: number) => boolean;

/** A binary min-heap of task indices under a `before` order. */
class Heap {
  private readonly items: number[] = [];

  constructor(private readonly before: Before) {}

  push(item: number): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as number;
      if (!this.before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const l = items[left] as number;
      let child = left;
      let c = l;
      if (right < items.length) {
        const r = items[right] as number;
        if (this.before(r, l)) {
          child = right;
          c = r;
        }
      }
      if (!this.before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }

  drain(): number[] {
    return this.items.splice(0);
  }
}

/** A kind with a limit: its running count, and its ready tasks set aside while it has no free slot. */
interface LimitedKind {
  limit: number;
  running: number;
  parked: Heap;
}

/**
 * Ready tasks waiting for a slot, and the slots held by running tasks. All ready tasks share one heap; a task whose
 * kind is at its limit is parked aside when it reaches the top, and the best parked task of a kind returns to the
 * heap whenever that kind frees a slot. So `take` stays O(log n) however many kinds there are, and a full kind never
 * hides a startable task of another kind.
 */
export class ReadyPool {
  private readonly heap: Heap;
  private readonly limited = new Map<string, LimitedKind>();
  private runningCount = 0;
  private readyCount = 0;

  constructor(
    private readonly parallel: number,
    kindLimits: Readonly<Record<string, number>>,
    private readonly kindOf: (task: number) => string,
    before: Before,
  ) {
    this.heap = new Heap(before);
    for (const [kind, limit] of Object.entries(kindLimits)) {
      if (limit !== Infinity) this.limited.set(kind, { limit, running: 0, parked: new Heap(before) });
    }
  }

  /** Number of tasks holding a slot. */
  get running(): number {
    return this.runningCount;
  }

  /** Number of ready tasks waiting for a slot. */
  get ready(): number {
    return this.readyCount;
  }

  /** Queues a task whose dependencies have all succeeded. */
  add(task: number): void {
    this.heap.push(task);
    this.readyCount++;
  }

  /** Takes the first ready task (by `before`) whose kind has a free slot and holds its slots; undefined if none. */
  take(): number | undefined {
    if (this.runningCount >= this.parallel) return undefined;
    for (let task = this.heap.pop(); task !== undefined; task = this.heap.pop()) {
      const kind = this.limited.get(this.kindOf(task));
      if (kind !== undefined && kind.running >= kind.limit) {
        kind.parked.push(task);
        continue;
      }
      if (kind !== undefined) kind.running++;
      this.runningCount++;
      this.readyCount--;
      return task;
    }
    return undefined;
  }

  /** Gives back the slots of a task that stopped running. */
  release(task: number): void {
    const name = this.kindOf(task);
    const kind = this.limited.get(name);
    if (this.runningCount === 0 || kind?.running === 0)
      throw new Error(`Released a "${name}" slot never taken`);
    this.runningCount--;
    if (kind === undefined) return;
    kind.running--;
    const next = kind.parked.pop();
    if (next !== undefined) this.heap.push(next);
  }

  /** Removes and returns every waiting task (the run is stopping). */
  drain(): number[] {
    const all = this.heap.drain();
    for (const kind of this.limited.values()) for (const task of kind.parked.drain()) all.push(task);
    this.readyCount = 0;
    return all;
  }
}
