// "Is this tag already in the registry?" — the cross-machine skip: a content-addressed tag that is there need not be built.
import type { ImageConfig } from '../../core/config.ts';
import type { RegistryCredentials } from './auth-config.ts';
import { registryCredentials } from './auth-config.ts';
import { getManifest } from './client.ts';
import { registryFailureDetail } from './messages.ts';
import { parseRepository } from '../../core/image-ref.ts';

/** What a registry look-up needs from the task around it. */
export interface RegistryLookupContext {
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** True when the registry has a manifest for `<image.image>:<tag>`; false when it has none or cannot tell. */
export async function imageInRegistry(
  image: ImageConfig,
  tag: string,
  ctx: RegistryLookupContext,
): Promise<boolean> {
  const repo = parseRepository(image.image);
  const found = await registryCredentials(repo.registry, ctx.env);
  // Without usable credentials, ask anonymously: an open registry still answers, a closed one says no.
  const creds: RegistryCredentials = found.ok ? found.value : { kind: 'anonymous' };
  const manifest = await getManifest(repo, tag, creds, {
    method: 'HEAD',
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return manifest.ok && manifest.value !== undefined;
}

/**
 * "Is this built image still there?" answered by its registry, for when the Docker Engine cannot be asked:
 * every `repository:tag` must name exactly `imageId` (the config digest of a manifest docker pushed is the
 * engine's image id). Any doubt — a missing tag, another image under it, a registry that cannot be asked —
 * is a no, with what was missing.
 */
export async function builtImageInRegistry(
  repository: string,
  tags: readonly string[],
  imageId: string,
  ctx: RegistryLookupContext,
): Promise<{ present: true } | { present: false; missing: string }> {
  const repo = parseRepository(repository);
  const found = await registryCredentials(repo.registry, ctx.env);
  const creds: RegistryCredentials = found.ok ? found.value : { kind: 'anonymous' };
  if (tags.length === 0 || imageId === '')
    return { present: false, missing: `a pushed tag of ${repository}` };
  for (const tag of tags) {
    const ref = `${repository}:${tag}`;
    const manifest = await getManifest(repo, tag, creds, {
      method: 'GET',
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!manifest.ok)
      return { present: false, missing: `${ref} in the registry (${registryFailureDetail(manifest.error)})` };
    if (manifest.value?.configDigest !== imageId)
      return { present: false, missing: `${ref} in the registry` };
  }
  return { present: true };
}
