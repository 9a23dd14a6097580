// The build task kind: the Docker Engine builder, or DevSpace's custom builder when `custom:` is set.
import type { ImageConfig } from '../../core/config.ts';
import type { RunSettings, TaskKindImpl } from '../../core/task-kind.ts';
import { customBuildInputs, customBuildRun } from './custom.ts';
import { defaultTag } from './image-tags.ts';
import { isBuiltImage, type BuiltImage } from './output.ts';

// The Docker Engine and registry clients load only when a project builds with docker.
const docker = (): Promise<typeof import('./docker.ts')> => import('./docker.ts');
const registry = (): Promise<typeof import('../registry/image-in-registry.ts')> =>
  import('../registry/image-in-registry.ts');

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
export const buildKind: TaskKindImpl<'build', BuiltImage> = {
  kind: 'build',
  implVersion: 1,
  isOutput: isBuiltImage,
  inputs: async (task, ctx) => {
    const { builder } = task.spec.image;
    return builder.kind === 'custom'
      ? customBuildInputs(task, builder, ctx)
      : (await docker()).dockerBuildInputs(task, ctx);
  },
  forcedBy: (task, settings) => {
    if (settings.forceBuild) return '-b';
    return task.spec.image.rebuildStrategy === 'always' ? 'rebuildStrategy: always' : undefined;
  },
  status: async (task, output, ctx) => {
    const { image } = task.spec;
    // A custom command's product is invisible to dsg; trust the record.
    if (image.builder.kind === 'custom') return { present: true };
    return (await docker()).dockerBuildStatus(task, output, ctx);
  },
  // A custom command's product is trusted as recorded; an image lives in an engine or a registry.
  proof: (task) => (task.spec.image.builder.kind === 'custom' ? [] : undefined),
  reuse: async (task, ctx) => {
    const { image } = task.spec;
    if (!reusable(image, ctx.settings)) return undefined;
    const tag = defaultTag(ctx.key);
    if (!(await (await registry()).imageInRegistry(image, tag, ctx))) return undefined;
    const data: BuiltImage = {
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
    const { image } = task.spec;
    if (image.builder.kind === 'custom') return customBuildRun(task, image.builder, ctx);
    const built = await (await docker()).dockerBuildRun(task, ctx);
    if (!built.ok || !reusable(image, ctx.settings)) return built;
    // Builds are not byte-reproducible, but a content-addressed tag names the inputs: downstream keys then
    // agree on every machine, which is what lets a clone reuse the pushed images of a whole FROM chain.
    return { ok: true, value: { ...built.value, digest: `${image.image}:${defaultTag(ctx.key)}` } };
  },
};
