// A Kubernetes API server stand-in for tests: plain HTTP, in memory, one per test. It is held to the real
// clients: kubectl 1.32, helm 3.17 and @kubernetes/client-node work against it (see test/kube-server.test.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { trackUpdate } from './apply.ts';
import type { ServerState } from './context.ts';
import { Controllers } from './controller.ts';
import { ImageCheck } from './images.ts';
import { Allocator, applyDefaults } from './defaults.ts';
import { writeKubeconfigFile } from './kubeconfig.ts';
import { removeWithDependents } from './lifecycle.ts';
import { clone, type KubeObject } from './object.ts';
import { PodLogs, type LogTarget } from './pod-logs.ts';
import { PodPorts, type PodPortTarget } from './port-forward.ts';
import { present } from './read.ts';
import { ResourceRegistry } from './resources.ts';
import { route } from './router.ts';
import { routeUpgrade } from './upgrade.ts';
import { Stats, type StatsSnapshot } from './stats.ts';
import { Store } from './store.ts';
import { testCertificate, testPrivateKey } from './tls.ts';

export { contextName } from './kubeconfig.ts';
export { crashAnnotation, neverReadyAnnotation, pullErrorAnnotation } from './pods.ts';
export { desiredReplicasAnnotation } from './autoscaler.ts';
export type { StatsSnapshot, LoggedRequest, Verb } from './stats.ts';
export type { KubeObject } from './object.ts';
export type { LogTarget } from './pod-logs.ts';
export type { PodPortTarget } from './port-forward.ts';

