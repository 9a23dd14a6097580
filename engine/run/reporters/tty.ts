// The live terminal view: finished tasks scroll by above a live area (running tasks with elapsed time and last log
// line, then a progress bar) that is redrawn in place with ANSI cursor movement, at most every REDRAW_MS.
import { clearInterval, setInterval } from 'node:timers';
import { performance } from 'node:perf_hooks';
import type { RunEvent, RunSummary } from '../events.ts';
import { formatReason } from '../reasons.ts';
import {
  Colors,
  firstLine,
  formatDuration,
  paint,
  quietCached,
  sanitize,
  statusMark,
  truncate,
  wouldRun,
} from './format.ts';
import { formatSummary } from './summary.ts';
import type { Reporter, ReporterOptions, ReporterOutput } from './types.ts';

/** Minimum time between two redraws (10 per second). */
const REDRAW_MS = 100;
/** Running tasks listed in the live area; the rest are counted. */
const MAX_SHOWN = 8;
const BAR_WIDTH = 20;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** A text with an optional color, fitted to the terminal width before it is painted. */
type Piece = readonly [text: string, color?: string];

/** Creates the live view; `close()` (or the run-end event) clears it and prints the summary. */
export function createTtyReporter(out: ReporterOutput, options: ReporterOptions): Reporter {
  return new TtyReporter(out, options);
}

class TtyReporter implements Reporter {
  private readonly now: () => number;
  private readonly running = new Map<string, { started: number; last: string }>();
  private pending: string[] = [];
  private liveLines = 0;
  private total = 0;
  private dryRun = false;
  private done = 0;
  private startedAt: number;
  private lastDraw = -Infinity;
  private dirty = false;
  private closed = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: ReporterOutput,
    private readonly options: ReporterOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
  }

  onEvent(event: RunEvent): void {
    if (this.closed) return;
    const color = this.options.color;
    switch (event.type) {
      case 'run-start':
        this.dryRun = event.dryRun;
        this.total = event.total;
        this.startedAt = this.now();
        this.pending.push(
          `Running ${event.pipeline}: ${event.total} ${event.total === 1 ? 'task' : 'tasks'}${event.dryRun ? ' (dry run)' : ''}`,
        );
        break;
      case 'task-start':
        this.running.set(event.id, { started: this.now(), last: '' });
        break;
      case 'task-log': {
        const entry = this.running.get(event.id);
        const last = sanitize(event.line.split('\n').findLast((l) => l.trim() !== '') ?? '').trim();
        if (entry !== undefined && last !== '') entry.last = last;
        if (this.options.verbose === true) {
          for (const l of event.line.split('\n'))
            this.pending.push(`${paint(color, Colors.dim, `[${event.id}]`)} ${l}`);
        }
        break;
      }
      case 'task-end': {
        this.running.delete(event.id);
        for (const w of event.warnings ?? [])
          this.pending.push(paint(color, Colors.yellow, `! ${event.id}  warning: ${w}`));
        this.done++;
        const { mark, color: code } = statusMark[event.status];
        const id = `${paint(color, code, mark)} ${event.id}`;
        const time = formatDuration(event.durationMs);
        switch (event.status) {
          case 'ran':
            this.pending.push(`${id}  ${time}  ${formatReason(event.reason)}`);
            break;
          case 'cached':
            if (!quietCached(event, this.options.verbose)) {
              this.pending.push(
                paint(color, Colors.dim, `${mark} ${event.id} ${formatReason(event.reason)}`),
              );
            }
            break;
          case 'failed':
            this.pending.push(
              `${id}  ${paint(color, Colors.red, firstLine(event.error ?? `failed after ${time}`))}`,
            );
            break;
          case 'cancelled':
            this.pending.push(`${id}  cancelled after ${time}`);
            break;
          case 'skipped':
            this.pending.push(
              paint(
                color,
                Colors.dim,
                `${mark} ${event.id}  ${this.dryRun && wouldRun(event) ? 'would run' : 'skipped'} (${formatReason(event.reason)})`,
              ),
            );
            break;
        }
        break;
      }
      case 'run-end':
        this.finish(event.summary);
        return;
    }
    this.request();
  }

  close(): void {
    this.finish(undefined);
  }

  private request(): void {
    this.dirty = true;
    if (this.now() - this.lastDraw >= REDRAW_MS) this.draw();
    // The timer also advances elapsed times and the spinner while nothing else happens; unref'd so that a
    // reporter left open never keeps the process alive.
    this.timer ??= setInterval(() => {
      if (this.dirty || this.running.size > 0) this.draw();
    }, REDRAW_MS).unref();
  }

  private draw(): void {
    const live = this.liveArea();
    this.out.write(`${this.clearLive()}${this.takePending()}${live.map((l) => `${l}\n`).join('')}`);
    this.liveLines = live.length;
    this.lastDraw = this.now();
    this.dirty = false;
  }

  private finish(summary: RunSummary | undefined): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    const tail = summary === undefined ? '' : `\n${formatSummary(summary, { color: this.options.color })}`;
    this.out.write(`${this.clearLive()}${this.takePending()}${tail}`);
    this.liveLines = 0;
  }

  /** Moves the cursor to the first live line and erases to the end of the screen. */
  private clearLive(): string {
    return this.liveLines > 0 ? `\u001b[${this.liveLines}A\r\u001b[J` : '';
  }

  private takePending(): string {
    const text = this.pending.map((l) => `${l}\n`).join('');
    this.pending = [];
    return text;
  }

  private liveArea(): string[] {
    // One column spare: a line that fills the last column wraps on some terminals and breaks the line count.
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const now = this.now();
    const spinner = SPINNER[Math.floor(now / REDRAW_MS) % SPINNER.length] ?? '*';
    const tasks = [...this.running].sort(([a, x], [b, y]) => x.started - y.started || (a < b ? -1 : 1));
    const shown = tasks.slice(0, MAX_SHOWN);
    const idWidth = Math.max(0, ...shown.map(([id]) => id.length));
    const lines = shown.map(([id, task]) =>
      this.fit(
        [
          ['  '],
          [spinner, Colors.cyan],
          [` ${id.padEnd(idWidth)}  ${formatDuration(now - task.started).padStart(6)}  `],
          [task.last, Colors.dim],
        ],
        width,
      ),
    );
    if (tasks.length > shown.length)
      lines.push(this.fit([[`  … and ${tasks.length - shown.length} more running`]], width));
    const filled = this.total === 0 ? 0 : Math.round((this.done / this.total) * BAR_WIDTH);
    const progress: Piece[] = [
      ['  ['],
      ['█'.repeat(filled), Colors.green],
      ['░'.repeat(BAR_WIDTH - filled), Colors.dim],
      [
        `] ${this.done}/${this.total} · ${this.running.size} running · ${formatDuration(now - this.startedAt)}`,
      ],
    ];
    lines.push(this.fit(progress, width));
    return lines;
  }

  private fit(pieces: readonly Piece[], width: number): string {
    let left = width;
    let line = '';
    for (const [text, code] of pieces) {
      if (left <= 0) break;
      const cut = truncate(text, left);
      left -= Array.from(cut).length;
      line += code === undefined ? cut : paint(this.options.color, code, cut);
    }
    return line;
  }
}
