// `dsg logs TASK`: the full output of a task's last run.
import { readTaskLog } from '../../../cache/logs.ts';
import type { FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { stateDirOf } from '../state-dir.ts';

/** Runs `dsg logs`; returns the exit code. */
export async function logsCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  const [task, ...extra] = positionals;
  if (task === undefined || extra.length > 0) {
    io.stderr.write('dsg logs: give one task id, e.g. dsg logs build:api\n');
    return 2;
  }
  const text = await readTaskLog(stateDirOf(io.cwd, flags, io.env), task);
  if (text === undefined) {
    printDiagnostics(io, [
      {
        severity: 'error',
        message: `No log for task "${task}" in .dsg/logs`,
        hint: 'the task has not run here yet; dsg graph lists the tasks',
      },
    ]);
    return 1;
  }
  io.stdout.write(text);
  return 0;
}
