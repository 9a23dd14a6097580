// The small typed client deploy uses: discovery, server-side apply, get, list, create, delete, pod logs, and
// port-forwards for `dsg dev`.
// Every call returns a Result; nothing here throws for an answer of the server.
import type { Socket } from 'node:net';
import { fail, ok, type Result } from '../../core/result.ts';
import type { KubeObject, ObjectRef } from '../render/object.ts';
import { failureOf, toFailure, type KubeFailure } from './errors.ts';
import type { FieldValidation } from './apply-args.ts';
import { fieldManager } from './inventory.ts';
import type { KubeTarget } from './kube-target.ts';
import { KubeApi, type ApiAnswer, type ApiRequest } from './object-api.ts';

/** What discovery says about a kind. */
export interface KindInfo {
  namespaced: boolean;
  /** The resource name (`deployments`). */
  plural: string;
}

/** An applied object as the server stored it, and the warnings it sent with it. */
export interface Applied {
  object: KubeObject;
  warnings: string[];
}

type Discovered = Map<string, KindInfo>;

/** A client for one cluster context. */
export class KubeClient {
  readonly #api: KubeApi;
  readonly #signal: AbortSignal | undefined;
  // One discovery request per group/version, however many objects ask at once.
  readonly #versions = new Map<string, Promise<Result<Discovered | undefined, KubeFailure>>>();

  private constructor(api: KubeApi, signal: AbortSignal | undefined) {
    this.#api = api;
    this.#signal = signal;
  }

  /** A client for the target's context, with at most `maxSockets` connections in flight; `signal` cancels. */
  static connect(target: KubeTarget, maxSockets = 16, signal?: AbortSignal): KubeClient {
    return new KubeClient(KubeApi.forConfig(target.config, maxSockets, signal), signal);
  }

  /** Discovery of `kind` in `apiVersion`: undefined when the cluster does not serve it. */
  async kind(apiVersion: string, kind: string): Promise<Result<KindInfo | undefined, KubeFailure>> {
    let pending = this.#versions.get(apiVersion);
    if (!pending) {
      pending = this.#discover(apiVersion);
      this.#versions.set(apiVersion, pending);
    }
    const found = await pending;
    if (!found.ok) {
      // A failed lookup is not remembered: the next caller asks again.
      if (this.#versions.get(apiVersion) === pending) this.#versions.delete(apiVersion);
      return found;
    }
    return ok(found.value?.get(kind));
  }

  async #discover(apiVersion: string): Promise<Result<Discovered | undefined, KubeFailure>> {
    const answer = await this.#send({ method: 'GET', path: basePath(apiVersion) });
    if (!answer.ok) return answer;
    if (answer.value.status === 404) return ok(undefined);
    if (answer.value.status >= 300) return fail(failureOf(answer.value.status, answer.value.body));
    const resources = (answer.value.body as { resources?: unknown } | undefined)?.resources;
    const kinds: Discovered = new Map();
    for (const r of Array.isArray(resources) ? resources : []) {
      const resource = r as { name?: unknown; kind?: unknown; namespaced?: unknown };
      if (typeof resource.name !== 'string' || resource.name.includes('/')) continue;
      if (typeof resource.kind !== 'string' || kinds.has(resource.kind)) continue;
      kinds.set(resource.kind, { namespaced: resource.namespaced === true, plural: resource.name });
    }
    return ok(kinds);
  }

  /** Forgets discovery of `apiVersion` (after a CRD was created, its kinds appear). */
  forget(apiVersion: string): void {
    this.#versions.delete(apiVersion);
  }

  /**
   * Server-side apply under `manager` (default `dsg`), taking over conflicts unless `force` is false. Unknown
   * fields fail the request unless told otherwise (`fieldValidation=Strict`, what kubectl sends for
   * `--validate=true`, its default).
   */
  async apply(
    object: KubeObject,
    options: { manager?: string; force?: boolean; fieldValidation?: FieldValidation } = {},
  ): Promise<Result<Applied, KubeFailure>> {
    const path = await this.#objectPath(object);
    if (!path.ok) return path;
    const answer = await this.#expect({
      method: 'PATCH',
      path: path.value,
      query: {
        fieldManager: options.manager ?? fieldManager,
        force: String(options.force ?? true),
        fieldValidation: options.fieldValidation ?? 'Strict',
      },
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
    if (!answer.ok) return answer;
    return ok({ object: answer.value.body as KubeObject, warnings: answer.value.warnings });
  }

  /** Creates an object (used for namespaces only, which dsg does not own). */
  async create(object: KubeObject): Promise<Result<KubeObject, KubeFailure>> {
    const path = await this.#objectPath(object, false);
    if (!path.ok) return path;
    const answer = await this.#expect({ method: 'POST', path: path.value, body: object });
    return answer.ok ? ok(answer.value.body as KubeObject) : answer;
  }

