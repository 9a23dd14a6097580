// `helm template`: the objects a chart produces for a release, without a cluster.
import { fail, type Result } from '../../core/result.ts';
import { chartArgs, type ChartSource } from './chart.ts';
import { chartProblem, runHelm, type HelmOptions } from './run-helm.ts';

/** What to render. */
export interface TemplateRequest {
  deployment: string;
  release: string;
  namespace: string;
  source: ChartSource;
  /** Absolute path of the merged values file. */
  valuesFile: string;
  templateArgs: readonly string[];
}

/** Runs `helm template <release> <chart> -n <ns> -f <values> <templateArgs>` and returns its YAML. */
export async function helmTemplate(
  request: TemplateRequest,
  options: HelmOptions,
): Promise<Result<string, string>> {
  const args = [
    'template',
    request.release,
    ...chartArgs(request.source, request.templateArgs),
    '--namespace',
    request.namespace,
    '--values',
    request.valuesFile,
    ...request.templateArgs,
  ];
  const run = await runHelm(args, options);
  return run.ok ? run : fail(chartProblem(request.source, run.error, request.deployment));
}
