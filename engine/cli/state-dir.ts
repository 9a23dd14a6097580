// Commands that only read `.dsg/` find it beside the config file, without loading the config.
import { dirname, join, resolve } from 'node:path';
import { str, type FlagValues } from './args.ts';

/** The `.dsg/` directory of the project the flags (or `DEVSPACE_CONFIG`, as for the loader) point at. */
export function stateDirOf(
  cwd: string,
  flags: FlagValues,
  env: Readonly<Record<string, string>> = {},
): string {
  const config = str(flags, 'config') ?? env['DEVSPACE_CONFIG'];
  return join(config === undefined ? cwd : dirname(resolve(cwd, config)), '.dsg');
}
