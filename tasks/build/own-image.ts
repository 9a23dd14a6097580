// A build's references to its own image (`${runtime.images.SELF.tag}` in a custom command, in build args):
// the engine leaves them to the build, which alone knows its tag. Filled in just before the build runs, after
// the key was computed from the config as written, so the key stays the same on every machine.
import type { BuilderConfig, ImageConfig } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { shellQuote } from '../../core/process.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import {
  ownImageLookup,
  substituteRuntimeRefs,
  substituteRuntimeRefsIn,
  type RuntimeRef,
} from '../../core/runtime-refs.ts';
import type { TaskNodeOf } from '../../core/task.ts';

/**
 * The image config of `task` with its references to itself filled in with its repository and `tag`: quoted for
 * the shell in a custom `command` (a shell line), as plain strings everywhere else (args are quoted whole).
 */
export function withOwnImage(task: TaskNodeOf<'build'>, tag: string): Result<ImageConfig, Diagnostic> {
  const { image } = task.spec;
  if (!JSON.stringify(image).includes('${runtime.')) return ok(image);
  const lookup = ownImageLookup(task.refs, task.id, { image: image.image, tag });
  let missing: RuntimeRef | undefined;
  const text = (value: string, quote?: (v: string) => string): string => {
    const done = substituteRuntimeRefs(value, lookup, quote);
    if (done.ok) return done.value;
    missing ??= done.error;
    return value;
  };
  const { builder, ...rest } = image;
  const filled = substituteRuntimeRefsIn(rest, lookup);
  if (!filled.ok) missing ??= filled.error;
  const ownBuilder: BuilderConfig =
    builder.kind === 'custom'
      ? {
          ...builder,
          command: text(builder.command, shellQuote),
          args: builder.args.map((a) => text(a)),
          appendArgs: builder.appendArgs.map((a) => text(a)),
        }
      : builder;
  if (missing)
    return fail(
      error(
        `Cannot fill in "${missing.text}" for the build of image "${image.name}": no image or tag is known for it`,
        image.at,
      ),
    );
  return ok({ ...(filled.ok ? filled.value : rest), builder: ownBuilder });
}
