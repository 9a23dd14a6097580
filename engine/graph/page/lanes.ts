// The parallel lanes of a run's timeline: each task on the first lane free when it started, so the number of
// lanes is the most tasks that ran at once. Pure: the page draws it, the tests check it.

/** A task on the timeline. */
export interface Timed {
  id: string;
  startMs: number;
  durationMs: number;
}

/** Each task's lane (0 first) and how many lanes there are. */
export function assignLanes(tasks: readonly Timed[]): { lane: Map<string, number>; count: number } {
  const order = [...tasks].sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  const ends: number[] = [];
  const lane = new Map<string, number>();
  for (const t of order) {
    // A task of no measurable time (a cache hit) still takes an instant: two at one moment get two lanes.
    const end = t.startMs + Math.max(t.durationMs, 0.001);
    let free = ends.findIndex((e) => e <= t.startMs);
    if (free < 0) free = ends.push(end) - 1;
    else ends[free] = end;
    lane.set(t.id, free);
  }
  return { lane, count: ends.length };
}
