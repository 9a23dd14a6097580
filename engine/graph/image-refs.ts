// Which images does a deployment use? Read at compile time from its manifests, kustomizations, values, local
// charts and runtime references.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentConfig, ProjectConfig } from '../../core/config.ts';
import { warning, type Diagnostic } from '../../core/diagnostics.ts';
import { imageNamed } from '../../core/image-ref.ts';
import { legacyNames, scanRuntimeRefs, type RuntimeRef } from '../../core/runtime-refs.ts';
import { chartSource, describeChart } from '../../tasks/helm/chart.ts';
import { readLocalChart, type ChartIo } from '../../tasks/helm/chart-files.ts';
import { manifestFiles } from '../../tasks/render/manifest-files.ts';
import { templateImages } from './chart-images.ts';
import { scanKustomization } from './kustomize-images.ts';
import { manifestDocuments } from './manifest-docs.ts';
import type { ReadLog } from '../../cache/read-log.ts';

/** A runtime reference seen in a deployment, and where. */
export interface SeenRuntimeRef {
  ref: RuntimeRef;
  /** `helm values`, `kube/api.yaml`. */
  where: string;
  /** The project-relative file and 1-based line, when it was seen in a file. */
  file?: { path: string; line: number };
  /** Its path in the deployment's config (`['helm', 'values', 'image']`), when it was seen there. */
  path?: (string | number)[];
}

/** A `${runtime...}` expression seen somewhere. */
export interface SeenText {
  text: string;
  where: string;
  file?: { path: string; line: number };
}

/** What a deployment was found to reference. */
export interface ImageRefScan {
  /** Image name → where the reference was seen (for the edge's detail). */
  explicit: Map<string, string>;
  /** `${runtime...}` references, resolved to tasks by the compiler. */
  runtime: SeenRuntimeRef[];
  /** `${runtime...}` expressions that are not references to an image, and where. */
  invalid: SeenText[];
  /** Why the references could not all be seen, when they could not: the deployment depends on every image. */
  implicit: string | undefined;
  warnings: Diagnostic[];
}

/** Which strings of a document can be image references: any string (values), `image:` keys, none (runtime only). */
type Strings = 'any' | 'image-keys' | 'none';

