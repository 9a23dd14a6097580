// The failures of the cache layer. `cache/` imports only `core/`; the engine turns these failures into diagnostics.

/** Where in a file a cache failure points, 1-based; the engine turns it into a diagnostic location. */
export interface CacheLocation {
  file: string;
  line: number;
  col: number;
  length?: number;
}

/** An expected failure of the cache layer, discriminated by `reason`. */
export interface CacheFailure {
  reason:
    | 'context-missing'
    | 'ignore-file-unreadable'
    | 'bad-ignore-pattern'
    | 'lock-held'
    | 'lock-aborted'
    | 'lock-timeout'
    | 'state-unusable'
    | 'io-error'
    | 'corrupt-file';
  /** One sentence in dsg's voice: what was being done, the value in quotes, then the detail. */
  message: string;
  hint?: string;
  location?: CacheLocation;
}

/** Builds a CacheFailure, leaving out absent optional fields (exactOptionalPropertyTypes). */
export function cacheFailure(
  reason: CacheFailure['reason'],
  message: string,
  extra: { hint?: string | undefined; location?: CacheLocation | undefined } = {},
): CacheFailure {
  const failure: CacheFailure = { reason, message };
  if (extra.hint !== undefined) failure.hint = extra.hint;
  if (extra.location !== undefined) failure.location = extra.location;
  return failure;
}

/** The `code` of a Node-style system error (`ENOENT`, `EEXIST`...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The message of a thrown value, for the detail part of a failure. */
export function errorDetail(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
