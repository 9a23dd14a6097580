// What containers print, since the stand-in runs none: text a test appends for a pod (by name) or for every pod
// of a label selection (those made later too), per container or for all. `pods/NAME/log` serves it as the
// kubelet does: `container` (required when the pod has several), `tailLines`, and `follow=true`, which keeps
// the answer open, writes what is appended, and ends when the pod is deleted or the server closes.
import type { ServerResponse } from 'node:http';
import { asArray, isRecord, type KubeObject } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { podLog } from './pods.ts';
import { resourceKey } from './store.ts';
import { badRequest, notFound, type Reply } from './status.ts';

/** Which pods a piece of log text belongs to. */
export interface LogTarget {
  namespace: string;
  /** A pod's name, or labels every pod of the text has. */
  pod: string | Readonly<Record<string, string>>;
  /** One container; every container of the pod when unset. */
  container?: string;
}

interface Piece {
  target: LogTarget;
  text: string;
}

/** The log text of every pod, and the follows open on it. */
export class PodLogs {
  private readonly pieces: Piece[] = [];
  private readonly followers = new Set<{ pod: KubeObject; container: string; write: (t: string) => void }>();

  /** Adds `text` to the logs of the target's pods; open follows see it at once. */
  append(target: LogTarget, text: string): void {
    this.pieces.push({ target, text });
    for (const f of this.followers) if (matches(target, f.pod, f.container)) f.write(text);
  }

  /** The whole log of one container: a crash annotation's line, then what was appended for it. */
  text(pod: KubeObject, container: string): string {
    const appended = this.pieces.filter((p) => matches(p.target, pod, container)).map((p) => p.text);
    return podLog(pod) + appended.join('');
  }

  /** Registers an open follow; returns the function that ends it. */
  follow(pod: KubeObject, container: string, write: (t: string) => void): () => void {
    const entry = { pod, container, write };
    this.followers.add(entry);
    return () => this.followers.delete(entry);
  }
}

function matches(target: LogTarget, pod: KubeObject, container: string): boolean {
  if (pod.metadata.namespace !== target.namespace) return false;
  if (target.container !== undefined && target.container !== container) return false;
  if (typeof target.pod === 'string') return pod.metadata.name === target.pod;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(target.pod).every(([k, v]) => labels[k] === v);
}

/** GET `pods/NAME/log`: the text, or a stream of it with `follow=true`; undefined when streaming. */
export function serveLog(
  state: ServerState,
  req: ResourceRequest,
  res: ServerResponse,
  track: (stop: () => void) => () => void,
): Reply | undefined {
  const name = req.name ?? '';
  const pod = state.store.get(req.type, req.namespace, name);
  if (!pod) return notFound(req.type, name);
  const containers = asArray(isRecord(pod['spec']) ? pod['spec']['containers'] : undefined)
    .map((c) => (isRecord(c) && typeof c['name'] === 'string' ? c['name'] : ''))
    .filter((c) => c !== '');
  const asked = req.query.get('container') ?? '';
  // The messages of k8s.io/kubernetes/pkg/registry/core/pod/strategy.go (LogLocation).
  if (asked === '' && containers.length > 1)
    return badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
    );
  const container = asked || containers[0] || '';
  if (!containers.includes(container))
    return badRequest(`container ${container} is not valid for pod ${name}`);
  const tail = req.query.get('tailLines');
  const text = tailOf(state.logs.text(pod, container), tail === null ? undefined : Number(tail));
  if (!['1', 'true'].includes(req.query.get('follow') ?? '')) return { code: 200, body: text };

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  if (text !== '') res.write(text);
  const key = resourceKey(req.type);
  const unfollow = state.logs.follow(pod, container, (t) => {
    if (!res.writableEnded) res.write(t);
  });
  const unsubscribe = state.store.subscribe((event) => {
    const o = event.object;
    if (event.resource === key && event.type === 'DELETED' && o.metadata.uid === pod.metadata.uid) stop();
  });
  const stop = (): void => {
    unfollow();
    unsubscribe();
    untrack();
    if (!res.writableEnded) res.end();
  };
  const untrack = track(stop);
  res.on('close', stop);
  return undefined;
}

/** The last `lines` lines of a log (all of it when undefined or not a number). */
function tailOf(text: string, lines: number | undefined): string {
  if (lines === undefined || !Number.isInteger(lines) || lines < 0) return text;
  if (lines === 0) return '';
  const all = text.split('\n');
  const last = all.at(-1) === '' ? all.slice(0, -1) : all;
  const kept = last.slice(-lines);
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
