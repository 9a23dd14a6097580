// The details panel: what the page knows of one task: where it comes from, its inputs, and in the run shown
// its outcome and reason, duration, key, key record and the tail of its log.
import type { Json } from '../../../core/json.ts';
import type { PageRun, PageRunTask } from '../page-run.ts';
import { duration, esc } from './dom.ts';
import type { TaskStatus, ViewEdge, ViewTask } from './overlay.ts';

/** Everything the panel shows of a task. */
export interface TaskDetails {
  task: ViewTask;
  status: TaskStatus;
  /** The task in the run shown (or as seen live). */
  run?: Partial<PageRunTask> & { id: string };
  critical: boolean;
  edges: readonly ViewEdge[];
  runInfo?: Pick<PageRun, 'id' | 'older'>;
}

const STATUS_TEXT: Record<TaskStatus, string> = {
  idle: 'no run recorded',
  ran: 'ran',
  cached: 'cached',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped (dry run)',
  queued: 'waiting',
  running: 'running',
  absent: 'not in this run',
  gone: 'no longer in the graph',
};

/** The panel's HTML for `d`. */
export function detailsHtml(d: DetailsInput): string {
  const { task, run } = d;
  const node = task.node;
  const parts: string[] = [
    `<h2><span class="kind k-${esc(task.kind)}">${esc(task.kind)}</span> ${esc(task.id)}</h2>`,
    `<p class="status s-${d.status}">${esc(STATUS_TEXT[d.status])}${d.critical ? ' <span class="crit">critical path</span>' : ''}</p>`,
  ];
  if (d.status === 'gone')
    parts.push(
      '<p class="note">This task was in the graph of the run shown, but the config no longer has it.</p>',
    );
  const rows: [string, string][] = [];
  if (node) rows.push(['defined at', esc(node.location)]);
  if (task.group !== '') rows.push(['project', esc(task.group)]);
  if (run?.reason !== undefined) rows.push(['reason', esc(run.reason)]);
  if (run?.durationMs !== undefined && d.status !== 'queued')
    rows.push([
      'duration',
      `${duration(run.durationMs)}${run.startMs !== undefined ? ` (from ${duration(run.startMs)})` : ''}`,
    ]);
  if (run?.key !== undefined)
    rows.push([
      'key',
      `<code title="${esc(run.key)}">${esc(run.key.slice(0, 16))}…</code>${run.keyFrom === 'last-success' ? ' <span class="note">(of its last success: this run did not record keys)</span>' : ''}`,
    ]);
  parts.push(table(rows));
  if (run?.error !== undefined) parts.push(`<h3>Error</h3><pre class="error">${esc(run.error)}</pre>`);
  if (node)
    parts.push(
      '<h3>Inputs</h3>',
      table(Object.entries(node.inputs).map(([k, v]) => [esc(k), esc(jsonText(v))])),
    );
  const record = run?.record;
  if (record) {
    const files = `${record.files} file${record.files === 1 ? '' : 's'}${record.sample.length > 0 ? `: ${record.sample.map(esc).join(', ')}${record.files > record.sample.length ? ', …' : ''}` : ''}`;
    const rows2: [string, string][] = [['files', files]];
    for (const [label, map] of [
      ['env', record.env],
      ['tools', record.tools],
      ['upstream', record.upstream],
    ] as const) {
      const entries = Object.entries(map);
      if (entries.length > 0)
        rows2.push([label, entries.map(([k, v]) => `${esc(k)} = <code>${esc(v)}</code>`).join('<br>')]);
    }
    parts.push('<h3>Key record</h3>', table(rows2));
  }
  const ups = d.edges.filter((e) => e.to === task.id);
  const downs = d.edges.filter((e) => e.from === task.id);
  if (ups.length > 0) parts.push('<h3>Waits for</h3>', links(ups.map((e) => [e.from, e.detail])));
  if (downs.length > 0) parts.push('<h3>Needed by</h3>', links(downs.map((e) => [e.to, e.detail])));
  if (run?.log !== undefined) {
    const whose = d.runInfo?.older ? ' (of its last run, which may be later than the run shown)' : '';
    parts.push(`<h3>Log${whose}</h3><pre class="log">${esc(run.log)}</pre>`);
  }
  return parts.join('');
}

type DetailsInput = TaskDetails;

function table(rows: readonly (readonly [string, string])[]): string {
  if (rows.length === 0) return '';
  return `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function links(items: readonly (readonly [string, string])[]): string {
  return `<ul class="links">${items.map(([id, why]) => `<li><a href="#" data-task="${esc(id)}">${esc(id)}</a> <span class="why">${esc(why)}</span></li>`).join('')}</ul>`;
}

function jsonText(v: Json): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}
