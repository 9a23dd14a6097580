// The docker half of the build task: inputs, "is the image still there?", and the build through the Engine API.
import { posix } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { error } from '../../core/diagnostics.ts';
import type { Json } from '../../core/json.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';
import { normalizeRel, planContext, planDockerfile } from '../docker/build-plan.ts';
import type { DockerClient } from '../docker/client.ts';
import { openDocker } from '../docker/client.ts';
import { contextTar } from '../docker/context-tar.ts';
import { locateStep } from '../docker/dockerfile.ts';
import type { DockerFailure } from '../docker/failure.ts';
import { failureDetail } from '../docker/failure.ts';
import { buildImage, inspectImage } from '../docker/images.ts';
import { resolveTags } from './image-tags.ts';
import { fromBuiltParents, parentFroms } from './parent-images.ts';
import { buildRegistryConfig } from '../registry/auth-config.ts';
import { builtImageInRegistry, imageInRegistry } from '../registry/image-in-registry.ts';
import { isValidTag } from '../../core/image-ref.ts';
import type {
  ArtifactStatus,
  InputsContext,
  TaskContext,
  TaskInputs,
  TaskOutput,
} from '../../core/task-kind.ts';
import type { BuiltImage } from './output.ts';
import { withOwnImage } from './own-image.ts';

/**
 * Inputs of a docker build: Dockerfile, context files after .dockerignore, buildArgs, target, network,
 * entrypoint/cmd, appendDockerfileInstructions, and the `FROM` images that are other images of the project.
 */
export async function dockerBuildInputs(
  task: TaskNodeOf<'build'>,
  ctx: InputsContext,
): Promise<Result<TaskInputs, Diagnostic>> {
  const plan = await planDockerfile(task);
  if (!plan.ok) return plan;
  const image = plan.value.image;
  const files = new Set<string>([plan.value.dockerfile]);
  if (plan.value.ignoreFile !== undefined) files.add(plan.value.ignoreFile);
  if (image.rebuildStrategy !== 'ignoreContextChanges') {
    const context = await planContext(task, plan.value, ctx.listFiles);
    if (!context.ok) return context;
    for (const f of context.value.files) files.add(posix.join(context.value.contextRel, f));
  }
  const spec: { [key: string]: Json } = {
    builder: 'docker',
    image: image.image,
    dockerfile: plan.value.dockerfile,
    context: normalizeRel(image.context),
    buildArgs: image.buildArgs,
    target: image.target ?? null,
    network: image.network ?? null,
    entrypoint: image.entrypoint ?? null,
    cmd: image.cmd ?? null,
    appendDockerfileInstructions: image.appendDockerfileInstructions,
    rebuildStrategy: image.rebuildStrategy,
    // Tags are applied by the build, so a change of `tags:` or `-t` must reach the build's key.
    tags: image.tags,
    cliTags: ctx.settings.tags,
  };
  // Built on another image of the project: that build's output (in the key as upstream) replaces these names.
  const parents = parentFroms(task, plan.value.content);
  if (parents.length > 0) spec['from'] = parents;
  // Which ignore file applies depends on which of the two exists: both are looked for.
  const reads = [
    `${plan.value.dockerfile}.dockerignore`,
    posix.join(normalizeRel(image.context), '.dockerignore'),
  ];
  return ok({ spec, files: [...files].sort(), env: {}, tools: {}, reads });
}

/**
 * Is the image for this output still there? Built here: its id, and every tag still pointing at it, in the
 * engine. Found in the registry (the cross-machine skip): its tag in the registry, as long as it is pushed.
 */
export async function dockerBuildStatus(
  task: TaskNodeOf<'build'>,
  output: TaskOutput<BuiltImage>,
  ctx: TaskContext,
): Promise<ArtifactStatus> {
  const { data } = output;
  const { imageId } = data;
  const { image } = task.spec;
  const refs = data.tags.map((t) => `${data.image}:${t}`);
  if (data.fromRegistry === true) {
    if (image.skipPush || ctx.settings.skipPush)
      return {
        present: false,
        missing: `image ${imageId} in the Docker Engine (it is only in the registry)`,
      };
    const inRegistry = await imageInRegistry(image, data.tag, ctx);
    return inRegistry
      ? { present: true }
      : { present: false, missing: `${refs[0] ?? image.image} in the registry` };
  }
  if (imageId === '') return { present: false, missing: `the image id of ${image.name}` };
  const docker = await openDocker(ctx.env, ctx.signal);
  if (!docker.ok) {
    const engine = `the Docker Engine (${failureDetail(docker.error)})`;
    // A deploy with everything cached needs no engine: a pushed image is as present in its registry.
    if (docker.error.reason !== 'unreachable' || image.skipPush || ctx.settings.skipPush)
      return { present: false, missing: engine };
    const pushed = await builtImageInRegistry(data.image, data.tags, imageId, ctx);
    return pushed.present
      ? {
          present: true,
          from: `the Docker Engine is not reachable; image ${refs[0] ?? ''} is in the registry`,
        }
      : { present: false, missing: `${engine}, and ${pushed.missing}` };
  }
  try {
    for (const name of [imageId, ...refs]) {
      const info = await inspectImage(docker.value, name, ctx.signal);
      if (!info.ok) return { present: false, missing: `image ${name} (${failureDetail(info.error)})` };
      if (!info.value || info.value.id !== imageId)
        return { present: false, missing: `image ${name} in the Docker Engine` };
    }
    return { present: true };
  } finally {
    await docker.value.close();
  }
}

