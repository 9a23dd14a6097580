// Deploy of helm deployments: `helm upgrade --install` with the values render produced, skipped when the
// release already stands at the revision this very render made; the status check; and uninstall.
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { HelmDeployment } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { TaskNode } from '../../core/task.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { JsonObject } from '../../core/json.ts';
import { KubeClient } from '../kube/client.ts';
import { waitBounds } from '../kube/waiting.ts';
import type { KubeTarget } from '../kube/kube-target.ts';
import { clusterProblem, rolloutProblem, type MessageContext } from '../kube/messages.ts';
import { hasRollout, waitForRollouts } from '../kube/rollout.ts';
import { refOf, type KubeObject, type ObjectRef } from '../render/object.ts';
import { readRendered, type RenderedData } from '../render/output.ts';
import type { ArtifactStatus, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import { chartSource, describeChart } from './chart.ts';
import { releaseStatus, uninstall, upgradeInstall, type ReleaseTarget } from './release.ts';
import type { HelmOptions } from './run-helm.ts';

/** Everything a release deploy needs. */
export interface ReleaseDeploy {
  task: TaskNode;
  ctx: TaskContext;
  deployment: HelmDeployment;
  target: KubeTarget;
  namespace: string;
  messages: MessageContext;
}

/** `data` of a deploy output for helm deployments. */
export interface ReleaseData extends JsonObject {
  server: string;
  context: string;
  namespace: string;
  release: string;
  revision: number;
}

function releaseTarget(d: ReleaseDeploy): ReleaseTarget {
  const target: ReleaseTarget = { release: d.deployment.releaseName, namespace: d.namespace };
  if (d.ctx.settings.kubeContext) target.kubeContext = d.ctx.settings.kubeContext;
  return target;
}

function helmOptions(d: ReleaseDeploy): HelmOptions {
  return { cwd: d.task.project.dir, env: d.ctx.env, signal: d.ctx.signal };
}

/** Installs or upgrades the release, then waits for its workloads. */
export async function deployRelease(
  d: ReleaseDeploy,
  render: TaskOutput<RenderedData>,
  digest: string,
): Promise<Result<TaskOutput<ReleaseData>, Diagnostic>> {
  const bounds = waitBounds(d.ctx.env);
  if (!bounds.ok) return bounds;
  const { data } = render;
  const files = await readRendered(d.ctx.settings.stateDir, render);
  if (!files || !data.valuesFile) {
    return fail(
      error(
        `Cannot deploy "${d.task.name}": the rendered values of the release are missing or were changed`,
        d.deployment.at,
      ),
    );
  }
  const target = releaseTarget(d);
  const description = `dsg.dev/digest=${digest}`;
  const current = await releaseStatus(target, helmOptions(d));
  if (!current.ok) return fail(helmProblem(d, current.error));
  let revision: number;
  if (
    current.value?.status === 'deployed' &&
    current.value.description === description &&
    !d.ctx.settings.forceDeploy
  ) {
    revision = current.value.revision;
    d.ctx.log(`release ${target.release} is up to date at revision ${revision}`);
  } else {
    const installed = await upgradeInstall(
      target,
      {
        source: chartSource(d.deployment),
        valuesFile: join(d.ctx.settings.stateDir, data.valuesFile),
        upgradeArgs: d.deployment.upgradeArgs,
        description,
      },
      helmOptions(d),
    );
    if (!installed.ok) return fail(helmProblem(d, installed.error));
    revision = installed.value.revision;
    d.ctx.log(`release ${target.release} is at revision ${revision} (${installed.value.status})`);
  }
  const workloads = parseAllDocuments(files.objects)
    .map((doc) => refOf(doc.toJS() as KubeObject))
    .filter(hasRollout)
    .map((ref): ObjectRef => ({ ...ref, namespace: ref.namespace ?? d.namespace }));
  if (workloads.length > 0) {
    const client = KubeClient.connect(d.target, 4, d.ctx.signal);
    try {
      const rollout = await waitForRollouts(client, workloads, {
        selector: '',
        timeoutMs: bounds.value.rolloutMs,
        signal: d.ctx.signal,
      });
      if (!rollout.ok) return fail(rolloutProblem(rollout.error, d.messages));
    } finally {
      client.close();
    }
  }
  const out: ReleaseData = {
    server: d.target.identity.server,
    context: d.target.identity.context,
    namespace: d.namespace,
    release: target.release,
    revision,
  };
  return ok({ digest, data: out });
}

/** Present when the release is deployed at the revision recorded. */
export async function releaseArtifactStatus(
  d: ReleaseDeploy,
  output: TaskOutput<ReleaseData>,
): Promise<ArtifactStatus> {
  const { data } = output;
  const target = releaseTarget(d);
  const status = await releaseStatus(target, helmOptions(d));
  if (!status.ok) return { present: false, missing: helmProblem(d, status.error).message };
  const name = `helm release "${target.release}" in namespace ${target.namespace}`;
  if (!status.value) return { present: false, missing: `${name} is not installed` };
  if (status.value.status !== 'deployed')
    return { present: false, missing: `${name} is ${status.value.status}` };
  if (status.value.revision !== data.revision) {
    return {
      present: false,
      missing: `${name} is at revision ${status.value.revision}, dsg deployed revision ${data.revision}`,
    };
  }
  return { present: true };
}

/** Uninstalls the release. */
export async function purgeRelease(d: ReleaseDeploy): Promise<Result<void, Diagnostic>> {
  const removed = await uninstall(releaseTarget(d), helmOptions(d));
  if (!removed.ok) return fail(helmProblem(d, removed.error));
  d.ctx.log(
    removed.value
      ? `uninstalled release ${d.deployment.releaseName}`
      : `release ${d.deployment.releaseName} was not installed`,
  );
  return ok(undefined);
}

/** Helm's error as one sentence: the cluster's fault when it is, else the chart and release named. */
function helmProblem(d: ReleaseDeploy, detail: string): Diagnostic {
  const unreachable = /cluster unreachable|connection refused|no such host|i\/o timeout|dial tcp/i.exec(
    detail,
  );
  if (unreachable) {
    const refused = /connection refused/i.test(detail) ? 'connect ECONNREFUSED' : detail;
    return clusterProblem({ reason: 'unreachable', detail: refused }, d.target.identity) ?? error(detail);
  }
  if (/Unauthorized|must be logged in/i.test(detail)) {
    return (
      clusterProblem({ reason: 'unauthorized', status: 401, detail }, d.target.identity) ?? error(detail)
    );
  }
  const chart = describeChart(chartSource(d.deployment));
  return error(
    `Cannot install chart "${chart}" as release "${d.deployment.releaseName}" in namespace ${d.namespace}: ${detail}`,
    d.deployment.at,
  );
}
