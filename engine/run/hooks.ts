// Hooks at run time: a task's hooks run inside it, around its work (or its purge), with its context — its
// project folder, environment, signal and log — so that a failing hook fails its task and cancelling the
// run ends the hook's process group. Hooks run only when their task runs: a cached task has nothing to be
// before or after. A whole phase's hooks (`before:deploy`) run once per run: before the first task of the
// project's phase that runs (the others wait for that same run), and after the last one to finish, when any
// of them ran and none failed.
import type { HookConfig } from '../../core/config.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { Json } from '../../core/json.ts';
import { envValues, runProcess, runShellLine, shellVariables } from '../../core/process.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { refLookup, substituteRuntimeRefs } from '../../core/runtime-refs.ts';
import type { TaskHook, TaskNode } from '../../core/task.ts';
import type { TaskContext, TaskOutput } from '../../core/task-kind.ts';
import type { RunEvent } from './events.ts';
import { resolveNode } from './resolve-node.ts';

/** What a task's key records of its hooks: the events and commands, not where they were written. */
export function hooksSpec(node: TaskNode): Json | undefined {
  const hooks = (node.hooks ?? []).filter((h) => h.action === 'run');
  if (hooks.length === 0) return undefined;
  return hooks.map(({ event, hook }) => ({ event, command: hook.command, args: hook.args ?? null }));
}

/** What a hook's command is given by dsg itself, whatever the environment holds. */
const SET_FOR_HOOKS = new Set(['DEVSPACE_HOOK_EVENT', 'DSG_TASK']);

/**
 * The environment variables a hook declares: those its shell line names (with `args`, the command runs without
 * a shell and a `$` is text). They are in its task's key, and memos of a run depend on them.
 */
export function hookEnvNames(hook: HookConfig): string[] {
  return hook.args ? [] : shellVariables(hook.command).filter((name) => !SET_FOR_HOOKS.has(name));
}

/** The declared variables of a task's hooks (those that run with it) and their values, for its key. */
export function hooksEnv(node: TaskNode, env: Readonly<Record<string, string>>): Record<string, string> {
  const hooks = (node.hooks ?? []).filter((h) => h.action === 'run');
  return envValues(
    hooks.flatMap(({ hook }) => hookEnvNames(hook)),
    env,
  );
}

/** The hooks of one pipeline's tasks, and the once-per-run state of each project's phase. */
export class RunHooks {
  /** Group → the ids of its tasks in this pipeline. */
  private readonly members = new Map<string, Set<string>>();
  /** Group → its `before:` hooks' run, shared by every task of the group that runs. */
  private readonly started = new Map<string, Promise<Result<void, Diagnostic>>>();
  /** Tasks whose work is done (ran or cached), and those that ran. */
  private readonly done = new Set<string>();
  private readonly ran = new Set<string>();
  /** Tasks that ended without finishing their work (failed, cancelled, skipped after an upstream failure). */
  private readonly broken = new Set<string>();

  constructor(
    nodes: readonly TaskNode[],
    private readonly action: TaskHook['action'],
    /** The outputs of the run's finished tasks, which fill in the hooks' references. */
    private readonly outputs: () => ReadonlyMap<string, TaskOutput>,
  ) {
    for (const node of nodes) {
      for (const group of new Set(this.of(node).flatMap((h) => (h.group ? [h.group] : [])))) {
        const set = this.members.get(group) ?? new Set<string>();
        set.add(node.id);
        this.members.set(group, set);
      }
    }
  }

  /** Hears every event of the run: a task that ended without finishing its work keeps its phase's `after:` from running. */
  observe(event: RunEvent): void {
    if (event.type === 'task-end' && event.status !== 'ran' && event.status !== 'cached')
      this.broken.add(event.id);
  }

  /** Runs before the task's work: its phase's `before:` (once per run), then its own. */
  async before(node: TaskNode, ctx: TaskContext): Promise<Result<void, Diagnostic>> {
    const hooks = this.of(node).filter((h) => h.when === 'before');
    for (const group of new Set(hooks.flatMap((h) => (h.group ? [h.group] : [])))) {
      let run = this.started.get(group);
      if (!run) {
        run = this.runAll(
          node,
          hooks.filter((h) => h.group === group),
          ctx,
        );
        this.started.set(group, run);
      }
      const result = await run;
      if (!result.ok) return result;
    }
    return this.runAll(
      node,
      hooks.filter((h) => !h.group),
      ctx,
    );
  }

  /** Runs after the task's work succeeded: its own `after:` hooks, then its phase's when it is the last to finish. */
  async after(node: TaskNode, ctx: TaskContext, output: TaskOutput): Promise<Result<void, Diagnostic>> {
    const own = await this.runAll(
      node,
      this.of(node).filter((h) => h.when === 'after' && !h.group),
      ctx,
      output,
    );
    if (!own.ok) return own;
    this.ran.add(node.id);
    return this.finished(node, ctx);
  }

