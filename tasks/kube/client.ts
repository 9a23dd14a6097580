// The small typed client deploy uses: discovery, server-side apply, get, list, create, delete. Every call
// returns a Result; nothing here throws for an answer of the server.
import { fail, ok, type Result } from '../../core/result.ts';
import type { KubeObject, ObjectRef } from '../render/object.ts';
import { toFailure, type KubeFailure } from './errors.ts';
import type { KubeTarget } from './kube-target.ts';
import { DsgObjectApi } from './object-api.ts';

/** What discovery says about a kind. */
export interface KindInfo {
  namespaced: boolean;
  /** The resource name (`deployments`). */
  plural: string;
}

/** The field manager of every apply. */
export const fieldManager = 'dsg';

/** A client for one cluster context. */
export class KubeClient {
  readonly #api: DsgObjectApi;
  readonly #signal: AbortSignal | undefined;
  // One discovery request per kind, however many objects ask at once.
  readonly #kinds = new Map<string, Promise<Result<KindInfo | undefined, KubeFailure>>>();
  // Kinds of one group/version share one discovery document: the first lookup fetches it, the rest wait.
  readonly #versions = new Map<string, Promise<unknown>>();

  private constructor(api: DsgObjectApi, signal: AbortSignal | undefined) {
    this.#api = api;
    this.#signal = signal;
  }

  /** A client for the target's context, with at most `maxSockets` connections in flight; `signal` cancels. */
  static connect(target: KubeTarget, maxSockets = 16, signal?: AbortSignal): KubeClient {
    return new KubeClient(DsgObjectApi.forConfig(target.config, maxSockets, signal), signal);
  }

  /** Discovery of `kind` in `apiVersion`: undefined when the cluster does not serve it. */
  kind(apiVersion: string, kind: string): Promise<Result<KindInfo | undefined, KubeFailure>> {
    const key = `${apiVersion}|${kind}`;
    let pending = this.#kinds.get(key);
    if (!pending) {
      pending = this.#discover(apiVersion, kind);
      this.#kinds.set(key, pending);
    }
    return pending;
  }

  async #discover(apiVersion: string, kind: string): Promise<Result<KindInfo | undefined, KubeFailure>> {
    const earlier = this.#versions.get(apiVersion);
    const lookup = (async () => {
      if (earlier) await earlier;
      return this.#api.discover(apiVersion, kind);
    })();
    this.#versions.set(
      apiVersion,
      lookup.catch(() => undefined),
    );
    try {
      const resource = await lookup;
      return ok(resource ? { namespaced: resource.namespaced, plural: resource.name } : undefined);
    } catch (error) {
      const failure = toFailure(error);
      return failure.reason === 'not-found' ? ok(undefined) : fail(failure);
    }
  }

  /** Forgets discovery of `apiVersion` (after a CRD was created, its kinds appear). */
  forget(apiVersion: string): void {
    this.#api.forget(apiVersion);
    this.#versions.delete(apiVersion);
    for (const key of [...this.#kinds.keys()]) if (key.startsWith(`${apiVersion}|`)) this.#kinds.delete(key);
  }

  /** Server-side apply (field manager `dsg`, forced); the object as the server stored it. */
  async apply(object: KubeObject): Promise<Result<KubeObject, KubeFailure>> {
    return this.#call(async () => (await this.#api.apply(object as never, fieldManager)) as KubeObject);
  }

  /** Creates an object (used for namespaces only, which dsg does not own). */
  async create(object: KubeObject): Promise<Result<KubeObject, KubeFailure>> {
    return this.#call(async () => (await this.#api.create(object as never)) as unknown as KubeObject);
  }

  /** Reads an object; undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<Result<KubeObject | undefined, KubeFailure>> {
    const read = await this.#call(async () => (await this.#api.read(header(ref))) as unknown as KubeObject);
    if (!read.ok && read.error.reason === 'not-found') return ok(undefined);
    return read;
  }

  /** Lists a kind in a namespace (every namespace when undefined), filtered by a label selector. */
  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string,
  ): Promise<Result<KubeObject[], KubeFailure>> {
    return this.#call(async () => {
      const list = await this.#api.list(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      return (list.items as unknown[]).map((item) => ({ apiVersion, kind, ...(item as KubeObject) }));
    });
  }

  /** Deletes an object (children in the background); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<Result<boolean, KubeFailure>> {
    const deleted = await this.#call(async () => {
      await this.#api.delete(header(ref), undefined, undefined, undefined, undefined, 'Background');
      return true;
    });
    if (!deleted.ok && deleted.error.reason === 'not-found') return ok(false);
    return deleted;
  }

  /** A GET of an API path (`/version`, `/api`), for reachability checks. */
  async getPath(path: string): Promise<Result<{ status: number; body: unknown }, KubeFailure>> {
    return this.#call(() => this.#api.getPath(path));
  }

  /** Closes idle connections. */
  close(): void {
    this.#api.close();
  }

  async #call<T>(fn: () => Promise<T>): Promise<Result<T, KubeFailure>> {
    try {
      return ok(await fn());
    } catch (error) {
      // A cancelled run closes the connections under the requests; say so rather than "socket hang up".
      if (this.#signal?.aborted) return fail({ reason: 'aborted', detail: 'cancelled' });
      return fail(toFailure(error));
    }
  }
}

function header(ref: ObjectRef): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  const metadata: { name: string; namespace?: string } = { name: ref.name };
  if (ref.namespace) metadata.namespace = ref.namespace;
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}
