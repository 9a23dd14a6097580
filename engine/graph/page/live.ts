// The page's end of page-server.ts: run events over Server-Sent Events at `events` (beside the page), folded
// into the run the page shows: statuses change as tasks start and end, the timeline and critical path follow.
import type { RunEvent } from '../../run/events.ts';
import { formatReason } from '../../run/reasons.ts';
import type { PageRun, PageRunTask } from '../page-run.ts';
import { runStatus, type TaskStatus } from './overlay.ts';

/** How the page hears a live run. */
export interface LiveHandlers {
  /** The run changed: `changed` are the ids whose status changed (all of them on a new run). */
  update(run: PageRun, statuses: ReadonlyMap<string, TaskStatus>, changed: readonly string[]): void;
}

/** Lines of a task's log kept live. */
const LOG_LINES = 40;

/** Listens for run events; `known` are the graph's task ids. Returns a function that stops listening. */
export function listenLive(known: readonly string[], handlers: LiveHandlers): () => void {
  const source = new EventSource('events');
  // The server has a new page (the graph was compiled again).
  source.addEventListener('reload', () => location.reload());
  let run: PageRun | undefined;
  let t0 = 0;
  const statuses = new Map<string, TaskStatus>();
  const tasks = new Map<string, PageRunTask>();
  const task = (id: string): PageRunTask => {
    let t = tasks.get(id);
    if (!t) {
      t = { id, outcome: 'queued', reason: '', startMs: 0, durationMs: 0 };
      tasks.set(id, t);
      if (run) run.tasks.push(t);
    }
    return t;
  };
  source.onmessage = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as RunEvent;
    const now = performance.now() - t0;
    const changed: string[] = [];
    switch (event.type) {
      case 'run-start': {
        t0 = performance.now();
        tasks.clear();
        run = {
          id: 'live',
          command: `dsg run ${event.pipeline}`,
          pipeline: event.pipeline,
          startedAt: new Date().toISOString(),
          finishedAt: '',
          outcome: 'running',
          tasks: [],
          criticalPath: [],
          older: false,
        };
        for (const id of known) statuses.set(id, 'absent');
        for (const t of event.tasks) {
          statuses.set(t.id, 'queued');
          task(t.id).kind = t.kind;
        }
        changed.push(...statuses.keys());
        break;
      }
      case 'task-start': {
        const t = task(event.id);
        t.startMs = now;
        t.reason = formatReason(event.reason);
        statuses.set(event.id, 'running');
        changed.push(event.id);
        break;
      }
      case 'task-log': {
        const t = task(event.id);
        const lines = `${t.log === undefined ? '' : `${t.log}\n`}${event.line}`.split('\n');
        t.log = lines.slice(-LOG_LINES).join('\n');
        break;
      }
      case 'task-end': {
        const t = task(event.id);
        if (statuses.get(event.id) !== 'running') t.startMs = Math.max(0, now - event.durationMs);
        Object.assign(t, {
          outcome: event.status,
          reason: formatReason(event.reason),
          durationMs: event.durationMs,
        });
        if (event.error !== undefined) t.error = event.error;
        statuses.set(event.id, runStatus(event.status));
        changed.push(event.id);
        break;
      }
      case 'run-end': {
        if (!run) return;
        for (const s of event.summary.tasks) {
          Object.assign(task(s.id), {
            outcome: s.status,
            reason: formatReason(s.reason),
            startMs: s.startMs,
            durationMs: s.durationMs,
            kind: s.kind,
          });
          statuses.set(s.id, runStatus(s.status));
          changed.push(s.id);
        }
        run.criticalPath = event.summary.criticalPath.map((s) => s.id);
        run.outcome = event.summary.ok
          ? 'succeeded'
          : event.summary.counts.failed > 0
            ? 'failed'
            : 'cancelled';
        run.finishedAt = new Date().toISOString();
        break;
      }
    }
    if (run) handlers.update(run, statuses, changed);
  };
  return () => source.close();
}
