// The one way dsg runs another program: custom builds, variable commands, git, kubectl and helm. Arguments go as
// an array (a shell only where a command line is the user's own text), the environment is given whole, output is
// captured or streamed line by line, and the program runs in its own process group: cancelling (the signal) or a
// timeout ends the whole group, SIGTERM first and SIGKILL after a grace period, so that nothing is left running.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fail, ok, type Result } from './result.ts';
import { killGroup } from './runtime.ts';
import { isSecretVariable } from './secrets.ts';

/** How to run one program. */
export interface ProcessOptions {
  cwd: string;
  /** The whole environment of the child; its `PATH` decides which binary runs. */
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Written to the program's standard input, which is then closed. */
  input?: string;
  /** Ends the program after this long (a failure with reason `timed-out`). */
  timeoutMs?: number;
  /** Hears every line of output (stdout and stderr) as it arrives. */
  onLine?: (line: string) => void;
  /** False: keep only the last lines (`tail`), for programs whose output is streamed to a log. Default true. */
  capture?: boolean;
  /** Between SIGTERM and SIGKILL of the group when cancelled or timed out; default 3 s. */
  graceMs?: number;
}

/** A program that ran to its end; a non-zero `code` is the program's own failure, for the caller to report. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last lines of output (both streams, in order of arrival), for messages. */
  tail: string[];
}

/** Why a program did not run to its end. */
export interface ProcessFailure {
  reason: 'not-found' | 'aborted' | 'timed-out' | 'killed' | 'spawn-error';
  /** One sentence: `Cannot run "helm": it was not found on PATH`. */
  message: string;
  stdout: string;
  stderr: string;
  tail: string[];
}

const TAIL_LINES = 20;

/** Runs `file args` in its own process group; resolves when the program and its output have ended. */
export function runProcess(
  file: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<Result<ProcessResult, ProcessFailure>> {
  const output = { stdout: '', stderr: '', tail: [] as string[] };
  const failure = (reason: ProcessFailure['reason'], message: string): ProcessFailure => ({
    reason,
    message,
    ...output,
  });
  if (options.signal?.aborted)
    return Promise.resolve(fail(failure('aborted', `Cancelled before running "${file}"`)));
  return new Promise((resolve) => {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let ended: ProcessFailure['reason'] | undefined;
    let settled = false;
    const finish = (result: Result<ProcessResult, ProcessFailure>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    let killer: ReturnType<typeof setTimeout> | undefined;
    const stop = (why: 'aborted' | 'timed-out'): void => {
      if (ended !== undefined || child.pid === undefined) return;
      ended = why;
      killGroup(child.pid, 'SIGTERM');
      killer = setTimeout(
        () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'),
        options.graceMs ?? 3000,
      );
    };
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timed-out'), options.timeoutMs);
    const capture = options.capture ?? true;
    const line = (text: string): void => {
      options.onLine?.(text);
      output.tail.push(text);
      if (output.tail.length > TAIL_LINES) output.tail.shift();
    };
    const pending = { stdout: '', stderr: '' };
    const listen = (stream: 'stdout' | 'stderr'): void => {
      child[stream].setEncoding('utf8').on('data', (chunk: string) => {
        if (capture) output[stream] += chunk;
        const lines = (pending[stream] + chunk).split(/\r?\n/);
        pending[stream] = lines.pop() ?? '';
        for (const text of lines) line(text);
      });
    };
    listen('stdout');
    listen('stderr');
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && ended === undefined)
        finish(fail(failure('not-found', `Cannot run "${file}": it was not found on PATH`)));
      else finish(fail(failure('spawn-error', `Cannot run "${file}": ${error.message}`)));
    });
    child.on('close', (code, signal) => {
      for (const rest of [pending.stdout, pending.stderr]) if (rest !== '') line(rest);
      if (ended === 'aborted') finish(fail(failure('aborted', `Cancelled "${describe(file, args)}"`)));
      else if (ended === 'timed-out')
        finish(
          fail(
            failure(
              'timed-out',
              `"${describe(file, args)}" timed out after ${(options.timeoutMs ?? 0) / 1000} s`,
            ),
          ),
        );
      else if (code === null)
        finish(fail(failure('killed', `"${describe(file, args)}" was killed by ${signal ?? 'a signal'}`)));
      else finish(ok({ code, ...output }));
    });
  });
}

/** Runs a command line the user wrote (a custom build, a variable's command) with `/bin/sh -c`. */
export function runShellLine(
  commandLine: string,
  options: ProcessOptions,
): Promise<Result<ProcessResult, ProcessFailure>> {
  return runProcess('/bin/sh', ['-c', commandLine], options);
}

/** Quotes one argument for `sh`: plain words stay as they are, anything else goes in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment variables a shell line names (`$NAME`, `${NAME}`, `${NAME:-default}`): what it declares it
 * reads. Single-quoted text and escaped dollars name none; positional and special parameters are not variables,
 * and neither are `${runtime...}` references.
 */
export function shellVariables(line: string): string[] {
  const names = new Set<string>();
  let single = false;
  let double = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (single) single = c !== "'";
    else if (c === "'" && !double) single = true;
    else if (c === '"') double = !double;
    else if (c === '\\') i++;
    else if (c === '$') {
      // `${runtime.images.api.tag}` is a DevSpace reference dsg fills in, not a variable.
      const found = /^(?:\{([A-Za-z_]\w*)(?![\w.])|([A-Za-z_]\w*))/.exec(line.slice(i + 1));
      const name = found?.[1] ?? found?.[2];
      if (name !== undefined) names.add(name);
    }
  }
  return [...names];
}

/** The values of `names` that are set in `env`, sorted by name: the declared environment of a task's key. */
export function envValues(
  names: Iterable<string>,
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    const value = env[name];
    // Keys are stored and shown by `dsg why`: a secret's value is kept as its digest.
    if (value !== undefined)
      values[name] = isSecretVariable(name, false)
        ? `sha256:${createHash('sha256').update(value).digest('hex')}`
        : value;
  }
  return values;
}

/** The first lines of a program's output, trimmed and joined: enough to say what went wrong. */
export function firstLines(text: string, count = 3): string {
  const joined = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(0, count)
    .join(' ');
  return joined.length > 400 ? `${joined.slice(0, 400)}…` : joined;
}

function describe(file: string, args: readonly string[]): string {
  const shown =
    file === '/bin/sh' && args[0] === '-c' ? (args[1] ?? '') : [file, ...args.slice(0, 1)].join(' ');
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}

/** What a run left, in one shape: its output and, unless it exited 0, why it failed (`exit code 3`, a failure's message). */
export interface ProcessOutcome {
  stdout: string;
  stderr: string;
  /** The exit code, when the program ran to its end. */
  code?: number;
  failed?: string;
}

/** Folds a run's result into its outcome. */
export function outcomeOf(run: Result<ProcessResult, ProcessFailure>): ProcessOutcome {
  if (!run.ok) return { stdout: run.error.stdout, stderr: run.error.stderr, failed: run.error.message };
  const { stdout, stderr, code } = run.value;
  return code === 0 ? { stdout, stderr, code } : { stdout, stderr, code, failed: `exit code ${code}` };
}
