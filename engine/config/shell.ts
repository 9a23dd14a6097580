// Runs the commands a config may contain (variable commands, `$(...)` expressions, git) with a
// timeout, in a given directory and environment; never through process.env or process.chdir.

/** How to run one command. */
export interface ShellOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What a finished command left behind, or why it did not finish. */
export type ShellResult =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; reason: string; stdout: string; stderr: string };

/** Runs `command` with `sh -c`, or directly when `args` are given (DevSpace's rule for vars). */
export async function runCommand(
  command: string,
  args: string[] | undefined,
  options: ShellOptions,
): Promise<ShellResult> {
  // Loaded on first use: most configs run no command at all.
  const { spawn } = await import('node:child_process');
  const [file, argv] = args ? [command, args] : ['/bin/sh', ['-c', command]];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: ShellResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, reason: `timed out after ${options.timeoutMs / 1000} s`, stdout, stderr });
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (e) => finish({ ok: false, reason: e.message, stdout, stderr }));
    child.on('close', (code, signal) => {
      if (code === 0) finish({ ok: true, stdout, stderr });
      else
        finish({
          ok: false,
          reason: signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`,
          stdout,
          stderr,
        });
    });
  });
}

/** The first line of a command's error output, for messages. */
export function firstLine(s: string): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
