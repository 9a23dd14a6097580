// The environment variables a project's custom builds and hooks declare (the ones their shell lines name) are
// inputs of those tasks' keys, so every memo of a load and compile depends on them too: recorded in its read log
// as if the config had read them.
import type { ReadLog } from '../../cache/read-log.ts';
import type { ProjectConfig } from '../../core/config.ts';
import { customEnvNames } from '../../tasks/build/custom.ts';
import { hookEnvNames } from '../run/hooks.ts';

/** Records the variables `config`'s custom builds and hooks declare in `reads`. */
export function noteDeclaredEnv(config: ProjectConfig, reads: ReadLog): void {
  for (const image of config.images)
    if (image.builder.kind === 'custom')
      for (const name of customEnvNames(image.builder)) reads.envNames.add(name);
  for (const hook of config.hooks) for (const name of hookEnvNames(hook)) reads.envNames.add(name);
}
