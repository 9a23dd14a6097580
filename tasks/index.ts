// Every task kind dsg knows, loaded on demand: `dsg run build` never loads the Kubernetes client.
// Adding a kind is one file under tasks/ and one line here.
import type { TaskKind } from '../core/task.ts';
import type { TaskKindImpl } from '../core/task-kind.ts';

const LOADERS: Record<TaskKind, () => Promise<TaskKindImpl>> = {
  build: async () => (await import('./build.ts')).buildKind,
  tag: async () => (await import('./tag.ts')).tagKind,
  render: async () => (await import('./render.ts')).renderKind,
  deploy: async () => (await import('./deploy.ts')).deployKind,
};

/** Loads the implementations of `kinds`. */
export async function loadTaskKinds(kinds: Iterable<TaskKind>): Promise<Map<string, TaskKindImpl>> {
  const wanted = [...new Set(kinds)];
  const loaded = await Promise.all(wanted.map((k) => LOADERS[k]()));
  return new Map(loaded.map((impl) => [impl.kind, impl]));
}
