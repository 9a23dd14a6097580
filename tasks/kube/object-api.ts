// @kubernetes/client-node's KubernetesObjectApi, adapted in one place for what dsg needs from it:
// - bodies go out and come back as plain JSON (the generic `patch` passes objects through typed models,
//   which drop fields the models do not know);
// - one keep-alive agent per client (the library builds a new agent for every request, so no connection
//   is ever reused), and node:http underneath instead of node-fetch (see http-request.ts);
// - credentials and TLS material read once a minute, not once per request;
// - server-side apply as its own call, and discovery exposed so that it can be warmed before a burst.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import {
  ApiException,
  createConfiguration,
  HttpMethod,
  KubernetesObjectApi,
  ServerConfiguration,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type V1APIResource,
} from '@kubernetes/client-node';

import { sendHttp } from './http-request.ts';

/** How long credentials read from the kubeconfig are reused (exec and OIDC tokens can expire). */
const credentialsTtlMs = 60_000;

/** A raw HTTP answer of the API server. */
export interface RawResponse {
  status: number;
  body: unknown;
}

/** The object API of one client: plain JSON in and out, one connection pool. */
export class DsgObjectApi extends KubernetesObjectApi {
  #config: KubeConfig | undefined;
  #agent: http.Agent | undefined;
  #maxSockets = 16;
  #credentials: { options: https.RequestOptions; until: number } | undefined;

  /** A client for the current context of `config`, with at most `maxSockets` connections; `signal` cancels. */
  static forConfig(config: KubeConfig, maxSockets: number, signal?: AbortSignal): DsgObjectApi {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('DsgObjectApi needs a kubeconfig with a current cluster');
    const api = new DsgObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: config },
      }),
    );
    api.#config = config;
    api.#maxSockets = maxSockets;
    // One listener for the whole client rather than one per request: cancelling drops every connection,
    // which ends the requests in flight.
    signal?.addEventListener('abort', () => api.close(), { once: true });
    api.setDefaultNamespace(config);
    return api;
  }

  /** Server-side apply of `object` (as given, field for field) under `fieldManager`, taking over conflicts. */
  async apply(object: KubernetesObject, fieldManager: string): Promise<unknown> {
    const path = await this.specUriPath(object, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Content-Type', 'application/apply-patch+yaml');
    request.setQueryParam('fieldManager', fieldManager);
    request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(object));
    return this.requestPromise(request);
  }

  /** Discovery of one kind: its resource entry, or undefined when the group/version does not serve it. */
  async discover(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** Forgets what discovery said about `apiVersion`, so a freshly created CRD is looked up again. */
  forget(apiVersion: string): void {
    const cache = this.apiVersionResourceCache as Record<string, unknown>;
    Reflect.deleteProperty(cache, apiVersion);
  }

  /** A GET of any API path, answered raw (no exception for non-2xx). */
  async getPath(path: string): Promise<RawResponse> {
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    return this.send(request);
  }

  /** Every request goes through here: plain JSON back, an ApiException for non-2xx as the library does. */
  // The type and configuration arguments of the library's signature are not needed: nothing is deserialised.
  protected override async requestPromise<T extends KubernetesObject>(request: RequestContext): Promise<T> {
    const response = await this.send(request);
    if (response.status >= 200 && response.status <= 299) return response.body as T;
    const status = response.body as { message?: unknown } | undefined;
    const message = typeof status?.message === 'string' ? status.message : `HTTP ${response.status}`;
    throw new ApiException(response.status, message, response.body, {});
  }

  private async send(request: RequestContext): Promise<RawResponse> {
    const options = await this.credentials();
    const headers: Record<string, string> = { ...request.getHeaders(), Accept: 'application/json' };
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (typeof options.auth === 'string') {
      headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    }
    const url = request.getUrl();
    const answer = await sendHttp(url, {
      method: request.getHttpMethod().toString(),
      headers,
      body: request.getBody() as string | undefined,
      agent: this.agent(url, options),
    });
    let body: unknown = answer.text;
    try {
      body = answer.text === '' ? undefined : (JSON.parse(answer.text) as unknown);
    } catch {
      // not JSON: keep the text for the message
    }
    return { status: answer.status, body };
  }

  private async credentials(): Promise<https.RequestOptions> {
    const config = this.#config;
    if (!config) throw new Error('DsgObjectApi used without forConfig');
    const now = Date.now();
    if (this.#credentials && this.#credentials.until > now) return this.#credentials.options;
    const options: https.RequestOptions = {};
    await config.applyToHTTPSOptions(options);
    this.#credentials = { options, until: now + credentialsTtlMs };
    return options;
  }

  private agent(url: string, options: https.RequestOptions): http.Agent {
    if (this.#agent) return this.#agent;
    const common = { keepAlive: true, maxSockets: this.#maxSockets };
    this.#agent = url.startsWith('http:')
      ? new http.Agent(common)
      : new https.Agent({
          ...common,
          ...pick(options, ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized']),
        });
    return this.#agent;
  }

  /** Closes the idle connections of the pool. */
  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

function pick(options: https.RequestOptions, keys: (keyof https.RequestOptions)[]): https.AgentOptions {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}
