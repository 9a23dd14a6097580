// DevSpace's runtime references: `${runtime.images.NAME.image}`, `.tag`, `${runtime.images.NAME}` (both, as
// `image:tag`) and the same behind `dependencies.DEP.` (any depth); and the legacy helpers `image(NAME)` and
// `tag(NAME)` of DevSpace 5 configs, read as the first two. The one owner of their grammar: the compiler
// scans for them (each is an edge, a reference to nothing is a compile error), the run and render substitute them.
import { parseImageRef } from './image-ref.ts';
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
  /** Written as a legacy helper, `image(NAME)` or `tag(NAME)`. */
  legacy?: true;
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
// DevSpace's pattern for the helpers (quotes optional), anchored on a word start so `myimage(x)` is no helper.
const LEGACY = /(?<![\w.-])(image|tag)\("?'?([^)"']+)"?'?\)/g;

/**
 * Which image of the project a legacy helper's argument names: DevSpace accepts the image's name or its
 * repository. An argument naming no image leaves the helper as written, as DevSpace does.
 */
export type LegacyNames = (argument: string) => string | undefined;

/** The `LegacyNames` of a project's images. */
export function legacyNames(images: readonly { name: string; image: string }[]): LegacyNames {
  // Built on first use: most configs have no helper, and a compile asks once per deployment.
  let byRepository: Map<string, string> | undefined;
  return (argument) => {
    const arg = argument.trim();
    if (images.some((i) => i.name === arg)) return arg;
    const ref = parseImageRef(arg);
    if (!ref || ref.tag !== undefined || ref.digest !== undefined) return undefined;
    if (!byRepository) {
      byRepository = new Map();
      for (const i of images) {
        const normalized = parseImageRef(i.image)?.normalized;
        if (normalized !== undefined && !byRepository.has(normalized)) byRepository.set(normalized, i.name);
      }
    }
    return byRepository.get(ref.normalized);
  };
}

/** The modern spelling of a legacy helper, for the warning that asks for it. */
export function modernForm(ref: RuntimeRef): string {
  return `\${runtime.${ref.subject}${ref.field ? `.${ref.field}` : ''}}`;
}

function legacyRef(
  text: string,
  helper: string,
  argument: string,
  names: LegacyNames,
): RuntimeRef | undefined {
  const image = names(argument);
  if (image === undefined || !NAME.test(image)) return undefined;
  const field = helper === 'tag' ? 'tag' : 'image';
  return { text, subject: `images.${image}`, dependencies: [], image, field, legacy: true };
}

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

/** The runtime references in a piece of text, in order; with `legacy`, its helpers that name an image too. */
export function scanRuntimeRefs(text: string, legacy?: LegacyNames): RuntimeScan {
  const scan: RuntimeScan = { refs: [], invalid: [] };
  if (text.includes('${runtime.')) {
    for (const match of text.matchAll(EXPRESSION)) {
      const ref = parseRuntimePath(match[1] ?? '', match[0]);
      if (ref) scan.refs.push(ref);
      else scan.invalid.push(match[0]);
    }
  }
  if (legacy && text.includes('(')) {
    for (const match of text.matchAll(LEGACY)) {
      const ref = legacyRef(match[0], match[1] ?? '', match[2] ?? '', legacy);
      if (ref) scan.refs.push(ref);
    }
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

/**
 * Fills in every reference `lookup` knows, each value passed through `quote` (a shell line quotes them); the
 * first reference it does not know fails the whole text.
 */
export function substituteRuntimeRefs(
  text: string,
  lookup: RuntimeLookup,
  quote: (value: string) => string = (value) => value,
  legacy?: LegacyNames,
): Result<string, RuntimeRef> {
  const modern = text.includes('${runtime.');
  if (!modern && !(legacy && text.includes('('))) return ok(text);
  let missing: RuntimeRef | undefined;
  const fill = (ref: RuntimeRef): string => {
    const found = lookup(ref);
    if (found === 'keep') return ref.text;
    if (!found) {
      missing ??= ref;
      return ref.text;
    }
    if (ref.field === 'image') return quote(found.image);
    return quote(ref.field === 'tag' ? found.tag : `${found.image}:${found.tag}`);
  };
  let out = !modern
    ? text
    : text.replace(EXPRESSION, (whole, path: string) => {
        const ref = parseRuntimePath(path, whole);
        if (ref) return fill(ref);
        missing ??= { text: whole, subject: path, dependencies: [], image: '', field: undefined };
        return whole;
      });
  if (legacy)
    out = out.replace(LEGACY, (whole, helper: string, argument: string) => {
      const ref = legacyRef(whole, helper, argument, legacy);
      return ref ? fill(ref) : whole;
    });
  return missing ? fail(missing) : ok(out);
}

/** Where legacy helpers are read in a value: the project's names, and only under this key when given. */
export interface LegacyScope {
  names: LegacyNames;
  /** DevSpace reads them in any string of helm values, but only in `image:` fields of manifests. */
  key?: string;
}

/** The same in every string of a value made of JSON (config specs, manifests, values); keys stay as they are. */
export function substituteRuntimeRefsIn<T>(
  value: T,
  lookup: RuntimeLookup,
  legacy?: LegacyScope,
): Result<T, RuntimeRef> {
  const json = JSON.stringify(value) ?? '';
  if (!json.includes('${runtime.') && !(legacy && json.includes('('))) return ok(value);
  let missing: RuntimeRef | undefined;
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') {
      const names = legacy && (legacy.key === undefined || legacy.key === key) ? legacy.names : undefined;
      const done = substituteRuntimeRefs(v, lookup, undefined, names);
      if (done.ok) return done.value;
      missing ??= done.error;
      return v;
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) out[k] = walk(child, k);
    return out;
  };
  const out = walk(value, undefined);
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

/**
 * The lookup of a build's references to its own image (those `refs` maps to `self`): only the build knows its
 * tag, so it fills them in with `own` just before it runs. Any other reference is unknown here.
 */
export function ownImageLookup(
  refs: Readonly<Record<string, string>>,
  self: string,
  own: RuntimeImage,
): RuntimeLookup {
  return (ref) => (refs[ref.subject] === self ? own : undefined);
}
