// A task's key: the sha256 of its canonical, versioned input record (DESIGN.md "Content addressing").
import { isAbsolute } from 'node:path';
import { canonicalJson, sha256Hex } from './canonical.ts';
import type { Json } from '../core/json.ts';

/** Everything a task's result depends on; stored beside the result so `dsg why` can diff two of them. */
export interface KeyRecord {
  schema: 1;
  kind: string;
  implVersion: number;
  /** The resolved config of this task. */
  spec: Json;
  /** Relative path (forward slashes) → file digest from FileDigests. */
  files: Record<string, string>;
  /** Declared environment variables only. */
  env: Record<string, string>;
  /** Tool versions, e.g. `{ helm: '3.17.0' }`. */
  tools: Record<string, string>;
  /** Upstream task id → that task's output digest. */
  upstream: Record<string, string>;
}

/** The record as plain JSON, for hashing and storing. */
export function recordJson(record: KeyRecord): Json {
  return {
    schema: record.schema,
    kind: record.kind,
    implVersion: record.implVersion,
    spec: record.spec,
    files: record.files,
    env: record.env,
    tools: record.tools,
    upstream: record.upstream,
  };
}

/** The task key: hex sha256 of the canonical record. Throws on an absolute file path (a caller bug). */
export function taskKey(record: KeyRecord): string {
  for (const path of Object.keys(record.files)) {
    // An absolute path would make keys differ between two clones of the same project.
    if (isAbsolute(path)) throw new Error(`taskKey: file path "${path}" is not relative`);
  }
  return sha256Hex(canonicalJson(recordJson(record)));
}

/** The short form of a key shown to users (and used as the default image tag prefix). */
export function shortKey(key: string, length = 12): string {
  return key.slice(0, length);
}
