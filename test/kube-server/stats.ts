// Request counting, so tests can assert what a client did ("the second deploy wrote nothing").

/** The verbs requests are counted under; discovery and OpenAPI requests count as GET. */
export type Verb = 'GET' | 'LIST' | 'WATCH' | 'CREATE' | 'UPDATE' | 'PATCH' | 'APPLY' | 'DELETE';

const writeVerbs: ReadonlySet<Verb> = new Set(['CREATE', 'UPDATE', 'PATCH', 'APPLY', 'DELETE']);

/** One logged request. */
export interface LoggedRequest {
  method: string;
  /** Path and query string, as received. */
  path: string;
  verb: Verb;
  /** True for `dryRun=All` requests, which are not counted as writes. */
  dryRun: boolean;
}

/** A snapshot of the counters. */
export interface StatsSnapshot {
  total: number;
  /** Write requests (create, update, patch, apply, delete), dry runs excluded. */
  writes: number;
  byVerb: Record<string, number>;
  log: LoggedRequest[];
}

/** Counters of one server. */
export class Stats {
  #log: LoggedRequest[] = [];

  /** Counts one request. */
  record(entry: LoggedRequest): void {
    this.#log.push(entry);
  }

  /** The counters now (a copy). */
  snapshot(): StatsSnapshot {
    const byVerb: Record<string, number> = {};
    let writes = 0;
    for (const entry of this.#log) {
      byVerb[entry.verb] = (byVerb[entry.verb] ?? 0) + 1;
      if (writeVerbs.has(entry.verb) && !entry.dryRun) writes++;
    }
    return { total: this.#log.length, writes, byVerb, log: this.#log.map((e) => ({ ...e })) };
  }

  /** Starts counting from zero. */
  reset(): void {
    this.#log = [];
  }
}
