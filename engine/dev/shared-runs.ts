// Runs of tasks shared across the iterations of `dsg dev`. A change during a run cancels the tasks it supersedes
// and plans again; a task it does not touch keeps running, and the next iteration adopts it: when that iteration
// decides the task with the same key, it joins the run under way instead of starting another. Kind-blind: it
// wraps the bound tasks' `run`, keyed by task id and key.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, type Result } from '../../core/result.ts';
import type { BoundTask, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import type { TaskKind, TaskNodeOf } from '../../core/task.ts';
import type { TaskKinds } from '../../tasks/index.ts';

/** Log lines of a shared run replayed to an iteration that adopts it (its log starts anew). */
const REPLAYED_LINES = 2000;

type RunResult = Result<TaskOutput, Diagnostic>;

/** An iteration waiting for a shared run: where its log lines go. */
interface Holder {
  log: (line: string) => void;
  warn: ((line: string) => void) | undefined;
}

interface Shared {
  id: string;
  controller: AbortController;
  result: Promise<RunResult>;
  settled: boolean;
  holders: Set<Holder>;
  /** Kept running with no holder until the next iteration has had its chance to adopt it. */
  held: boolean;
  lines: string[];
}

/** The shared runs of one `dsg dev` session. */
export class SharedRuns {
  private readonly runs = new Map<string, Shared>();

  /** `kinds` with every bound task's `run` going through the shared runs. */
  wrap(kinds: TaskKinds): TaskKinds {
    const wrap = <K extends TaskKind>(
      binder: ((node: TaskNodeOf<K>) => BoundTask) | undefined,
    ): ((node: TaskNodeOf<K>) => BoundTask) | undefined =>
      binder &&
      ((node) => {
        const bound = binder(node);
        return { ...bound, run: (ctx) => this.join(node.id, ctx, (c) => bound.run(c)) };
      });
    const out: { -readonly [K in TaskKind]?: (node: TaskNodeOf<K>) => BoundTask } = {};
    const build = wrap(kinds.build);
    const tag = wrap(kinds.tag);
    const render = wrap(kinds.render);
    const deploy = wrap(kinds.deploy);
    if (build) out.build = build;
    if (tag) out.tag = tag;
    if (render) out.render = render;
    if (deploy) out.deploy = deploy;
    return out;
  }

  /** Ids of the tasks running now. */
  running(): Set<string> {
    return new Set([...this.runs.values()].filter((s) => !s.settled).map((s) => s.id));
  }

  /** Keeps the runs of `ids` going when their iteration is cancelled, until `release`. */
  hold(ids: ReadonlySet<string>): void {
    for (const shared of this.runs.values()) if (ids.has(shared.id)) shared.held = true;
  }

  /** Ends the hold: a run nobody adopted is cancelled, a finished one nobody took is dropped. */
  release(): void {
    for (const [key, shared] of this.runs) {
      shared.held = false;
      if (shared.holders.size > 0) continue;
      this.runs.delete(key);
      if (!shared.settled) shared.controller.abort(new DOMException('Superseded by a change', 'AbortError'));
    }
  }

  /** Cancels every run (the session ends). */
  cancelAll(): void {
    for (const shared of this.runs.values())
      shared.controller.abort(new DOMException('Stopped', 'AbortError'));
    this.runs.clear();
  }

  private join(
    id: string,
    ctx: TaskContext,
    run: (ctx: TaskContext) => Promise<RunResult>,
  ): Promise<RunResult> {
    const key = `${id}\n${ctx.key}`;
    let shared = this.runs.get(key);
    if (shared) {
      for (const line of shared.lines) ctx.log(line);
    } else {
      shared = this.start(key, id, ctx, run);
    }
    const s = shared;
    const holder: Holder = { log: ctx.log, warn: ctx.warn };
    s.holders.add(holder);
    return new Promise<RunResult>((resolve, reject) => {
      const leave = (): void => {
        s.holders.delete(holder);
        if (s.holders.size === 0 && !s.held) {
          this.runs.delete(key);
          if (!s.settled) s.controller.abort(ctx.signal.reason);
        }
        resolve(fail(error(`${id} was cancelled`)));
      };
      if (ctx.signal.aborted) return leave();
      ctx.signal.addEventListener('abort', leave, { once: true });
      const settle = (): boolean => {
        if (ctx.signal.aborted) return false;
        ctx.signal.removeEventListener('abort', leave);
        s.holders.delete(holder);
        // One iteration takes the result and records it; the run is done with.
        if (this.runs.get(key) === s) this.runs.delete(key);
        return true;
      };
      s.result.then(
        (result) => settle() && resolve(result),
        (e: unknown) => settle() && reject(e instanceof Error ? e : new Error(String(e))),
      );
    });
  }

  private start(
    key: string,
    id: string,
    ctx: TaskContext,
    run: (ctx: TaskContext) => Promise<RunResult>,
  ): Shared {
    const controller = new AbortController();
    const shared: Shared = {
      id,
      controller,
      result: Promise.resolve(fail(error(`${id} did not start`))),
      settled: false,
      holders: new Set(),
      held: false,
      lines: [],
    };
    const log = (line: string): void => {
      shared.lines.push(line);
      if (shared.lines.length > REPLAYED_LINES) shared.lines.shift();
      for (const h of shared.holders) h.log(line);
    };
    const warn = (line: string): void => {
      for (const h of shared.holders) h.warn?.(line);
    };
    shared.result = run({ ...ctx, signal: controller.signal, log, warn }).then(
      (r) => ((shared.settled = true), r),
      (e: unknown) => {
        shared.settled = true;
        throw e;
      },
    );
    this.runs.set(key, shared);
    return shared;
  }
}
