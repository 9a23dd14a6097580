// Helm releases in the cluster: install or upgrade with the rendered values, read the status, uninstall.
import { fail, ok, type Result } from '../../core/result.ts';
import { chartArgs, type ChartSource } from './chart.ts';
import { runHelm, type HelmOptions } from './run-helm.ts';

/** Which release, where. */
export interface ReleaseTarget {
  release: string;
  namespace: string;
  kubeContext?: string;
}

/** What helm says about a release. */
export interface ReleaseStatus {
  revision: number;
  /** `deployed`, `failed`, `pending-upgrade`, ... */
  status: string;
  description: string;
}

function scope(target: ReleaseTarget): string[] {
  return [
    '--namespace',
    target.namespace,
    ...(target.kubeContext ? ['--kube-context', target.kubeContext] : []),
  ];
}

function parseRelease(json: string): ReleaseStatus | undefined {
  try {
    const release = JSON.parse(json) as {
      version?: number;
      info?: { status?: string; description?: string };
    };
    if (typeof release.version !== 'number') return undefined;
    return {
      revision: release.version,
      status: release.info?.status ?? '',
      description: release.info?.description ?? '',
    };
  } catch {
    return undefined;
  }
}

/** The current revision of the release; undefined when it is not installed. */
export async function releaseStatus(
  target: ReleaseTarget,
  options: HelmOptions,
): Promise<Result<ReleaseStatus | undefined, string>> {
  const run = await runHelm(['status', target.release, ...scope(target), '--output', 'json'], options);
  if (!run.ok) return /release: not found/i.test(run.error) ? ok(undefined) : fail(run.error);
  const status = parseRelease(run.value);
  return status ? ok(status) : fail(`helm status printed no release for "${target.release}"`);
}

/** What to install. */
export interface UpgradeRequest {
  source: ChartSource;
  valuesFile: string;
  upgradeArgs: readonly string[];
  /** Stored as the revision's description; status reads it back to recognise its own revision. */
  description: string;
}

/** `helm upgrade --install` with the rendered values; the new revision. */
export async function upgradeInstall(
  target: ReleaseTarget,
  request: UpgradeRequest,
  options: HelmOptions,
): Promise<Result<ReleaseStatus, string>> {
  const args = [
    'upgrade',
    '--install',
    target.release,
    ...chartArgs(request.source, request.upgradeArgs),
    ...scope(target),
    '--create-namespace',
    '--values',
    request.valuesFile,
    '--description',
    request.description,
    '--output',
    'json',
    ...request.upgradeArgs,
  ];
  const run = await runHelm(args, options);
  if (!run.ok) return run;
  const status = parseRelease(run.value);
  return status ? ok(status) : fail(`helm upgrade printed no release for "${target.release}"`);
}

/** `helm uninstall`; false when there was no such release. */
export async function uninstall(
  target: ReleaseTarget,
  options: HelmOptions,
): Promise<Result<boolean, string>> {
  const run = await runHelm(['uninstall', target.release, ...scope(target)], options);
  if (!run.ok) return /not found/i.test(run.error) ? ok(false) : fail(run.error);
  return ok(true);
}
