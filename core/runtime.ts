// The one place that knows whether dsg runs on Node or on Deno.
import process from 'node:process';

interface DenoGlobal {
  version: { deno: string };
}

const deno = (globalThis as { Deno?: DenoGlobal }).Deno;

/** The runtime dsg is running on. */
export const runtime: 'node' | 'deno' = deno ? 'deno' : 'node';

/** Version string of the runtime, for `--version` and tool records. */
export const runtimeVersion: string = deno ? `deno ${deno.version.deno}` : `node ${process.versions.node}`;

/** Command-line arguments after the script name. */
export function argv(): string[] {
  return process.argv.slice(2);
}

/** True when stdout is an interactive terminal. */
export function stdoutIsTTY(): boolean {
  // Typed as boolean, but undefined when stdout is a pipe.
  return process.stdout.isTTY ?? false;
}

/**
 * Sends `signal` to every process of the group `pid` leads (a child started with `detached: true`); a group
 * that is already gone is not an error. Node and Deno both take a negative pid as "the group".
 */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group ended on its own meanwhile.
  }
}
