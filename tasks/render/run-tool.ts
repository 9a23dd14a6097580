// Runs kubectl and helm as child processes: arguments as an array (no shell), output captured, cancellable.
import { spawn } from 'node:child_process';
import { fail, ok, type Result } from '../../core/result.ts';

/** What a finished tool process printed. */
export interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where and how to run a tool. */
export interface ToolOptions {
  cwd: string;
  /** The whole environment of the child; `PATH` in it decides which binary runs. */
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  input?: string;
}

/** Why a tool could not be run at all (its own failures are a non-zero `code`, not this). */
export interface ToolFailure {
  reason: 'not-found' | 'aborted' | 'spawn-error';
  message: string;
}

/** Runs `command args` to completion; a non-zero exit is still `ok`, with the code and stderr to report. */
export function runTool(
  command: string,
  args: readonly string[],
  options: ToolOptions,
): Promise<Result<ToolOutput, ToolFailure>> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve(fail({ reason: 'aborted', message: `Cancelled before running "${command}"` }));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (result: Result<ToolOutput, ToolFailure>): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        settle(fail({ reason: 'not-found', message: `Cannot run "${command}": it was not found on PATH` }));
      } else if (error.name === 'AbortError') {
        settle(fail({ reason: 'aborted', message: `Cancelled "${command} ${args[0] ?? ''}"` }));
      } else {
        settle(fail({ reason: 'spawn-error', message: `Cannot run "${command}": ${error.message}` }));
      }
    });
    child.on('close', (code) => settle(ok({ code: code ?? -1, stdout, stderr })));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** The first lines of a tool's stderr, trimmed: enough to say what went wrong without a wall of text. */
export function firstLines(text: string, count = 3): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, count)
    .join(' ');
}
