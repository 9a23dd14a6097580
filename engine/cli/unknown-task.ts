// "Task X is not in the graph — did you mean Y?", for every flag and argument that names a task.
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { TaskGraph } from '../graph/types.ts';
import { suggest } from './args.ts';

/** The error for a task id that is not in the graph; `given` says where it came from (` given to --force`). */
export function unknownTask(graph: TaskGraph, id: string, given = ''): Diagnostic {
  const close = suggest(id, [...graph.nodes.keys()]);
  return {
    severity: 'error',
    message: `Task "${id}"${given} is not in the graph${close ? ` — did you mean "${close}"?` : ''}`,
    hint: 'run dsg graph to list the tasks',
  };
}
