// The one typed door to the Docker Engine API: undici over the unix socket (or tcp), API version negotiated once.
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { DockerFailure } from './failure.ts';
import { failureFromError } from './failure.ts';
import type { DockerHost } from './host.ts';
import { dockerHost } from './host.ts';

/** The newest API version dsg speaks; Debian bookworm's docker.io 20.10 serves exactly this one. */
export const MAX_API_VERSION = '1.41';

/** Query values: arrays repeat the parameter (`t=a&t=b`), undefined is left out. */
export type Query = Record<string, string | readonly string[] | undefined>;

/** One call to the engine. */
export interface DockerRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Path without the version prefix, e.g. `/images/abc/json`. */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal?: AbortSignal;
}

/** The body of a successful response, readable once as a stream, text or JSON. */
export type DockerBody = Dispatcher.ResponseData['body'];

/** A successful (2xx) response. */
export interface DockerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: DockerBody;
}

/** A connection to one engine; close it when the task is done. */
export interface DockerClient {
  host: DockerHost;
  apiVersion: string;
  /** Sends a request; a non-2xx status becomes an `http` failure carrying the engine's message. */
  request(req: DockerRequest): Promise<Result<DockerResponse, DockerFailure>>;
  /** Sends a request and parses the JSON answer. */
  json(req: DockerRequest): Promise<Result<unknown, DockerFailure>>;
  close(): Promise<void>;
}

/** Connects to the engine named by DOCKER_HOST in `env` and negotiates the API version with `/_ping`. */
export async function openDocker(
  env: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<Result<DockerClient, DockerFailure>> {
  const host = dockerHost(env);
  if (!host.ok) return fail({ reason: 'transport', host: env['DOCKER_HOST'] ?? '', detail: host.error });
  // Builds and pushes can be silent for minutes; cancellation comes from the task's signal, not a timer.
  const pool = new Pool(host.value.origin, {
    ...(host.value.socketPath !== undefined ? { socketPath: host.value.socketPath } : {}),
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 4_000,
  });
  const client = makeClient(pool, host.value, '');
  const ping = await client.request({ method: 'GET', path: '/_ping', ...(signal ? { signal } : {}) });
  if (!ping.ok) {
    await pool.close();
    return ping;
  }
  await ping.value.body.dump();
  const served = headerValue(ping.value.headers, 'api-version');
  client.apiVersion =
    served !== undefined && compareVersions(served, MAX_API_VERSION) < 0 ? served : MAX_API_VERSION;
  return ok(client);
}

function makeClient(pool: Pool, host: DockerHost, apiVersion: string): DockerClient {
  const client: DockerClient = {
    host,
    apiVersion,
    async request(req) {
      const prefix = client.apiVersion === '' ? '' : `/v${client.apiVersion}`;
      const path = `${prefix}${req.path}${queryString(req.query)}`;
      let res: Dispatcher.ResponseData;
      try {
        res = await pool.request({
          method: req.method,
          path,
          headers: { host: 'docker', ...req.headers },
          body: req.body ?? null,
          signal: req.signal ?? null,
        });
      } catch (err) {
        return fail(failureFromError(err, host.display, req.signal));
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        return ok({ status: res.statusCode, headers: res.headers, body: res.body });
      }
      return fail({ reason: 'http', status: res.statusCode, message: await errorMessage(res) });
    },
    async json(req) {
      const res = await client.request(req);
      if (!res.ok) return res;
      try {
        return ok(await res.value.body.json());
      } catch (err) {
        return fail(failureFromError(err, host.display, req.signal));
      }
    },
    close: () => pool.close(),
  };
  return client;
}

/** The engine answers errors as `{"message": "..."}`; fall back to the raw text. */
async function errorMessage(res: Dispatcher.ResponseData): Promise<string> {
  let text = '';
  try {
    text = await res.body.text();
  } catch {
    return `HTTP ${res.statusCode}`;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'message' in parsed &&
      typeof parsed.message === 'string'
    ) {
      return parsed.message;
    }
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return text.trim() === '' ? `HTTP ${res.statusCode}` : text.trim();
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string') params.append(key, value);
    else for (const v of value) params.append(key, v);
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** One header's value, the first if it repeats. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Compares dotted versions numerically: `1.9` < `1.41`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
