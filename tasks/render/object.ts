// The shape of a rendered Kubernetes object and the few accessors render and deploy share.
import type { Json } from '../../core/json.ts';

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** A rendered Kubernetes object: any JSON object with `apiVersion`, `kind` and `metadata.name`. */
export type KubeObject = JsonObject;

/** Where an object was written: a project-relative file and the 1-based line its document starts on. */
export interface ObjectSource {
  file: string;
  line: number;
}

/** An object with the place it came from, for messages that point at a manifest. */
export interface SourcedObject {
  object: KubeObject;
  source?: ObjectSource;
}

/** Identity of an object, as recorded in render and deploy outputs. */
export interface ObjectRef extends JsonObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object under `key`, or an empty one when missing or not an object. */
export function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  return isObject(value) ? value : {};
}

/** The string under `key`, or undefined. */
export function stringAt(parent: JsonObject, key: string): string | undefined {
  const value = parent[key];
  return typeof value === 'string' ? value : undefined;
}

/** The identity of an object (its namespace only when it has one). */
export function refOf(object: KubeObject): ObjectRef {
  const metadata = objectAt(object, 'metadata');
  const ref: ObjectRef = {
    apiVersion: stringAt(object, 'apiVersion') ?? '',
    kind: stringAt(object, 'kind') ?? '',
    name: stringAt(metadata, 'name') ?? '',
  };
  const namespace = stringAt(metadata, 'namespace');
  if (namespace) ref.namespace = namespace;
  return ref;
}

/** `deployment/web`, as kubectl names objects in its output. */
export function describeRef(ref: { kind: string; name: string }): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** A key that identifies an object within one cluster: `apps/v1|Deployment|shop|web`. */
export function refKey(ref: ObjectRef): string {
  return [groupOf(ref.apiVersion), ref.kind, ref.namespace ?? '', ref.name].join('|');
}

/** The API group of an `apiVersion` (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A deep copy of a JSON value. */
export function cloneJson<T extends Json>(value: T): T {
  return structuredClone(value);
}
