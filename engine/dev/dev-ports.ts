// `dev.NAME.ports` in `dsg dev`: a listener on `bindAddress:local` for each entry (from the start of the loop),
// each accepted connection carried to `remote` of the entry's pod through the API server (KubeClient.forwardPort).
// The pod is the newest one the entry selects, looked up again when a rollout replaced it. Nothing here stops the
// loop: a taken local port, a refused forward or a gone pod are warnings, one per cause, and the one connection
// closes. `localhost` listens on 127.0.0.1 and, where the machine has it, ::1, as kubectl port-forward does.
import { createServer, type Server, type Socket } from 'node:net';
import type { DevConfig, DevPortConfig } from '../../core/config.ts';
import type { KubeClient } from '../../tasks/kube/client.ts';
import type { KubeFailure } from '../../tasks/kube/errors.ts';
import type { SelectedContainer } from './dev-pods.ts';
import type { DevViewEvent } from './events.ts';

/** What the forwards need from DevServices. */
export interface DevPortsDeps {
  emit(event: DevViewEvent): void;
  /** Warns once for `key` until `clearWarnings` is called with a prefix of it. */
  warnOnce(key: string, message: string): void;
  /** Forgets the warnings whose keys start with `prefix`: the next failure of their kind is said again. */
  clearWarnings(prefix: string): void;
  /** The pod new connections of `dev` go to, listing the pods first when `fresh` or none is known. */
  podFor(dev: DevConfig, fresh: boolean): Promise<{ pod: SelectedContainer; kube: KubeClient } | undefined>;
}

interface Listener {
  dev: DevConfig;
  port: DevPortConfig;
  servers: Server[];
  listening: boolean;
  /** The pod the last "forwarding" line named. */
  announced: string | undefined;
}

/** The port-forward listeners of one `dsg dev` session. */
export class DevPorts {
  private readonly listeners = new Map<string, Listener>();
  private readonly sockets = new Set<Socket>();
  private readonly closing = new AbortController();
  private readonly pods = new Map<string, string>();

  constructor(private readonly deps: DevPortsDeps) {}

  /** Listens for the ports of the (re)loaded config; listeners of ports that left it close. */
  setConfig(devs: readonly DevConfig[]): void {
    if (this.closing.signal.aborted) return;
    const wanted = new Map<string, { dev: DevConfig; port: DevPortConfig }>();
    for (const dev of devs)
      for (const port of dev.ports)
        wanted.set(`${dev.name}\n${port.bindAddress}\n${port.local}`, { dev, port });
    for (const [key, l] of this.listeners) {
      if (wanted.has(key)) continue;
      for (const s of l.servers) s.close();
      this.listeners.delete(key);
    }
    for (const [key, { dev, port }] of wanted) {
      const known = this.listeners.get(key);
      if (known) {
        known.dev = dev;
        known.port = port;
        if (known.listening) continue;
      }
      this.listen(key, dev, port);
    }
  }

  /** The pod `dev` now selects: each of its listening ports says where it forwards, once per pod. */
  selected(dev: DevConfig, pod: SelectedContainer | undefined): void {
    if (pod) this.pods.set(dev.name, pod.pod);
    else this.pods.delete(dev.name);
    for (const l of this.listeners.values()) if (l.dev.name === dev.name) this.announce(l);
  }

