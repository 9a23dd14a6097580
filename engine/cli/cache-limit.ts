// How large `.dsg/` may grow before a run prunes it: `--cache-max-size MB`, else `DSG_CACHE_MAX_SIZE`.
import { num, type FlagValues } from './args.ts';

/** `--cache-max-size MB`, else `DSG_CACHE_MAX_SIZE` (MB), else the session's default. */
export function cacheLimit(
  flags: FlagValues,
  env: Readonly<Record<string, string>>,
): { cacheMaxBytes?: number } {
  const fromEnv = env['DSG_CACHE_MAX_SIZE'];
  const mb =
    num(flags, 'cache-max-size') ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : undefined);
  return mb !== undefined && Number.isFinite(mb) ? { cacheMaxBytes: Math.max(0, mb) * 1024 * 1024 } : {};
}
