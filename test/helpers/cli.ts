// Runs the real dsg CLI as a child process: compiled under Node, from source under Deno.
import { spawn } from 'node:child_process';
import { mkdtemp, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { repoRoot, underDeno } from './paths.ts';

/** What a finished dsg process left behind. */
export interface DsgResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for one dsg invocation. */
export interface DsgOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
}

/** The command line that starts dsg on this runtime. */
export function dsgCommand(): { command: string; args: string[] } {
  if (underDeno) {
    return {
      command: process.execPath,
      args: [
        'run',
        '-A',
        '--no-check',
        `--config=${join(repoRoot, 'deno.json')}`,
        join(repoRoot, 'bin/dsg.ts'),
      ],
    };
  }
  // The bundle `npm run build` writes (scripts/bundle.ts): what `bin` in package.json runs.
  return { command: process.execPath, args: [join(repoRoot, 'dist/cli/dsg.js')] };
}

/** A dsg process that is still running: its output so far, and its end. */
export interface RunningDsg {
  output(): { stdout: string; stderr: string };
  done: Promise<DsgResult>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts dsg with `args` without waiting for it. */
export function startDsg(args: string[], options: DsgOptions): RunningDsg {
  const { command, args: prefix } = dsgCommand();
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<DsgResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  child.stdin.end(options.input ?? '');
  // process.kill rather than child.kill: Deno's ChildProcess.kill does not deliver every signal as given.
  const kill = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) throw new Error('dsg did not start');
    process.kill(child.pid, signal);
  };
  return { output: () => ({ stdout, stderr }), done, kill };
}

/** Runs dsg with `args` and waits for it to exit. */
export function runDsg(args: string[], options: DsgOptions): Promise<DsgResult> {
  return startDsg(args, options).done;
}

/** Polls `check` every 20 ms until it is true; fails after `limitMs` with `what`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 60_000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Makes a fresh temp directory. */
export function tempDir(prefix = 'dsg-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Copies a directory of the repository (e.g. `examples`) into a fresh temp directory and returns its path. */
export async function copyFixture(relative: string): Promise<string> {
  const dir = await tempDir();
  // A demo run leaves .dsg/ in examples/; a fixture copy starts without state.
  await cp(join(repoRoot, relative), dir, {
    recursive: true,
    filter: (src) => !src.split(/[\\/]/).includes('.dsg'),
  });
  return dir;
}
