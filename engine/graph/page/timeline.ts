// The timeline panel: the run's tasks as bars on parallel lanes (lanes.ts), coloured by kind, the critical
// path outlined, cache hits as thin ticks. Redrawn whole: a run has at most as many bars as tasks.
import { KIND_COLOURS, xml } from './draw.ts';
import { assignLanes } from './lanes.ts';
import type { TaskStatus } from './overlay.ts';
import { duration } from './dom.ts';

/** A bar of the timeline. */
export interface Bar {
  id: string;
  kind: string;
  status: TaskStatus;
  startMs: number;
  durationMs: number;
}

const LANE = 18;
const AXIS = 22;
const LEFT = 8;

/** Draws `bars` into `host`, the `critical` ones outlined; clicks on a bar call `select`. */
export function drawTimeline(
  host: HTMLElement,
  bars: readonly Bar[],
  critical: ReadonlySet<string>,
  selected: string | undefined,
  select: (id: string) => void,
): void {
  const { lane, count } = assignLanes(bars);
  const end = Math.max(1, ...bars.map((b) => b.startMs + b.durationMs));
  const width = Math.max(200, host.clientWidth - 3 * LEFT - 12);
  const scale = width / end;
  const out: string[] = [];
  for (const t of ticks(end)) {
    const x = LEFT + t * scale;
    out.push(
      `<line class="tick" x1="${x}" x2="${x}" y1="${AXIS - 6}" y2="${AXIS + count * LANE}"/><text class="tick-label" x="${x + 3}" y="12">${duration(t)}</text>`,
    );
  }
  for (const b of bars) {
    const x = LEFT + b.startMs * scale;
    const y = AXIS + (lane.get(b.id) ?? 0) * LANE + 2;
    const w = Math.max(2, b.durationMs * scale);
    const [fill, stroke] = KIND_COLOURS[b.kind] ?? ['#eee', '#888'];
    const cls = `bar s-${b.status}${critical.has(b.id) ? ' critical' : ''}${b.id === selected ? ' selected' : ''}`;
    const label = w > 60 ? `<text x="${x + 4}" y="${y + 11}">${xml(fit(b.id, w))}</text>` : '';
    out.push(
      `<g class="${cls}" data-id="${xml(b.id)}"><title>${xml(`${b.id} · ${b.status} · ${duration(b.durationMs)} from ${duration(b.startMs)}`)}</title><rect x="${x}" y="${y}" width="${w}" height="${LANE - 4}" fill="${fill}" stroke="${stroke}"/>${label}</g>`,
    );
  }
  const height = AXIS + count * LANE + 4;
  host.innerHTML = `<svg class="timeline" width="${width + 2 * LEFT}" height="${height}">${out.join('')}</svg>`;
  host.querySelector('svg')?.addEventListener('click', (e) => {
    const bar = (e.target as Element).closest('.bar');
    if (bar) select((bar as SVGGElement).dataset.id ?? '');
  });
}

/** Round tick times over `[0, end]`, about six of them. */
function ticks(end: number): number[] {
  const raw = end / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= end; t += step) out.push(t);
  return out;
}

function fit(text: string, width: number): string {
  const chars = Math.floor((width - 8) / 6.2);
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}
