// A live graph page: serves one page on loopback and pushes run events to it over Server-Sent Events, so the
// page's tasks change state as a run goes. Built for `dsg dev --ui`, which wires it in three lines:
//
//   const page = await graphPageHtml(graph, { stateDir, live: true });        // graph-page.ts
//   const ui = page.ok ? await servePage({ html: page.value }) : undefined;   // then print ui.value.url
//   emit: (event) => { reporter.onEvent(event); ui?.ok && ui.value.send(event); }
//
// and `ui.value.setPage(html)` after a recompile, `await ui.value.close()` at exit. Routes: `GET /` the page,
// `GET /events` the event stream (a page opened mid-run first gets the run so far), `/favicon.ico` empty,
// anything else 404. It
// listens on 127.0.0.1 only (a random free port unless `port` is given).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail, ok, type Result } from '../../core/result.ts';
import type { RunEvent } from '../run/events.ts';

/** A page being served. */
export interface PageServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** Pushes a run event to every open page (and keeps it for pages opened later in the same run). */
  send(event: RunEvent): void;
  /** Serves `html` from now on and tells open pages to reload. */
  setPage(html: string): void;
  /** Ends every event stream and stops listening. */
  close(): Promise<void>;
}

/** Options of `servePage`. */
export interface PageServerOptions {
  /** The page, made with `graphPageHtml(graph, { live: true, ... })`. */
  html: string;
  /** A fixed port; a random free one by default. */
  port?: number;
}

/** Log lines of each task a page opened mid-run still gets. */
const REPLAYED_LOG_LINES = 40;
/** A comment line this often keeps idle streams open through proxies and browsers. */
const KEEP_ALIVE_MS = 15_000;

/** Starts serving; fails with one message when the port cannot be had. */
export async function servePage(options: PageServerOptions): Promise<Result<PageServer, string>> {
  let html = options.html;
  const streams = new Set<ServerResponse>();
  // The current run: its events without log lines, and the last log lines of each task.
  let backlog: RunEvent[] = [];
  const logs = new Map<string, RunEvent[]>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (req.method === 'GET' && path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 1000\n\n');
      for (const event of [...backlog, ...[...logs.values()].flat()]) res.write(frame(event));
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    // Browsers ask a served page for its icon: none, and no error in the page's console for it.
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found\n');
  });
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const listening = await new Promise<string | undefined>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE'
          ? `Cannot serve the graph page on port ${options.port ?? 0}: it is in use — pick another port`
          : `Cannot serve the graph page: ${error.message}`,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  if (listening !== undefined) {
    clearInterval(keepAlive);
    return fail(listening);
  }
  const { port } = server.address() as AddressInfo;
  return ok({
    url: `http://127.0.0.1:${port}/`,
    send(event) {
      if (event.type === 'run-start') {
        backlog = [];
        logs.clear();
      }
      if (event.type === 'task-log') {
        const lines = logs.get(event.id) ?? [];
        lines.push(event);
        if (lines.length > REPLAYED_LOG_LINES) lines.shift();
        logs.set(event.id, lines);
      } else {
        backlog.push(event);
      }
      const text = frame(event);
      for (const res of streams) res.write(text);
    },
    setPage(next) {
      html = next;
      for (const res of streams) res.write('event: reload\ndata: {}\n\n');
    },
    close() {
      clearInterval(keepAlive);
      for (const res of streams) res.end();
      streams.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  });
}

/** One SSE message: JSON never holds a raw newline, so one `data:` line carries it. */
function frame(event: RunEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}
