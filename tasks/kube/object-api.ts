// The HTTP side of dsg's Kubernetes client: requests to the current context's API server with the
// kubeconfig's credentials, over one keep-alive pool. client-node is used only through its public
// KubeConfig (credentials, TLS material, exec and OIDC plugins); paths, bodies and errors are dsg's own, so
// bodies go out and come back as plain JSON, untouched by typed models that drop fields they do not know.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { sendHttp } from './http-request.ts';

/** How long credentials read from the kubeconfig are reused (exec and OIDC tokens can expire). */
const credentialsTtlMs = 60_000;

/** An answer of the API server, any status. */
export interface ApiAnswer {
  status: number;
  /** Parsed JSON, or the text when it is not JSON; undefined when empty. */
  body: unknown;
  /** The texts of the answer's `Warning` headers. */
  warnings: string[];
}

/** One request: method, path (with its query), and an optional JSON body of the given media type. */
export interface ApiRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

/** Requests to one cluster; network failures throw (errors.ts classifies them), every answer resolves. */
export class KubeApi {
  readonly #config: KubeConfig;
  readonly #server: string;
  readonly #maxSockets: number;
  #agent: http.Agent | undefined;
  #credentials: { options: https.RequestOptions; until: number } | undefined;

  private constructor(config: KubeConfig, server: string, maxSockets: number) {
    this.#config = config;
    this.#server = server.replace(/\/+$/, '');
    this.#maxSockets = maxSockets;
  }

  /** An API for the current context of `config`, with at most `maxSockets` connections; `signal` cancels. */
  static forConfig(config: KubeConfig, maxSockets: number, signal?: AbortSignal): KubeApi {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error('KubeApi needs a kubeconfig with a current cluster');
    const api = new KubeApi(config, cluster.server, maxSockets);
    // One listener for the whole client rather than one per request: cancelling drops every connection,
    // which ends the requests in flight.
    signal?.addEventListener('abort', () => api.close(), { once: true });
    return api;
  }

  /** Sends one request. */
  async request(request: ApiRequest): Promise<ApiAnswer> {
    const options = await this.#credentialOptions();
    const headers: Record<string, string> = { Accept: 'application/json', ...credentialHeaders(options) };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const query = new URLSearchParams(request.query ?? {}).toString();
    const url = `${this.#server}${request.path}${query ? `?${query}` : ''}`;
    const answer = await sendHttp(url, {
      method: request.method,
      headers,
      body,
      agent: this.#agentFor(url, options),
    });
    let parsed: unknown = answer.text;
    try {
      parsed = answer.text === '' ? undefined : (JSON.parse(answer.text) as unknown);
    } catch {
      // not JSON (a log, a proxy's error page): keep the text
    }
    return { status: answer.status, body: parsed, warnings: answer.warnings };
  }

  /**
   * Sends a GET whose answer is a stream (a followed log): `onData` gets each chunk of a 2xx body as it comes.
   * Resolves when the server ends the answer, with its status and, for other statuses, its text; `signal`
   * ends it early (resolving with status 0). Network failures throw, as for `request`.
   */
  async stream(
    request: Omit<ApiRequest, 'body' | 'contentType'>,
    onData: (chunk: Buffer) => void,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    const options = await this.#credentialOptions();
    const headers = credentialHeaders(options);
    const query = new URLSearchParams(request.query ?? {}).toString();
    const url = `${this.#server}${request.path}${query ? `?${query}` : ''}`;
    const transport = url.startsWith('https:') ? https : http;
    // A stream holds its connection for as long as it lives: never one of the pool's.
    const tls = pick(options, tlsKeys);
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        resolve({ status: 0, text: '' });
        return;
      }
      const req = transport.request(url, { method: request.method, headers, ...tls }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => (status < 300 ? onData(chunk) : chunks.push(chunk)));
        res.on('error', () => resolve({ status: signal.aborted ? 0 : status, text: '' }));
        res.on('close', () =>
          resolve({ status: signal.aborted ? 0 : status, text: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      const abort = (): void => void req.destroy();
      signal.addEventListener('abort', abort, { once: true });
      req.on('close', () => signal.removeEventListener('abort', abort));
      req.on('error', (e) => (signal.aborted ? resolve({ status: 0, text: '' }) : reject(e)));
      req.end();
    });
  }

  /**
   * What opening a websocket to `request`'s path needs (a port-forward): its `ws:`/`wss:` URL, the credentials'
   * headers and the TLS material of the kubeconfig, as the requests of this API use them.
   */
  async upgradeOptions(request: Pick<ApiRequest, 'path' | 'query'>): Promise<UpgradeOptions> {
    const options = await this.#credentialOptions();
    const query = new URLSearchParams(request.query ?? {}).toString();
    const url = `${this.#server.replace(/^http/, 'ws')}${request.path}${query ? `?${query}` : ''}`;
    return { url, headers: credentialHeaders(options), tls: pick(options, tlsKeys) };
  }

  async #credentialOptions(): Promise<https.RequestOptions> {
    const now = Date.now();
    if (this.#credentials && this.#credentials.until > now) return this.#credentials.options;
    const options: https.RequestOptions = {};
    await this.#config.applyToHTTPSOptions(options);
    this.#credentials = { options, until: now + credentialsTtlMs };
    return options;
  }

  #agentFor(url: string, options: https.RequestOptions): http.Agent {
    if (this.#agent) return this.#agent;
    const common = { keepAlive: true, maxSockets: this.#maxSockets };
    this.#agent = url.startsWith('http:')
      ? new http.Agent(common)
      : new https.Agent({
          ...common,
          ...pick(options, tlsKeys),
        });
    return this.#agent;
  }

  /** Closes the connections of the pool. */
  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

/** What a websocket to the API server is opened with (object-api.ts `upgradeOptions`). */
export interface UpgradeOptions {
  url: string;
  headers: Record<string, string>;
  tls: https.AgentOptions;
}

const tlsKeys: (keyof https.RequestOptions)[] = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'servername',
  'rejectUnauthorized',
];

/** The headers the kubeconfig's credentials add (a bearer token, basic auth). */
function credentialHeaders(options: https.RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (typeof options.auth === 'string') {
    headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  }
  return headers;
}

function pick(options: https.RequestOptions, keys: (keyof https.RequestOptions)[]): https.AgentOptions {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}
