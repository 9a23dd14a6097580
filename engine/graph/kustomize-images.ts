// Which images a kustomization's output can name, read without running kustomize: the `image:` values of its
// resources and patches, each put through the `images:` transformers that kustomize applies to it, in its order
// (a component's on everything gathered before it, then the kustomization's own after its patches, then those of
// every kustomization above). What render then does — replace untagged names of the config's images — is decided
// on those final names, so a config image renamed away by `newName` is no reference, and a name renamed to a
// config image is one.
import { join } from 'node:path';
import type { ReadLog } from '../../cache/read-log.ts';
import {
  readKustomization,
  transformImage,
  type Kustomization,
  type KustomizationIo,
} from '../../tasks/render/kustomization.ts';
import { manifestDocuments } from './manifest-docs.ts';

/** An `image:` value that a kustomization's output can contain, as written, and the file it was written in. */
export interface KustomizeImage {
  value: string;
  /** The value in the file, before the `images:` transformers. */
  written: string;
  where: string;
}

/** A document read on the way (a resource or a patch), for the `${runtime...}` references in it. */
export interface KustomizeDocument {
  text: string;
  docs: unknown[];
  /** Project-relative file; undefined for a patch written inline. */
  file: string | undefined;
  where: string;
}

/** What a kustomization was found to contain. */
export interface KustomizeScan {
  images: KustomizeImage[];
  documents: KustomizeDocument[];
  /** Why some of it cannot be read: remote bases, plugins. Empty when everything was. */
  unreadable: string[];
}

/** An image value as it travels up the kustomizations: whether kustomize's transformer applies to it. */
interface Flowing extends KustomizeImage {
  /** In a `containers` or `initContainers` item, where `images:` applies (unless `configurations:` widen it). */
  container: boolean;
}

/** Reads a DevSpace kustomize entry (a folder or its kustomization file) through `reads`. */
export async function scanKustomization(
  projectDir: string,
  entry: string,
  reads: ReadLog,
): Promise<KustomizeScan> {
  const io: KustomizationIo = {
    text: (path) => reads.text(path),
    kind: (path) => {
      const info = reads.stat(path);
      return info?.isFile() ? 'file' : info?.isDirectory() ? 'directory' : undefined;
    },
  };
  const root = await readKustomization(projectDir, entry, io);
  const scan: KustomizeScan = { images: [], documents: [], unreadable: [] };
  const readDocs = async (text: string, file: string | undefined, where: string): Promise<unknown[]> => {
    const docs = await manifestDocuments(text);
    scan.documents.push({ text, docs, file, where });
    return docs;
  };
  const fromFile = async (file: string): Promise<Flowing[]> => {
    const text = reads.text(join(projectDir, file));
    if (text === undefined) {
      scan.unreadable.push(`"${file}" cannot be read`);
      return [];
    }
    return imagesIn(await readDocs(text, file, file), file);
  };
  const memo = new Map<Kustomization, Promise<Flowing[]>>();
  const flow = (k: Kustomization, before: Flowing[] = []): Promise<Flowing[]> => {
    // A kustomization used twice (a diamond) yields the same images; a component acts on what it is given.
    if (before.length > 0) return build(k, before);
    const known = memo.get(k);
    if (known) return known;
    const built = build(k, []);
    memo.set(k, built);
    return built;
  };
  const seenUnreadable = new Set<Kustomization>();
  const build = async (k: Kustomization, before: Flowing[]): Promise<Flowing[]> => {
    if (!seenUnreadable.has(k)) {
      seenUnreadable.add(k);
      scan.unreadable.push(...k.unreadable);
    }
    let images = [...before];
    for (const r of k.resources)
      images.push(...('file' in r ? await fromFile(r.file) : await flow(r.kustomization)));
    for (const c of k.components) images = await flow(c, images);
    for (const p of k.patches) {
      if (p.file !== undefined) images.push(...(await fromFile(p.file)));
      else {
        const where = `a patch in ${k.file ?? k.dir}`;
        images.push(...imagesIn(await readDocs(p.text, undefined, where), where));
      }
    }
    if (k.images.length === 0) return images;
    return images.flatMap((image) => {
      const value = transformImage(image.value, k.images);
      if (value === image.value || image.container) return [{ ...image, value }];
      // Beyond containers only `configurations:` make the transformer apply, and which fields is not read here.
      return k.customFieldSpecs ? [image, { ...image, value }] : [image];
    });
  };
  scan.images = (await flow(root)).map(({ value, written, where }) => ({ value, written, where }));
  return scan;
}

/**
 * The `image:` values of documents (render replaces them wherever they are), marked when they are a container's;
 * the values JSON patches write to an `…/image` path.
 */
function imagesIn(docs: readonly unknown[], where: string): Flowing[] {
  const out: Flowing[] = [];
  const walk = (value: unknown, container: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (isJsonPatchOp(item)) patchOp(item);
        else walk(item, false);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'image' && typeof child === 'string')
          out.push({ value: child, written: child, where, container });
        else if ((key === 'containers' || key === 'initContainers') && Array.isArray(child))
          for (const item of child) walk(item, true);
        else walk(child, false);
      }
    }
  };
  const patchOp = (op: { path: string; value?: unknown }): void => {
    const inContainers = /\/(containers|initContainers)(\/|$)/.test(op.path);
    if (/\/image$/.test(op.path) && typeof op.value === 'string')
      out.push({ value: op.value, written: op.value, where, container: inContainers });
    else if (/\/(containers|initContainers)\/(\d+|-)$/.test(op.path)) walk({ containers: [op.value] }, false);
    else if (/\/(containers|initContainers)$/.test(op.path)) walk({ containers: op.value }, false);
    else walk(op.value, false);
  };
  for (const doc of docs) walk(doc, false);
  return out;
}

function isJsonPatchOp(value: unknown): value is { op: string; path: string; value?: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record['op'] === 'string' && typeof record['path'] === 'string';
}
