// HTTP upgrades: authenticated and resolved like every request (router.ts), then served by the one subresource
// the stand-in upgrades, `pods/NAME/portforward`. Anything else that asks for an upgrade is refused, where a real
// server would serve exec, attach, proxy and SPDY too.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Buffer } from 'node:buffer';
import type { ServerState } from './context.ts';
import { answerUpgrade, servePortForward } from './port-forward.ts';
import { authorize, resolveResource, type RouterSettings } from './router.ts';
import { badRequest, status } from './status.ts';
import type { Stats } from './stats.ts';

/** Handles one request with an `Upgrade` header to completion. */
export function routeUpgrade(
  state: ServerState,
  stats: Stats,
  settings: RouterSettings,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const line = `${method} ${url.pathname}${url.search} (upgrade)`;
  const resource = resolveResource(state, url.pathname);
  const denied = authorize(settings, req, url, resource);
  if (denied) {
    settings.log?.(`${line} -> ${denied.code}`);
    answerUpgrade(socket, denied.code, denied.body);
    return;
  }
  stats.record({ method, path: `${url.pathname}${url.search}`, verb: 'GET', dryRun: false });
  if (resource === undefined || 'reply' in resource) {
    const reply =
      resource?.reply ?? status(404, 'NotFound', 'the server could not find the requested resource');
    settings.log?.(`${line} -> ${reply.code}`);
    answerUpgrade(socket, reply.code, reply.body);
    return;
  }
  if (resource.subresource !== 'portforward' || resource.name === undefined) {
    const reply = badRequest('the stand-in upgrades only pods/NAME/portforward connections');
    settings.log?.(`${line} -> ${reply.code}`);
    answerUpgrade(socket, reply.code, reply.body);
    return;
  }
  settings.log?.(`${line} -> portforward`);
  servePortForward(
    state,
    resource.type,
    resource.namespace,
    resource.name,
    req,
    socket,
    head,
    settings.trackWatch,
  );
}
