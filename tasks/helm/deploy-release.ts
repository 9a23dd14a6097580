// Deploy of helm deployments: `helm upgrade --install` with the values render produced, skipped when the
// release already stands at the revision this very render made; the status check; and uninstall.
import { join } from 'node:path';
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
import type { KubeFailure } from '../kube/errors.ts';
import { readRendered, type RenderedData } from '../render/output.ts';
import type { ArtifactStatus, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import { chartSource, describeChart } from './chart.ts';
import { releaseStatus, uninstall, upgradeInstall, type ReleaseTarget } from './release.ts';
import type { HelmOptions } from './run-helm.ts';
import {
  manifestRefs,
  markObjects,
  readObjects,
  releaseDrift,
  type ReleaseObject,
} from './release-objects.ts';

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
  /** The objects of the release's manifest with helm's write markers, as the deploy left them. */
  objects?: ReleaseObject[];
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
  const refs = manifestRefs(files.objects, d.namespace);
  const client = KubeClient.connect(d.target, 4, d.ctx.signal);
  try {
    let revision: number;
    // Made by an earlier deploy of these very inputs (a clone, a cleared .dsg/) and whole: nothing to do. A
    // forced run, or one whose status check found an object deleted or edited, upgrades (helm restores them).
    const upToDate =
      current.value?.status === 'deployed' &&
      current.value.description === description &&
      !d.ctx.settings.forceDeploy &&
      d.ctx.rerun === undefined;
    const before = upToDate ? await readObjects(client, refs) : undefined;
    if (before && !before.ok) return fail(clusterFailure(d, before.error));
    const whole = before?.ok === true && before.value.every((o) => o !== undefined);
    if (upToDate && whole && current.value) {
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
    const workloads = refs.filter(hasRollout);
    if (workloads.length > 0) {
      const rollout = await waitForRollouts(client, workloads, {
        selector: '',
        timeoutMs: bounds.value.rolloutMs,
        signal: d.ctx.signal,
      });
      if (!rollout.ok) return fail(rolloutProblem(rollout.error, d.messages));
    }
    const after = await readObjects(client, refs);
    if (!after.ok) return fail(clusterFailure(d, after.error));
    const out: ReleaseData = {
      server: d.target.identity.server,
      context: d.target.identity.context,
      namespace: d.namespace,
      release: target.release,
      revision,
      objects: markObjects(refs, after.value),
    };
    return ok({ digest, data: out });
  } finally {
    client.close();
  }
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
  const recorded = data.objects ?? [];
  if (recorded.length === 0) return { present: true };
  const client = KubeClient.connect(d.target, 4, d.ctx.signal);
  try {
    const live = await readObjects(client, recorded);
    if (!live.ok) return { present: false, missing: clusterFailure(d, live.error).message };
    const drift = releaseDrift(recorded, live.value);
    return drift === undefined ? { present: true } : { present: false, missing: `${drift} (${name})` };
  } finally {
    client.close();
  }
}

/** A failed read of the release's objects, as one message. */
function clusterFailure(d: ReleaseDeploy, failure: KubeFailure): Diagnostic {
  return (
    clusterProblem(failure, d.target.identity) ??
    error(
      `Cannot read the objects of release "${d.deployment.releaseName}": ${failure.detail}`,
      d.deployment.at,
    )
  );
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
