// The project files a render reads, for the engine to digest, and every other path their listing depends on:
// the folders listed and the files looked for, so that a later run can tell the list is still the same.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import type { DeploymentConfig } from '../../core/config.ts';
import { ok, type Result } from '../../core/result.ts';
import { chartSource } from '../helm/chart.ts';
import { foldersUnder, SKIPPED_GLOBS } from './folders.ts';
import { kustomizationFiles } from './kustomize.ts';
import { manifestFiles } from './manifest-files.ts';

/** Project-relative input files of a deployment; `onRead` is told (absolute) each other path consulted. */
export async function inputFiles(
  projectDir: string,
  deployment: DeploymentConfig,
  onRead: (path: string) => void,
): Promise<Result<string[], string>> {
  switch (deployment.type) {
    case 'component':
      return ok([]);
    case 'kubectl': {
      const { manifests } = deployment;
      if (!deployment.kustomize)
        return manifests.length > 0 ? manifestFiles(projectDir, manifests, onRead) : ok([]);
      const lists = await Promise.all(manifests.map((m) => kustomizationFiles(projectDir, m, onRead)));
      return ok(lists.flat());
    }
    case 'helm': {
      const source = chartSource(deployment);
      // A remote chart is fetched by `helm template`, not here: the key names it, no local file lists it.
      const chart = source.kind === 'local' ? await filesUnder(projectDir, source.path, onRead) : [];
      return ok([...chart, ...deployment.valuesFiles]);
    }
  }
}

/** A local chart: the archive itself, or every file under the folder but dsg's and git's. */
async function filesUnder(
  projectDir: string,
  path: string,
  onRead: (path: string) => void,
): Promise<string[]> {
  const base = join(projectDir, path);
  for (const folder of await foldersUnder(base)) onRead(folder);
  const info = await stat(base).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  const files = await glob('**/*', { cwd: base, onlyFiles: true, dot: true, ignore: [...SKIPPED_GLOBS] });
  return files.sort().map((f) => (path === '.' ? f : `${path}/${f}`));
}
