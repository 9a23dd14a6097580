// What a person sees of `dsg dev`: one line per change and per task that ran, a quiet line for a save that runs
// nothing, the time from save to deployed; on a terminal a live area below (running tasks with their elapsed time
// and last log line, and the loop's state) redrawn in place. `--json` prints every event as a line instead.
import { clearInterval, setInterval } from 'node:timers';
import type { RunEvent } from '../run/events.ts';
import { formatReason } from '../run/reasons.ts';
import {
  Colors,
  firstLine,
  formatDuration,
  paint,
  quietCached,
  sanitize,
  statusMark,
  truncate,
} from '../run/reporters/format.ts';
import type { ReporterOutput } from '../run/reporters/types.ts';
import type { DevViewEvent } from './events.ts';

/** How the view prints. */
export interface DevViewOptions {
  mode: 'tty' | 'plain' | 'json';
  color: boolean;
  verbose: boolean;
  /** Wall clock for the time of day on each change line (tests fix it). */
  clock?: () => Date;
}

/** The dev loop's view. */
export interface DevView {
  onEvent(event: DevViewEvent): void;
  close(): void;
}

const REDRAW_MS = 100;
const MAX_SHOWN = 6;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** The view for `options.mode`, writing to `out`. */
export function createDevView(out: ReporterOutput, options: DevViewOptions): DevView {
  if (options.mode === 'json')
    return { onEvent: (e) => void out.write(`${JSON.stringify(e)}\n`), close: () => undefined };
  return new LineView(out, options);
}