  /** Reads an object; undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<Result<KubeObject | undefined, KubeFailure>> {
    const path = await this.#objectPath(header(ref));
    if (!path.ok) return path.error.reason === 'not-found' ? ok(undefined) : path;
    const answer = await this.#expect({ method: 'GET', path: path.value });
    if (!answer.ok) return answer.error.reason === 'not-found' ? ok(undefined) : answer;
    return ok(answer.value.body as KubeObject);
  }

  /** Lists a kind in a namespace (every namespace when undefined), filtered by a label selector. */
  async list(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector: string,
  ): Promise<Result<KubeObject[], KubeFailure>> {
    const path = await this.#collectionPath(apiVersion, kind, namespace);
    if (!path.ok) return path;
    const answer = await this.#expect({
      method: 'GET',
      path: path.value,
      ...(labelSelector ? { query: { labelSelector } } : {}),
    });
    if (!answer.ok) return answer;
    const items = (answer.value.body as { items?: unknown } | undefined)?.items;
    return ok(
      (Array.isArray(items) ? items : []).map((item) => ({ apiVersion, kind, ...(item as KubeObject) })),
    );
  }

  /** Deletes an object (children in the background); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<Result<boolean, KubeFailure>> {
    const path = await this.#objectPath(header(ref));
    if (!path.ok) return path.error.reason === 'not-found' ? ok(false) : path;
    const answer = await this.#expect({
      method: 'DELETE',
      path: path.value,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
    if (!answer.ok) return answer.error.reason === 'not-found' ? ok(false) : answer;
    return ok(true);
  }

  /** The last `tailLines` lines of a container's log (`previous`: of its last terminated run). */
  async log(
    pod: { name: string; namespace: string },
    options: { container: string; previous: boolean; tailLines: number },
  ): Promise<Result<string, KubeFailure>> {
    const answer = await this.#expect({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/log`,
      query: {
        container: options.container,
        previous: String(options.previous),
        tailLines: String(options.tailLines),
      },
    });
    if (!answer.ok) return answer;
    return ok(typeof answer.value.body === 'string' ? answer.value.body : '');
  }

  /**
   * Follows a container's log (`follow=true`) from its last `tailLines` lines: `onText` gets the text as it comes.
   * Ends when the server ends it (the pod went away) or `signal` aborts; a refusal (400, 404) is a failure.
   */
  async followLog(
    pod: { name: string; namespace: string },
    options: { container: string; tailLines: number },
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<Result<void, KubeFailure>> {
    const decoder = new TextDecoder();
    try {
      const answer = await this.#api.stream(
        {
          method: 'GET',
          path: `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/log`,
          query: { container: options.container, follow: 'true', tailLines: String(options.tailLines) },
        },
        (chunk) => onText(decoder.decode(chunk, { stream: true })),
        signal,
      );
      if (answer.status === 0 || answer.status < 300) return ok(undefined);
      let body: unknown = answer.text;
      try {
        body = JSON.parse(answer.text) as unknown;
      } catch {
        // a proxy's page: keep the text
      }
      return fail(failureOf(answer.status, body));
    } catch (e) {
      return fail(toFailure(e));
    }
  }

  /**
   * Carries one TCP connection to `port` of a pod through `pods/NAME/portforward` (port-forward.ts) until either
   * side closes it; a refused upgrade (the pod is gone) or the kubelet's error (nothing listens) is a failure.
   */
  async forwardPort(
    pod: { name: string; namespace: string },
    port: number,
    socket: Socket,
    signal: AbortSignal,
  ): Promise<Result<void, KubeFailure>> {
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/portforward`;
    try {
      const options = await this.#api.upgradeOptions({ path, query: { ports: String(port) } });
      const { forwardSocket } = await import('./port-forward.ts');
      return await forwardSocket(options, socket, signal);
    } catch (e) {
      socket.destroy();
      return fail(toFailure(e));
    }
  }

  /** A GET of an API path (`/version`, `/api`), for reachability checks. */
  async getPath(path: string): Promise<Result<{ status: number; body: unknown }, KubeFailure>> {
    return this.#send({ method: 'GET', path });
  }

  /** Closes idle connections. */
  close(): void {
    this.#api.close();
  }

  async #objectPath(object: KubeObject, named = true): Promise<Result<string, KubeFailure>> {
    const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
    const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
    const metadata = (object['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    const collection = await this.#collectionPath(apiVersion, kind, namespace, true);
    if (!collection.ok || !named) return collection;
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    return ok(`${collection.value}/${encodeURIComponent(name)}`);
  }

  async #collectionPath(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    defaultNamespace = false,
  ): Promise<Result<string, KubeFailure>> {
    const info = await this.kind(apiVersion, kind);
    if (!info.ok) return info;
    if (!info.value) {
      return fail({
        reason: 'not-found',
        detail: `the cluster does not serve kind ${kind} in ${apiVersion}`,
      });
    }
    const ns = info.value.namespaced ? (namespace ?? (defaultNamespace ? 'default' : undefined)) : undefined;
    const scope = ns === undefined ? '' : `/namespaces/${encodeURIComponent(ns)}`;
    return ok(`${basePath(apiVersion)}${scope}/${info.value.plural}`);
  }

  async #expect(request: ApiRequest): Promise<Result<ApiAnswer, KubeFailure>> {
    const answer = await this.#send(request);
    if (!answer.ok) return answer;
    if (answer.value.status >= 300) return fail(failureOf(answer.value.status, answer.value.body));
    return answer;
  }

  async #send(request: ApiRequest): Promise<Result<ApiAnswer, KubeFailure>> {
    try {
      return ok(await this.#api.request(request));
    } catch (error) {
      // A cancelled run closes the connections under the requests; say so rather than "socket hang up".
      if (this.#signal?.aborted) return fail({ reason: 'aborted', detail: 'cancelled' });
      return fail(toFailure(error));
    }
  }
}

/** `/api/v1` or `/apis/<group>/<version>`. */
function basePath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function header(ref: ObjectRef): KubeObject {
  const metadata: { name: string; namespace?: string } = { name: ref.name };
  if (ref.namespace) metadata.namespace = ref.namespace;
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}
