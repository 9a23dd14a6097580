// The page's graph with the run over it: the model's tasks, plus the tasks of an older graph that only the run
// remembers ("gone"), each with its state in the run; and the edges of the critical path. Pure: no DOM.
import type { ModelEdge, ModelNode } from '../page-model.ts';
import type { PageData } from '../format-html.ts';
import type { PageRun, PageRunTask } from '../page-run.ts';
import { nodeLabel } from './draw.ts';

/** A task as the page draws it. */
export interface ViewTask {
  id: string;
  kind: string;
  label: string;
  /** Its cluster (dependency scope), '' for the root project. */
  group: string;
  /** The compiled task, absent for a task only an older run knows. */
  node?: ModelNode;
}

/** An edge as the page draws it: the model's, or one remembered by the run (`gone`). */
export type ViewEdge = Pick<ModelEdge, 'from' | 'to' | 'reason' | 'implicit' | 'detail'> & {
  location?: string;
  gone?: boolean;
};

/**
 * What a task did in the run shown: its outcome, or `running`/`queued` live, `absent` (not in the run), `gone`
 * (not in the graph any more); `idle` when there is no run at all.
 */
export type TaskStatus =
  'idle' | 'ran' | 'cached' | 'failed' | 'cancelled' | 'skipped' | 'queued' | 'running' | 'absent' | 'gone';

/** The page's graph: tasks, edges, clusters; `complete` when the model's layout covers every task. */
export interface ViewGraph {
  tasks: ViewTask[];
  edges: ViewEdge[];
  groups: { id: string; label: string }[];
  complete: boolean;
}

/** The scope of a task id: `db/` of `db/deploy:web`, '' for the root project. */
export function scopeOf(id: string): string {
  const colon = id.indexOf(':');
  return id.slice(0, id.lastIndexOf('/', colon < 0 ? id.length : colon) + 1);
}

/** The model's graph, plus the run's tasks that are not in it (and the edges the run recorded to them). */
export function viewGraph(data: Pick<PageData, 'model' | 'run'>): ViewGraph {
  const { model, run } = data;
  const tasks: ViewTask[] = model.nodes.map((n) => ({
    id: n.id,
    kind: n.kind,
    label: n.label,
    group: n.group,
    node: n,
  }));
  const edges: ViewEdge[] = model.edges.map((e) => ({ ...e }));
  const groups = [...model.groups];
  const known = new Set(tasks.map((t) => t.id));
  const gone = (run?.tasks ?? []).filter((t) => !known.has(t.id));
  for (const t of gone) {
    const group = scopeOf(t.id);
    tasks.push({
      id: t.id,
      kind: t.kind ?? t.id.slice(group.length).split(':')[0] ?? '',
      label: nodeLabel(t.id, group),
      group,
    });
    if (group !== '' && !groups.some((g) => g.id === group))
      groups.push({ id: group, label: `${group} (no longer in the config)` });
  }
  if (gone.length > 0) {
    const all = new Set(tasks.map((t) => t.id));
    const goneIds = new Set(gone.map((t) => t.id));
    for (const t of run?.tasks ?? []) {
      for (const dep of t.deps ?? []) {
        if (!all.has(dep) || (!goneIds.has(dep) && !goneIds.has(t.id))) continue;
        edges.push({
          from: dep,
          to: t.id,
          reason: 'gone',
          implicit: false,
          detail: 'an edge of the older graph',
          gone: true,
        });
      }
    }
  }
  return { tasks, edges, groups, complete: gone.length === 0 };
}

/** Each task's status in `run` (all `idle` without one). */
export function taskStatuses(tasks: readonly ViewTask[], run: PageRun | undefined): Map<string, TaskStatus> {
  const byId = new Map<string, PageRunTask>((run?.tasks ?? []).map((t) => [t.id, t]));
  return new Map(
    tasks.map((t) => {
      const r = byId.get(t.id);
      if (!t.node) return [t.id, 'gone'];
      return [t.id, r ? runStatus(r.outcome) : run ? 'absent' : 'idle'];
    }),
  );
}

/** A stored outcome as a status (unknown words from a newer dsg read as `ran`). */
export function runStatus(outcome: string): TaskStatus {
  return outcome === 'cached' || outcome === 'failed' || outcome === 'cancelled' || outcome === 'skipped'
    ? outcome
    : 'ran';
}

/** Indexes of the edges that join two consecutive tasks of the critical path. */
export function criticalEdges(edges: readonly ViewEdge[], path: readonly string[]): Set<number> {
  const links = new Set(path.slice(1).map((id, i) => `${path[i] ?? ''}\u0000${id}`));
  const out = new Set<number>();
  edges.forEach((e, i) => {
    if (links.has(`${e.from}\u0000${e.to}`)) out.add(i);
  });
  return out;
}