/** Scans one deployment of `project` for references to the project's images. */
export async function scanDeployment(
  project: ProjectConfig,
  deployment: DeploymentConfig,
  byRepository: ReadonlyMap<string, string>,
  reads: ReadLog,
): Promise<ImageRefScan> {
  const scan: ImageRefScan = {
    explicit: new Map(),
    runtime: [],
    invalid: [],
    implicit: undefined,
    warnings: [],
  };
  const because = (reason: string): void => {
    scan.implicit ??= reason;
  };
  const reference = (value: string, detail: string): void => {
    const name = imageNamed(value, byRepository);
    if (name !== undefined && !scan.explicit.has(name)) scan.explicit.set(name, detail);
  };
  // DevSpace 5's `image(NAME)` / `tag(NAME)`: in any string of values, in `image:` fields of manifests.
  const legacy = legacyNames(project.images);
  type Path = (string | number)[] | undefined;
  // `path` is followed only in the config (files locate by line), where it lets warnings point at the value.
  const walk = (value: unknown, where: string, strings: Strings, key?: string, path?: Path): void => {
    if (typeof value === 'string') {
      const imageString = strings === 'any' || (strings === 'image-keys' && key === 'image');
      const found = scanRuntimeRefs(value, imageString ? legacy : undefined);
      for (const ref of found.refs) scan.runtime.push({ ref, where, ...(path ? { path } : {}) });
      for (const text of found.invalid) scan.invalid.push({ text, where });
      if (imageString) reference(value, `${key ?? 'value'}: ${value} in ${where}`);
    } else if (Array.isArray(value))
      value.forEach((v, i) => walk(v, where, strings, key, path && [...path, i]));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, where, strings, k, path && [...path, k]);
    }
  };
  /** Walks the documents of a file's text; runtime references found are located in it. */
  const walkText = async (text: string, rel: string, strings: Strings, docs?: unknown[]): Promise<void> => {
    const before = { runtime: scan.runtime.length, invalid: scan.invalid.length };
    for (const doc of docs ?? (await manifestDocuments(text))) walk(doc, rel, strings);
    // Found in a file: point at its first occurrence there.
    const at = (ref: string): { path: string; line: number } => ({ path: rel, line: lineOf(text, ref) });
    for (const seen of scan.runtime.slice(before.runtime)) seen.file = at(seen.ref.text);
    for (const seen of scan.invalid.slice(before.invalid)) seen.file = at(seen.text);
  };
  const readYaml = async (rel: string, strings: Strings): Promise<boolean> => {
    const text = reads.text(join(project.dir, rel));
    if (text === undefined) {
      scan.warnings.push(
        warning(
          `Cannot read "${rel}" of deployment "${deployment.name}": file not found; it depends on every image of its project`,
          deployment.at,
        ),
      );
      because(`"${rel}" cannot be read`);
      return false;
    }
    await walkText(text, rel, strings);
    return true;
  };

  switch (deployment.type) {
    case 'kubectl': {
      for (const patch of deployment.patches)
        walk(patch.value ?? null, `patches of "${deployment.name}"`, 'image-keys');
      if (deployment.inlineManifest !== undefined) {
        for (const doc of await manifestDocuments(deployment.inlineManifest))
          walk(doc, 'inlineManifest', 'image-keys');
      }
      if (deployment.kustomize) {
        for (const entry of deployment.manifests) {
          const k = await scanKustomization(project.dir, entry, reads);
          // Runtime references are filled in after kustomize ran, wherever they are; images only as transformed.
          for (const doc of k.documents)
            if (doc.file !== undefined) await walkText(doc.text, doc.file, 'none', doc.docs);
            else for (const d of doc.docs) walk(d, doc.where, 'none');
          for (const image of k.images) {
            const renamed =
              image.value === image.written ? '' : ` (${image.written} before kustomize images:)`;
            reference(image.value, `image: ${image.value}${renamed} in ${image.where}`);
          }
          if (k.unreadable.length > 0) because(k.unreadable.join('; '));
        }
        break;
      }
      const files = await manifestFiles(project.dir, deployment.manifests, reads.note);
      if (!files.ok) {
        because(files.error);
        scan.warnings.push(
          warning(
            `${files.error}; deployment "${deployment.name}" depends on every image of its project`,
            deployment.at,
          ),
        );
        break;
      }
      for (const rel of files.value) await readYaml(rel, 'image-keys');
      if (files.value.length === 0 && deployment.inlineManifest === undefined)
        because('it names no manifests');
      break;
    }
    case 'helm': {
      walk(deployment.values, 'helm values', 'any', undefined, ['helm', 'values']);
      for (const rel of deployment.valuesFiles) await readYaml(rel, 'any');
      const source = chartSource(deployment);
      if (source.kind === 'local') {
        const chart = await readLocalChart(project.dir, source.path, chartIo(reads));
        // The chart's defaults get the same replacement as the deployment's values (render does it).
        if (chart.values) await walkText(chart.values.text, chart.values.file, 'any');
        for (const template of chart.templates)
          for (const found of templateImages(template.text, byRepository))
            reference(found.word, `${found.word} in ${template.file}:${found.line}`);
        if (chart.unreadable.length > 0) because(chart.unreadable.join('; '));
      } else if (scan.explicit.size === 0 && scan.runtime.length === 0) {
        // A remote chart's templates cannot be read: without a reference in the values, assume all.
        because(`chart "${describeChart(source)}" is not local and its values name no image`);
      }
      break;
    }
    case 'component':
      walk(deployment.values, 'component values', 'any', undefined, ['helm', 'values']);
      break;
  }
  return scan;
}

/** The chart reader's view of the file system: through the compiler's read log. */
function chartIo(reads: ReadLog): ChartIo {
  return {
    text: (path) => reads.text(path),
    bytes: (path) => {
      reads.note(path);
      try {
        return readFileSync(path);
      } catch {
        return undefined;
      }
    },
    list: (path) => reads.list(path)?.map((e) => ({ name: e.name, directory: e.isDirectory() })),
  };
}

/** The 1-based line of the first occurrence of `needle` in `text` (1 when absent). */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
