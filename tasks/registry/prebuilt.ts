// The cross-machine skip: a content-addressed tag already in the registry means this exact build was pushed before.
import type { ImageConfig } from '../../core/config.ts';
import type { RunSettings } from '../../core/task-kind.ts';
import type { RegistryCredentials } from './auth-config.ts';
import { registryCredentials } from './auth-config.ts';
import { getManifest } from './client.ts';
import { parseRepository } from './reference.ts';

/** An image some earlier run (here or on another machine) built and pushed under the default tag. */
export interface PrebuiltImage {
  ref: string;
  /** The image id: the config digest of the manifest, which is what the engine's id is for docker-pushed images. */
  imageId: string;
}

/**
 * The pushed image for `tags` when the build may be skipped: the tag is the content-addressed default (no
 * `tags:`, no `-t`), the image is pushed (no skipPush), nothing forces a rebuild, and the registry has it.
 * Any doubt (registry down, refused, an index instead of an image) means: build.
 */
export async function prebuiltInRegistry(
  image: ImageConfig,
  tags: readonly string[],
  settings: RunSettings,
  ctx: { env: Readonly<Record<string, string>>; signal?: AbortSignal },
): Promise<PrebuiltImage | undefined> {
  const tag = tags[0];
  const contentAddressed = image.tags.length === 0 && settings.tags.length === 0 && tags.length === 1;
  const pushed = !image.skipPush && !settings.skipPush;
  const forced = settings.forceBuild || image.rebuildStrategy === 'always';
  if (tag === undefined || !contentAddressed || !pushed || forced) return undefined;
  const repo = parseRepository(image.image);
  const found = await registryCredentials(repo.registry, ctx.env);
  const creds: RegistryCredentials = found.ok ? found.value : { kind: 'anonymous' };
  const manifest = await getManifest(repo, tag, creds, {
    method: 'GET',
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const imageId = manifest.ok ? manifest.value?.configDigest : undefined;
  return imageId?.startsWith('sha256:') === true ? { ref: `${image.image}:${tag}`, imageId } : undefined;
}
