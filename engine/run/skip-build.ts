// `--skip-build`: deploy with the images already built. A build whose current inputs were built before is a
// plain cache hit; one that would have to run is not run: the image of its last recorded build stands in, and
// a warning names that image and says it was not built from the current inputs. An image never built here (or
// whose last image is gone) is an error: nothing is deployed with an image that does not exist.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { TaskNode } from '../../core/task.ts';
import type { BoundTask, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import type { RunStore } from './run-store.ts';

/** The output that stands in for a build `--skip-build` does not run, and what to tell the user. */
export interface StandIn {
  output: TaskOutput;
  /** For the reason: `last build, 127.0.0.1:5000/shop/api:3f2a…, --skip-build`. */
  reason: string;
  /** For the warning: which image is deployed instead, and when it was built. */
  warning: string;
}

/** The last recorded image of build `node`, when it is still there. */
export async function standInBuild(
  node: TaskNode,
  task: BoundTask,
  store: RunStore,
  ctx: TaskContext,
): Promise<Result<StandIn, Diagnostic>> {
  const last = await store.lastSuccess(node.id);
  const hint = `run without --skip-build to build it (dsg run deploy), or dsg run build first`;
  if (!last)
    return fail(
      error(`Image "${node.name}" was never built here, so --skip-build has none to deploy`, node.at, hint),
    );
  const status = await task.status(last.output, ctx);
  const image = imageOf(last.output) ?? node.name;
  if (!status.present)
    return fail(
      error(
        `The last build of image "${node.name}" (${image}) is gone (${status.missing}), so --skip-build has none to deploy`,
        node.at,
        hint,
      ),
    );
  return ok({
    output: last.output,
    reason: `--skip-build: last build, ${image}`,
    warning: `not built (--skip-build): deploying the last build ${image} of ${last.finishedAt}, not one of the current inputs`,
  });
}

function imageOf(output: TaskOutput): string | undefined {
  const { image, tag } = output.data;
  return typeof image === 'string' && typeof tag === 'string' ? `${image}:${tag}` : undefined;
}
