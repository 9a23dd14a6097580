// "Is this tag already in the registry?" — the cross-machine skip: a content-addressed tag that is there need not be built.
import type { ImageConfig } from '../../core/config.ts';
import type { RegistryCredentials } from './auth-config.ts';
import { registryCredentials } from './auth-config.ts';
import { getManifest } from './client.ts';
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
