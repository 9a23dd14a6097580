// DevSpace's custom builder: a command of the user's builds (and usually pushes) the image itself.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { ImageConfig } from '../../core/config.ts';
import type { TaskNodeOf } from '../../core/task.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { resolveTags } from './image-tags.ts';
import { envValues, runShellLine, shellQuote, shellVariables } from '../../core/process.ts';
import type { InputsContext, TaskContext, TaskInputs, TaskOutput } from '../../core/task-kind.ts';
import type { BuiltImage } from './output.ts';
import { withOwnImage } from './own-image.ts';

/** The `custom:` builder of an image. */
export type CustomBuilder = Extract<ImageConfig['builder'], { kind: 'custom' }>;

/** Inputs of a custom build: the command line and the files its `onChange` globs match. */
export async function customBuildInputs(
  task: TaskNodeOf<'build'>,
  custom: CustomBuilder,
  ctx: InputsContext,
): Promise<Result<TaskInputs, Diagnostic>> {
  const { image } = task.spec;
  const files = custom.onChange.length > 0 ? await ctx.listFiles('.', { globs: custom.onChange }) : [];
  return ok({
    spec: {
      image: image.image,
      tags: image.tags,
      command: custom.command,
      args: custom.args,
      appendArgs: custom.appendArgs,
      imageFlag: custom.imageFlag ?? null,
      skipImageArg: custom.skipImageArg,
      imageTagOnly: custom.imageTagOnly,
      buildArgs: image.buildArgs,
    },
    files,
    env: envValues(customEnvNames(custom), ctx.env),
    tools: {},
    // The globs are listed through `listFiles`, which reports the folders it walked.
    reads: [],
  });
}

/** What the build sets for its command itself: the image being built. */
const SET_BY_DSG = new Set(['DSG_IMAGE', 'DSG_TAG', 'DSG_IMAGE_REF']);

/**
 * The environment variables a custom build declares: those its command (a shell line) names. Its arguments are
 * quoted, so a `$` in them is text. They are in the build's key, and memos of a run depend on them.
 */
export function customEnvNames(custom: CustomBuilder): string[] {
  return shellVariables(custom.command).filter((name) => !SET_BY_DSG.has(name));
}

/** The full command line DevSpace would run: command, args, the image argument, appendArgs. */
export function customCommandLine(custom: CustomBuilder, reference: string, tag: string): string {
  const imageArg = custom.skipImageArg
    ? []
    : [...(custom.imageFlag ? [custom.imageFlag] : []), custom.imageTagOnly ? tag : reference];
  return [custom.command, ...[...custom.args, ...imageArg, ...custom.appendArgs].map(shellQuote)].join(' ');
}

/** Runs the custom command in the project directory with the task's signal. */
export async function customBuildRun(
  task: TaskNodeOf<'build'>,
  custom: CustomBuilder,
  ctx: TaskContext,
): Promise<Result<TaskOutput<BuiltImage>, Diagnostic>> {
  const { image } = task.spec;
  const tags = resolveTags(image, ctx.key, ctx.settings, task.project.config.vars);
  const tag = tags[0] ?? 'latest';
  const reference = `${image.image}:${tag}`;
  // As DevSpace does, the command and its args see the image being built as `${runtime.images.SELF...}`.
  const own = withOwnImage(task, tag);
  if (!own.ok) return own;
  const builder = own.value.builder.kind === 'custom' ? own.value.builder : custom;
  const commandLine = customCommandLine(builder, reference, tag);
  ctx.log(`$ ${commandLine}`);
  const result = await runShellLine(commandLine, {
    cwd: task.project.dir,
    env: { ...ctx.env, DSG_IMAGE: image.image, DSG_TAG: tag, DSG_IMAGE_REF: reference },
    signal: ctx.signal,
    onLine: ctx.log,
    capture: false,
  });
  if (!result.ok && result.error.reason === 'aborted')
    return fail(error(`Custom build of image "${image.name}" was cancelled`, image.at));
  const end = result.ok ? result.value : result.error;
  if (!result.ok || result.value.code !== 0) {
    const last = end.tail.at(-1);
    const how = result.ok ? `exited with code ${result.value.code}` : `failed: ${result.error.message}`;
    return fail(
      error(
        `Custom build of image "${image.name}" failed: \`${custom.command}\` ${how}${last ? `: ${last}` : ''}`,
        task.project.config.locate(['images', image.name, 'custom', 'command']) ?? image.at,
        `see the full output with: dsg logs ${task.id}`,
      ),
    );
  }
  const data: BuiltImage = { name: image.name, image: image.image, tag, tags, imageId: '' };
  // The command's product is not visible to dsg, so the output is identified by the inputs that made it.
  return ok({ digest: ctx.key, data });
}
