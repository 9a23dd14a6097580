// Image references as the registry sees them: `[registry/]path[:tag][@digest]`, with Docker Hub's implicit
// `docker.io/library/` spelled out, so `nginx`, `library/nginx` and `docker.io/library/nginx` compare equal.

/** A parsed image reference. */
export interface ImageRef {
  /** The repository as written, without tag or digest. */
  repository: string;
  /** The repository with the registry spelled out, for comparisons. */
  normalized: string;
  tag?: string;
  digest?: string;
}

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const pathPattern = new RegExp(`^${component}(?:/${component})*$`);
const hostPattern = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** Parses `value` as an image reference, or undefined when it cannot be one (spaces, upper case, ...). */
export function parseImageRef(value: string): ImageRef | undefined {
  if (value === '' || value.length > 512) return undefined;
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  const normalized = normalizeRepository(rest);
  if (normalized === undefined) return undefined;
  const ref: ImageRef = { repository: rest, normalized };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `registry/path` with Docker Hub defaults applied, or undefined when `repository` is not one. */
export function normalizeRepository(repository: string): string | undefined {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  const path = hasRegistry ? repository.slice(slash + 1) : repository;
  if (hasRegistry && !hostPattern.test(registry)) return undefined;
  if (!pathPattern.test(path)) return undefined;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  const fullPath = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  return `${registry}/${fullPath}`;
}
