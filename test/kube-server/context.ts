// What every request handler receives: the server's state, and the request resolved to a resource.
import type { Allocator } from './defaults.ts';
import type { ImageCheck } from './images.ts';
import type { PodLogs } from './pod-logs.ts';
import type { PodPorts } from './port-forward.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import type { Store } from './store.ts';

/** How the simulated cluster's timing behaves; every delay is short by default and set per test. */
export interface Simulation {
  /** Controller delay before workloads become ready (or fail). */
  readyDelayMs: number;
  /** How long one second of a Kubernetes deadline (`progressDeadlineSeconds`) lasts here. */
  secondMs: number;
  /** How long after a CRD is established its kinds are served (discovery lags on a real server). */
  discoveryLagMs: number;
  /** How long a deleted namespace stays `Terminating` after its contents are gone. */
  terminationMs: number;
  /** Tokens that may act in one namespace only (token → namespace), like a RoleBinding-only user. */
  namespaceTokens: Readonly<Record<string, string>>;
}

/** The state of one running server. */
export interface ServerState {
  store: Store;
  registry: ResourceRegistry;
  allocator: Allocator;
  simulation: Simulation;
  images: ImageCheck;
  /** What the pods' containers printed (a test appends it). */
  logs: PodLogs;
  /** What the pods' ports reach (a test declares loopback ports), for `portforward`. */
  ports: PodPorts;
  /** When each Deployment's current rollout started (by uid), for its progress deadline. */
  progress: Map<string, { hash: string; startedAt: number }>;
  /** When each CRD was established (by name), for the discovery lag. */
  established: Map<string, number>;
}

/** A request addressed to a resource (`/api/v1/namespaces/ns/pods/x/status`), body already parsed. */
export interface ResourceRequest {
  method: string;
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  query: URLSearchParams;
  /** The request body as JSON (YAML bodies are parsed too); undefined when there was none. */
  body: unknown;
  /** The media type of the body, without parameters. */
  contentType: string;
  /** The field manager: the `fieldManager` parameter, else derived from the User-Agent like the real server. */
  manager: string;
  /** True for `dryRun=All`: validate and answer, store nothing. */
  dryRun: boolean;
}