  /** Closes every listener and forwarded connection. */
  async close(): Promise<void> {
    this.closing.abort();
    const closed = [...this.listeners.values()].flatMap((l) =>
      l.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    this.listeners.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all(closed);
  }

  private listen(key: string, dev: DevConfig, port: DevPortConfig): void {
    const hosts = port.bindAddress === 'localhost' ? ['127.0.0.1', '::1'] : [port.bindAddress];
    const listener: Listener = { dev, port, servers: [], listening: false, announced: undefined };
    this.listeners.set(key, listener);
    const address = `${port.bindAddress}:${port.local}`;
    let pending = hosts.length;
    let primary = false;
    const settled = (): void => {
      pending -= 1;
      if (pending > 0) return;
      // Without its IPv4 address a `localhost` forward is off, even when ::1 was free: one clear state.
      listener.listening = primary;
      if (!primary) for (const s of listener.servers) s.close();
      if (listener.listening) {
        this.deps.clearWarnings(`listen\n${key}`);
        this.announce(listener);
      }
    };
    hosts.forEach((host, i) => {
      const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
        this.accept(listener, socket).catch((e: unknown) => {
          socket.destroy();
          this.deps.warnOnce(`bug\n${key}`, `dev.${dev.name}: cannot forward ${address}: ${String(e)}`);
        });
      });
      server.once('error', (e: NodeJS.ErrnoException) => {
        server.close();
        // ::1 is a courtesy for clients that try it first: a machine without IPv6 forwards 127.0.0.1 alone.
        if (i === 0) this.deps.warnOnce(`listen\n${key}`, listenProblem(dev, address, e));
        settled();
      });
      server.listen({ host, port: port.local }, () => {
        listener.servers.push(server);
        if (i === 0) primary = true;
        settled();
      });
    });
  }

  private announce(l: Listener): void {
    const pod = this.pods.get(l.dev.name);
    if (!l.listening || pod === undefined || l.announced === pod) return;
    l.announced = pod;
    const line = `forwarding ${l.port.bindAddress}:${l.port.local} -> pod/${pod}:${l.port.remote}`;
    this.deps.emit({ type: 'dev-log', source: l.dev.name, line });
  }

  private async accept(l: Listener, socket: Socket): Promise<void> {
    const { dev, port } = l;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const signal = this.closing.signal;
    const address = `${port.bindAddress}:${port.local}`;
    let target = await this.deps.podFor(dev, false);
    let forwarded =
      target && (await target.kube.forwardPort(podRef(target.pod), port.remote, socket, signal));
    // The pod went away since it was chosen (a rollout): nothing was read yet, so the next pod gets it.
    if (forwarded && !forwarded.ok && refusedUpgrade(forwarded.error) && !socket.destroyed) {
      const before = target?.pod.uid;
      target = await this.deps.podFor(dev, true);
      forwarded =
        target && target.pod.uid !== before
          ? await target.kube.forwardPort(podRef(target.pod), port.remote, socket, signal)
          : forwarded;
    }
    if (!forwarded?.ok) socket.destroy();
    if (signal.aborted) return;
    if (!target) {
      this.deps.warnOnce(
        `forward\n${dev.name}\n${port.local}\nno pod`,
        `dev.${dev.name}: no running pod matches its selector (yet); the connection to ${address} was closed`,
      );
      return;
    }
    if (forwarded?.ok) {
      this.deps.clearWarnings(`forward\n${dev.name}\n${port.local}\n`);
      return;
    }
    const failure = forwarded?.error;
    if (!failure) return;
    const refused = /connection refused/.test(failure.detail);
    this.deps.warnOnce(
      `forward\n${dev.name}\n${port.local}\n${refused ? 'refused' : (failure.status ?? failure.detail)}`,
      `dev.${dev.name}: cannot forward ${address} to pod/${target.pod.pod}:${port.remote}` +
        (refused
          ? `: nothing in the pod listens on port ${port.remote} (is it the port the container serves?)`
          : `: ${failure.detail}`) +
        '; that connection was closed',
    );
  }
}

function podRef(pod: SelectedContainer): { name: string; namespace: string } {
  return { name: pod.pod, namespace: pod.namespace };
}

/** A refused upgrade that another pod may not refuse: this one is gone, or not running. */
function refusedUpgrade(failure: KubeFailure): boolean {
  return failure.status === 404 || failure.status === 400;
}

function listenProblem(dev: DevConfig, address: string, e: NodeJS.ErrnoException): string {
  const what = `dev.${dev.name}: cannot listen on ${address}`;
  const ports = `\`dev.${dev.name}.ports\``;
  switch (e.code) {
    case 'EADDRINUSE':
      return `${what}: another program uses the port; stop it, or pick another local port in ${ports} ("LOCAL:REMOTE"); nothing is forwarded from it`;
    case 'EACCES':
      return `${what}: permission denied (ports below 1024 need privileges); pick a local port from 1024 in ${ports}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `${what}: this machine has no such address; change \`bindAddress\` in ${ports}`;
    default:
      return `${what}: ${e.message}`;
  }
}
