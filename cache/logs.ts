// Per-task log files, `<stateDir>/logs/<task>.log`: truncated when the task starts, appended line by line
// while it runs (the task's `log` callback is synchronous, so lines are buffered and written in order).
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { safeTaskName } from './safe-name.ts';
import { errorDetail } from './types.ts';

/** An open task log. */
export interface TaskLog {
  /** Path relative to the state directory, e.g. `logs/build%3Aapi.log`. */
  readonly file: string;
  /** Appends one line (a trailing newline is added). Never throws; write errors surface in `close`. */
  line(text: string): void;
  /** Writes what is buffered; resolves when it is on disk. */
  flush(): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** Path of a task's log, relative to the state directory. */
export function taskLogFile(taskId: string): string {
  return `logs/${safeTaskName(taskId)}.log`;
}

/** Opens (and truncates) a task's log. */
export async function openTaskLog(stateDir: string, taskId: string): Promise<TaskLog> {
  const file = taskLogFile(taskId);
  await mkdir(join(stateDir, 'logs'), { recursive: true, mode: 0o700 });
  const handle = await open(join(stateDir, file), 'w', 0o600);
  return new BufferedLog(file, handle);
}

/** The content of a task's last log, or undefined when it has none. */
export async function readTaskLog(stateDir: string, taskId: string): Promise<string | undefined> {
  try {
    return await readFile(join(stateDir, taskLogFile(taskId)), 'utf8');
  } catch {
    return undefined;
  }
}

class BufferedLog implements TaskLog {
  private buffer: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private error: unknown;
  private scheduled = false;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  line(text: string): void {
    if (this.closed) return;
    this.buffer.push(text.endsWith('\n') ? text : `${text}\n`);
    // One write per burst of lines rather than one per line: a chatty build logs thousands.
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => void this.flush());
    }
  }

  flush(): Promise<void> {
    this.scheduled = false;
    if (this.buffer.length > 0) {
      const chunk = this.buffer.join('');
      this.buffer = [];
      this.writing = this.writing.then(async () => {
        if (this.error !== undefined) return;
        try {
          await this.handle.write(chunk);
        } catch (error) {
          this.error = error;
        }
      });
    }
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.closed) return this.writing;
    await this.flush();
    this.closed = true;
    await this.handle.close();
    if (this.error !== undefined)
      throw this.error instanceof Error ? this.error : new Error(errorDetail(this.error));
  }
}
