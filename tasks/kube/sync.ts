// Makes the cluster hold exactly the rendered objects of one deployment: what is missing or changed is
// applied (Namespaces, then CRDs once established, then the rest, several at a time), what left the render
// is deleted, and everything else is not touched at all. Listing by the deployment label is how it knows.
import { fail, ok, type Result } from '../../core/result.ts';
import { refKey, refOf, type KubeObject, type ObjectRef } from '../render/object.ts';
import type { RenderedObject } from '../render/output.ts';
import { eachBounded } from './bounded.ts';
import type { KindInfo, KubeClient } from './client.ts';
import {
  autoscaledTargets,
  handoverBody,
  handoverManager,
  needsHandover,
  withoutReplicas,
} from './autoscaled.ts';
import { isTerminating, waitGone } from './terminating.ts';
import { applyWhenNamespaceLets, ensureNamespace } from './namespace-writes.ts';
import type { SyncFailure } from './sync-failure.ts';
import { clusterDefinedKinds, definedKinds, isCrd, waitEstablished, type DefinedKind } from './crd.ts';
import type { KubeFailure } from './errors.ts';
import type { FieldValidation } from './apply-args.ts';
import { pollUntil, type WaitBounds } from './waiting.ts';

import {
  decorate,
  groupRefs,
  indexByRef,
  liveDigest,
  markerOf,
  selectorOf,
  type DeployedObject,
} from './inventory.ts';

/** What to sync. */
export interface SyncInput {
  client: KubeClient;
  /** The rendered objects' identities and digests, in file order. */
  objects: readonly RenderedObject[];
  /** Parses the rendered objects (same order); only called when something must be sent. */
  load: () => Promise<KubeObject[]>;
  /** Where namespaced objects without a namespace go. */
  namespace: string;
  labelValue: string;
  key: string;
  /** What the last successful deploy recorded, for pruning and for noticing hand edits. */
  previous: readonly DeployedObject[];
  concurrency: number;
  log: (line: string) => void;
  /** Reports what the server warned about an applied object. */
  warn: (line: string) => void;
  bounds: Pick<WaitBounds, 'discoveryMs' | 'terminatingMs'>;
  signal?: AbortSignal;
  /** What the server does with unknown fields; Strict when absent. */
  fieldValidation?: FieldValidation;
}

/** What a sync did. */
export interface SyncOutcome {
  objects: DeployedObject[];
  applied: DeployedObject[];
  pruned: ObjectRef[];
  /** The objects that were not sent, as listed (by refKey): their rollout state is already known. */
  unchanged: Map<string, KubeObject>;
}

interface Desired {
  ref: ObjectRef;
  index: number;
  digest: string;
  source?: string;
  deferred: boolean;
}

/** Applies what changed and prunes what left; see the file comment. */
export async function syncObjects(input: SyncInput): Promise<Result<SyncOutcome, SyncFailure>> {
  let loaded: KubeObject[] | undefined;
  const load = async (): Promise<KubeObject[]> => (loaded ??= await input.load());
  const kinds = await discoverKinds(input);
  if (!kinds.ok) return kinds;
  const unserved = [...kinds.value.entries()].filter(([, k]) => k === undefined).map(([pair]) => pair);
  const rendered = unserved.length > 0 ? definedKinds(await load()) : [];
  const elsewhere = unserved.filter(
    (pair) => !rendered.some((d) => d.apiVersions.some((v) => `${v}|${d.kind}` === pair)),
  );
  const defined = [...rendered, ...(await clusterDefinedKinds(input.client, elsewhere))];
  const desired = resolveRefs(input, kinds.value, defined);
  if (!desired.ok) return desired;
  const live = await listLive(input, [
    ...desired.value.filter((d) => !d.deferred).map((d) => d.ref),
    ...input.previous,
  ]);
  if (!live.ok) return live;

  const previous = indexByRef(input.previous);
  const changed = desired.value.filter((d) => {
    const object = live.value.get(refKey(d.ref));
    if (!object || liveDigest(object) !== d.digest) return true;
    const before = previous.get(refKey(d.ref));
    // Same content as deployed, but written since by someone else: put it back.
    return before !== undefined && before.digest === d.digest && before.marker !== markerOf(object);
  });
  const wanted = new Set(desired.value.map((d) => refKey(d.ref)));
  const prune = [...live.value.values()].map(refOf).filter((r) => !wanted.has(refKey(r)));

  const responses = new Map<string, KubeObject>();
  if (changed.length > 0) {
    const applied = await applyChanged(input, changed, await load(), live.value, responses);
    if (!applied.ok) return applied;
  }
  const pruned = await deleteObjects(input.client, prune, input.concurrency, (r) =>
    input.log(`pruned ${where(r)}`),
  );
  if (!pruned.ok) return pruned;

  const objects = desired.value.map((d): DeployedObject => {
    const object = responses.get(refKey(d.ref)) ?? live.value.get(refKey(d.ref)) ?? {};
    return { ...d.ref, digest: d.digest, marker: markerOf(object) };
  });
  const changedKeys = new Set(changed.map((d) => refKey(d.ref)));
  const unchanged = new Map<string, KubeObject>();
  for (const d of desired.value) {
    const object = live.value.get(refKey(d.ref));
    if (object && !changedKeys.has(refKey(d.ref))) unchanged.set(refKey(d.ref), object);
  }
  return ok({
    objects,
    applied: objects.filter((o) => changedKeys.has(refKey(o))),
    pruned: prune,
    unchanged,
  });
}

