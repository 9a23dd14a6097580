// The render task kind: a deployment's manifests, chart or component values become the exact objects to
// deploy, with the images of this run substituted, written to `<stateDir>/rendered/`. No cluster is touched.
import type { DeploymentConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { kubeconfigReads, readKubeconfig, targetNamespace } from '../kube/kubeconfig.ts';
import { inputFiles } from './input-files.ts';
import { isRenderedData, readRendered, renderedPaths, writeRendered, type RenderedData } from './output.ts';
import type { Rendered, RenderContext } from './render-context.ts';
import { locators } from './render-context.ts';
import { renderComponentDeployment, renderHelm } from './render-helm.ts';
import { renderKubectl } from './render-kubectl.ts';
import type { BuiltImage } from './tag-replacement.ts';
import { toolPaths, toolVersion, type VersionedTool } from './tool-versions.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import type { RunSettings, TaskContext, TaskInputs, TaskKindImpl, TaskOutput } from '../../core/task-kind.ts';
import { isTaggedImage } from '../tag/output.ts';
import { refLookup, type RuntimeLookup } from '../../core/runtime-refs.ts';
import { unfilledReference } from './unfilled.ts';

/** The render task kind. */
export const renderKind: TaskKindImpl<'render', RenderedData> = {
  kind: 'render',
  implVersion: 1,
  isOutput: isRenderedData,

  async inputs(task, ctx) {
    const { deployment, images } = task.spec;
    const reads: string[] = [];
    const files = await inputFiles(task.project.dir, deployment, (path) => reads.push(path));
    if (!files.ok) return fail(error(files.error, deployment.at));
    const tools: Record<string, string> = {};
    for (const tool of toolsOf(deployment)) {
      const version = await toolVersion(tool, ctx.env, task.project.dir);
      if (!version.ok) return fail(error(version.error, deployment.at));
      tools[tool] = version.value;
      reads.push(...(await toolPaths(tool, ctx.env, task.project.dir)));
    }
    const spec: { [key: string]: Json } = { deployment: withoutLocation(deployment), images };
    if (deployment.type === 'helm') {
      spec['namespace'] = helmNamespace(deployment, ctx);
      reads.push(...kubeconfigReads(ctx.env));
    }
    const inputs: TaskInputs = { spec, files: files.value, env: {}, tools, reads };
    return ok(inputs);
  },

  async status(_task, output, ctx) {
    const files = await readRendered(ctx.settings.stateDir, output);
    if (files) return { present: true };
    return { present: false, missing: `the rendered file "${fileOf(output)}" is gone or was changed` };
  },

  proof: (_task, output, settings) => renderedPaths(settings.stateDir, output),

  async run(task, ctx) {
    const { deployment, images } = task.spec;
    const built = upstreamImages(images, ctx);
    if (!built.ok) return fail(error(built.error, deployment.at));
    const rctx: Omit<RenderContext, 'deployment'> = {
      task,
      projectDir: task.project.dir,
      env: ctx.env,
      signal: ctx.signal,
      settings: ctx.settings,
      log: ctx.log,
      namespace: deployment.type === 'helm' ? helmNamespace(deployment, ctx) : '',
      images: built.value,
      runtime: runtimeLookup(task, ctx),
      ...locators(task, deployment),
    };
    const rendered = await renderDeployment(deployment, rctx);
    if (!rendered.ok) return rendered;
    const unfilled = unfilledReference(rendered.value.objects, { deployment, locate: rctx.locate });
    if (unfilled) return fail(unfilled);
    const output = await writeRendered(
      ctx.settings.stateDir,
      task,
      rendered.value.objects,
      rendered.value.values,
    );
    ctx.log(`rendered ${rendered.value.objects.length} object(s) to ${fileOf(output)}`);
    return ok(output);
  },
};

function renderDeployment(
  deployment: DeploymentConfig,
  rctx: Omit<RenderContext, 'deployment'>,
): Promise<Result<Rendered, Diagnostic>> {
  switch (deployment.type) {
    case 'kubectl':
      return renderKubectl({ ...rctx, deployment });
    case 'helm':
      return renderHelm({ ...rctx, deployment });
    case 'component':
      return renderComponentDeployment({ ...rctx, deployment });
  }
}

function fileOf(output: TaskOutput<RenderedData>): string {
  return output.data.file;
}

/**
 * The deployment as a key sees it: its source position is left out, so moving it in the file changes nothing, and
 * so are the arguments only the deploy uses (`applyArgs`, `upgradeArgs`: the deploy's key has them).
 */
function withoutLocation(deployment: DeploymentConfig): Json {
  const copy: { [key: string]: unknown } = { ...deployment };
  delete copy['at'];
  delete copy['applyArgs'];
  delete copy['upgradeArgs'];
  return copy as Json;
}

/** Helm renders a release for a namespace; the kube context's counts when neither `-n` nor the deployment names one. */
function helmNamespace(
  deployment: DeploymentConfig,
  ctx: { env: Readonly<Record<string, string>>; settings: RunSettings },
): string {
  const kubeconfig = readKubeconfig(ctx.env, ctx.settings.kubeContext);
  return targetNamespace(ctx.settings, deployment, kubeconfig.ok ? kubeconfig.value.identity : undefined);
}

function upstreamImages(ids: readonly string[], ctx: TaskContext): Result<BuiltImage[], string> {
  const images: BuiltImage[] = [];
  for (const id of ids) {
    const output = ctx.upstream.get(id);
    if (!output || !isTaggedImage(output.data))
      return fail(`Cannot render with the image of "${id}": its output is missing`);
    const { name, image, tag } = output.data;
    images.push({ name, image, tag });
  }
  return ok(images);
}

function toolsOf(deployment: DeploymentConfig): VersionedTool[] {
  if (deployment.type === 'helm') return ['helm'];
  if (deployment.type === 'kubectl' && deployment.kustomize) return ['kubectl'];
  return [];
}

/**
 * The task's references as the compiler resolved them; a reference it could not see (in a kustomization's
 * files) is filled in by name from the images of its own project this render was given, if it was given that one.
 */
function runtimeLookup(task: TaskNodeOf<'render'>, ctx: TaskContext): RuntimeLookup {
  const outputOf = (id: string): TaskOutput | undefined => ctx.upstream.get(id);
  const known = refLookup(task.refs, outputOf);
  return (ref) => {
    if (task.refs[ref.subject] !== undefined || ref.dependencies.length > 0) return known(ref);
    const id = `${task.project.scope}tag:${ref.image}`;
    return task.spec.images.includes(id) ? refLookup({ [ref.subject]: id }, outputOf)(ref) : undefined;
  };
}
