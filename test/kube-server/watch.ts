// Watches: a chunked stream of `{"type":…,"object":…}` lines. Starts from `resourceVersion` (replaying the
// history after it), or with synthetic ADDED events for what exists now, like the real server.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { requestSelector } from './read.ts';
import { resourceKey, type StoreEvent } from './store.ts';
import { badRequest, status, type Reply } from './status.ts';
import type { ResourceType } from './resources.ts';

/** Turns an object into what the client asked for (the object itself, or a Table row). */
export type Render = (type: ResourceType, object: KubeObject) => unknown;

/** Streams a watch until the client goes away, `timeoutSeconds` pass, or `stop` is called. */
export function serveWatch(
  state: ServerState,
  req: ResourceRequest,
  res: ServerResponse,
  render: Render,
  track: (stop: () => void) => () => void,
): Reply | undefined {
  const selector = requestSelector(req.query);
  if (!selector.ok) return badRequest(selector.error);
  const resource = resourceKey(req.type);
  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (!req.type.namespaced || req.namespace === undefined || o.metadata.namespace === req.namespace) &&
    (req.name === undefined || o.metadata.name === req.name) &&
    selector.value(o);

  const rvParam = req.query.get('resourceVersion') ?? '';
  const replay = rvParam === '' || rvParam === '0' ? [] : state.store.eventsSince(Number(rvParam));
  const sendInitial = req.query.get('sendInitialEvents') === 'true';

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (event: StoreEvent): void => {
    if (event.resource !== resource) return;
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' && matches(event.previous);
    if (event.type === 'ADDED' && now) write('ADDED', render(req.type, event.object));
    else if (event.type === 'DELETED' && now) write('DELETED', render(req.type, event.object));
    else if (event.type === 'MODIFIED' && now)
      write(before ? 'MODIFIED' : 'ADDED', render(req.type, event.object));
    else if (event.type === 'MODIFIED' && before) write('DELETED', render(req.type, event.object));
  };

  if (replay === undefined) {
    const expired = status(
      410,
      'Expired',
      `too old resource version: ${rvParam} (${state.store.resourceVersion()})`,
    );
    write('ERROR', expired.body);
    res.end();
    return undefined;
  }
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const object of state.store.list(req.type, req.namespace)) {
      if (matches(object)) write('ADDED', render(req.type, object));
    }
  }
  for (const event of replay) deliver(event);
  if (sendInitial) {
    write('BOOKMARK', {
      kind: req.type.kind,
      apiVersion: req.type.group === '' ? req.type.version : `${req.type.group}/${req.type.version}`,
      metadata: {
        resourceVersion: String(state.store.resourceVersion()),
        annotations: { 'k8s.io/initial-events-end': 'true' },
      },
    });
  }

  const unsubscribe = state.store.subscribe(deliver);
  const timeout = Number(req.query.get('timeoutSeconds') ?? '0');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    unsubscribe();
    untrack();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const untrack = track(stop);
  if (timeout > 0) timer = setTimeout(stop, timeout * 1000);
  res.on('close', stop);
  return undefined;
}
