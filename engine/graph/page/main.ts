// The page of `dsg graph --format html`: reads its data (embedded by format-html.ts), draws the graph with the
// run over it, the run's timeline, and answers clicks, searches and filters. Bundled with its layout library
// into one file by scripts/bundle.ts; it makes no network request (a served page asks its own server for
// run events, see live.ts).
import type { PageData } from '../format-html.ts';
import { layoutGraph, type Layout } from '../layout.ts';
import type { PageRun, PageRunTask } from '../page-run.ts';
import { detailsHtml } from './details.ts';
import { byId, duration, esc } from './dom.ts';
import { NODE_HEIGHT, nodeWidth } from './draw.ts';
import { GraphView } from './graph-view.ts';
import { listenLive } from './live.ts';
import { criticalEdges, taskStatuses, viewGraph, type TaskStatus } from './overlay.ts';
import { drawTimeline } from './timeline.ts';

const data = JSON.parse(byId('dsg-data').textContent ?? '{}') as PageData;
const graph = viewGraph(data);
let run: PageRun | undefined = data.run;
let statuses = taskStatuses(graph.tasks, run);
let selected: string | undefined;
const taskById = new Map(graph.tasks.map((t) => [t.id, t]));
const runTask = (id: string): PageRunTask | undefined => run?.tasks.find((t) => t.id === id);

const tip = byId('tip');
const view = new GraphView(byId('graph'), {
  select: (id) => select(id),
  hoverEdge: (index, event) => {
    const e = index === undefined ? undefined : graph.edges[index];
    if (!e) {
      tip.hidden = true;
      return;
    }
    const implicit = e.implicit
      ? '<br><em>implicit: the references could not be seen, so every image of the project comes first</em>'
      : '';
    tip.innerHTML = `<b>${esc(e.from)} → ${esc(e.to)}</b><br>${esc(e.reason)}: ${esc(e.detail)}${e.location ? `<br><span class="loc">${esc(e.location)}</span>` : ''}${implicit}`;
    tip.style.left = `${event.clientX + 14}px`;
    tip.style.top = `${event.clientY + 14}px`;
    tip.hidden = false;
  },
});

function header(): void {
  document.title = `${data.model.project.name} · dsg graph`;
  const gone = graph.tasks.length - data.model.nodes.length;
  byId('title').textContent = data.model.project.name;
  byId('counts').textContent = `${data.model.nodes.length} tasks · ${data.model.edges.length} edges`;
  const line = byId('run');
  if (!run) {
    line.innerHTML = data.live ? 'waiting for a run…' : 'no run recorded yet';
    return;
  }
  const total = Math.max(0, ...run.tasks.map((t) => t.startMs + t.durationMs));
  const path = run.criticalPath.map(esc).join(' → ');
  line.innerHTML = `<b>${esc(run.command)}</b> · <span class="outcome o-${esc(run.outcome)}">${esc(run.outcome)}</span> · ${duration(total)}${run.id !== 'live' ? ` · <span class="runid" title="dsg graph --format html --run ${esc(run.id)}">${esc(run.startedAt.replace('T', ' ').slice(0, 19))}</span>` : ''}${path ? ` · critical path: <span class="path">${path}</span>` : ''}`;
  const notes = [...data.notes];
  if (gone > 0)
    notes.push(
      `${gone} task${gone === 1 ? '' : 's'} of this run ${gone === 1 ? 'is' : 'are'} no longer in the graph (drawn dashed).`,
    );
  if (run.older) notes.push('This is not the last run: logs are those of each task’s last run.');
  byId('notes').innerHTML = notes.map((n) => `<div>${esc(n)}</div>`).join('');
}

function paintRun(changed?: readonly string[]): void {
  for (const id of changed ?? taskById.keys()) view.setStatus(id, statuses.get(id) ?? 'idle');
  const path = new Set(run?.criticalPath ?? []);
  view.setCritical(path, criticalEdges(graph.edges, run?.criticalPath ?? []));
  timeline();
}

let timelineQueued = false;
function timeline(): void {
  const host = byId('timeline');
  byId('bottom').hidden = !run;
  if (!run || timelineQueued) return;
  timelineQueued = true;
  requestAnimationFrame(() => {
    timelineQueued = false;
    if (!run) return;
    const bars = run.tasks
      .filter((t) => statuses.get(t.id) !== 'queued' && statuses.get(t.id) !== 'skipped')
      .map((t) => ({
        id: t.id,
        kind: t.kind ?? taskById.get(t.id)?.kind ?? '',
        status: statuses.get(t.id) ?? 'ran',
        startMs: t.startMs,
        durationMs: t.durationMs,
      }));
    drawTimeline(host, bars, new Set(run.criticalPath), selected, select);
  });
}

