// What every request handler receives: the server's state, and the request resolved to a resource.
import type { Allocator } from './defaults.ts';
import type { ResourceRegistry, ResourceType } from './resources.ts';
import type { Store } from './store.ts';

/** The state of one running server. */
export interface ServerState {
  store: Store;
  registry: ResourceRegistry;
  allocator: Allocator;
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
