/** A value or an expected failure; `throw` is reserved for bugs. */
export type Result<T, F> = { ok: true; value: T } | { ok: false; error: F };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps an expected failure as a failed Result. */
export function fail<F>(error: F): { ok: false; error: F } {
  return { ok: false, error };
}
