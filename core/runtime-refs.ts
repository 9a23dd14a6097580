// DevSpace's runtime references: `${runtime.images.NAME.image}`, `.tag`, `${runtime.images.NAME}` (both, as
// `image:tag`) and the same behind `dependencies.DEP.` (any depth). The one owner of their grammar: the compiler
// scans for them (each is an edge, a reference to nothing is a compile error), the run and render substitute them.
import { fail, ok, type Result } from './result.ts';

/** One reference as written. */
export interface RuntimeRef {
  /** The whole expression: `${runtime.images.api.tag}`. */
  text: string;
  /** What it names, without the field: `images.api`, `dependencies.db.images.pg`. */
  subject: string;
  /** The dependency path, outermost first: `['db']` for `dependencies.db.images.pg`. */
  dependencies: string[];
  /** The image name within its project. */
  image: string;
  /** `image`, `tag`, or both (`image:tag`) when absent. */
  field: 'image' | 'tag' | undefined;
}

/** What a scan found: well-formed references, and `${runtime...}` expressions dsg cannot read. */
export interface RuntimeScan {
  refs: RuntimeRef[];
  invalid: string[];
}

/** The repository and tag a reference's subject stands for in this run. */
export interface RuntimeImage {
  image: string;
  tag: string;
}

// Names of images and dependencies: DevSpace allows letters, digits, `-` and `_`.
const EXPRESSION = /\$\{runtime\.([^}]*)\}/g;
const NAME = /^[A-Za-z0-9_-]+$/;

/** Parses the path inside `${runtime.` … `}`; undefined when it is not a reference to an image. */
export function parseRuntimePath(path: string, text = `\${runtime.${path}}`): RuntimeRef | undefined {
  const parts = path.split('.');
  const dependencies: string[] = [];
  let at = 0;
  while (parts[at] === 'dependencies') {
    const name = parts[at + 1];
    if (name === undefined || !NAME.test(name)) return undefined;
    dependencies.push(name);
    at += 2;
  }
  const image = parts[at + 1];
  if (parts[at] !== 'images' || image === undefined || !NAME.test(image)) return undefined;
  const field = parts[at + 2];
  if (parts.length > at + 3 || (field !== undefined && field !== 'image' && field !== 'tag'))
    return undefined;
  const subject = [...dependencies.flatMap((d) => ['dependencies', d]), 'images', image].join('.');
  return { text, subject, dependencies, image, field };
}

/** The runtime references in a piece of text, in order. */
export function scanRuntimeRefs(text: string): RuntimeScan {
  const scan: RuntimeScan = { refs: [], invalid: [] };
  if (!text.includes('${runtime.')) return scan;
  for (const match of text.matchAll(EXPRESSION)) {
    const ref = parseRuntimePath(match[1] ?? '', match[0]);
    if (ref) scan.refs.push(ref);
    else scan.invalid.push(match[0]);
  }
  return scan;
}

/** The runtime references in every string of a JSON value (keys included). */
export function scanRuntimeRefsIn(value: unknown): RuntimeScan {
  const text = JSON.stringify(value) ?? '';
  // JSON escapes inside a reference (`\"`) cannot occur in a well-formed one; the scan sees the text as written.
  return scanRuntimeRefs(text);
}

/**
 * How a substitution fills in a reference: its image, or `'keep'` to leave it as written (a build's references
 * to its own image are filled in by the build, which alone knows its tags), or undefined when it is unknown.
 */
export type RuntimeLookup = (ref: RuntimeRef) => RuntimeImage | 'keep' | undefined;

/** Fills in every reference `lookup` knows; the first it does not know fails the whole text. */
export function substituteRuntimeRefs(text: string, lookup: RuntimeLookup): Result<string, RuntimeRef> {
  if (!text.includes('${runtime.')) return ok(text);
  let missing: RuntimeRef | undefined;
  const out = text.replace(EXPRESSION, (whole, path: string) => {
    const ref = parseRuntimePath(path, whole);
    const found = ref && lookup(ref);
    if (found === 'keep') return whole;
    if (!ref || !found) {
      missing ??= ref ?? { text: whole, subject: path, dependencies: [], image: '', field: undefined };
      return whole;
    }
    if (ref.field === 'image') return found.image;
    return ref.field === 'tag' ? found.tag : `${found.image}:${found.tag}`;
  });
  return missing ? fail(missing) : ok(out);
}

/** The same in every string of a value made of JSON (config specs, manifests, values); keys stay as they are. */
export function substituteRuntimeRefsIn<T>(value: T, lookup: RuntimeLookup): Result<T, RuntimeRef> {
  if (!(JSON.stringify(value) ?? '').includes('${runtime.')) return ok(value);
  let missing: RuntimeRef | undefined;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const done = substituteRuntimeRefs(v, lookup);
      if (done.ok) return done.value;
      missing ??= done.error;
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) out[k] = walk(child);
    return out;
  };
  const out = walk(value);
  // The walk keeps every shape and changes strings only: the result has the type it was given.
  return missing ? fail(missing) : ok(out as T);
}

/**
 * The lookup of one task's references: its `refs` table (subject → task id) and the outputs of those tasks,
 * whose data name an `image` and a `tag`. References to `self` (the task's own id) are kept as written.
 */
export function refLookup(
  refs: Readonly<Record<string, string>>,
  outputOf: (taskId: string) => { data: { [key: string]: unknown } } | undefined,
  self?: string,
): RuntimeLookup {
  return (ref) => {
    const id = refs[ref.subject];
    if (id === undefined) return undefined;
    if (id === self) return 'keep';
    const data = outputOf(id)?.data;
    const image = data?.['image'];
    const tag = data?.['tag'];
    return typeof image === 'string' && typeof tag === 'string' ? { image, tag } : undefined;
  };
}
