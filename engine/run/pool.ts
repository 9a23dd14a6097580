// The ready queue and the slots: which ready task may start next under the global and per-kind limits.
// One heap per kind, so a kind at its limit never hides a startable task of another kind behind it.

/** Orders two task indices: true when `a` should start before `b`. */
export type Before = (a: number, b: number) => boolean;

/** A binary min-heap of task indices under a `before` order. */
class Heap {
  private readonly items: number[] = [];

  constructor(private readonly before: Before) {}

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

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

interface KindGroup {
  ready: Heap;
  running: number;
  limit: number;
}

/** Ready tasks waiting for a slot, and the slots held by running tasks. */
export class ReadyPool {
  private readonly groups = new Map<string, KindGroup>();
  private runningCount = 0;
  private readyCount = 0;

  constructor(
    private readonly parallel: number,
    private readonly kindLimits: Readonly<Record<string, number>>,
    private readonly before: Before,
  ) {}

  /** Number of tasks holding a slot. */
  get running(): number {
    return this.runningCount;
  }

  /** Number of ready tasks waiting for a slot. */
  get ready(): number {
    return this.readyCount;
  }

  /** Queues a task whose dependencies have all succeeded. */
  add(kind: string, task: number): void {
    this.group(kind).ready.push(task);
    this.readyCount++;
  }

  /** Takes the first ready task (by `before`) whose kind has a free slot and holds its slots; undefined if none. */
  take(): number | undefined {
    if (this.runningCount >= this.parallel) return undefined;
    let best: KindGroup | undefined;
    let bestTask = 0;
    for (const group of this.groups.values()) {
      if (group.running >= group.limit) continue;
      const head = group.ready.peek();
      if (head === undefined) continue;
      if (best === undefined || this.before(head, bestTask)) {
        best = group;
        bestTask = head;
      }
    }
    if (best === undefined) return undefined;
    best.ready.pop();
    best.running++;
    this.runningCount++;
    this.readyCount--;
    return bestTask;
  }

  /** Gives back the slots of a task of `kind` that stopped running. */
  release(kind: string): void {
    const group = this.group(kind);
    if (group.running === 0 || this.runningCount === 0) throw new Error(`Released a "${kind}" slot never taken`);
    group.running--;
    this.runningCount--;
  }

  /** Removes and returns every waiting task (the run is stopping). */
  drain(): number[] {
    const all: number[] = [];
    for (const group of this.groups.values()) for (const task of group.ready.drain()) all.push(task);
    this.readyCount = 0;
    return all;
  }

  private group(kind: string): KindGroup {
    let group = this.groups.get(kind);
    if (group === undefined) {
      // hasOwn: a kind named like an Object.prototype member must not pick up a function as its limit.
      const limit = Object.hasOwn(this.kindLimits, kind) ? (this.kindLimits[kind] ?? Infinity) : Infinity;
      group = { ready: new Heap(this.before), running: 0, limit };
      this.groups.set(kind, group);
    }
    return group;
  }
}
