// One task of a run: resolve runtime references, read inputs, compute the key, decide cached / run, record success.
import { join, posix, resolve, sep } from 'node:path';
import type { FileDigests } from '../../cache/file-digests.ts';
import { diffRecords } from '../../cache/diff.ts';
import { taskKey, type KeyRecord } from '../../cache/key.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { error } from '../../core/diagnostics.ts';
import type { TaskNode } from '../../core/task.ts';
import type {
  InputsContext,
  RunSettings,
  TaskContext,
  TaskKindImpl,
  TaskOutput,
} from '../../core/task-kind.ts';
import type { Reason } from './events.ts';
import { ListFilesError } from './list-files.ts';
import { resolveRuntimeRefs, runtimeImages } from './runtime-refs.ts';
import type { RunStore } from './run-store.ts';

/** What a step needs from the run around it. */
export interface StepContext {
  kinds: ReadonlyMap<string, TaskKindImpl>;
  settings: RunSettings;
  env: Readonly<Record<string, string>>;
  store: RunStore;
  digests: FileDigests;
  /** Outputs of finished tasks of this run (cached or ran). */
  outputs: Map<string, TaskOutput>;
  /** Upstream task ids of each task. */
  deps: ReadonlyMap<string, readonly string[]>;
  /** Why a task is forced, if it is (`-b`, `-d`, `--force ID`, `rebuildStrategy: always`). */
  forcedBy: (node: TaskNode) => string | undefined;
  /** The lister of a task's project; `onRead` hears every file and folder a listing depends on. */
  listFiles: (node: TaskNode, onRead?: (path: string) => void) => InputsContext['listFiles'];
  dryRun: boolean;
}

/**
 * The decision for one task before it runs. `reads` are the absolute paths its key was computed from (input
 * files, folders listed, files looked for), undefined when its kind cannot name them all.
 */
export type Decision =
  | {
      run: false;
      key: string;
      output: TaskOutput;
      reason: Reason;
      record: KeyRecord;
      reused: boolean;
      reads?: string[];
    }
  | { run: true; key: string; record: KeyRecord; reason: Reason; node: TaskNode; reads?: string[] };

/** Computes the key of `node` and decides whether its stored result can be reused. */
export async function decide(
  ctx: StepContext,
  node: TaskNode,
  taskCtx: (key: string) => TaskContext,
): Promise<{ ok: true; decision: Decision } | { ok: false; error: Diagnostic }> {
  const kind = ctx.kinds.get(node.kind);
  if (!kind) throw new Error(`No task kind "${node.kind}"`);
  const upstreamIds = ctx.deps.get(node.id) ?? [];
  const upstream = upstreamIds.flatMap((id) => {
    const output = ctx.outputs.get(id);
    return output ? [[id, output] as const] : [];
  });
  const resolved = resolveRuntimeRefs(node, runtimeImages(upstream.map(([, o]) => o)));
  const listed: string[] = [];
  let inputs: Awaited<ReturnType<TaskKindImpl['inputs']>>;
  try {
    inputs = await kind.inputs(resolved, {
      task: resolved,
      env: ctx.env,
      settings: ctx.settings,
      listFiles: ctx.listFiles(resolved, (path) => listed.push(path)),
    });
  } catch (thrown) {
    // The file lister's expected failures (a missing context, a bad ignore pattern) arrive as this class.
    if (thrown instanceof ListFilesError)
      return { ok: false, error: error(thrown.message, node.at, thrown.hint) };
    throw thrown;
  }
  if (!inputs.ok) return { ok: false, error: inputs.error };
  const project = node.project.rel === '.' ? '' : node.project.rel;
  const rootRelative = (file: string): string => toPosix(project === '' ? file : join(project, file));
  const digested = await ctx.digests.digest(inputs.value.files.map(rootRelative));
  if (!digested.ok) {
    return { ok: false, error: error(digested.error.message, node.at, digested.error.hint) };
  }
  const files: Record<string, string> = {};
  for (const file of inputs.value.files) files[toPosix(file)] = digested.value[rootRelative(file)] ?? '';
  const record: KeyRecord = {
    schema: 1,
    kind: node.kind,
    implVersion: kind.implVersion,
    spec: inputs.value.spec,
    files,
    env: inputs.value.env,
    tools: inputs.value.tools,
    upstream: Object.fromEntries(upstream.map(([id, o]) => [id, o.digest])),
  };
  const key = taskKey(record);
  const declared = inputs.value.reads;
  const traced = declared && {
    reads: [
      ...inputs.value.files.map((f) => join(node.project.dir, f)),
      ...declared.map((f) => resolve(node.project.dir, f)),
      ...listed,
    ],
  };
  const forced = ctx.forcedBy(node);
  if (forced !== undefined)
    return {
      ok: true,
      decision: { run: true, key, record, node: resolved, reason: { type: 'forced', by: forced } },
    };
  const stored = await ctx.store.get(key);
  if (stored) {
    const status = kind.status
      ? await kind.status(resolved, stored.output, taskCtx(key))
      : { present: true as const };
    if (status.present) {
      return {
        ok: true,
        decision: {
          run: false,
          key,
          output: stored.output,
          reason: status.from === undefined ? { type: 'cached' } : { type: 'cached', from: status.from },
          record,
          reused: false,
          ...traced,
        },
      };
    }
    return {
      ok: true,
      decision: {
        run: true,
        key,
        record,
        node: resolved,
        reason: { type: 'artifact-missing', what: status.missing },
        ...traced,
      },
    };
  }
  const reused = kind.reuse && !ctx.dryRun ? await kind.reuse(resolved, taskCtx(key)) : undefined;
  if (reused) {
    const reason: Reason = { type: 'cached', from: reused.what };
    return {
      ok: true,
      decision: { run: false, key, output: reused.output, reason, record, reused: true, ...traced },
    };
  }
  const last = await ctx.store.lastSuccess(node.id);
  const reason: Reason = last
    ? { type: 'input-changed', changes: diffRecords(last.record, record) }
    : { type: 'first-run' };
  return { ok: true, decision: { run: true, key, record, node: resolved, reason, ...traced } };
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join(posix.sep);
}
