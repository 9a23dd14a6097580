// `${runtime.images.NAME.image}` / `.tag` / `${runtime.images.NAME}`: filled in from upstream outputs just before a
// task's inputs are read, so the resolved values are part of its key.
import type { Json } from '../../core/json.ts';
import type { TaskNode, TaskSpec } from '../../core/task.ts';

/** What an upstream build or tag task produced for an image. */
export interface RuntimeImage {
  image: string;
  tag: string;
}

const REF = /\$\{runtime\.images\.([A-Za-z0-9_-]+)(?:\.(image|tag))?\}/g;

/** Replaces runtime image references in every string of the task's spec; unknown names are left as written. */
export function resolveRuntimeRefs(node: TaskNode, images: ReadonlyMap<string, RuntimeImage>): TaskNode {
  if (images.size === 0 || !JSON.stringify(node.spec).includes('${runtime.')) return node;
  const replace = (text: string): string =>
    text.replace(REF, (whole, name: string, field?: string) => {
      const found = images.get(name);
      if (!found) return whole;
      if (field === 'image') return found.image;
      if (field === 'tag') return found.tag;
      return `${found.image}:${found.tag}`;
    });
  const spec = mapStrings(node.spec as unknown as Json, replace) as unknown as TaskSpec;
  return { ...node, spec };
}

function mapStrings(value: Json, f: (s: string) => string): Json {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f);
    return out;
  }
  return value;
}

/** The images visible to a task: the `name`, `image` and `tag` of each upstream output that describes an image. */
export function runtimeImages(
  outputs: Iterable<{ data: { [key: string]: Json } }>,
): Map<string, RuntimeImage> {
  const out = new Map<string, RuntimeImage>();
  for (const { data } of outputs) {
    const { name, image, tag } = data;
    if (typeof name === 'string' && typeof image === 'string' && typeof tag === 'string')
      out.set(name, { image, tag });
  }
  return out;
}
