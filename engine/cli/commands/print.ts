// `dsg print`: the config as dsg reads it — variables filled in, profiles applied, older versions converted to
// v2beta1 — like `devspace print`. Sections dsg ignores (and warns about) are shown as written; secret values
// (core/secrets.ts) as `***`.
import { stringify } from 'yaml';
import { maskSecrets, secretValues } from '../../../core/secrets.ts';
import { list, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { loadFlaggedConfig } from '../load-project.ts';

/** Runs `dsg print`; returns the exit code. */
export async function printCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  if (positionals.length > 0) {
    io.stderr.write(`dsg print: unexpected "${positionals.join(' ')}"\n`);
    return 2;
  }
  const loaded = await loadFlaggedConfig(io, flags, 'graph');
  if (!loaded) return 1;
  printDiagnostics(io, loaded.warnings);
  const { root } = loaded;
  const profiles = list(flags, 'profile').map((p) => `, profile "${p}"`);
  io.stdout.write(`# ${root.file} (${root.sourceVersion}) as dsg reads it${profiles.join('')}\n`);
  const mask = maskSecrets(secretValues(root.secrets));
  io.stdout.write(mask(stringify(root.resolved ?? {}, { lineWidth: 0 })));
  return 0;
}
