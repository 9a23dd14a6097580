// Image references as Docker reads them: `[registry/]path[:tag][@digest]`, Docker Hub's implicit
// `docker.io/library/` spelled out, so `nginx`, `library/nginx` and `docker.io/library/nginx` compare equal.
// The one owner of that grammar: the compiler matches manifests against images with it, render replaces
// references with it, the registry client finds the registry and path of a repository with it.
import type { ProjectConfig } from './config.ts';

/** The registry Docker Hub images live in, as docker names it. */
export const DOCKER_HUB = 'docker.io';

/** A parsed image reference. */
export interface ImageRef {
  /** The repository as written, without tag or digest. */
  repository: string;
  /** The repository with the registry spelled out, for comparisons: `docker.io/library/nginx`. */
  normalized: string;
  tag?: string;
  digest?: string;
}

/** A repository split into its registry and its path in that registry. */
export interface RepositoryRef {
  /** As written, e.g. `127.0.0.1:5000/shop/api` or `nginx`. */
  repository: string;
  /** Registry host (with port), `docker.io` for Docker Hub. */
  registry: string;
  /** Path inside the registry, e.g. `shop/api` or `library/nginx`. */
  path: string;
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
  const { registry, path, explicit } = splitRegistry(repository);
  if (explicit && !hostPattern.test(registry)) return undefined;
  if (!pathPattern.test(path)) return undefined;
  return `${registry}/${path}`;
}

/** Splits a repository (no tag) into registry and path, with docker's defaults for Docker Hub. */
export function parseRepository(repository: string): RepositoryRef {
  const { registry, path } = splitRegistry(repository);
  return { repository, registry, path };
}

// Docker's rule: the first path component is a registry when it has a `.` or `:` or is `localhost`.
function splitRegistry(repository: string): { registry: string; path: string; explicit: boolean } {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const explicit = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const given = explicit ? first : DOCKER_HUB;
  const registry = given === 'index.docker.io' || given === 'registry-1.docker.io' ? DOCKER_HUB : given;
  const rest = explicit ? repository.slice(slash + 1) : repository;
  const path = registry === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest;
  return { registry, path, explicit };
}

/** Splits `repository:tag` (the tag after the last `:` that follows the last `/`; `latest` when none). */
export function splitRef(ref: string): { repository: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: 'latest' };
}

/** Docker's rule for tags: word characters, dots and dashes, at most 128, not starting with `.` or `-`. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag);
}

/** Image repository (normalised) → image name, for one project; build it once and pass it to every scan. */
export function repositoryIndex(project: Pick<ProjectConfig, 'images'>): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  for (const image of project.images) {
    const normalized = parseImageRef(image.image)?.normalized;
    if (normalized !== undefined) index.set(normalized, image.name);
  }
  return index;
}

/** The image of `byRepository` that `reference` (a full image reference) names, if any. */
export function imageNamed(reference: string, byRepository: ReadonlyMap<string, string>): string | undefined {
  const normalized = parseImageRef(reference.trim())?.normalized;
  return normalized === undefined ? undefined : byRepository.get(normalized);
}
