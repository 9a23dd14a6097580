// Whether one task runs: fill in its runtime references, read its inputs, compute its key, and compare it with
// the record store (a hit is trusted only while the artifact still exists).
import { join, posix, resolve, sep } from 'node:path';
import type { FileDigests } from '../../cache/file-digests.ts';
import { diffRecords } from '../../cache/diff.ts';
import { taskKey, type KeyRecord } from '../../cache/key.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { Json } from '../../core/json.ts';
import { digestSecrets } from '../../core/secrets.ts';
import type { TaskNode } from '../../core/task.ts';
import { hooksEnv, hooksSpec } from './hooks.ts';
import type { BoundTask, InputsContext, RunSettings, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import { bindTask, type TaskKinds } from '../../tasks/index.ts';
import type { Reason } from './events.ts';
import { cachedReason } from './reasons.ts';
import { ListFilesError } from './list-files.ts';
import { resolveNode } from './resolve-node.ts';
import type { RunStore } from './run-store.ts';

/** What deciding needs from the run around it. */
export interface DecideContext {
  kinds: TaskKinds;
  settings: RunSettings;
  env: Readonly<Record<string, string>>;
  store: RunStore;
  digests: FileDigests;
  /** Outputs of finished tasks of this run (cached or ran). */
  outputs: ReadonlyMap<string, TaskOutput>;
  /** Upstream task ids of each task. */
  deps: ReadonlyMap<string, readonly string[]>;
  /** Task ids given with `--force`. */
  force: ReadonlySet<string>;
  /** Secret values: a key record holds their digests, never them (core/secrets.ts). */
  secrets: readonly string[];
  /** The lister of a task's project; `onRead` hears every file and folder a listing depends on. */
  listFiles: (node: TaskNode, onRead?: (path: string) => void) => InputsContext['listFiles'];
  dryRun: boolean;
}

/** What every decision carries: the key, its record, and the paths it was computed from (if nameable). */
interface Keyed {
  key: string;
  record: KeyRecord;
  /** Absolute paths the key was computed from; undefined when the kind cannot name them all. */
  reads?: string[];
  /** The node with its references filled in, bound to its kind. */
  task: BoundTask;
}

/** The decision for one task before it runs. */
export type Decision =
  | (Keyed & { run: false; output: TaskOutput; reason: Reason; reused: boolean })
  | (Keyed & { run: true; reason: Reason });

/** Computes the key of `node` and decides whether its stored result can be reused. */
export async function decide(
  ctx: DecideContext,
  node: TaskNode,
  taskCtx: (key: string) => TaskContext,
): Promise<Result<Decision, Diagnostic>> {
  const resolved = resolveNode(node, ctx.outputs);
  if (!resolved.ok) return resolved;
  const task = bindTask(ctx.kinds, resolved.value);
  const keyed = await keyOf(ctx, resolved.value, task);
  if (!keyed.ok) return keyed;
  const { key } = keyed.value;
  const forced = ctx.force.has(node.id) ? `--force ${node.id}` : task.forcedBy(ctx.settings);
  if (forced !== undefined) return ok({ ...keyed.value, run: true, reason: { type: 'forced', by: forced } });
  const stored = await ctx.store.get(key);
  if (stored) {
    const status = await task.status(stored.output, taskCtx(key));
    if (status.present) {
      const reason = cachedReason(status.from);
      return ok({ ...keyed.value, run: false, output: stored.output, reason, reused: false });
    }
    return ok({ ...keyed.value, run: true, reason: { type: 'artifact-missing', what: status.missing } });
  }
  const reused = ctx.dryRun ? undefined : await task.reuse(taskCtx(key));
  if (reused) {
    const reason: Reason = { type: 'cached', from: reused.what };
    return ok({ ...keyed.value, run: false, output: reused.output, reason, reused: true });
  }
  const last = await ctx.store.lastSuccess(node.id);
  const reason: Reason = last
    ? { type: 'input-changed', changes: diffRecords(last.record, keyed.value.record) }
    : { type: 'first-run' };
  return ok({ ...keyed.value, run: true, reason });
}

/** Reads the inputs of a bound task, digests its files and hashes the record into its key. */
async function keyOf(
  ctx: DecideContext,
  node: TaskNode,
  task: BoundTask,
): Promise<Result<Keyed, Diagnostic>> {
  const upstream = (ctx.deps.get(node.id) ?? []).flatMap((id) => {
    const output = ctx.outputs.get(id);
    return output ? [[id, output] as const] : [];
  });
  const listed: string[] = [];
  let inputs: Awaited<ReturnType<BoundTask['inputs']>>;
  try {
    inputs = await task.inputs({
      env: ctx.env,
      settings: ctx.settings,
      listFiles: ctx.listFiles(node, (path) => listed.push(path)),
    });
  } catch (thrown) {
    // The file lister's expected failures (a missing context, a bad ignore pattern) arrive as this class.
    if (thrown instanceof ListFilesError) return fail(error(thrown.message, node.at, thrown.hint));
    throw thrown;
  }
  if (!inputs.ok) return inputs;
  const project = node.project.rel === '.' ? '' : node.project.rel;
  const rootRelative = (file: string): string => toPosix(project === '' ? file : join(project, file));
  const digested = await ctx.digests.digest(inputs.value.files.map(rootRelative));
  if (!digested.ok) return fail(error(digested.error.message, node.at, digested.error.hint));
  const files: Record<string, string> = {};
  for (const file of inputs.value.files) files[toPosix(file)] = digested.value[rootRelative(file)] ?? '';
  const record: KeyRecord = {
    schema: 1,
    kind: node.kind,
    implVersion: task.implVersion,
    spec: digestSecrets(withHooks(inputs.value.spec, node), ctx.secrets),
    files,
    env: digestSecrets({ ...inputs.value.env, ...hooksEnv(node, ctx.env) }, ctx.secrets),
    tools: inputs.value.tools,
    upstream: Object.fromEntries(upstream.map(([id, o]) => [id, o.digest])),
  };
  const declared = inputs.value.reads;
  const reads = declared && [
    ...inputs.value.files.map((f) => join(node.project.dir, f)),
    ...declared.map((f) => resolve(node.project.dir, f)),
    ...listed,
  ];
  return ok({ key: taskKey(record), record, task, ...(reads ? { reads } : {}) });
}

/** A task's hooks are inputs of its key: its spec with `hooks` added (specs of tasks without hooks unchanged). */
function withHooks(spec: Json, node: TaskNode): Json {
  const hooks = hooksSpec(node);
  if (hooks === undefined || spec === null || typeof spec !== 'object' || Array.isArray(spec)) return spec;
  return { ...spec, hooks };
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join(posix.sep);
}
