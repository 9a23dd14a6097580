// The build task kind: the Docker Engine builder, or DevSpace's custom builder when `custom:` is set.
import type { ImageConfig } from '../core/config.ts';
import type { TaskNode } from '../core/task.ts';
import { customBuildInputs, customBuildRun } from './build-custom.ts';
import { defaultTag } from './image-tags.ts';
import type { BuiltImage, RunSettings, TaskKindImpl } from '../core/task-kind.ts';

// The Docker Engine and registry clients load only when a project builds with docker.
const docker = (): Promise<typeof import('./build-docker.ts')> => import('./build-docker.ts');
const registry = (): Promise<typeof import('./registry/image-in-registry.ts')> =>
  import('./registry/image-in-registry.ts');

function imageOf(task: TaskNode): ImageConfig {
  if (task.spec.kind !== 'build') throw new Error(`${task.id} is not a build task`);
  return task.spec.image;
}

const isCustom = (task: TaskNode): boolean => imageOf(task).builder.kind === 'custom';

// Only a content-addressed tag says what is inside the image: `tags:`, `-t` and skipped pushes rule reuse out.
function reusable(image: ImageConfig, settings: RunSettings): boolean {
  return (
    image.builder.kind === 'docker' &&
    image.tags.length === 0 &&
    settings.tags.length === 0 &&
    !image.skipPush &&
    !settings.skipPush
  );
}

/** `build:NAME`: makes the image from its Dockerfile and context (or runs the custom command). */
export const buildKind: TaskKindImpl = {
  kind: 'build',
  implVersion: 1,
  inputs: async (task, ctx) =>
    isCustom(task) ? customBuildInputs(task, ctx) : (await docker()).dockerBuildInputs(task, ctx),
  status: async (task, output, ctx) => {
    // A custom command's product is invisible to dsg; trust the record.
    if (isCustom(task)) return { present: true };
    if (output.data.fromRegistry === true) {
      const image = imageOf(task);
      const tag = typeof output.data.tag === 'string' ? output.data.tag : '';
      return (await (await registry()).imageInRegistry(image, tag, ctx))
        ? { present: true }
        : { present: false, missing: `image ${image.image}:${tag} in the registry` };
    }
    return (await docker()).dockerBuildStatus(task, output, ctx);
  },
  // A custom command's product is trusted as recorded; an image lives in an engine or a registry.
  proof: (task) => (isCustom(task) ? [] : undefined),
  reuse: async (task, ctx) => {
    const image = imageOf(task);
    if (!reusable(image, ctx.settings)) return undefined;
    const tag = defaultTag(ctx.key);
    if (!(await (await registry()).imageInRegistry(image, tag, ctx))) return undefined;
    const data: BuiltImage & { fromRegistry: boolean } = {
      name: image.name,
      image: image.image,
      tag,
      tags: [tag],
      imageId: '',
      fromRegistry: true,
    };
    return {
      output: { digest: `${image.image}:${tag}`, data },
      what: `image ${image.image}:${tag} in the registry`,
    };
  },
  run: async (task, ctx) => {
    if (isCustom(task)) return customBuildRun(task, ctx);
    const built = await (await docker()).dockerBuildRun(task, ctx);
    const image = imageOf(task);
    if (!built.ok || !reusable(image, ctx.settings)) return built;
    // Builds are not byte-reproducible, but a content-addressed tag names the inputs: downstream keys then
    // agree on every machine, which is what lets a clone reuse the pushed images of a whole FROM chain.
    return { ok: true, value: { ...built.value, digest: `${image.image}:${defaultTag(ctx.key)}` } };
  },
};
