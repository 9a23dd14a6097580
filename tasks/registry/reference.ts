// Image references the way docker reads them: which registry a repository lives in and its path there.

/** The registry Docker Hub images live in, as docker names it. */
export const DOCKER_HUB = 'docker.io';

/** A repository split into its registry and its path in that registry. */
export interface RepositoryRef {
  /** As written, e.g. `127.0.0.1:5000/shop/api` or `nginx`. */
  repository: string;
  /** Registry host (with port), `docker.io` for Docker Hub. */
  registry: string;
  /** Path inside the registry, e.g. `shop/api` or `library/nginx`. */
  path: string;
}

/** Splits a repository (no tag) into registry and path, with docker's defaults for Docker Hub. */
export function parseRepository(repository: string): RepositoryRef {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const isRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!isRegistry) {
    const path = slash < 0 ? `library/${repository}` : repository;
    return { repository, registry: DOCKER_HUB, path };
  }
  const registry = first === 'index.docker.io' ? DOCKER_HUB : first;
  return { repository, registry, path: repository.slice(slash + 1) };
}

/** Splits `repository:tag` (the tag after the last `:` that follows the last `/`). */
export function splitRef(ref: string): { repository: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: 'latest' };
}

/** The base URL of a registry's API: plain http for loopback registries (docker's default insecure range). */
export function registryBaseUrl(registry: string): string {
  if (registry === DOCKER_HUB) return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

/** Docker's rule for tags: word characters, dots and dashes, at most 128, not starting with `.` or `-`. */
export function isValidTag(tag: string): boolean {
  return /^[\w][\w.-]{0,127}$/.test(tag);
}
