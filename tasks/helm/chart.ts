// Where a helm deployment's chart comes from: a folder or archive of the project, an `oci://` reference,
// or a chart repository; and the helm arguments that name it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelmDeployment } from '../../core/config.ts';
import { fail, ok, type Result } from '../../core/result.ts';

/** A resolved chart source. */
export type ChartSource =
  | { kind: 'local'; path: string }
  | { kind: 'oci'; ref: string; version?: string }
  | { kind: 'repo'; name: string; repo: string; version?: string };

/** Classifies the chart of a helm deployment. */
export function chartSource(deployment: HelmDeployment): ChartSource {
  const { name, version, repo } = deployment.chart;
  if (name.startsWith('oci://'))
    return version ? { kind: 'oci', ref: name, version } : { kind: 'oci', ref: name };
  if (repo) return version ? { kind: 'repo', name, repo, version } : { kind: 'repo', name, repo };
  return { kind: 'local', path: name.replace(/^\.\//, '').replace(/\/$/, '') || '.' };
}

/** How the chart is named in messages: its path, reference or `name` from `repo`. */
export function describeChart(source: ChartSource): string {
  switch (source.kind) {
    case 'local':
      return source.path;
    case 'oci':
      return source.version ? `${source.ref}:${source.version}` : source.ref;
    case 'repo':
      return source.name;
  }
}

/** Checks that a local chart exists before helm is asked, so the message names the folder plainly. */
export async function checkChart(source: ChartSource, projectDir: string): Promise<Result<void, string>> {
  if (source.kind !== 'local') return ok(undefined);
  const info = await stat(join(projectDir, source.path)).catch(() => undefined);
  if (!info) {
    return fail(
      `Cannot find chart "${source.path}": no such folder or archive in the project (use "oci://..." or set "chart.repo" for a remote chart)`,
    );
  }
  if (info.isDirectory()) {
    const manifest = await stat(join(projectDir, source.path, 'Chart.yaml')).catch(() => undefined);
    if (!manifest) return fail(`Cannot use chart "${source.path}": the folder has no Chart.yaml`);
  }
  return ok(undefined);
}

/** The chart argument and the flags that go with it, for `helm template` and `helm upgrade`. */
export function chartArgs(source: ChartSource, userArgs: readonly string[]): string[] {
  switch (source.kind) {
    case 'local':
      return [source.path];
    case 'oci': {
      const args = [source.ref, ...(source.version ? ['--version', source.version] : [])];
      // A registry on this machine speaks plain HTTP, as Docker assumes for localhost registries.
      if (isLocalRegistry(source.ref) && !userArgs.includes('--plain-http')) args.push('--plain-http');
      return args;
    }
    case 'repo':
      return [source.name, '--repo', source.repo, ...(source.version ? ['--version', source.version] : [])];
  }
}

function isLocalRegistry(ref: string): boolean {
  const host = ref.slice('oci://'.length).split('/')[0] ?? '';
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
}
