// Several requests at once, but not too many, and no new ones after the first failure.
import { fail, ok, type Result } from '../../core/result.ts';

/** Runs `fn` over `items` with at most `limit` in flight; stops starting new calls once one fails. */
export async function eachBounded<T, E>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<Result<void, E>>,
): Promise<Result<void, E>> {
  let next = 0;
  let failure: { error: E } | undefined;
  async function worker(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      const result = await fn(item);
      if (!result.ok && failure === undefined) failure = { error: result.error };
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return failure ? fail(failure.error) : ok(undefined);
}
