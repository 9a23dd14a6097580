// The loop of `dsg dev`: run the deploy pipeline, then keep the project deployed while files change. A batch of
// changes (debounce.ts) maps to the tasks whose keys came from the changed paths (input-index.ts); only those
// are decided again — every other task is answered by what the loop knows of it — so only tasks whose keys
// changed run, and what is downstream of them. A change to the config compiles the graph again. A change during
// an iteration cancels it; the running tasks the change does not touch keep running and the next iteration
// adopts them (shared-runs.ts). Each iteration is one `runPipeline`: records, logs and run summaries as in
// `dsg run`, and a cancelled task records nothing.
import { relative, sep } from 'node:path';
import { ReadLog } from '../../cache/read-log.ts';
import { statOf } from '../../cache/stamp.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { TaskNode } from '../../core/task.ts';
import { reachable } from '../graph/reach.ts';
import type { TaskGraph } from '../graph/types.ts';
import type { KnownTask } from '../run/memo-step.ts';
import {
  runPipeline,
  type PipelineDeps,
  type PipelineOptions,
  type PipelineResult,
} from '../run/pipeline.ts';
import { Debouncer, type ChangeBatch, type DebounceTiming } from './debounce.ts';
import type { DevViewEvent } from './events.ts';
import { InputIndex } from './input-index.ts';
import { SharedRuns } from './shared-runs.ts';
import { planWatch, samePlan, type WatchPlan } from './watch-plan.ts';
import { openWatcher, type Watcher } from './watcher.ts';

/** A compiled graph and what loading and compiling it read. */
export interface DevGraph {
  graph: TaskGraph;
  reads: ReadLog;
}

/** What the loop is given by the command. */
export interface DevLoopDeps {
  /** Loads and compiles the config, recording what it read in `reads`; undefined after printing why not. */
  load(reads: ReadLog): Promise<DevGraph | undefined>;
  /** The options of an iteration: the first one honours the forcing flags, later ones do not. */
  options(first: boolean): PipelineOptions;
  /** What an iteration's pipeline uses from the session (store, digests, logs, kinds for `graph`). */
  pipeline(graph: TaskGraph): Promise<Omit<PipelineDeps, 'known' | 'signal' | 'emit' | 'onDecision'>>;
  emit(event: DevViewEvent): void;
  /** Prints the diagnostics of failed tasks. */
  failures(diagnostics: Diagnostic[]): void;
  /** After every iteration that ended by itself: the run summary, the keys decided, the first run's memo. */
  finished(
    graph: DevGraph,
    result: PipelineResult,
    keys: ReadonlyMap<string, string>,
    first: boolean,
  ): Promise<void>;
  /** The graph changed (a recompile): the page of `--ui`, the `dev:` section. */
  graphChanged(graph: TaskGraph): void;
  /** Forgets the file-digest memo's entry of a changed file. */
  invalidate(path: string): void;
  /** Of these paths, the files whose stat moved since they were hashed (the sweep after a batch or an iteration). */
  changedSince(paths: Iterable<string>): string[];
  debounce: DebounceTiming;
  /** Ends the loop (Ctrl-C). */
  signal: AbortSignal;
}

/** How long after the watcher's longest hold the sweep waits for an event still on its way. */
const SWEEP_MARGIN_MS = 400;

/** Changes waiting for the next iteration. */
interface Pending {
  paths: Set<string>;
  /** The tasks the changes affect. */
  tasks: Set<string>;
  firstAt: number | undefined;
  config: boolean;
  /** A check at start-up, not a save: say nothing when it runs nothing. */
  silent: boolean;
}

