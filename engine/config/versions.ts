// The config versions DevSpace has written, and which of them dsg reads.

/** The shape dsg works in (DevSpace 6). */
export const LATEST_VERSION = 'v2beta1';

/** DevSpace 3–5 versions that dsg converts to v2beta1, oldest first. */
export const V1_VERSIONS = [
  'v1beta1',
  'v1beta2',
  'v1beta3',
  'v1beta4',
  'v1beta5',
  'v1beta6',
  'v1beta7',
  'v1beta8',
  'v1beta9',
  'v1beta10',
  'v1beta11',
] as const;

/** Versions older than v1beta1 that DevSpace itself still upgrades but dsg does not read. */
export const ALPHA_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'] as const;

/** Every version dsg reads, for messages. */
export const SUPPORTED_VERSIONS: readonly string[] = [...V1_VERSIONS, LATEST_VERSION];

/** The generation of a supported version: v1 (arrays of deployments, `vars` lists) or v2 (maps). */
export type Generation = 'v1' | 'v2';

/** The generation of `version`, or undefined when dsg does not read it. */
export function generationOf(version: string): Generation | undefined {
  if (version === LATEST_VERSION) return 'v2';
  return (V1_VERSIONS as readonly string[]).includes(version) ? 'v1' : undefined;
}
