// Time slices for synchronous file work. Page-cache reads and stats are several times faster done
// synchronously than through the libuv thread pool (measured in scripts/bench-hash.ts), so the memo
// does them synchronously and yields to the event loop every few milliseconds to stay responsive.
import { setImmediate } from 'node:timers';

/** Tracks how long synchronous work has held the event loop. */
export class SliceBudget {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 15) {}

  /** True when the current slice is used up; cheap enough to ask after every unit of work. */
  due(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Lets the event loop run, then starts a new slice. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
