// Registry credentials from docker's config.json (DOCKER_CONFIG honoured). They stay in memory: never logged, never stored.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import { DOCKER_HUB } from '../../core/image-ref.ts';

/** How to authenticate to one registry. */
export type RegistryCredentials =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth refresh token from `docker login` against token-based registries. */
  | { kind: 'identity-token'; token: string }
  /** The credentials live in a helper program dsg does not call yet. */
  | { kind: 'helper'; helper: string };

/** Where the config file is, and how to name it in messages. */
export interface DockerConfigFile {
  path: string;
  display: string;
}

/** Locates config.json: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`. */
export function dockerConfigFile(env: Readonly<Record<string, string>>): DockerConfigFile {
  const dir = env['DOCKER_CONFIG'];
  if (dir !== undefined && dir !== '')
    return { path: join(dir, 'config.json'), display: join(dir, 'config.json') };
  return { path: join(env['HOME'] ?? '', '.docker', 'config.json'), display: '~/.docker/config.json' };
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface ConfigShape {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
}

/** Reads and parses config.json; a missing file is an empty config. */
async function readConfig(file: DockerConfigFile): Promise<Result<ConfigShape, string>> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return ok({});
    return fail(`Cannot read Docker config "${file.display}": ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null)
      return fail(`Cannot read Docker config "${file.display}": not a JSON object`);
    return ok(parsed as ConfigShape);
  } catch (err) {
    return fail(`Cannot read Docker config "${file.display}": ${(err as Error).message}`);
  }
}

/** The registry a config key names: `https://index.docker.io/v1/` → `docker.io`, `http://h:5000/x` → `h:5000`. */
export function normalizeRegistryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** Finds the credentials for `registry` (host[:port], `docker.io` for Docker Hub). */
export async function registryCredentials(
  registry: string,
  env: Readonly<Record<string, string>>,
): Promise<Result<RegistryCredentials, string>> {
  const file = dockerConfigFile(env);
  const config = await readConfig(file);
  if (!config.ok) return config;
  const helpers = config.value.credHelpers ?? {};
  for (const [key, helper] of Object.entries(helpers)) {
    if (normalizeRegistryKey(key) === registry && typeof helper === 'string')
      return ok({ kind: 'helper', helper });
  }
  for (const [key, entry] of Object.entries(config.value.auths ?? {})) {
    if (normalizeRegistryKey(key) !== registry) continue;
    const creds = entryCredentials(entry);
    if (creds) return ok(creds);
  }
  const store = config.value.credsStore;
  if (typeof store === 'string' && store !== '') return ok({ kind: 'helper', helper: store });
  return ok({ kind: 'anonymous' });
}

function entryCredentials(entry: AuthEntry): RegistryCredentials | undefined {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return { kind: 'identity-token', token: entry.identitytoken };
  }
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

/** The engine's `X-Registry-Auth` header value for a push to `registry`. */
export function engineAuthHeader(creds: RegistryCredentials, registry: string): string {
  const serveraddress = registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
  const body =
    creds.kind === 'basic'
      ? { username: creds.username, password: creds.password, serveraddress }
      : creds.kind === 'identity-token'
        ? { identitytoken: creds.token, serveraddress }
        : {};
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The engine's `X-Registry-Config` value for builds: every inline credential, so `FROM` can pull private bases. */
export async function buildRegistryConfig(
  env: Readonly<Record<string, string>>,
): Promise<Result<string | undefined, string>> {
  const config = await readConfig(dockerConfigFile(env));
  if (!config.ok) return config;
  const all: Record<
    string,
    { username?: string; password?: string; identitytoken?: string; serveraddress: string }
  > = {};
  for (const [key, entry] of Object.entries(config.value.auths ?? {})) {
    const creds = entryCredentials(entry);
    if (creds?.kind === 'basic')
      all[key] = { username: creds.username, password: creds.password, serveraddress: key };
    if (creds?.kind === 'identity-token') all[key] = { identitytoken: creds.token, serveraddress: key };
  }
  if (Object.keys(all).length === 0) return ok(undefined);
  return ok(Buffer.from(JSON.stringify(all), 'utf8').toString('base64url'));
}