class LineView implements DevView {
  private readonly running = new Map<string, { started: number; last: string }>();
  private header: string | undefined;
  private pendingPaths: string[] = [];
  private kept = new Set<string>();
  private first = true;
  private state = 'starting';
  private lines: string[] = [];
  private liveLines = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly out: ReporterOutput,
    private readonly options: DevViewOptions,
  ) {
    if (options.mode === 'tty') this.timer = setInterval(() => this.draw(), REDRAW_MS).unref();
  }

  onEvent(e: DevViewEvent): void {
    if (this.closed) return;
    const c = this.options.color;
    switch (e.type) {
      case 'dev-ready':
        this.print(
          `dsg dev: watching ${e.folders} ${e.folders === 1 ? 'folder' : 'folders'} for ${e.tasks} tasks${e.url ? ` · graph at ${e.url}` : ''} · Ctrl-C to stop`,
        );
        this.state = 'watching';
        break;
      case 'dev-change':
        this.pendingPaths = e.paths;
        this.header = `${this.time()} ↻ ${listPaths(e.paths)}${e.config ? ' (config)' : ''}`;
        this.state = `checking ${listPaths(e.paths)}`;
        break;
      case 'dev-idle':
        this.print(paint(c, Colors.dim, `${this.time()} · ${listPaths(e.paths)}: not an input of any task`));
        break;
      case 'dev-replan':
        this.kept = new Set(e.kept);
        this.flushHeader();
        this.print(
          `${this.time()} ↻ ${listPaths(e.paths)} changed during the run: ${
            e.cancelled.length > 0 ? `cancelling ${listIds(e.cancelled)}` : 'nothing to cancel'
          }${e.kept.length > 0 ? `; ${listIds(e.kept)} ${e.kept.length === 1 ? 'keeps' : 'keep'} running` : ''}`,
        );
        this.header = undefined;
        break;
      case 'dev-done':
        this.done(e);
        break;
      case 'dev-config-error':
        this.flushHeader();
        this.print(
          paint(c, Colors.red, `${this.time()} ✗ ${e.message}; the last good config stays deployed`),
        );
        break;
      case 'dev-warning':
        this.print(paint(c, Colors.yellow, `warning: ${e.message}`));
        break;
      case 'dev-log':
        // A container's output: no escape sequence of it reaches the terminal.
        this.print(`${paint(c, Colors.cyan, `[${e.source}]`)} ${sanitize(e.line)}`);
        break;
      case 'dev-stop':
        this.print('dsg dev: stopped');
        break;
      default:
        this.run(e);
    }
    if (this.options.mode === 'plain') this.flush();
  }

  close(): void {
    if (this.closed) return;
    if (this.options.mode === 'plain') this.flush();
    else this.draw();
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.out.write(this.clearLive());
    this.liveLines = 0;
  }

  private run(e: RunEvent): void {
    const c = this.options.color;
    switch (e.type) {
      case 'run-start':
        if (this.first) this.header = `Deploying: ${e.total} ${e.total === 1 ? 'task' : 'tasks'}`;
        this.state = 'running';
        return;
      case 'task-start':
        this.flushHeader();
        this.running.set(e.id, { started: performance.now(), last: '' });
        return;
      case 'task-log': {
        const entry = this.running.get(e.id);
        const last = sanitize(e.line.split('\n').findLast((l) => l.trim() !== '') ?? '').trim();
        if (entry && last !== '') entry.last = last;
        if (this.options.verbose)
          for (const l of e.line.split('\n')) this.print(`  ${paint(c, Colors.dim, `[${e.id}]`)} ${l}`);
        return;
      }
      case 'task-end': {
        this.running.delete(e.id);
        for (const w of e.warnings ?? []) this.print(paint(c, Colors.yellow, `  ! ${e.id}  warning: ${w}`));
        const { mark, color } = statusMark[e.status];
        const id = `  ${paint(c, color, mark)} ${e.id}`;
        const time = formatDuration(e.durationMs);
        if (e.status === 'ran') this.print(`${id}  ${time}  ${formatReason(e.reason)}`);
        else if (e.status === 'failed')
          this.print(`${id}  ${paint(c, Colors.red, firstLine(e.error ?? 'failed'))}`);
        else if (e.status === 'cancelled' && !this.kept.has(e.id))
          this.print(`${id}  cancelled after ${time}`);
        else if (e.status === 'cached' && !quietCached(e, this.options.verbose))
          this.print(paint(c, Colors.dim, `${id}  ${formatReason(e.reason)}`));
        else if (e.status === 'skipped' && e.reason.type === 'upstream-failed')
          this.print(paint(c, Colors.dim, `${id}  skipped (${formatReason(e.reason)})`));
        return;
      }
      case 'run-end':
        return;
    }
  }

  private done(e: Extract<DevViewEvent, { type: 'dev-done' }>): void {
    const c = this.options.color;
    const first = this.first;
    this.first = false;
    this.kept = new Set();
    const took =
      e.fromSaveMs === undefined
        ? `in ${formatDuration(e.durationMs)}`
        : `${formatDuration(e.fromSaveMs)} from save`;
    if (!e.ok) {
      this.flushHeader();
      this.print(paint(c, Colors.red, `${this.time()} ✗ failed ${took} · fix it and save to try again`));
      this.state = 'failed · watching';
      return;
    }
    if (e.ran === 0 && this.header !== undefined && !first) {
      // Nothing ran: one quiet line instead of a header and an end.
      this.header = undefined;
      this.print(
        paint(
          c,
          Colors.dim,
          `${this.time()} · ${listPaths(this.pendingPaths)}: no task's inputs changed (same content, or ignored); nothing ran`,
        ),
      );
      this.state = 'watching';
      return;
    }
    this.flushHeader();
    this.print(`${this.time()} ${paint(c, Colors.green, '✓')} deployed ${took} · ran ${e.ran}`);
    this.state = `deployed ${took} · watching`;
  }

  private flushHeader(): void {
    if (this.header === undefined) return;
    this.print(this.header);
    this.header = undefined;
  }

  private print(line: string): void {
    this.lines.push(line);
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.out.write(this.lines.map((l) => `${l}\n`).join(''));
    this.lines = [];
  }

  private draw(): void {
    if (this.closed) return;
    const live = this.liveArea();
    const text = this.lines.map((l) => `${l}\n`).join('');
    this.lines = [];
    this.out.write(`${this.clearLive()}${text}${live.map((l) => `${l}\n`).join('')}`);
    this.liveLines = live.length;
  }

  private clearLive(): string {
    return this.liveLines > 0 ? `\u001b[${this.liveLines}A\r\u001b[J` : '';
  }

  private liveArea(): string[] {
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const now = performance.now();
    const spinner = SPINNER[Math.floor(now / REDRAW_MS) % SPINNER.length] ?? '*';
    const tasks = [...this.running].sort(([, a], [, b]) => a.started - b.started);
    const idWidth = Math.max(0, ...tasks.slice(0, MAX_SHOWN).map(([id]) => id.length));
    const lines = tasks
      .slice(0, MAX_SHOWN)
      .map(([id, t]) =>
        truncate(
          `  ${spinner} ${id.padEnd(idWidth)}  ${formatDuration(now - t.started).padStart(6)}  ${t.last}`,
          width,
        ),
      );
    if (tasks.length > MAX_SHOWN) lines.push(`  … and ${tasks.length - MAX_SHOWN} more running`);
    lines.push(paint(this.options.color, Colors.dim, truncate(`  ${this.state} · Ctrl-C to stop`, width)));
    return lines;
  }

  private time(): string {
    const d = (this.options.clock ?? (() => new Date()))();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }
}

/** `a.txt`, `a.txt, b.txt`, `a.txt, b.txt and 3 more`. */
export function listPaths(paths: readonly string[]): string {
  if (paths.length <= 3) return paths.join(', ');
  return `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more`;
}

function listIds(ids: readonly string[]): string {
  return listPaths(ids);
}