/** How to start a server. */
export interface KubeServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>`, else 401. */
  token?: string;
  /**
   * Serve HTTPS with a fixed test certificate (trusted by written kubeconfigs). Defaults to true when a
   * token is set, because kubectl and helm only send bearer tokens over TLS; plain HTTP otherwise.
   */
  tls?: boolean;
  /** Simulated controller delay before workloads become ready (or fail); default 50. */
  readyDelayMs?: number;
  /**
   * How many milliseconds one second of a Kubernetes deadline lasts (`progressDeadlineSeconds`, 600 by
   * default); default 1000, like a real cluster. Tests shorten it.
   */
  secondMs?: number;
  /** How long after a CRD is established its kinds are served, as discovery lags; default 50. */
  discoveryLagMs?: number;
  /** How long a deleted namespace stays `Terminating` after its contents are gone; default 50. */
  terminationMs?: number;
  /**
   * Tokens that may act in one namespace only (token → namespace), like a user bound by a RoleBinding:
   * cluster-scoped resources and other namespaces answer 403. They switch the server to TLS like `token`.
   */
  namespaceTokens?: Record<string, string>;
  /** Registry hosts (`127.0.0.1:5000`) asked whether a pod's image exists; a missing one fails the pull. */
  registries?: string[];
  /** Called with one line per request (`GET /api/v1/... -> 200`), for debugging. */
  log?: (line: string) => void;
}

/** A running server. */
export interface KubeServer {
  url: string;
  port: number;
  token?: string;
  /** The CA certificate (PEM) to trust when the server speaks HTTPS; undefined over plain HTTP. */
  ca?: string;
  /** Writes a kubeconfig file for this server (context name `dsg-test`, namespace default) and returns its path. */
  writeKubeconfig(path: string, options?: { namespace?: string; token?: string }): Promise<string>;
  /** Counts of requests received, by verb (GET/LIST/WATCH/CREATE/UPDATE/PATCH/APPLY/DELETE) and total writes. */
  stats(): StatsSnapshot;
  /** Starts counting from zero. */
  resetStats(): void;
  /** A copy of a stored object, for assertions; undefined when it does not exist. */
  getObject(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined;
  /**
   * Simulates a hand edit (like `kubectl edit`): `edit` mutates a copy, which is stored as an update by
   * field manager `manager` (default `hand-edit`), so watches and managedFields see it. False when missing.
   */
  editObject(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    edit: (object: KubeObject) => void,
    manager?: string,
  ): boolean;
  /**
   * Appends `text` (lines ending in a newline) to what the target's containers printed: one pod by name, or every
   * pod with some labels, now and later. `pods/NAME/log` serves it; open follows receive it at once.
   */
  appendPodLog(target: LogTarget, text: string): void;
  /**
   * Declares what `port` of the target's pods reaches: the loopback TCP port `hostPort`, standing for the
   * container (pods run nothing here). `pods/NAME/portforward` connects there; the latest declaration wins.
   */
  servePodPort(target: PodPortTarget, port: number, hostPort: number): void;
  /** Simulates someone deleting an object behind the client's back. False when missing. */
  removeObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Stops the controllers, ends open watches and closes the listener. */
  close(): Promise<void>;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function seed(state: ServerState): void {
  const namespaces = state.registry.byKind('v1', 'Namespace');
  if (!namespaces) throw new Error('The Namespace type is not registered');
  for (const name of systemNamespaces) {
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    applyDefaults(namespace, state.allocator);
    state.store.create(namespaces, namespace);
  }
}

/** Starts a server on 127.0.0.1. */
export async function startKubeServer(options: KubeServerOptions = {}): Promise<KubeServer> {
  const readyDelayMs = options.readyDelayMs ?? 50;
  const state: ServerState = {
    store: new Store(),
    registry: new ResourceRegistry(),
    allocator: new Allocator(),
    simulation: {
      readyDelayMs,
      secondMs: options.secondMs ?? 1000,
      discoveryLagMs: options.discoveryLagMs ?? 50,
      terminationMs: options.terminationMs ?? 50,
      namespaceTokens: options.namespaceTokens ?? {},
    },
    images: new ImageCheck(options.registries ?? []),
    logs: new PodLogs(),
    ports: new PodPorts(),
    progress: new Map(),
    established: new Map(),
  };
  seed(state);
  const stats = new Stats();
  const controllers = new Controllers(state);
  const watches = new Set<() => void>();
  let port = 0;
  const settings = {
    token: options.token,
    namespaceTokens: options.namespaceTokens ?? {},
    serverAddress: () => `127.0.0.1:${port}`,
    trackWatch: (stop: () => void) => {
      watches.add(stop);
      return () => watches.delete(stop);
    },
    log: options.log,
  };
  const restricted = Object.keys(options.namespaceTokens ?? {}).length > 0;
  const tls = options.tls ?? (options.token !== undefined || restricted);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    route(state, stats, settings, req, res).catch((error: unknown) => {
      // A bug in the stand-in: answer like the real server does on a panic, and say what broke.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      options.log?.(`internal error: ${message}`);
      if (res.headersSent) {
        res.end();
        return;
      }
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message,
          reason: 'InternalError',
          code: 500,
        }),
      );
    });
  };
  const server = tls
    ? createTlsServer({ cert: testCertificate, key: testPrivateKey }, handler)
    : createServer(handler);
  // Connections a port-forward took over are no longer the HTTP server's: closing must end them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    routeUpgrade(state, stats, settings, req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const lookup = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => {
    const type = state.registry.byKind(apiVersion, kind);
    const live = type && state.store.get(type, namespace, name);
    return type && live ? { type, live } : undefined;
  };

  const kubeServer: KubeServer = {
    url,
    port,
    writeKubeconfig: async (path, kubeconfigOptions = {}) => {
      const token = kubeconfigOptions.token ?? options.token;
      await writeKubeconfigFile(
        path,
        url,
        kubeconfigOptions.namespace ?? 'default',
        token,
        tls ? testCertificate : undefined,
      );
      return path;
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    getObject: (apiVersion, kind, namespace, name) => {
      const found = lookup(apiVersion, kind, namespace, name);
      return found && present(found.type, found.live);
    },
    editObject: (apiVersion, kind, namespace, name, edit, manager = 'hand-edit') => {
      const found = lookup(apiVersion, kind, namespace, name);
      if (!found) return false;
      const edited = clone(found.live);
      edit(edited);
      trackUpdate(found.live, edited, manager);
      state.store.update(found.type, edited, found.live);
      return true;
    },
    appendPodLog: (target, text) => state.logs.append(target, text),
    servePodPort: (target, port, hostPort) => state.ports.serve(target, port, hostPort),
    removeObject: (apiVersion, kind, namespace, name) => {
      const found = lookup(apiVersion, kind, namespace, name);
      if (found) removeWithDependents(state, found.type, found.live, 'Background');
      return found !== undefined;
    },
    close: async () => {
      controllers.stop();
      for (const stop of [...watches]) stop();
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  if (options.token !== undefined) kubeServer.token = options.token;
  if (tls) kubeServer.ca = testCertificate;
  return kubeServer;
}
