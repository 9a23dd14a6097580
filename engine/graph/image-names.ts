// Image reference matching: does a string in a manifest, values file or Dockerfile name one of our images?

const DEFAULT_REGISTRY = /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//;

/** The repository of an image reference, normalised: no tag or digest, no Docker Hub prefix, no `library/`. */
export function repositoryOf(reference: string): string {
  let ref = reference.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  ref = ref.replace(DEFAULT_REGISTRY, '');
  return ref.startsWith('library/') ? ref.slice('library/'.length) : ref;
}

/** True when `reference` (a full image reference) points at repository `repository`. */
export function referencesRepository(reference: string, repository: string): boolean {
  return repositoryOf(reference) === repositoryOf(repository);
}

const RUNTIME_IMAGE = /\$\{runtime\.images\.([A-Za-z0-9_-]+)(?:\.(?:image|tag))?\}/g;

/** Names of images used through `${runtime.images.NAME.image}` / `.tag` in a piece of text. */
export function runtimeImageNames(text: string): string[] {
  if (!text.includes('${runtime.images.')) return [];
  return [...text.matchAll(RUNTIME_IMAGE)].map((m) => m[1] ?? '');
}
