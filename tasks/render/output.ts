// What render leaves behind: the objects as one multi-document YAML file under `<stateDir>/rendered/`,
// and an output that names the file, its digest and every object with its own digest.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { writeFileAtomic } from '../../cache/atomic.ts';
import { canonicalJson, sha256Hex } from '../../cache/canonical.ts';
import { hasStrings, isJsonObject, type Json, type JsonObject } from '../../core/json.ts';
import type { TaskNode, TaskNodeOf } from '../../core/task.ts';
import type { TaskOutput } from '../../core/task-kind.ts';
import { refOf, type KubeObject, type ObjectRef, type SourcedObject } from './object.ts';

// YAML 1.1 quoting (`"on"`, `"yes"`, `"12:30"`) so that kubectl, which reads YAML 1.1, sees the same strings.
const yamlOptions = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false } as const;

/** One rendered object in the output: its identity, its content digest and where it came from. */
export interface RenderedObject extends ObjectRef {
  digest: string;
  /** `kube/web.yaml:12`, when the object came from a file of the project. */
  source?: string;
}

/** `data` of a render task's output. */
export interface RenderedData extends JsonObject {
  /** The rendered objects, relative to the state directory: `rendered/web.yaml`. */
  file: string;
  objects: RenderedObject[];
  /** Helm deployments: the values file with tag replacement applied, relative to the state directory. */
  valuesFile?: string;
  /** The same objects as one JSON array, which deploy reads a hundred times faster than the YAML. */
  json?: string;
}

/** The file name a task's rendered objects get: scope and name, safe for any filesystem. */
export function renderedBase(task: TaskNode): string {
  const scope = task.project.scope.replace(/\/$/, '').replace(/\//g, '--');
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return scope === '' ? safe(task.name) : `${safe(scope)}--${safe(task.name)}`;
}

/** The digest of one object: sha256 of its canonical JSON, independent of key order. */
export function objectDigest(object: Json): string {
  return sha256Hex(canonicalJson(object));
}

/** The YAML text of the objects, one document each, in the order given. */
export function toYamlDocuments(objects: readonly SourcedObject[]): string {
  return objects.map((o) => `---\n${stringify(o.object, yamlOptions)}`).join('');
}

/** Writes the objects (and a helm values file) and returns the task output describing them. */
export async function writeRendered(
  stateDir: string,
  task: TaskNodeOf<'render'>,
  objects: readonly SourcedObject[],
  values?: Json,
): Promise<TaskOutput<RenderedData>> {
  const base = renderedBase(task);
  const file = `rendered/${base}.yaml`;
  const text = toYamlDocuments(objects);
  await writeFileAtomic(join(stateDir, file), text);
  const json = `rendered/${base}.json`;
  await writeFileAtomic(join(stateDir, json), JSON.stringify(objects.map((o) => o.object)));
  const data: RenderedData = {
    file,
    json,
    objects: objects.map((o) => {
      const entry: RenderedObject = { ...refOf(o.object), digest: objectDigest(o.object) };
      if (o.source) entry.source = `${o.source.file}:${o.source.line}`;
      return entry;
    }),
  };
  let valuesText = '';
  if (values !== undefined) {
    data.valuesFile = `rendered/${base}.values.yaml`;
    valuesText = stringify(values, yamlOptions);
    await writeFileAtomic(join(stateDir, data.valuesFile), valuesText);
  }
  return { digest: renderedDigest(text, valuesText), data };
}

/** The output digest: the objects file, and the values file when there is one, separated unambiguously. */
function renderedDigest(objectsText: string, valuesText: string): string {
  return sha256Hex(canonicalJson({ objects: sha256Hex(objectsText), values: sha256Hex(valuesText) }));
}

/**
 * The files `readRendered` reads for an output, as absolute paths (the objects file, and the values file
 * when there is one); undefined when the output names no file, so that only reading it can tell.
 */
export function renderedPaths(stateDir: string, output: TaskOutput<RenderedData>): string[] {
  const { file, valuesFile } = output.data;
  return (valuesFile ? [file, valuesFile] : [file]).map((path) => resolve(stateDir, path));
}

/** Reads back the files of an output; undefined when either is gone or no longer has the recorded digest. */
export async function readRendered(
  stateDir: string,
  output: TaskOutput<RenderedData>,
): Promise<{ objects: string; values?: string } | undefined> {
  const { data } = output;
  try {
    const objects = await readFile(join(stateDir, data.file), 'utf8');
    const values = data.valuesFile ? await readFile(join(stateDir, data.valuesFile), 'utf8') : undefined;
    if (renderedDigest(objects, values ?? '') !== output.digest) return undefined;
    return values === undefined ? { objects } : { objects, values };
  } catch {
    return undefined;
  }
}

/**
 * The objects of verified rendered text, in order: from the JSON copy when it is there and every object
 * still has its recorded digest, else parsed from the YAML.
 */
export async function loadRenderedObjects(
  stateDir: string,
  output: TaskOutput<RenderedData>,
  yamlText: string,
): Promise<KubeObject[]> {
  const { data } = output;
  if (data.json !== undefined) {
    try {
      const parsed = JSON.parse(await readFile(join(stateDir, data.json), 'utf8')) as unknown;
      if (
        Array.isArray(parsed) &&
        parsed.length === data.objects.length &&
        parsed.every((o, i) => objectDigest(o as Json) === data.objects[i]?.digest)
      ) {
        return parsed as KubeObject[];
      }
    } catch {
      // fall back to the YAML below
    }
  }
  return parseAllDocuments(yamlText).map((doc) => doc.toJS() as KubeObject);
}

/** True when `data` is a render output. */
export function isRenderedData(data: JsonObject): data is RenderedData {
  const { objects, valuesFile, json } = data;
  return (
    hasStrings(data, 'file') &&
    Array.isArray(objects) &&
    objects.every((o) => isJsonObject(o) && hasStrings(o, 'apiVersion', 'kind', 'name', 'digest')) &&
    (valuesFile === undefined || typeof valuesFile === 'string') &&
    (json === undefined || typeof json === 'string')
  );
}
