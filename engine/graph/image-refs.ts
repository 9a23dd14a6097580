// Which images does a deployment use? Read at compile time from its manifests, values and runtime references.
import { join } from 'node:path';
import type { DeploymentConfig, ProjectConfig } from '../../core/config.ts';
import { warning, type Diagnostic } from '../../core/diagnostics.ts';
import { imageNamed } from '../../core/image-ref.ts';
import { scanRuntimeRefs, type RuntimeRef } from '../../core/runtime-refs.ts';
import { manifestFiles } from '../../tasks/render/manifest-files.ts';
import { manifestDocuments } from './manifest-docs.ts';
import type { ReadLog } from '../../cache/read-log.ts';

/** A runtime reference seen in a deployment, and where. */
export interface SeenRuntimeRef {
  ref: RuntimeRef;
  /** `helm values`, `kube/api.yaml`. */
  where: string;
  /** The project-relative file and 1-based line, when it was seen in a file. */
  file?: { path: string; line: number };
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
  /** The references could not all be seen: the deployment depends on every image of its project. */
  implicit: boolean;
  warnings: Diagnostic[];
}

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
    implicit: false,
    warnings: [],
  };
  const note = (value: string, where: string, anyString: boolean, key: string | undefined): void => {
    const found = scanRuntimeRefs(value);
    for (const ref of found.refs) scan.runtime.push({ ref, where });
    for (const text of found.invalid) scan.invalid.push({ text, where });
    if (!anyString && key !== 'image') return;
    const name = imageNamed(value, byRepository);
    if (name !== undefined && !scan.explicit.has(name))
      scan.explicit.set(name, `${key ?? 'value'}: ${value} in ${where}`);
  };
  const walk = (value: unknown, where: string, anyString: boolean, key?: string): void => {
    if (typeof value === 'string') note(value, where, anyString, key);
    else if (Array.isArray(value)) for (const v of value) walk(v, where, anyString, key);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, where, anyString, k);
    }
  };
  const readYaml = async (rel: string, anyString: boolean): Promise<boolean> => {
    const text = reads.text(join(project.dir, rel));
    if (text === undefined) {
      scan.warnings.push(
        warning(
          `Cannot read "${rel}" of deployment "${deployment.name}": file not found; it depends on every image of its project`,
          deployment.at,
        ),
      );
      return false;
    }
    const before = { runtime: scan.runtime.length, invalid: scan.invalid.length };
    for (const doc of await manifestDocuments(text)) walk(doc, rel, anyString);
    // Found in a file: point at its first occurrence there.
    const at = (ref: string): { path: string; line: number } => ({ path: rel, line: lineOf(text, ref) });
    for (const seen of scan.runtime.slice(before.runtime)) seen.file = at(seen.ref.text);
    for (const seen of scan.invalid.slice(before.invalid)) seen.file = at(seen.text);
    return true;
  };

  switch (deployment.type) {
    case 'kubectl': {
      for (const patch of deployment.patches)
        walk(patch.value ?? null, `patches of "${deployment.name}"`, false);
      if (deployment.inlineManifest !== undefined) {
        for (const doc of await manifestDocuments(deployment.inlineManifest))
          walk(doc, 'inlineManifest', false);
      }
      if (deployment.kustomize) {
        scan.implicit = true;
        break;
      }
      const files = await manifestFiles(project.dir, deployment.manifests, reads.note);
      if (!files.ok) {
        scan.implicit = true;
        scan.warnings.push(
          warning(
            `${files.error}; deployment "${deployment.name}" depends on every image of its project`,
            deployment.at,
          ),
        );
        break;
      }
      for (const rel of files.value) if (!(await readYaml(rel, false))) scan.implicit = true;
      if (files.value.length === 0 && deployment.inlineManifest === undefined) scan.implicit = true;
      break;
    }
    case 'helm': {
      walk(deployment.values, 'helm values', true);
      for (const rel of deployment.valuesFiles) await readYaml(rel, true);
      // Chart templates can name images we cannot see: without a visible reference, assume all.
      if (scan.explicit.size === 0 && scan.runtime.length === 0) scan.implicit = true;
      break;
    }
    case 'component':
      walk(deployment.values, 'component values', true);
      break;
  }
  return scan;
}

/** The 1-based line of the first occurrence of `needle` in `text` (1 when absent). */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