/** Builds the image: context streamed as a tar, output line by line into the task log, every tag applied. */
export async function dockerBuildRun(
  task: TaskNodeOf<'build'>,
  ctx: TaskContext,
): Promise<Result<TaskOutput<BuiltImage>, Diagnostic>> {
  const plan = await planDockerfile(task, fromBuiltParents(task, ctx.upstream, ctx.log));
  if (!plan.ok) return plan;
  const image = plan.value.image;
  const context = await planContext(task, plan.value, ctx.listFiles);
  if (!context.ok) return context;
  const tags = resolveTags(image, ctx.key, ctx.settings, task.project.config.vars);
  const badTag = tags.find((t) => !isValidTag(t));
  if (badTag !== undefined) {
    const at = task.project.config.locate(['images', image.name, 'tags']) ?? image.at;
    return fail(
      error(
        `Cannot tag image "${image.name}" with "${badTag}": a tag is up to 128 letters, digits, "_", "." and "-"`,
        at,
      ),
    );
  }
  // Build args may name the image being built (`${runtime.images.SELF.tag}`): its tag is known by now.
  const own = withOwnImage(task, tags[0] ?? 'latest');
  if (!own.ok) return own;
  const registryConfig = await buildRegistryConfig(ctx.env);
  if (!registryConfig.ok) return fail(error(registryConfig.error));

  const docker = await openDocker(ctx.env, ctx.signal);
  if (!docker.ok) return fail(buildFailure(task, docker.error, undefined, undefined));
  try {
    const built = await buildImage(docker.value, {
      context: contextTar(context.value),
      dockerfile: context.value.dockerfileName,
      refs: tags.map((t) => `${image.image}:${t}`),
      buildArgs: own.value.buildArgs,
      ...(image.target !== undefined ? { target: image.target } : {}),
      ...(image.network !== undefined ? { networkMode: image.network } : {}),
      ...(registryConfig.value !== undefined ? { registryConfig: registryConfig.value } : {}),
      signal: ctx.signal,
      onLine: ctx.log,
    });
    if (!built.ok) return fail(buildFailure(task, built.error.failure, built.error.step, plan.value));
    const data: BuiltImage = {
      name: image.name,
      image: image.image,
      tag: tags[0] ?? '',
      tags,
      imageId: built.value,
    };
    return ok({ digest: built.value, data });
  } finally {
    await closeQuietly(docker.value);
  }
}

/** One diagnostic for a failed build: the image, the step, the engine's words; located at the step if found. */
function buildFailure(
  task: TaskNodeOf<'build'>,
  failure: DockerFailure,
  step: string | undefined,
  plan: { content: string; display: string } | undefined,
): Diagnostic {
  const { image } = task.spec;
  if (failure.reason === 'unreachable') return error(failureDetail(failure));
  if (failure.reason === 'aborted') return error(`Build of image "${image.name}" was cancelled`, image.at);
  if (failure.reason === 'context')
    return error(`Cannot send the build context of image "${image.name}": ${failure.message}`, image.at);
  const detail = failureDetail(failure);
  if (step !== undefined) {
    const at = plan ? locateStep(plan.content, step, plan.display) : undefined;
    return error(`Build of image "${image.name}" failed at step \`${step}\`: ${detail}`, at ?? image.at);
  }
  const line = /line (\d+)/.exec(detail);
  const at =
    plan && line?.[1] !== undefined ? { file: plan.display, line: Number(line[1]), col: 1 } : image.at;
  return error(`Build of image "${image.name}" failed: ${detail}`, at);
}

async function closeQuietly(docker: DockerClient): Promise<void> {
  await docker.close().catch(() => undefined);
}
