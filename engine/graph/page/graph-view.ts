// The graph panel of the page: the shared SVG drawing inside a pannable, zoomable viewport, with each task's
// state as classes (status, critical, selected, search match, hidden). Classes are set per element, never by
// redrawing, so that a run's live events and a search at 1,000 tasks touch only what changed.
import type { Layout } from '../layout.ts';
import { ARROWS, drawGraph } from './draw.ts';
import type { TaskStatus, ViewGraph } from './overlay.ts';

interface TaskFlags {
  status: TaskStatus;
  critical: boolean;
  selected: boolean;
  match: boolean;
  hidden: boolean;
}

/** What the graph panel tells the page. */
export interface GraphHandlers {
  select(id: string): void;
  hoverEdge(index: number | undefined, event: MouseEvent): void;
}

/** The graph panel. */
export class GraphView {
  private readonly svg: SVGSVGElement;
  private viewport!: SVGGElement;
  private tasks = new Map<string, { el: SVGGElement; kind: string; flags: TaskFlags }>();
  private edges: { el: SVGPathElement; hit?: SVGPathElement; from: string; to: string; critical: boolean }[] =
    [];
  private layout: Layout = { width: 0, height: 0, nodes: {}, edges: [], groups: {} };
  private view = { x: 0, y: 0, k: 1 };
  private frame = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly handlers: GraphHandlers,
  ) {
    this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg.setAttribute('class', 'dsg-graph');
    host.append(this.svg);
    this.listen();
  }

  /** Draws the graph with its layout (replacing what was drawn). */
  render(graph: ViewGraph, layout: Layout): void {
    this.layout = layout;
    const drawing = {
      nodes: graph.tasks.map((t) => ({ id: t.id, kind: t.kind, label: t.label })),
      edges: graph.edges,
      groups: graph.groups,
      layout,
    };
    this.svg.innerHTML = `${ARROWS}<g class="viewport">${drawGraph(drawing, { hitPaths: true })}</g>`;
    this.viewport = this.svg.querySelector('.viewport') as SVGGElement;
    this.tasks.clear();
    const kinds = new Map(graph.tasks.map((t) => [t.id, t.kind]));
    for (const el of this.svg.querySelectorAll<SVGGElement>('.task')) {
      const id = el.dataset.id ?? '';
      const flags = {
        status: 'idle',
        critical: false,
        selected: false,
        match: false,
        hidden: false,
      } as const;
      this.tasks.set(id, { el, kind: kinds.get(id) ?? '', flags: { ...flags } });
    }
    this.edges = graph.edges.map((e) => ({
      el: undefined as unknown as SVGPathElement,
      from: e.from,
      to: e.to,
      critical: false,
    }));
    for (const el of this.svg.querySelectorAll<SVGPathElement>('[data-edge]')) {
      const edge = this.edges[Number(el.dataset.edge)];
      if (!edge) continue;
      if (el.classList.contains('edge-hit')) edge.hit = el;
      else edge.el = el;
    }
    this.edges = this.edges.filter((e) => e.el !== undefined);
    this.fit();
  }

  /** Sets one task's status. */
  setStatus(id: string, status: TaskStatus): void {
    this.update(id, { status });
  }

  /** Marks the critical path: its tasks and the edges between them. */
  setCritical(ids: ReadonlySet<string>, edges: ReadonlySet<number>): void {
    for (const [id, t] of this.tasks)
      if (t.flags.critical !== ids.has(id)) this.update(id, { critical: ids.has(id) });
    this.edges.forEach((e, i) => {
      const critical = edges.has(Number(e.el.dataset.edge ?? i));
      if (critical === e.critical) return;
      e.critical = critical;
      e.el.classList.toggle('critical', critical);
      e.el.setAttribute('marker-end', critical ? 'url(#arrow-critical)' : markerOf(e.el));
    });
  }

  /** Marks the selected task (none with undefined). */
  select(id: string | undefined): void {
    for (const [tid, t] of this.tasks) if (t.flags.selected) this.update(tid, { selected: false });
    if (id !== undefined) this.update(id, { selected: true });
  }

  /** Highlights the tasks whose id contains `query` (case-insensitive); returns them in graph order. */
  search(query: string): string[] {
    const q = query.trim().toLowerCase();
    const matches: string[] = [];
    for (const [id, t] of this.tasks) {
      const match = q !== '' && id.toLowerCase().includes(q);
      if (match && !t.flags.hidden) matches.push(id);
      if (match !== t.flags.match) this.update(id, { match });
    }
    this.svg.classList.toggle('searching', q !== '');
    return matches;
  }

  /** Shows only the tasks `keep` accepts (and edges between shown tasks); fits them in view. */
  filter(keep: (id: string, kind: string) => boolean): number {
    let shown = 0;
    for (const [id, t] of this.tasks) {
      const hidden = !keep(id, t.kind);
      if (!hidden) shown++;
      if (hidden !== t.flags.hidden) this.update(id, { hidden });
    }
    for (const e of this.edges) {
      const hidden =
        this.tasks.get(e.from)?.flags.hidden === true || this.tasks.get(e.to)?.flags.hidden === true;
      e.el.classList.toggle('hidden', hidden);
      e.hit?.classList.toggle('hidden', hidden);
    }
    for (const el of this.svg.querySelectorAll<SVGGElement>('.cluster')) {
      const group = el.dataset.group ?? '';
      const any = [...this.tasks].some(([id, t]) => !t.flags.hidden && id.startsWith(group));
      el.classList.toggle('hidden', !any);
    }
    this.fit();
    return shown;
  }

  /** Fits the shown tasks in the panel. */
  fit(): void {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [id, t] of this.tasks) {
      const b = this.layout.nodes[id];
      if (!b || t.flags.hidden) continue;
      x0 = Math.min(x0, b.x);
      y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.width);
      y1 = Math.max(y1, b.y + b.height);
    }
    if (x0 === Infinity) return;
    const { width, height } = this.host.getBoundingClientRect();
    const pad = 24;
    const k = Math.min(1.5, (width - 2 * pad) / (x1 - x0), (height - 2 * pad) / (y1 - y0));
    this.view = { k, x: (width - (x1 - x0) * k) / 2 - x0 * k, y: (height - (y1 - y0) * k) / 2 - y0 * k };
    this.apply();
  }

  /** Pans so that task `id` is in the middle, zoomed in enough to read it. */
  centre(id: string): void {
    const b = this.layout.nodes[id];
    if (!b) return;
    const { width, height } = this.host.getBoundingClientRect();
    const k = Math.max(this.view.k, 1);
    this.view = { k, x: width / 2 - (b.x + b.width / 2) * k, y: height / 2 - (b.y + b.height / 2) * k };
    this.apply();
  }

  /** The current zoom factor (1 = the layout's units). */
  get zoom(): number {
    return this.view.k;
  }

  private update(id: string, change: Partial<TaskFlags>): void {
    const t = this.tasks.get(id);
    if (!t) return;
    Object.assign(t.flags, change);
    const f = t.flags;
    t.el.setAttribute(
      'class',
      `task k-${t.kind} s-${f.status}${f.critical ? ' critical' : ''}${f.selected ? ' selected' : ''}${f.match ? ' match' : ''}${f.hidden ? ' hidden' : ''}`,
    );
  }

  private apply(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const { x, y, k } = this.view;
      this.viewport.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
      this.svg.classList.toggle('far', k < 0.45);
    });
  }

  private listen(): void {
    // The pointer is captured while it is down, so the task under it is taken when it goes down.
    let drag: { x: number; y: number; moved: boolean; task: Element | null } | undefined;
    this.svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      const k = Math.min(4, Math.max(0.03, this.view.k * Math.exp(-e.deltaY * 0.0015)));
      const f = k / this.view.k;
      this.view = { k, x: px - (px - this.view.x) * f, y: py - (py - this.view.y) * f };
      this.apply();
    });
    this.svg.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false, task: (e.target as Element).closest('.task') };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) {
        const edge = (e.target as Element).closest('[data-edge]');
        this.handlers.hoverEdge(edge ? Number((edge as SVGElement).dataset.edge) : undefined, e);
        return;
      }
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 3) return;
      drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.view = { ...this.view, x: this.view.x + dx, y: this.view.y + dy };
      this.apply();
    });
    this.svg.addEventListener('pointerup', () => {
      const task = drag && !drag.moved ? drag.task : null;
      drag = undefined;
      if (task) this.handlers.select((task as SVGGElement).dataset.id ?? '');
    });
    this.svg.addEventListener('pointerleave', (e) => this.handlers.hoverEdge(undefined, e));
  }
}

function markerOf(el: SVGPathElement): string {
  for (const style of ['dependency', 'implicit'])
    if (el.classList.contains(style)) return `url(#arrow-${style})`;
  return 'url(#arrow)';
}