/** The dev loop of one session. */
export class DevLoop {
  private readonly index = new InputIndex();
  private readonly shared = new SharedRuns();
  private readonly debouncer: Debouncer;
  private watcher: Watcher | undefined;
  private plan: WatchPlan | undefined;
  private pending: Pending | undefined;
  private current: AbortController | undefined;
  private superseded = false;
  private pumping: Promise<void> | undefined;
  private first = true;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deps: DevLoopDeps,
    private loaded: DevGraph,
    /** What the loop knows of each task: key and output while its inputs hold (a run memo's, at first). */
    private known: Map<string, KnownTask>,
  ) {
    this.debouncer = new Debouncer(deps.debounce, (batch) => this.onBatch(batch));
    this.index.setConfig(loaded.reads.paths);
    for (const task of known.values()) this.index.setTask(task.id, task.reads, this.dirOf(task.id));
  }

  /** Runs the first iteration, then watches until the signal ends the loop; a watcher that cannot start fails. */
  async run(): Promise<Diagnostic | undefined> {
    const startedAt = Date.now();
    this.pending = { paths: new Set(), tasks: new Set(), firstAt: undefined, config: false, silent: false };
    await this.pump();
    if (this.deps.signal.aborted) return undefined;
    const plan = this.watchPlan();
    const watcher = await openWatcher(
      plan,
      (changes) => this.debouncer.add(changes),
      (d) => this.deps.emit({ type: 'dev-warning', message: d.message }),
    );
    if (!watcher.ok) return watcher.error;
    this.watcher = watcher.value;
    this.plan = plan;
    // Files saved while the first iteration read them may have been read before the save: decide them again,
    // before saying the loop is ready, so that an edit after `dev-ready` is never folded into this check.
    const racy = [...this.index.paths()].filter((p) => (statOf(p)?.mtimeMs ?? 0) > startedAt - 1000);
    if (racy.length > 0) {
      this.onBatch(
        { changes: racy.map((path) => ({ path, type: 'update' })), firstAt: performance.now() },
        true,
      );
      await this.pumping;
      if (this.deps.signal.aborted) {
        await this.stop();
        return undefined;
      }
    }
    this.deps.emit({ type: 'dev-ready', tasks: this.loaded.graph.nodes.size, folders: plan.folders });
    await new Promise<void>((resolve) => {
      if (this.deps.signal.aborted) resolve();
      else this.deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await this.stop();
    return undefined;
  }

  /** The folders watched now (for tests and the benchmark's notes). */
  get watched(): WatchPlan | undefined {
    return this.plan;
  }

  private async stop(): Promise<void> {
    this.debouncer.stop();
    clearTimeout(this.sweepTimer);
    this.current?.abort(this.deps.signal.reason);
    this.shared.cancelAll();
    await Promise.all([this.pumping, this.watcher?.close()]);
  }

  private onBatch(batch: ChangeBatch, silent = false): void {
    if (this.deps.signal.aborted) return;
    this.scheduleSweep();
    const affected = this.index.affected(batch.changes);
    const config = affected.config.length > 0;
    if (affected.tasks.size === 0 && !config) {
      const shown = affected.unmatched.filter((p) => this.inProject(p)).map((p) => this.show(p));
      if (!silent && shown.length > 0) this.deps.emit({ type: 'dev-idle', paths: shown });
      return;
    }
    for (const change of batch.changes) this.deps.invalidate(change.path);
    for (const id of affected.tasks.keys()) this.known.delete(id);
    const paths = [...new Set([...affected.config, ...[...affected.tasks.values()].flat()])];
    const pending = (this.pending ??= {
      paths: new Set(),
      tasks: new Set(),
      firstAt: batch.firstAt,
      config: false,
      silent,
    });
    for (const p of paths) pending.paths.add(p);
    for (const id of affected.tasks.keys()) pending.tasks.add(id);
    pending.firstAt = Math.min(pending.firstAt ?? batch.firstAt, batch.firstAt);
    pending.config ||= config;
    pending.silent &&= silent;
    if (this.current && !this.current.signal.aborted)
      this.supersede(new Set(affected.tasks.keys()), config, paths);
    void this.pump();
  }

  /** Cancels the iteration under way, keeping the runs of tasks the change does not touch for the next one. */
  private supersede(tasks: ReadonlySet<string>, config: boolean, paths: readonly string[]): void {
    const { graph } = this.loaded;
    const edges = graph.edges.map((e) => [e.from, e.to] as const);
    const gone = config ? new Set(graph.nodes.keys()) : reachable([...tasks], edges, 'down');
    const running = this.shared.running();
    const kept = new Set([...running].filter((id) => !gone.has(id)));
    this.shared.hold(kept);
    this.superseded = true;
    this.deps.emit({
      type: 'dev-replan',
      paths: paths.map((p) => this.show(p)),
      cancelled: [...running].filter((id) => gone.has(id)).sort(),
      kept: [...kept].sort(),
    });
    this.current?.abort(new DOMException('Superseded by a change', 'AbortError'));
  }

  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      while (this.pending && !this.deps.signal.aborted) {
        const next = this.pending;
        this.pending = undefined;
        await this.iterate(next);
      }
    })().finally(() => {
      this.pumping = undefined;
      if (this.pending && !this.deps.signal.aborted) void this.pump();
    });
    return this.pumping;
  }

  private async iterate(p: Pending): Promise<void> {
    const controller = new AbortController();
    const onStop = (): void => controller.abort(this.deps.signal.reason);
    this.deps.signal.addEventListener('abort', onStop, { once: true });
    this.current = controller;
    this.superseded = false;
    const first = this.first;
    const started = performance.now();
    try {
      if (!first) {
        const paths = [...p.paths].map((x) => this.show(x)).sort();
        if (!p.silent) this.deps.emit({ type: 'dev-change', paths, tasks: [], config: p.config });
      }
      // A config that does not load leaves the last good graph; only a change of a task's inputs runs it.
      if (p.config && !(await this.recompile()) && p.tasks.size === 0) return;
      if (controller.signal.aborted) return;
      const loaded = this.loaded;
      const keys = new Map<string, string>();
      const base = await this.deps.pipeline(loaded.graph);
      const result = await runPipeline(loaded.graph, this.deps.options(first), {
        ...base,
        kinds: this.shared.wrap(base.kinds),
        known: this.known,
        signal: controller.signal,
        emit: (e) => this.deps.emit(e),
        onDecision: (id, d) => {
          keys.set(id, d.key);
          this.index.setTask(id, d.reads, this.dirOf(id));
        },
      });
      if (this.superseded || this.deps.signal.aborted) return;
      this.first = false;
      this.afterRun(result);
      for (const t of this.known.values()) if (!keys.has(t.id)) keys.set(t.id, t.key);
      if (!result.summary.ok) this.deps.failures(result.failures);
      await this.deps.finished(loaded, result, keys, first);
      this.shared.release();
      const { counts } = result.summary;
      if (!(p.silent && counts.ran === 0 && result.summary.ok))
        this.deps.emit({
          type: 'dev-done',
          ok: result.summary.ok,
          ran: counts.ran,
          durationMs: performance.now() - started,
          ...(p.firstAt !== undefined ? { fromSaveMs: performance.now() - p.firstAt } : {}),
        });
      await this.rewatch();
      this.scheduleSweep();
    } finally {
      this.deps.signal.removeEventListener('abort', onStop);
      if (this.current === controller) this.current = undefined;
    }
  }

  /**
   * The watcher can lose a change (@parcel/watcher drops some of many fast changes: parcel-bundler/watcher#183;
   * a file written through a hard link in an unwatched folder sends no event at all), and a task the loop
   * trusts is never looked at again. So after each batch and each iteration, once the watcher has had time to
   * deliver what it saw (its longest hold and the debounce, and a margin), every input file hashed before is
   * statted: one whose stat moved is a change like any other. A loop with nothing happening stats nothing.
   */
  private scheduleSweep(): void {
    clearTimeout(this.sweepTimer);
    const after = this.deps.debounce.streamMs + this.deps.debounce.quietMs + SWEEP_MARGIN_MS;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      // An open batch is followed by a sweep of its own.
      if (this.deps.signal.aborted || this.debouncer.holding) return;
      const changed = this.deps.changedSince(this.index.paths());
      if (changed.length > 0)
        this.onBatch({
          changes: changed.map((path) => ({ path, type: 'update' })),
          firstAt: performance.now(),
        });
    }, after);
  }

  /** What the loop knows after an iteration that ended by itself. */
  private afterRun(result: PipelineResult): void {
    if (result.memo) {
      // Every task succeeded: the run's keys and outputs are the truth now. Their artifacts were made or seen
      // by this session, so later iterations trust them without asking the engine, registry or cluster again.
      this.known = new Map(
        result.memo.tasks.map((t) => [
          t.id,
          { ...t, check: false, reads: result.memo?.reads.get(t.id) ?? [] },
        ]),
      );
      for (const t of this.known.values()) this.index.setTask(t.id, t.reads, this.dirOf(t.id));
    }
    // A task never decided (downstream of a failure) is affected by any change in its project.
    for (const node of this.loaded.graph.nodes.values())
      if (!this.index.has(node.id)) this.index.setTask(node.id, undefined, node.project.dir);
  }

  /** Compiles the graph again; false when the config does not load (its errors are printed). */
  private async recompile(): Promise<boolean> {
    const reads = new ReadLog();
    const next = await this.deps.load(reads);
    if (!next) {
      // Also watch what the failed load read: the broken file may be one the last good config did not name.
      this.index.setConfig([...this.loaded.reads.paths, ...reads.paths]);
      this.deps.emit({ type: 'dev-config-error', message: 'The config has errors (above)' });
      return false;
    }
    const before = this.loaded.graph;
    const [was, is] = [upstreamOf(before), upstreamOf(next.graph)];
    for (const [id, node] of next.graph.nodes) {
      const old = before.nodes.get(id);
      if (!old || !sameNode(old, node) || was.get(id) !== is.get(id)) {
        this.known.delete(id);
        this.index.dropTask(id);
      }
    }
    for (const id of before.nodes.keys()) {
      if (next.graph.nodes.has(id)) continue;
      this.known.delete(id);
      this.index.dropTask(id);
    }
    this.loaded = next;
    this.index.setConfig(next.reads.paths);
    this.deps.graphChanged(next.graph);
    return true;
  }

  private async rewatch(): Promise<void> {
    if (!this.watcher || !this.plan) return;
    const plan = this.watchPlan();
    if (samePlan(plan, this.plan)) return;
    const updated = await this.watcher.update(plan);
    if (!updated.ok) this.deps.emit({ type: 'dev-warning', message: updated.error.message });
    else this.plan = plan;
  }

  private watchPlan(): WatchPlan {
    return planWatch(this.projectDirs(), this.index.paths(), this.index.unnamedDirs());
  }

  private projectDirs(): string[] {
    const { graph } = this.loaded;
    return [...new Set([graph.root.dir, ...[...graph.nodes.values()].map((n) => n.project.dir)])];
  }

  private dirOf(id: string): string {
    return this.loaded.graph.nodes.get(id)?.project.dir ?? this.loaded.graph.root.dir;
  }

  private inProject(path: string): boolean {
    return this.projectDirs().some((d) => path.startsWith(d + sep));
  }

  /** A path as the view shows it: relative to the root project when inside it. */
  private show(path: string): string {
    const root = this.loaded.graph.root.dir;
    return path.startsWith(root + sep) ? relative(root, path).split(sep).join('/') : path;
  }
}

/** Whether a recompiled node is the same task: kind, project, spec and references (its key's config half). */
function sameNode(a: TaskNode, b: TaskNode): boolean {
  const shape = (n: TaskNode): string =>
    JSON.stringify([n.kind, n.project.dir, n.project.rel, n.spec, n.refs, n.project.config.vars]);
  return shape(a) === shape(b);
}

/** Each task's upstream ids, as one comparable string. */
function upstreamOf(graph: TaskGraph): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const e of graph.edges) lists.set(e.to, [...(lists.get(e.to) ?? []), e.from]);
  return new Map([...lists].map(([id, list]) => [id, list.sort().join('\n')]));
}