function select(id: string | undefined): void {
  selected = id !== undefined && taskById.has(id) ? id : undefined;
  view.select(selected);
  for (const bar of document.querySelectorAll('#timeline .bar.selected')) bar.classList.remove('selected');
  const panel = byId('details');
  if (selected === undefined) {
    panel.hidden = true;
    return;
  }
  document.querySelector(`#timeline .bar[data-id="${CSS.escape(selected)}"]`)?.classList.add('selected');
  const task = taskById.get(selected);
  if (!task) return;
  const r = runTask(selected);
  panel.innerHTML = `<button class="close" title="Close (Esc)">×</button>${detailsHtml({
    task,
    status: statuses.get(selected) ?? 'absent',
    ...(r ? { run: r } : {}),
    critical: run?.criticalPath.includes(selected) ?? false,
    edges: graph.edges,
    ...(run ? { runInfo: run } : {}),
  })}`;
  // The panel takes room from the graph: fit the graph in what is left the first time it opens.
  const opening = panel.hidden;
  panel.hidden = false;
  if (opening) view.fit();
}

function controls(): void {
  const kinds = [...new Set(graph.tasks.map((t) => t.kind))];
  const shown = new Set(kinds);
  byId('kinds').innerHTML = kinds
    .map(
      (k) =>
        `<label class="chip k-${esc(k)}"><input type="checkbox" value="${esc(k)}" checked> ${esc(k)}</label>`,
    )
    .join('');
  const project = byId('project') as HTMLSelectElement;
  project.innerHTML = [
    '<option value="*">all projects</option>',
    `<option value="">${esc(data.model.project.name)}</option>`,
    ...graph.groups.map((g) => `<option value="${esc(g.id)}">${esc(g.label)}</option>`),
  ].join('');
  const applyFilter = (): void => {
    const p = project.value;
    const n = view.filter((id, kind) => {
      const t = taskById.get(id);
      return shown.has(kind) && (p === '*' || t?.group === p);
    });
    byId('shown').textContent = n === graph.tasks.length ? '' : `${n} shown`;
  };
  byId('kinds').addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    if (box.checked) shown.add(box.value);
    else shown.delete(box.value);
    applyFilter();
  });
  project.addEventListener('change', applyFilter);
  const search = byId('search') as HTMLInputElement;
  let matches: string[] = [];
  search.addEventListener('input', () => {
    matches = view.search(search.value);
    byId('matches').textContent = search.value.trim() === '' ? '' : `${matches.length} found`;
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || matches.length === 0) return;
    const next = matches[(matches.indexOf(selected ?? '') + 1) % matches.length] ?? '';
    select(next);
    view.centre(next);
  });
  byId('fit').addEventListener('click', () => view.fit());
  byId('details').addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    if (target.closest('.close')) select(undefined);
    const link = target.closest<HTMLElement>('[data-task]');
    if (link) {
      e.preventDefault();
      select(link.dataset.task);
      view.centre(link.dataset.task ?? '');
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') select(undefined);
    if (e.key === '/' && document.activeElement !== search) {
      e.preventDefault();
      search.focus();
    }
  });
  window.addEventListener('resize', () => timeline());
}

async function layoutOf(): Promise<Layout> {
  if (graph.complete) return data.model.layout;
  // Tasks only an older run knows have no place in the CLI's layout: lay everything out again, here.
  byId('run').textContent = 'laying out the tasks of an older graph…';
  return layoutGraph({
    nodes: graph.tasks.map((t) => ({
      id: t.id,
      width: nodeWidth(t.label),
      height: NODE_HEIGHT,
      ...(t.group !== '' ? { group: t.group } : {}),
    })),
    edges: graph.edges,
    groups: graph.groups.map((g) => g.id),
  });
}

async function start(): Promise<void> {
  controls();
  view.render(graph, await layoutOf());
  header();
  paintRun();
  if (data.live) {
    listenLive(
      graph.tasks.map((t) => t.id),
      {
        update: (live, next: ReadonlyMap<string, TaskStatus>, changed) => {
          run = live;
          statuses = new Map(next);
          paintRun(changed);
          header();
          if (selected !== undefined && changed.includes(selected)) select(selected);
        },
      },
    );
  }
  document.body.dataset.ready = String(Math.round(performance.now()));
}

void start();
