// The deploy task kind: the rendered objects of a deployment into the cluster of the kubeconfig. kubectl and
// component deployments are server-side applied object by object (only what changed); helm deployments
// become a release. The key covers the render output and the cluster identity, nothing else.
// The Kubernetes client is loaded only when a cluster is talked to: computing keys must stay cheap.
import { canonicalJson, sha256Hex } from '../../cache/canonical.ts';
import type { DeploymentConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { ObjectDeploy } from '../kube/deploy-objects.ts';
import { isRenderedData, type RenderedData } from '../render/output.ts';
import { isDeployOutput, isReleaseData, type DeployOutput } from './output.ts';
import {
  kubeconfigReads,
  readKubeconfig,
  targetNamespace,
  type ClusterIdentity,
} from '../kube/kubeconfig.ts';
import { applyOptions } from '../kube/apply-args.ts';
import { sourceLocation } from '../kube/messages.ts';
import { locators } from '../render/render-context.ts';
import { toolPaths, toolVersion } from '../render/tool-versions.ts';
import type {
  ArtifactStatus,
  RunSettings,
  TaskContext,
  TaskKindImpl,
  TaskOutput,
} from '../../core/task-kind.ts';

type DeployTask = TaskNodeOf<'deploy'>;

/** The deploy task kind. */
export const deployKind: TaskKindImpl<'deploy', DeployOutput> = {
  kind: 'deploy',
  implVersion: 1,
  isOutput: isDeployOutput,

  async inputs(task, ctx) {
    const { deployment } = task.spec;
    const cluster = clusterOf(deployment, ctx);
    if (!cluster.ok) return fail({ ...cluster.error, location: deployment.at });
    const tools: Record<string, string> = {};
    // The cluster lives elsewhere (no `proof`): what is local is the kubeconfig, and the helm binary.
    const reads = kubeconfigReads(ctx.env);
    if (deployment.type === 'helm') {
      const helm = await toolVersion('helm', ctx.env, task.project.dir);
      if (!helm.ok) return fail(error(helm.error, deployment.at));
      tools['helm'] = helm.value;
      reads.push(...(await toolPaths('helm', ctx.env, task.project.dir)));
    }
    const spec: Json = { deployment: withoutLocation(deployment), cluster: { ...cluster.value } };
    return ok({ spec, files: [], env: {}, tools, reads });
  },

  async status(task, output, ctx) {
    const d = await deployContext(task, ctx);
    if (!d.ok) return { present: false, missing: d.error.message };
    const recorded = output.data;
    if (recorded.server !== d.value.target.identity.server || recorded.namespace !== d.value.namespace) {
      return { present: false, missing: 'the deploy was made to another cluster or namespace' };
    }
    return statusOf(d.value, output);
  },

  async run(task, ctx) {
    const d = await deployContext(task, ctx);
    if (!d.ok) return d;
    const render = renderOutput(task, ctx);
    if (!render)
      return fail(
        error(
          `Cannot deploy "${task.name}": the output of its render task is missing`,
          d.value.deployment.at,
        ),
      );
    const identity: ClusterIdentity = { ...d.value.target.identity, namespace: d.value.namespace };
    const digest = sha256Hex(canonicalJson({ render: render.digest, cluster: { ...identity } }));
    const deployment = d.value.deployment;
    if (deployment.type === 'helm') {
      return (await import('../helm/deploy-release.ts')).deployRelease(
        { ...d.value, deployment },
        render,
        digest,
      );
    }
    return (await import('../kube/deploy-objects.ts')).deployObjects(d.value, render, digest);
  },

  forcedBy: (_task, settings) => (settings.forceDeploy ? '-d' : undefined),

  async purge(task, ctx) {
    const d = await deployContext(task, ctx);
    if (!d.ok) return d;
    const deployment = d.value.deployment;
    if (deployment.type === 'helm')
      return (await import('../helm/deploy-release.ts')).purgeRelease({ ...d.value, deployment });
    return (await import('../kube/deploy-objects.ts')).purgeObjects(d.value, renderOutput(task, ctx));
  },
};

async function statusOf(d: ObjectDeploy, output: TaskOutput<DeployOutput>): Promise<ArtifactStatus> {
  const { deployment } = d;
  const { data } = output;
  if (deployment.type === 'helm') {
    if (!isReleaseData(data)) return { present: false, missing: 'the recorded helm release' };
    return (await import('../helm/deploy-release.ts')).releaseArtifactStatus(
      { ...d, deployment },
      { digest: output.digest, data },
    );
  }
  if (isReleaseData(data)) return { present: false, missing: 'the recorded objects' };
  return (await import('../kube/deploy-objects.ts')).objectsStatus(d, { digest: output.digest, data });
}

/** The cluster identity that goes into the key: server, context and the namespace this deployment uses. */
function clusterOf(
  deployment: DeploymentConfig,
  ctx: { env: Readonly<Record<string, string>>; settings: RunSettings },
): Result<ClusterIdentity, Diagnostic> {
  const kubeconfig = readKubeconfig(ctx.env, ctx.settings.kubeContext);
  if (!kubeconfig.ok) return kubeconfig;
  const { server, context } = kubeconfig.value.identity;
  return ok({
    server,
    context,
    namespace: targetNamespace(ctx.settings, deployment, kubeconfig.value.identity),
  });
}

async function deployContext(task: DeployTask, ctx: TaskContext): Promise<Result<ObjectDeploy, Diagnostic>> {
  const { deployment } = task.spec;
  const { loadKubeTarget } = await import('../kube/kube-target.ts');
  const target = loadKubeTarget(ctx.env, ctx.settings.kubeContext);
  if (!target.ok) return fail({ ...target.error, location: deployment.at });
  const { locate } = locators(task, deployment);
  const namespace = targetNamespace(ctx.settings, deployment, target.value.identity);
  return ok({
    task,
    ctx,
    deployment,
    target: target.value,
    namespace,
    messages: {
      deployment: deployment.name,
      identity: target.value.identity,
      at: deployment.at,
      locate: (source) => sourceLocation(source, locate),
    },
  });
}

/** The output of this deployment's render task among the upstream outputs. */
function renderOutput(task: DeployTask, ctx: TaskContext): TaskOutput<RenderedData> | undefined {
  const output = ctx.upstream.get(`${task.project.scope}render:${task.name}`);
  return output && isRenderedData(output.data) ? { digest: output.digest, data: output.data } : undefined;
}

function withoutLocation(deployment: DeploymentConfig): Json {
  const copy: { [key: string]: unknown } = { ...deployment };
  delete copy['at'];
  // Of `applyArgs`, only what the apply honours can change what a deploy does.
  if (deployment.type === 'kubectl') copy['applyArgs'] = { ...applyOptions(deployment.applyArgs).options };
  return copy as Json;
}
