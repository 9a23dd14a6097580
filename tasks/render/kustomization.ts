// The one reader of a kustomization's structure, read statically the way `kubectl kustomize` follows it: local
// resources (manifest files and nested kustomizations, recursively), components, patches and the `images:`
// transformer. The compiler reads image references through it; render lists its input files with it. What
// cannot be read without running something (remote bases, plugin generators and transformers, helm charts
// kustomize inflates) is named, so that the caller can fall back and say why.
import { posix } from 'node:path';

/** How the reader sees files: absolute paths; a caller records what was read (the compiler's ReadLog). */
export interface KustomizationIo {
  /** The text of a file, or undefined when it is absent or unreadable. */
  text(path: string): string | undefined;
  /** What is at a path. */
  kind(path: string): 'file' | 'directory' | undefined;
}

/** One entry of a kustomization's `images:`. */
export interface ImageTransform {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** A patch: a project file, or text written in the kustomization. */
export type KustomizePatch = { file: string } | { text: string; file?: undefined };

/** A resource: a manifest file of the project, or a nested kustomization. */
export type KustomizeResource = { file: string } | { kustomization: Kustomization };

/** A kustomization as read without running kustomize. Paths are project-relative, `/`-separated. */
export interface Kustomization {
  dir: string;
  /** The kustomization file; undefined when the folder has none. */
  file: string | undefined;
  /** Local resources (and deprecated `bases`), in order. */
  resources: KustomizeResource[];
  components: Kustomization[];
  patches: KustomizePatch[];
  images: ImageTransform[];
  /** True when `configurations:` may make `images:` apply beyond containers. */
  customFieldSpecs: boolean;
  /** What this kustomization does that cannot be read statically, each said for a message. */
  unreadable: string[];
}

/** The names kubectl looks for in a kustomization folder, in its order. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Fields that run plugins or programs: their output cannot be known without running them. */
const PLUGIN_FIELDS = [
  'generators',
  'transformers',
  'validators',
  'helmCharts',
  'helmChartInflationGenerator',
];

/** The folder of a DevSpace kustomize entry: DevSpace accepts the folder or its `kustomization.yaml`. */
export function kustomizationDir(entry: string): string {
  const dir = entry.replace(/\*+/g, '').replace(/\/?kustomization\.ya?ml$/i, '');
  return clean(dir === '' ? '.' : dir.replace(/\/$/, ''));
}

/** Reads the kustomization of a DevSpace entry, and everything it names, recursively. */
export async function readKustomization(
  projectDir: string,
  entry: string,
  io: KustomizationIo,
): Promise<Kustomization> {
  const { parse } = await import('yaml');
  const done = new Map<string, Kustomization>();
  const visiting = new Set<string>();
  const abs = (rel: string): string => posix.join(projectDir.split('\\').join('/'), rel);

  const read = (dir: string): Kustomization => {
    const known = done.get(dir);
    if (known) return known;
    const k: Kustomization = {
      dir,
      file: undefined,
      resources: [],
      components: [],
      patches: [],
      images: [],
      customFieldSpecs: false,
      unreadable: [],
    };
    visiting.add(dir);
    const found = KUSTOMIZATION_NAMES.map((name) => posix.join(dir, name)).find(
      (file) => io.kind(abs(file)) === 'file',
    );
    const text = found === undefined ? undefined : io.text(abs(found));
    if (found === undefined || text === undefined) {
      k.unreadable.push(`folder "${dir}" has no kustomization`);
    } else {
      k.file = found;
      let doc: unknown;
      try {
        doc = parse(text, { maxAliasCount: 1000 });
      } catch (err) {
        k.unreadable.push(`"${found}" is not valid YAML (${(err as Error).message.split('\n')[0] ?? ''})`);
      }
      if (isRecord(doc)) fill(k, found, doc);
      else if (doc !== undefined && doc !== null) k.unreadable.push(`"${found}" is not a mapping`);
    }
    visiting.delete(dir);
    done.set(dir, k);
    return k;
  };

  const fill = (k: Kustomization, file: string, doc: Record<string, unknown>): void => {
    const local = (ref: string): string => clean(posix.join(k.dir, ref));
    const nested = (ref: string, what: string): Kustomization | undefined => {
      const dir = local(ref);
      if (visiting.has(dir)) {
        k.unreadable.push(`${what} "${ref}" in "${file}" includes itself`);
        return undefined;
      }
      return read(dir);
    };
    for (const ref of [...strings(doc['resources']), ...strings(doc['bases'])]) {
      const target = local(ref);
      const kind = target.startsWith('..') ? undefined : io.kind(abs(target));
      if (kind === 'file') k.resources.push({ file: target });
      else if (kind === 'directory') {
        const base = nested(ref, 'resource');
        if (base) k.resources.push({ kustomization: base });
      } else k.unreadable.push(`${describeMissing(ref, target)} (resource in "${file}")`);
    }
    for (const ref of strings(doc['components'])) {
      const target = local(ref);
      if (!target.startsWith('..') && io.kind(abs(target)) === 'directory') {
        const component = nested(ref, 'component');
        if (component) k.components.push(component);
      } else k.unreadable.push(`${describeMissing(ref, target)} (component in "${file}")`);
    }
    const patchFile = (ref: string): void => {
      const target = local(ref);
      if (!target.startsWith('..') && io.kind(abs(target)) === 'file') k.patches.push({ file: target });
      else k.unreadable.push(`${describeMissing(ref, target)} (patch in "${file}")`);
    };
    for (const p of list(doc['patches']).concat(list(doc['patchesJson6902']))) {
      if (!isRecord(p)) continue;
      if (typeof p['path'] === 'string') patchFile(p['path']);
      if (typeof p['patch'] === 'string') k.patches.push({ text: p['patch'] });
    }
    for (const p of strings(doc['patchesStrategicMerge'])) {
      // kustomize's own rule: an entry that is a file of the kustomization is a file, anything else inline.
      if (!p.includes('\n') && io.kind(abs(local(p))) === 'file') patchFile(p);
      else if (/[:\n]/.test(p)) k.patches.push({ text: p });
      else patchFile(p);
    }
    for (const image of list(doc['images'])) {
      if (!isRecord(image) || typeof image['name'] !== 'string') continue;
      const t: ImageTransform = { name: image['name'] };
      for (const field of ['newName', 'newTag', 'digest'] as const) {
        const value = image[field];
        if (typeof value === 'string' || typeof value === 'number') t[field] = String(value);
      }
      k.images.push(t);
    }
    k.customFieldSpecs = list(doc['configurations']).length > 0;
    for (const field of PLUGIN_FIELDS)
      if (list(doc[field]).length > 0) k.unreadable.push(`"${field}" in "${file}" run plugins`);
    if (list(doc['replacements']).some(writesImages))
      k.unreadable.push(`"replacements" in "${file}" may write image fields`);
  };

  return read(kustomizationDir(entry));
}

/** Every kustomization of a tree once, the root first. */
export function kustomizationsOf(root: Kustomization): Kustomization[] {
  const out = new Set<Kustomization>();
  const visit = (k: Kustomization): void => {
    if (out.has(k)) return;
    out.add(k);
    for (const r of k.resources) if ('kustomization' in r) visit(r.kustomization);
    for (const c of k.components) visit(c);
  };
  visit(root);
  return [...out];
}

/** Applies `images:` entries in order, as kustomize does (each to the result of the one before). */
export function transformImage(image: string, transforms: readonly ImageTransform[]): string {
  let current = image;
  for (const t of transforms) {
    const { name, suffix } = splitName(current);
    if (name !== t.name) continue;
    const newName = t.newName ?? name;
    if (t.digest !== undefined) {
      const tag = t.newTag !== undefined ? `:${t.newTag}` : '';
      current = `${newName}${tag}@${t.digest}`;
    } else if (t.newTag !== undefined) current = `${newName}:${t.newTag}`;
    else current = `${newName}${suffix}`;
  }
  return current;
}

/** The name of an image reference and the `:tag` / `@digest` after it. */
function splitName(image: string): { name: string; suffix: string } {
  const at = image.indexOf('@');
  const beforeDigest = at < 0 ? image : image.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  const end = colon > beforeDigest.lastIndexOf('/') ? colon : at < 0 ? image.length : at;
  return { name: image.slice(0, end), suffix: image.slice(end) };
}

// A replacement copies a field into others: when it may write an image field, what it writes is not visible here.
function writesImages(replacement: unknown): boolean {
  if (!isRecord(replacement)) return false;
  // Replacements kept in a file are not followed: assume the worst.
  if (typeof replacement['path'] === 'string') return true;
  return list(replacement['targets']).some(
    (target) => isRecord(target) && strings(target['fieldPaths']).some((f) => /image/i.test(f)),
  );
}

function describeMissing(ref: string, target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(ref)) return `remote base "${ref}"`;
  if (target.startsWith('..')) return `"${ref}" outside the project`;
  return `"${ref}" not found`;
}

function clean(path: string): string {
  return posix.normalize(path.split('\\').join('/')).replace(/\/+$/, '') || '.';
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
