// Registry API v2 over undici: manifest look-ups with the Basic and Bearer-token challenge flows.
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import type { RegistryCredentials } from './auth-config.ts';
import type { RepositoryRef } from '../../core/image-ref.ts';
import { registryBaseUrl } from './base-url.ts';
import { parseChallenge } from './challenge.ts';

/** An expected failure talking to a registry. */
export type RegistryFailure =
  | { reason: 'unreachable'; registry: string; detail: string }
  /** 401 after presenting what credentials there were (or with none to present). */
  | { reason: 'unauthorized'; registry: string; detail: string }
  | { reason: 'denied'; registry: string; detail: string }
  | { reason: 'http'; registry: string; status: number; detail: string }
  | { reason: 'aborted' };

/** Every manifest type docker and OCI tools push; without them a registry may answer with an old schema. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** What the registry says about one tag. */
export interface ManifestInfo {
  /** `Docker-Content-Digest` of the manifest. */
  digest: string;
  mediaType: string;
  /** Digest of the image config (= the engine's image id for images docker pushed); GET only. */
  configDigest?: string;
}

/** Options of one manifest look-up. */
export interface ManifestOptions {
  /** HEAD answers existence and digest; GET also reads the config digest. */
  method: 'HEAD' | 'GET';
  signal?: AbortSignal;
}

/** Looks up `repo:tag`; `undefined` when the registry does not have it. */
export async function getManifest(
  repo: RepositoryRef,
  tag: string,
  creds: RegistryCredentials,
  options: ManifestOptions,
): Promise<Result<ManifestInfo | undefined, RegistryFailure>> {
  const url = `${registryBaseUrl(repo.registry)}/v2/${repo.path}/manifests/${encodeURIComponent(tag)}`;
  const res = await authorizedRequest(url, options.method, repo, creds, options.signal);
  if (!res.ok) return res;
  const { statusCode, headers, body } = res.value;
  if (statusCode === 404) {
    await body.dump();
    return ok(undefined);
  }
  if (statusCode !== 200) return fail(await statusFailure(repo.registry, res.value));
  const digest = header(headers, 'docker-content-digest') ?? '';
  const info: ManifestInfo = { digest, mediaType: header(headers, 'content-type') ?? '' };
  if (options.method === 'HEAD') {
    await body.dump();
    return ok(info);
  }
  try {
    const manifest = (await body.json()) as { config?: { digest?: unknown }; mediaType?: unknown };
    if (typeof manifest.config?.digest === 'string') info.configDigest = manifest.config.digest;
  } catch (err) {
    return fail(errorFailure(err, repo.registry, options.signal));
  }
  return ok(info);
}

type Response = Dispatcher.ResponseData;

/** Sends a request, answering a 401 challenge once with Basic credentials or a Bearer token. */
async function authorizedRequest(
  url: string,
  method: 'HEAD' | 'GET',
  repo: RepositoryRef,
  creds: RegistryCredentials,
  signal: AbortSignal | undefined,
): Promise<Result<Response, RegistryFailure>> {
  const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
  const first = await send(url, method, headers, repo.registry, signal);
  if (!first.ok || first.value.statusCode !== 401) return first;
  const challenge = parseChallenge(header(first.value.headers, 'www-authenticate') ?? '');
  await first.value.body.dump();
  if (challenge?.scheme === 'basic') {
    if (creds.kind !== 'basic') return fail(unauthorized(repo.registry, creds));
    headers['authorization'] = basic(creds.username, creds.password);
  } else if (challenge?.scheme === 'bearer') {
    const token = await fetchToken(challenge.params, repo, creds, signal);
    if (!token.ok) return token;
    headers['authorization'] = `Bearer ${token.value}`;
  } else {
    return fail(unauthorized(repo.registry, creds));
  }
  const second = await send(url, method, headers, repo.registry, signal);
  if (second.ok && second.value.statusCode === 401) {
    await second.value.body.dump();
    return fail(unauthorized(repo.registry, creds));
  }
  return second;
}

/** The token endpoint flow (distribution's token auth): the realm, the service, a pull scope. */
async function fetchToken(
  params: Record<string, string>,
  repo: RepositoryRef,
  creds: RegistryCredentials,
  signal: AbortSignal | undefined,
): Promise<Result<string, RegistryFailure>> {
  const realm = params['realm'];
  if (realm === undefined)
    return fail({
      reason: 'http',
      registry: repo.registry,
      status: 401,
      detail: 'Bearer challenge without a realm',
    });
  const query = new URLSearchParams();
  if (params['service'] !== undefined) query.set('service', params['service']);
  query.set('scope', params['scope'] ?? `repository:${repo.path}:pull`);
  const headers: Record<string, string> = {};
  if (creds.kind === 'basic') headers['authorization'] = basic(creds.username, creds.password);
  const res = await send(
    `${realm}${realm.includes('?') ? '&' : '?'}${query.toString()}`,
    'GET',
    headers,
    repo.registry,
    signal,
  );
  if (!res.ok) return res;
  if (res.value.statusCode === 401) {
    await res.value.body.dump();
    return fail(unauthorized(repo.registry, creds));
  }
  if (res.value.statusCode !== 200) return fail(await statusFailure(repo.registry, res.value));
  try {
    const body = (await res.value.body.json()) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token === 'string' && token !== '') return ok(token);
  } catch (err) {
    return fail(errorFailure(err, repo.registry, signal));
  }
  return fail({
    reason: 'http',
    registry: repo.registry,
    status: 200,
    detail: 'the token endpoint returned no token',
  });
}

async function send(
  url: string,
  method: 'HEAD' | 'GET',
  headers: Record<string, string>,
  registry: string,
  signal: AbortSignal | undefined,
): Promise<Result<Response, RegistryFailure>> {
  try {
    return ok(await request(url, { method, headers, signal: signal ?? null }));
  } catch (err) {
    return fail(errorFailure(err, registry, signal));
  }
}

function unauthorized(registry: string, creds: RegistryCredentials): RegistryFailure {
  const detail = creds.kind === 'anonymous' ? 'authentication required' : 'unauthorized';
  return { reason: 'unauthorized', registry, detail };
}

async function statusFailure(registry: string, res: Response): Promise<RegistryFailure> {
  const text = await res.body.text().catch(() => '');
  const detail = registryErrorText(text) ?? `HTTP ${res.statusCode}`;
  if (res.statusCode === 403) return { reason: 'denied', registry, detail };
  return { reason: 'http', registry, status: res.statusCode, detail };
}

/** Registries answer `{"errors":[{"code","message"}]}`. */
function registryErrorText(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const e = body.errors?.[0];
    if (e && typeof e.message === 'string')
      return typeof e.code === 'string' ? `${e.code.toLowerCase()}: ${e.message}` : e.message;
  } catch {
    // Not the registry's JSON error shape.
  }
  return text.trim() === '' ? undefined : text.trim().slice(0, 200);
}

function errorFailure(err: unknown, registry: string, signal: AbortSignal | undefined): RegistryFailure {
  if (signal?.aborted === true) return { reason: 'aborted' };
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown; errors?: unknown };
  // Node's happy-eyeballs connect reports every address tried in an AggregateError.
  const inner = Array.isArray(e.errors) && e.errors.length > 0 ? (e.errors[0] as typeof e) : e;
  const code = typeof e.code === 'string' ? e.code : typeof inner.code === 'string' ? inner.code : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  return { reason: 'unreachable', registry, detail: code !== undefined ? `connect ${code}` : message };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
