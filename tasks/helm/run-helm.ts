// Runs the helm CLI and turns its failures into one sentence that names the chart or release.
import { fail, ok, type Result } from '../../core/result.ts';
import { firstLines, runProcess } from '../../core/process.ts';
import { describeChart, type ChartSource } from './chart.ts';

/** Where helm runs and with which environment (KUBECONFIG, HOME, PATH come from it). */
export interface HelmOptions {
  cwd: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Runs `helm args`; stdout on success, helm's own error text (without the `Error:` prefix) on failure. */
export async function runHelm(
  args: readonly string[],
  options: HelmOptions,
): Promise<Result<string, string>> {
  const run = await runProcess('helm', args, options);
  if (!run.ok) return fail(run.error.message);
  if (run.value.code !== 0) {
    return fail(
      firstLines(run.value.stderr.replace(/^Error: /gm, '')) || `helm exited with code ${run.value.code}`,
    );
  }
  return ok(run.value.stdout);
}

/** The message for a failure of helm while fetching or rendering `source`. */
export function chartProblem(source: ChartSource, detail: string, deployment: string): string {
  const chart = describeChart(source);
  if (
    source.kind === 'repo' &&
    /cannot be reached|no such host|dial tcp|connection refused|timeout/i.test(detail)
  ) {
    return `Cannot fetch chart "${chart}" from repository "${source.repo}": the repository cannot be reached (${detail})`;
  }
  if (source.kind !== 'local' && /not found|manifest unknown|name unknown/i.test(detail)) {
    return `Cannot find chart "${chart}": ${detail}`;
  }
  return `Cannot render chart "${chart}" of deployment "${deployment}": ${detail}`;
}
