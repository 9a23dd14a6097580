// The run's view of the record store: typed records, corrupt files reported as warnings and treated as misses.
import type { KeyRecord } from '../../cache/key.ts';
import type { TaskOutput } from '../../core/task-kind.ts';

/** A successful task run, stored by key. */
export interface StoredRun {
  key: string;
  taskId: string;
  record: KeyRecord;
  output: TaskOutput;
  finishedAt: string;
  durationMs: number;
}

/** Reads and writes stored runs. */
export interface RunStore {
  get(key: string): Promise<StoredRun | undefined>;
  lastSuccess(taskId: string): Promise<StoredRun | undefined>;
  put(run: StoredRun): Promise<void>;
}
