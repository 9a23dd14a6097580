// Versions of kubectl and helm for render keys: asked once per process and PATH, since every render task
// of a run would otherwise spawn the same two processes again.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, resolve } from 'node:path';
import { fail, ok, type Result } from '../../core/result.ts';
import { firstLines, runProcess } from '../../core/process.ts';

/** The tools whose versions go into render keys. */
export type VersionedTool = 'kubectl' | 'helm';

// A memo, not state: the answer for one PATH never changes while the process runs.
const memo = new Map<string, Promise<Result<string, string>>>();

/** The version of `tool` found on the PATH of `env`, e.g. `v1.32.3`; a failure says why it is unusable. */
export function toolVersion(
  tool: VersionedTool,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<Result<string, string>> {
  const key = `${tool}\u0000${env['PATH'] ?? ''}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = ask(tool, env, cwd);
    memo.set(key, pending);
  }
  return pending;
}

// What the child process spawner searches when the environment has no PATH.
const DEFAULT_PATH = ['/usr/bin', '/bin'].join(delimiter);

/**
 * Where PATH lookup of `tool` looks, as absolute paths: `<dir>/<tool>` for each PATH folder up to and
 * including the first that holds an executable file, all of them when none does. Which binary runs, and so
 * the version, changes only when one of these stamps changes. `cwd` resolves relative PATH entries.
 */
export async function toolPaths(
  tool: VersionedTool,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<string[]> {
  const paths: string[] = [];
  for (const dir of (env['PATH'] ?? DEFAULT_PATH).split(delimiter)) {
    const path = resolve(cwd, dir, tool);
    paths.push(path);
    if (await isExecutableFile(path)) break;
  }
  return paths;
}

async function isExecutableFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function ask(
  tool: VersionedTool,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<Result<string, string>> {
  const args =
    tool === 'kubectl' ? ['version', '--client', '-o', 'json'] : ['version', '--template', '{{.Version}}'];
  const run = await runProcess(tool, args, { cwd, env });
  if (!run.ok) return fail(run.error.message);
  if (run.value.code !== 0) {
    return fail(
      `Cannot read the version of "${tool}": ${firstLines(run.value.stderr) || `exit code ${run.value.code}`}`,
    );
  }
  if (tool === 'helm') return ok(run.value.stdout.trim());
  try {
    const parsed = JSON.parse(run.value.stdout) as { clientVersion?: { gitVersion?: string } };
    const version = parsed.clientVersion?.gitVersion;
    if (version) return ok(version);
  } catch {
    // fall through to the message below
  }
  return fail(
    `Cannot read the version of "kubectl": unexpected output of "kubectl version --client -o json"`,
  );
}
