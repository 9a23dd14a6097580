// Which images does a deployment use? Read at compile time from its manifests, values and runtime references.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DeploymentConfig, ProjectConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';
import { warning, type Diagnostic } from '../../core/diagnostics.ts';
import { repositoryOf, runtimeImageNames } from './image-names.ts';
import { manifestDocuments } from './manifest-docs.ts';
import { readText, statIfExists } from './read-text.ts';

/** What a deployment was found to reference. */
export interface ImageRefScan {
  /** Image name → where the reference was seen (for the edge's detail). */
  explicit: Map<string, string>;
  /** Names used as `${runtime.images.NAME...}` (checked against `images:` by the compiler). */
  runtime: Set<string>;
  /** The references could not all be seen: the deployment depends on every image of its project. */
  implicit: boolean;
  warnings: Diagnostic[];
}

/** Image repository (normalised) → image name, for one project; build it once and pass it to every scan. */
export function repositoryIndex(project: ProjectConfig): ReadonlyMap<string, string> {
  return new Map(project.images.map((i) => [repositoryOf(i.image), i.name]));
}

/** Scans one deployment of `project` for references to the project's images. */
export async function scanDeployment(
  project: ProjectConfig,
  deployment: DeploymentConfig,
  byRepository: ReadonlyMap<string, string> = repositoryIndex(project),
): Promise<ImageRefScan> {
  const scan: ImageRefScan = { explicit: new Map(), runtime: new Set(), implicit: false, warnings: [] };
  const note = (value: string, where: string, anyString: boolean, key: string | undefined): void => {
    for (const name of runtimeImageNames(value)) {
      scan.runtime.add(name);
      if (!scan.explicit.has(name)) scan.explicit.set(name, `\${runtime.images.${name}} in ${where}`);
    }
    if (!anyString && key !== 'image') return;
    const name = byRepository.get(repositoryOf(value));
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
    const text = readText(join(project.dir, rel));
    if (text === undefined) {
      scan.warnings.push(
        warning(
          `Cannot read "${rel}" of deployment "${deployment.name}": file not found; it depends on every image of its project`,
          deployment.at,
        ),
      );
      return false;
    }
    for (const doc of await manifestDocuments(text)) walk(doc, rel, anyString);
    return true;
  };

  walk(configStrings(deployment), `deployment "${deployment.name}"`, false);
  switch (deployment.type) {
    case 'kubectl': {
      if (deployment.inlineManifest !== undefined) {
        for (const doc of await manifestDocuments(deployment.inlineManifest))
          walk(doc, 'inlineManifest', false);
      }
      const files = await manifestFiles(project.dir, deployment.manifests);
      if (deployment.kustomize) scan.implicit = true;
      for (const rel of files) if (!(await readYaml(rel, false))) scan.implicit = true;
      if (files.length === 0 && deployment.inlineManifest === undefined) scan.implicit = true;
      break;
    }
    case 'helm': {
      walk(deployment.values, 'helm values', true);
      for (const rel of deployment.valuesFiles) await readYaml(rel, true);
      // Chart templates can name images we cannot see: without a visible reference, assume all.
      if (scan.explicit.size === 0) scan.implicit = true;
      break;
    }
    case 'component':
      walk(deployment.values, 'component values', true);
      break;
    default:
      return assertNever(deployment);
  }
  return scan;
}

// Only the strings of the config itself that can hold runtime references (manifests paths, values, patches).
function configStrings(deployment: DeploymentConfig): Json {
  switch (deployment.type) {
    case 'kubectl':
      return deployment.patches.map((p) => p.value ?? null);
    case 'helm':
    case 'component':
      return null;
    default:
      return assertNever(deployment);
  }
}

// Without one of these characters picomatch sees neither a glob nor a negation.
const GLOB_CHARS = /[*?[\]{}()!@+\\]/;

/** Expands manifest entries (files, folders, globs) to sorted files relative to the project directory. */
export async function manifestFiles(projectDir: string, entries: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of entries) {
    if (GLOB_CHARS.test(entry)) {
      // tinyglobby (and picomatch) load only for entries that may be patterns.
      const { glob, isDynamicPattern } = await import('tinyglobby');
      if (isDynamicPattern(entry)) {
        out.push(...(await glob(entry, { cwd: projectDir, onlyFiles: true })).sort());
        continue;
      }
    }
    const info = statIfExists(join(projectDir, entry));
    if (info?.isDirectory()) {
      const names = (await readdir(join(projectDir, entry))).filter((n) => /\.ya?ml$/.test(n)).sort();
      out.push(...names.map((n) => relative(projectDir, join(projectDir, entry, n))));
    } else {
      out.push(entry);
    }
  }
  return out;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected deployment ${JSON.stringify(value)}`);
}
