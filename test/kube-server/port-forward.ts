// `pods/NAME/portforward` as a cluster serves it over a websocket. The API server finds the pod (a Status 404
// when it is not there; 400 `Upgrade request required` for a request that is no upgrade) and hands the
// connection to the kubelet, which needs `ports` and speaks the channel protocol: `v4.channel.k8s.io`, or the
// unnamed legacy one with the same framing; a client offering neither is refused (403). Per port i, data channel
// 2i and error channel 2i+1, each opened with the port number (two bytes, little-endian). Pods run nothing here,
// so a test says what a pod's port reaches: `servePodPort({ namespace, pod }, 80, hostPort)`, a loopback TCP port
// standing for the container. A port nobody serves gets the kubelet's words on the error channel, then the
// websocket closes; the forwards of a pod end when it is deleted.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerState } from './context.ts';
import type { KubeObject } from './object.ts';
import { resourceKey } from './store.ts';
import { badRequest, notFound, status, type Reply } from './status.ts';
import type { ResourceType } from './resources.ts';

/** The pods a served port belongs to: one by name, or every pod with some labels (pods made later too). */
export interface PodPortTarget {
  namespace: string;
  pod: string | Readonly<Record<string, string>>;
}

/** The protocols the kubelet accepts; '' is a client that names none. */
const PROTOCOLS = ['v4.channel.k8s.io', ''];

/** What each pod's ports reach, as tests declared it; the latest declaration for a pod and port wins. */
export class PodPorts {
  private readonly served: { target: PodPortTarget; port: number; hostPort: number }[] = [];

  /** Declares that `port` of the target's pods is the loopback TCP port `hostPort`. */
  serve(target: PodPortTarget, port: number, hostPort: number): void {
    this.served.push({ target, port, hostPort });
  }

  /** The loopback port `port` of `pod` reaches; undefined when nothing serves it. */
  hostPort(pod: KubeObject, port: number): number | undefined {
    return this.served.findLast((s) => s.port === port && matches(s.target, pod))?.hostPort;
  }
}

function matches(target: PodPortTarget, pod: KubeObject): boolean {
  if (pod.metadata.namespace !== target.namespace) return false;
  if (typeof target.pod === 'string') return pod.metadata.name === target.pod;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(target.pod).every(([k, v]) => labels[k] === v);
}

/** A request to `portforward` that is no upgrade: refused as the API server's upgrade-aware proxy does. */
export function portForwardWithoutUpgrade(method: string): Reply {
  if (method !== 'GET' && method !== 'POST')
    return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  return badRequest('Upgrade request required');
}

/** Writes an HTTP answer on a socket that asked for an upgrade, then closes it. */
export function answerUpgrade(socket: Duplex, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: ${type}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

// Only the handshake: the server keeps no list of clients (each forward tracks its own for closing).
const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

/** An upgrade to `pods/NAME/portforward`: refused as a cluster refuses it, or forwarded until either side ends. */
export function servePortForward(
  state: ServerState,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  track: (stop: () => void) => () => void,
): void {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://localhost');
  const pod = state.store.get(type, namespace, name);
  const refuse = (reply: Reply): void => answerUpgrade(socket, reply.code, reply.body);
  if (method !== 'GET' && method !== 'POST') return refuse(portForwardWithoutUpgrade(method));
  if (!pod) return refuse(notFound(type, name));
  // The kubelet's checks, in its order (pkg/kubelet/server, portforward.NewV4Options); its answers are text.
  const ports = parsePorts(url.searchParams.getAll('ports'));
  if (typeof ports === 'string') return answerUpgrade(socket, 400, `${ports}\n`);
  if (pod.metadata.deletionTimestamp || podPhase(pod) !== 'Running')
    return answerUpgrade(socket, 400, 'unable to upgrade connection: pod does not exist\n');
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
    return answerUpgrade(socket, 400, 'this stand-in forwards ports over websockets only, not SPDY\n');
  if (method !== 'GET') return answerUpgrade(socket, 405, '');
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const chosen = offered.length === 0 ? '' : offered.find((p) => PROTOCOLS.includes(p));
  if (chosen === undefined) return answerUpgrade(socket, 403, '');
  sockets.handleUpgrade(req, socket, head, (ws) => forward(state, type, pod, ports, ws, track));
}

/** `ports=80,8080` (repeatable) as the kubelet reads it; the kubelet's message when it cannot. */
function parsePorts(values: string[]): number[] | string {
  if (values.length === 0) return 'query parameter "port" is required';
  const out: number[] = [];
  for (const value of values) {
    if (value === '') return 'query parameter "port" cannot be empty';
    for (const p of value.split(',')) {
      const port = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(port <= 65535))
        return `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`;
      if (port < 1) return `port "${value}" must be > 0`;
      out.push(port);
    }
  }
  return out;
}

function podPhase(pod: KubeObject): unknown {
  const s = pod['status'];
  return typeof s === 'object' && s !== null ? (s as Record<string, unknown>)['phase'] : undefined;
}

function forward(
  state: ServerState,
  type: ResourceType,
  pod: KubeObject,
  ports: number[],
  ws: WebSocket,
  track: (stop: () => void) => () => void,
): void {
  const tcp: (Socket | undefined)[] = [];
  let open = ports.length;
  const portDone = (): void => {
    open -= 1;
    if (open === 0) ws.close(1000);
  };
  ports.forEach((port, i) => {
    ws.send(Buffer.from([2 * i, port & 0xff, port >> 8]));
    ws.send(Buffer.from([2 * i + 1, port & 0xff, port >> 8]));
    const refused = (): void => {
      ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(refusal(pod, port))]));
      portDone();
    };
    const hostPort = state.ports.hostPort(pod, port);
    if (hostPort === undefined) return refused();
    const socket = connect(hostPort, '127.0.0.1');
    tcp[i] = socket;
    let connected = false;
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([2 * i]), chunk])));
    socket.on('error', () => undefined);
    socket.on('close', () => (connected ? portDone() : refused()));
  });
  ws.on('message', (data: Buffer) => {
    const channel = data[0] ?? 1;
    // Only data channels are read; the kubelet drops what a client writes to an error channel.
    if (channel % 2 === 0) tcp[channel / 2]?.write(data.subarray(1));
  });
  const key = resourceKey(type);
  const unsubscribe = state.store.subscribe((event) => {
    if (event.resource === key && event.type === 'DELETED' && event.object.metadata.uid === pod.metadata.uid)
      ws.terminate();
  });
  const untrack = track(() => ws.terminate());
  ws.on('error', () => undefined);
  ws.on('close', () => {
    for (const socket of tcp) socket?.destroy();
    unsubscribe();
    untrack();
  });
}

/** What a kubelet with containerd writes on the error channel when nothing listens on the port. */
function refusal(pod: KubeObject, port: number): string {
  const sandbox = createHash('sha256')
    .update(pod.metadata.uid ?? '')
    .digest('hex');
  const netns = `/var/run/netns/cni-${sandbox.slice(0, 8)}-${sandbox.slice(8, 12)}-${sandbox.slice(12, 16)}`;
  return (
    `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace ` +
    `"${netns}": failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 ` +
    `127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  );
}
