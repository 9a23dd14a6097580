// Commands that only read `.dsg/` find it beside the config file, without loading the config.
import { dirname, join, resolve } from 'node:path';
import { str, type FlagValues } from './args.ts';

/** The `.dsg/` directory of the project the flags point at. */
export function stateDirOf(cwd: string, flags: FlagValues): string {
  const config = str(flags, 'config');
  return join(config === undefined ? cwd : dirname(resolve(cwd, config)), '.dsg');
}