  /** A task whose work was cached: it runs no hooks of its own, but may be the last of its phase to finish. */
  cached(node: TaskNode, ctx: TaskContext): Promise<Result<void, Diagnostic>> {
    return this.finished(node, ctx);
  }

  /** Runs the task's `error:` hooks after its work failed; their own failures are logged, the task's stands. */
  async failed(node: TaskNode, ctx: TaskContext): Promise<void> {
    this.broken.add(node.id);
    const result = await this.runAll(
      node,
      this.of(node).filter((h) => h.when === 'error'),
      ctx,
    );
    if (!result.ok) ctx.log(`error hook failed too: ${result.error.message}`);
  }

  private of(node: TaskNode): TaskHook[] {
    return (node.hooks ?? []).filter((h) => h.action === this.action);
  }

  /** Marks the task's work done; the last of a phase runs the phase's `after:` hooks if any task of it ran. */
  private async finished(node: TaskNode, ctx: TaskContext): Promise<Result<void, Diagnostic>> {
    this.done.add(node.id);
    const hooks = this.of(node).filter((h) => h.when === 'after' && h.group);
    for (const group of new Set(hooks.flatMap((h) => (h.group ? [h.group] : [])))) {
      const ids = [...(this.members.get(group) ?? [])];
      // Checked and marked in one turn of the event loop: of two tasks finishing together, exactly one is last.
      const complete = ids.every((id) => this.done.has(id) || this.broken.has(id));
      if (!complete || ids.some((id) => this.broken.has(id)) || !ids.some((id) => this.ran.has(id))) continue;
      const result = await this.runAll(
        node,
        hooks.filter((h) => h.group === group),
        ctx,
      );
      if (!result.ok) return result;
    }
    return ok(undefined);
  }

  private async runAll(
    node: TaskNode,
    hooks: readonly TaskHook[],
    ctx: TaskContext,
    output?: TaskOutput,
  ): Promise<Result<void, Diagnostic>> {
    if (hooks.length === 0) return ok(undefined);
    const resolved = resolveNode(node, this.outputs());
    if (!resolved.ok) return resolved;
    const filled = new Map((node.hooks ?? []).map((h, i) => [h, resolved.value.hooks?.[i] ?? h]));
    for (const h of hooks) {
      const result = await runHook(node, filled.get(h) ?? h, ctx, output);
      if (!result.ok) return result;
    }
    return ok(undefined);
  }
}

/** Runs one hook's command in the task's project folder; its output goes to the task's log. */
async function runHook(
  node: TaskNode,
  { event, hook }: TaskHook,
  ctx: TaskContext,
  output: TaskOutput | undefined,
): Promise<Result<void, Diagnostic>> {
  const filled = fillOwnRefs(node, hook, output);
  if (!filled.ok) return filled;
  const { command, args } = filled.value;
  const shown = args ? [command, ...args].join(' ') : command;
  ctx.log(`hook ${hook.name} (${event}): $ ${shown}`);
  const env: Record<string, string> = { ...ctx.env, DEVSPACE_HOOK_EVENT: event, DSG_TASK: node.id };
  for (const [k, v] of Object.entries(node.project.config.vars))
    if (/^[A-Za-z0-9_]+$/.test(k) && !(k in env)) env[k] = v;
  const options = { cwd: node.project.dir, env, signal: ctx.signal, onLine: ctx.log, capture: false };
  // DevSpace's rule, as for variables: with `args` the command runs directly, without through a shell.
  const run = args ? await runProcess(command, args, options) : await runShellLine(command, options);
  if (run.ok && run.value.code === 0) return ok(undefined);
  const how = run.ok ? `exited with code ${run.value.code}` : run.error.message;
  const last = (run.ok ? run.value.tail : run.error.tail).at(-1);
  return fail(
    error(
      `Hook ${hook.name} (${event}) of ${node.id} failed: \`${firstLine(shown)}\` ${how}${last ? `: ${last}` : ''}`,
      hook.at,
      `see the full output with: dsg logs ${node.id}`,
    ),
  );
}

/** Fills in a build's references to its own image, known once it is built (`after:build:api`). */
function fillOwnRefs(
  node: TaskNode,
  hook: HookConfig,
  output: TaskOutput | undefined,
): Result<{ command: string; args?: string[] }, Diagnostic> {
  const lookup = refLookup(node.refs, (id) => (id === node.id ? output : undefined));
  const fill = (text: string): Result<string, Diagnostic> => {
    const done = substituteRuntimeRefs(text, lookup);
    if (done.ok) return done;
    return fail(
      error(
        `Cannot fill in "${done.error.text}" in hook ${hook.name} of ${node.id}: the image is not built yet`,
        hook.at,
        'use the reference in an after: hook of the build',
      ),
    );
  };
  const command = fill(hook.command);
  if (!command.ok) return command;
  if (!hook.args) return ok({ command: command.value });
  const args: string[] = [];
  for (const a of hook.args) {
    const filled = fill(a);
    if (!filled.ok) return filled;
    args.push(filled.value);
  }
  return ok({ command: command.value, args });
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
