// A build on another image of its project (`FROM registry.example/team/base` while `images.base.image` is that
// repository): the compiler drew `build:base → build:app`, and the build uses the exact image that task produced
// in this run, whatever the line says — no tag, `latest`, an `ARG` default — instead of whatever the engine has
// under that name. An explicit tag the parent's build did not apply is the user's choice and stays.
import { imageNamed, parseImageRef, repositoryIndex } from '../../core/image-ref.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import type { TaskOutput } from '../../core/task-kind.ts';
import type { FromReference } from '../docker/dockerfile-from.ts';
import { dockerfileFroms } from '../docker/dockerfile-from.ts';
import { isBuiltImage, type BuiltImage } from './output.ts';

/** The `FROM` images of `dockerfile` that name another image of the build's project, for the build's key. */
export function parentFroms(task: TaskNodeOf<'build'>, dockerfile: string): string[] {
  const named = parentNames(task);
  return dockerfileFroms(dockerfile, task.spec.image.buildArgs)
    .filter((from) => named(from.image) !== undefined && parseImageRef(from.image)?.digest === undefined)
    .map((from) => from.image);
}

/**
 * For `planDockerfile`: the reference to build on in place of a `FROM` line's image, from the outputs of the
 * upstream builds; `replaced` hears each replacement, for the task log.
 */
export function fromBuiltParents(
  task: TaskNodeOf<'build'>,
  upstream: ReadonlyMap<string, TaskOutput>,
  replaced: (line: string) => void,
): (from: FromReference) => string | undefined {
  const named = parentNames(task);
  return (from) => {
    const name = named(from.image);
    const ref = parseImageRef(from.image);
    if (name === undefined || ref === undefined || ref.digest !== undefined) return undefined;
    const output = upstream.get(`${task.project.scope}build:${name}`);
    if (!output || !isBuiltImage(output.data)) return undefined;
    const parent = output.data;
    if (ref.tag !== undefined && ref.tag !== 'latest' && !parent.tags.includes(ref.tag)) return undefined;
    const reference = exactReference(parent);
    replaced(`FROM ${from.image} (line ${from.line}) -> ${reference}, the image "${name}" of this run`);
    return reference;
  };
}

/** The image id when the engine has it (built or checked here), else the pushed or custom-built `repo:tag`. */
function exactReference(parent: BuiltImage): string {
  return parent.imageId !== '' && parent.fromRegistry !== true
    ? parent.imageId
    : `${parent.image}:${parent.tag}`;
}

/** The name of the other image of the project that a reference names, if any. */
function parentNames(task: TaskNodeOf<'build'>): (reference: string) => string | undefined {
  const byRepository = repositoryIndex(task.project.config);
  return (reference) => {
    const name = imageNamed(reference, byRepository);
    return name === task.spec.image.name ? undefined : name;
  };
}