async function discoverKinds(
  input: SyncInput,
): Promise<Result<Map<string, KindInfo | undefined>, SyncFailure>> {
  const kinds = new Map<string, KindInfo | undefined>();
  const pairs = [...new Set(input.objects.map((o) => `${o.apiVersion}|${o.kind}`))];
  const done = await eachBounded(pairs, input.concurrency, async (pair) => {
    const [apiVersion = '', kind = ''] = pair.split('|');
    const info = await input.client.kind(apiVersion, kind);
    if (!info.ok) return fail({ kind: 'request' as const, failure: info.error, action: 'discover' });
    kinds.set(pair, info.value);
    return ok(undefined);
  });
  return done.ok ? ok(kinds) : done;
}

function resolveRefs(
  input: SyncInput,
  kinds: Map<string, KindInfo | undefined>,
  defined: readonly DefinedKind[],
): Result<Desired[], SyncFailure> {
  const out: Desired[] = [];
  const seen = new Map<string, Desired>();
  for (const [index, o] of input.objects.entries()) {
    const info = kinds.get(`${o.apiVersion}|${o.kind}`);
    const later = defined.find((d) => d.kind === o.kind && d.apiVersions.includes(o.apiVersion));
    const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
    if (!info && !later) return fail(withSource({ kind: 'not-served', ref }, o.source));
    if (info?.namespaced ?? later?.namespaced) ref.namespace = o.namespace ?? input.namespace;
    const entry: Desired = { ref, index, digest: o.digest, deferred: !info };
    if (o.source) entry.source = o.source;
    const twin = seen.get(refKey(ref));
    if (twin) {
      return fail({
        kind: 'duplicate',
        ref,
        sources: [twin.source ?? 'the render', o.source ?? 'the render'],
      });
    }
    seen.set(refKey(ref), entry);
    out.push(entry);
  }
  return ok(out);
}

function withSource<T extends object>(failure: T, source: string | undefined): T & { source?: string } {
  return source ? { ...failure, source } : failure;
}

async function listLive(
  input: SyncInput,
  refs: readonly ObjectRef[],
): Promise<Result<Map<string, KubeObject>, SyncFailure>> {
  const live = new Map<string, KubeObject>();
  const selector = selectorOf(input.labelValue);
  const done = await eachBounded([...groupRefs(refs).values()], input.concurrency, async ({ ref }) => {
    const listed = await input.client.list(ref.apiVersion, ref.kind, ref.namespace, selector);
    // A kind of an earlier deploy that the cluster no longer serves has nothing left to prune.
    if (!listed.ok && listed.error.reason === 'not-found') return ok(undefined);
    if (!listed.ok) return fail({ kind: 'request' as const, failure: listed.error, action: 'list', ref });
    for (const object of listed.value) live.set(refKey(refOf(object)), object);
    return ok(undefined);
  });
  return done.ok ? ok(live) : done;
}

