// Every task kind dsg knows, loaded on demand: `dsg run build` never loads the Kubernetes client.
// Adding a kind is one folder under tasks/ and one line here.
import { bindKind, type BoundTask } from '../core/task-kind.ts';
import type { TaskKind, TaskNode, TaskNodeOf } from '../core/task.ts';

/** Binds nodes of kind `K` to their implementation. */
type Binder<K extends TaskKind> = (node: TaskNodeOf<K>) => BoundTask;

/** The loaded kinds: a binder for each. */
export type TaskKinds = { readonly [K in TaskKind]?: Binder<K> };

const LOADERS: { [K in TaskKind]: () => Promise<Binder<K>> } = {
  build: async () => bindKind((await import('./build/kind.ts')).buildKind),
  tag: async () => bindKind((await import('./tag/kind.ts')).tagKind),
  render: async () => bindKind((await import('./render/kind.ts')).renderKind),
  deploy: async () => bindKind((await import('./deploy/kind.ts')).deployKind),
};

/** Loads the implementations of `kinds`. */
export async function loadTaskKinds(kinds: Iterable<TaskKind>): Promise<TaskKinds> {
  const loaded = await Promise.all([...new Set(kinds)].map(loadOne));
  return loaded.reduce<TaskKinds>((all, one) => ({ ...all, ...one }), {});
}

async function loadOne(kind: TaskKind): Promise<TaskKinds> {
  return { [kind]: await LOADERS[kind]() };
}

/** `node` bound to its kind; a kind that was not loaded is a bug of the caller. */
export function bindTask<K extends TaskKind>(kinds: TaskKinds, node: TaskNode<K>): BoundTask {
  const binder = kinds[node.kind];
  if (!binder) throw new Error(`Task kind "${node.kind}" of ${node.id} was not loaded`);
  return binder(node);
}
