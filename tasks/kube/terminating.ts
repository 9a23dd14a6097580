// Objects and namespaces on their way out: a deploy right after a purge finds the namespace `Terminating`
// (its contents are being deleted) or an object held by finalizers. A create in a terminating namespace is
// refused (403, cause NamespaceTerminating), so deploy waits until they are gone, saying so, for a bounded time.
import { fail, ok, type Result } from '../../core/result.ts';
import { objectAt, type KubeObject, type ObjectRef } from '../render/object.ts';
import type { KubeClient } from './client.ts';
import type { KubeFailure } from './errors.ts';
import { pollUntil } from './waiting.ts';

/** True when the object is being deleted. */
export function isTerminating(live: KubeObject | undefined): boolean {
  return live !== undefined && objectAt(live, 'metadata')['deletionTimestamp'] !== undefined;
}

/** True when the server refused a create because the namespace is being deleted. */
export function refusedAsTerminating(failure: KubeFailure): boolean {
  return failure.reason === 'forbidden' && (failure.causes ?? []).includes('NamespaceTerminating');
}

/** Waits until `ref` is gone: ok(true) when it went, ok(false) when it was still there after `timeoutMs`. */
export async function waitGone(
  client: KubeClient,
  ref: ObjectRef,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Result<boolean, KubeFailure>> {
  const gone = await pollUntil(
    async () => {
      const live = await client.get(ref);
      if (!live.ok) return live;
      return ok(live.value === undefined ? true : undefined);
    },
    timeoutMs,
    signal,
    { reason: 'aborted', detail: 'cancelled' },
  );
  if (!gone.ok) return fail(gone.error);
  return ok(gone.value === true);
}