async function applyChanged(
  input: SyncInput,
  changed: readonly Desired[],
  objects: readonly KubeObject[],
  live: ReadonlyMap<string, KubeObject>,
  responses: Map<string, KubeObject>,
): Promise<Result<void, SyncFailure>> {
  const { client } = input;
  if (changed.some((d) => d.ref.namespace === input.namespace)) {
    const ensured = await ensureNamespace(input);
    if (!ensured.ok) return ensured;
  }
  const autoscaled = autoscaledTargets(objects, input.namespace);
  const apply = async (d: Desired): Promise<Result<void, SyncFailure>> => {
    const request = (failure: KubeFailure): SyncFailure =>
      withSource({ kind: 'request' as const, failure, action: 'apply', ref: d.ref }, d.source);
    const current = live.get(refKey(d.ref));
    if (isTerminating(current)) {
      input.log(`waiting for ${where(d.ref)} to finish terminating`);
      const gone = await waitGone(client, d.ref, input.bounds.terminatingMs, input.signal);
      if (!gone.ok) return fail(request(gone.error));
      if (!gone.value)
        return fail({ kind: 'still-terminating', ref: d.ref, waitedMs: input.bounds.terminatingMs });
    }
    let object = objects[d.index] ?? {};
    if (autoscaled.has(refKey(d.ref))) {
      if (needsHandover(current) && current) {
        const handed = await client.apply(handoverBody(current), { manager: handoverManager });
        if (!handed.ok) return fail(request(handed.error));
        input.log(`handed spec.replicas of ${where(d.ref)} over to its autoscaler`);
      }
      object = withoutReplicas(object);
    }
    const body = decorate(object, d.ref.namespace, input.labelValue, d.digest, input.key);
    const result = await applyWhenNamespaceLets(input, d.ref, body);
    if (!result.ok)
      return fail(result.error.kind === 'request' ? request(result.error.failure) : result.error);
    responses.set(refKey(d.ref), result.value.object);
    input.log(`applied ${where(d.ref)}`);
    for (const w of result.value.warnings)
      input.warn(`${where(d.ref)}${d.source ? ` (${d.source})` : ''}: ${w}`);
    return ok(undefined);
  };
  const namespaces = changed.filter((d) => d.ref.kind === 'Namespace' && d.ref.apiVersion === 'v1');
  const crds = changed.filter((d) => isCrd(d.ref));
  const rest = changed.filter((d) => !namespaces.includes(d) && !crds.includes(d));
  for (const phase of [namespaces, crds]) {
    const done = await eachBounded(phase, input.concurrency, apply);
    if (!done.ok) return done;
  }
  if (crds.length > 0) {
    const established = await waitEstablished(
      client,
      crds.map((d) => d.ref.name),
      input.bounds.discoveryMs,
    );
    if (!established.ok) {
      const failure: KubeFailure =
        established.error.reason === 'timeout'
          ? { reason: 'server', detail: established.error.detail }
          : established.error;
      return fail({ kind: 'request', failure, action: 'wait for' });
    }
  }
  // Established is not served: discovery catches up a moment later, so a new kind is asked for again.
  const started = Date.now();
  for (const d of rest.filter((r) => r.deferred)) {
    const info = await pollUntil(
      () => {
        client.forget(d.ref.apiVersion);
        return client.kind(d.ref.apiVersion, d.ref.kind);
      },
      Math.max(0, input.bounds.discoveryMs - (Date.now() - started)),
      input.signal,
      { reason: 'aborted', detail: 'cancelled' },
    );
    if (!info.ok) return fail({ kind: 'request', failure: info.error, action: 'discover' });
    if (!info.value) {
      const waitedMs = Date.now() - started;
      return fail(withSource({ kind: 'not-served-yet' as const, ref: d.ref, waitedMs }, d.source));
    }
  }
  return eachBounded(rest, input.concurrency, apply);
}

/** Deletes objects: ordinary ones first, then CRDs (which take their objects along), then namespaces. */
export async function deleteObjects(
  client: KubeClient,
  refs: readonly ObjectRef[],
  concurrency: number,
  onDeleted: (ref: ObjectRef) => void,
): Promise<Result<void, SyncFailure>> {
  const rank = (r: ObjectRef): number => (r.kind === 'Namespace' ? 2 : isCrd(r) ? 1 : 0);
  for (const level of [0, 1, 2]) {
    const done = await eachBounded(
      refs.filter((r) => rank(r) === level),
      concurrency,
      async (ref) => {
        const deleted = await client.delete(ref);
        if (!deleted.ok)
          return fail({ kind: 'request' as const, failure: deleted.error, action: 'delete', ref });
        if (deleted.value) onDeleted(ref);
        return ok(undefined);
      },
    );
    if (!done.ok) return done;
  }
  return ok(undefined);
}

/** `deployment/web (shop)`, for log lines. */
export function where(ref: ObjectRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}`;
}
