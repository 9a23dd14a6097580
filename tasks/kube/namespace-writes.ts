// Writes that meet the namespace's life: the target namespace is created when missing, and a namespace still
// terminating (after a purge) is waited for, saying so, before anything is created in it.
import { fail, ok, type Result } from '../../core/result.ts';
import type { KubeObject, ObjectRef } from '../render/object.ts';
import type { FieldValidation } from './apply-args.ts';
import type { Applied, KubeClient } from './client.ts';
import type { KubeFailure } from './errors.ts';
import type { SyncFailure } from './sync-failure.ts';
import { isTerminating, refusedAsTerminating, waitGone } from './terminating.ts';
import { pollUntil } from './waiting.ts';

/** What these writes need from the sync. */
export interface NamespaceWrites {
  client: KubeClient;
  /** The target namespace. */
  namespace: string;
  log: (line: string) => void;
  bounds: { terminatingMs: number };
  signal?: AbortSignal | undefined;
  /** What the server does with unknown fields (`applyArgs: [--validate=...]`); Strict when absent. */
  fieldValidation?: FieldValidation | undefined;
}

/**
 * Creates the target namespace when it is missing, after waiting out its termination when it is being
 * deleted. A user who may not read namespaces (a namespace-only role) is assumed to deploy into one that exists.
 */
export async function ensureNamespace(input: NamespaceWrites): Promise<Result<void, SyncFailure>> {
  const { client, namespace: name, log } = input;
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name };
  const live = await client.get(ref);
  if (!live.ok && live.error.reason === 'forbidden') return ok(undefined);
  if (!live.ok) return fail({ kind: 'request', failure: live.error, action: 'read', ref });
  if (isTerminating(live.value)) {
    log(`waiting for namespace ${name} to finish terminating`);
    const gone = await waitGone(client, ref, input.bounds.terminatingMs, input.signal);
    if (!gone.ok) return fail({ kind: 'request', failure: gone.error, action: 'read', ref });
    if (!gone.value) return fail({ kind: 'still-terminating', ref, waitedMs: input.bounds.terminatingMs });
  } else if (live.value) {
    return ok(undefined);
  }
  const created = await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (!created.ok && created.error.reason !== 'conflict')
    return fail({ kind: 'request', failure: created.error, action: 'create', ref });
  log(`created namespace ${name}`);
  return ok(undefined);
}

/** An apply, repeated while the server refuses it because its namespace is still terminating. */
export async function applyWhenNamespaceLets(
  input: NamespaceWrites,
  ref: ObjectRef,
  body: KubeObject,
): Promise<Result<Applied, SyncFailure>> {
  let said = false;
  let last: KubeFailure | undefined;
  const started = Date.now();
  const applied = await pollUntil<Applied, KubeFailure>(
    async () => {
      const validation = input.fieldValidation;
      const result = await input.client.apply(body, validation ? { fieldValidation: validation } : {});
      if (result.ok || !refusedAsTerminating(result.error)) return result;
      last = result.error;
      if (!said) input.log(`waiting for namespace ${ref.namespace ?? ''} to finish terminating`);
      said = true;
      return ok(undefined);
    },
    input.bounds.terminatingMs,
    input.signal,
    { reason: 'aborted', detail: 'cancelled' },
  );
  if (!applied.ok) return fail({ kind: 'request', failure: applied.error, action: 'apply', ref });
  if (applied.value) return ok(applied.value);
  const namespace: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: ref.namespace ?? '' };
  return last
    ? fail({ kind: 'still-terminating', ref: namespace, waitedMs: Date.now() - started })
    : fail({ kind: 'request', failure: { reason: 'server', detail: 'no answer' }, action: 'apply', ref });
}
