// Waiting for workloads to roll out, as `kubectl rollout status` judges them: Deployments, StatefulSets and
// DaemonSets until the controller has seen the new generation and the new pods are ready; Jobs until
// Complete. One list request per kind and namespace per poll, polls backing off from 100ms to 2s.
import { fail, ok, type Result } from '../../core/result.ts';
import {
  describeRef,
  groupOf,
  isObject,
  objectAt,
  refKey,
  type KubeObject,
  type ObjectRef,
} from '../render/object.ts';
import type { KubeClient } from './client.ts';
import { formatDuration } from './duration.ts';
import type { KubeFailure } from './errors.ts';
import { groupRefs } from './inventory.ts';
import { sleep } from './waiting.ts';
import { podProblem } from './pod-problems.ts';

/** How a workload stands. */
export type Progress = { state: 'ready' } | { state: 'waiting' | 'failed'; why: string };

/** Why waiting ended without success. */
export type RolloutFailure =
  { kind: 'rollout'; message: string; ref: ObjectRef } | { kind: 'request'; failure: KubeFailure };

const rolledKinds: Record<string, string> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  Job: 'batch',
};

/** True for the kinds whose rollout deploy waits for. */
export function hasRollout(ref: ObjectRef): boolean {
  return rolledKinds[ref.kind] === groupOf(ref.apiVersion);
}

/**
 * Waits until every workload is rolled out, or one fails, or `timeoutMs` passes. Workloads in `known` (as
 * just listed) that are already rolled out are not asked about again.
 */
export async function waitForRollouts(
  client: KubeClient,
  workloads: readonly ObjectRef[],
  options: {
    selector: string;
    timeoutMs: number;
    signal: AbortSignal;
    known?: ReadonlyMap<string, KubeObject>;
  },
): Promise<Result<void, RolloutFailure>> {
  const started = Date.now();
  let pending = workloads.filter((w) => {
    if (!hasRollout(w)) return false;
    const seen = options.known?.get(refKey(w));
    return seen === undefined || rolloutProgress(seen).state !== 'ready';
  });
  const last = new Map<string, string>();
  let delay = 100;
  while (pending.length > 0) {
    const stillPending: ObjectRef[] = [];
    for (const { ref, members } of groupRefs(pending).values()) {
      const listed = await client.list(ref.apiVersion, ref.kind, ref.namespace, options.selector);
      if (!listed.ok) return fail({ kind: 'request', failure: listed.error });
      const live = new Map(listed.value.map((o) => [refKey({ ...ref, name: nameOf(o) }), o]));
      for (const member of members) {
        const object = live.get(refKey(member));
        // Gone is no rollout to wait for: a Job cleaned up after it finished (ttlSecondsAfterFinished) is
        // done, anything else was deleted and would only run the wait into its timeout.
        let progress: Progress = object
          ? rolloutProgress(object)
          : member.kind === 'Job'
            ? { state: 'ready' }
            : { state: 'failed', why: 'it does not exist (deleted while dsg waited for it)' };
        if (object && progress.state === 'waiting' && observed(object)) {
          // Pods the kubelet has given up on fail the rollout now rather than at its deadline.
          const problem = await podProblem(client, object);
          if (!problem.ok) return fail({ kind: 'request', failure: problem.error });
          if (problem.value) progress = { state: 'failed', why: problem.value };
        }
        if (progress.state === 'failed') {
          return fail({
            kind: 'rollout',
            message: `${what(member)} failed after ${formatDuration(Date.now() - started)}: ${progress.why}`,
            ref: member,
          });
        }
        if (progress.state === 'waiting') {
          last.set(refKey(member), progress.why);
          stillPending.push(member);
        }
      }
    }
    pending = stillPending;
    if (pending.length === 0) break;
    const left = options.timeoutMs - (Date.now() - started);
    const first = pending[0] as ObjectRef;
    if (left <= 0) {
      const why = last.get(refKey(first)) ?? 'not ready';
      return fail({
        kind: 'rollout',
        message: `${what(first)} did not complete in ${formatDuration(options.timeoutMs)}: ${why}`,
        ref: first,
      });
    }
    if (!(await sleep(Math.min(delay, left), options.signal))) {
      return fail({ kind: 'request', failure: { reason: 'aborted', detail: 'cancelled' } });
    }
    delay = Math.min(2000, Math.round(delay * 1.5));
  }
  return ok(undefined);
}

/** True when the controller has seen the object's current generation, so its pods are the current ones. */
function observed(object: KubeObject): boolean {
  const generation = objectAt(object, 'metadata')['generation'];
  const seen = objectAt(object, 'status')['observedGeneration'];
  return typeof generation !== 'number' || (typeof seen === 'number' && seen >= generation);
}

function what(ref: ObjectRef): string {
  return `Rollout of ${describeRef(ref)}${ref.namespace ? ` in namespace ${ref.namespace}` : ''}`;
}

function nameOf(object: KubeObject): string {
  const name = objectAt(object, 'metadata')['name'];
  return typeof name === 'string' ? name : '';
}

/** How far a workload's rollout has come, from its spec and status. */
export function rolloutProgress(object: KubeObject): Progress {
  const kind = object['kind'];
  const metadata = objectAt(object, 'metadata');
  const spec = objectAt(object, 'spec');
  const status = objectAt(object, 'status');
  const conditions = conditionsOf(status);
  if (kind === 'Job') {
    if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { state: 'ready' };
    const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) return { state: 'failed', why: describe(failed) };
    return {
      state: 'waiting',
      why: latest(conditions) ?? `${num(status, 'succeeded')} of ${num(spec, 'completions', 1)} completions`,
    };
  }
  const generation = num(metadata, 'generation');
  if (num(status, 'observedGeneration') < generation) {
    return { state: 'waiting', why: 'the controller has not seen the new generation yet' };
  }
  const why = (text: string): Progress => ({ state: 'waiting', why: latestProblem(conditions) ?? text });
  if (kind === 'Deployment') {
    const stuck = conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (stuck) return { state: 'failed', why: describe(stuck) };
    const desired = num(spec, 'replicas', 1);
    const updated = num(status, 'updatedReplicas');
    if (updated < desired) return why(`${updated} of ${desired} replicas updated`);
    if (num(status, 'replicas') > updated)
      return why(`${num(status, 'replicas') - updated} old replicas are pending termination`);
    if (num(status, 'availableReplicas') < updated)
      return why(`${num(status, 'availableReplicas')} of ${updated} updated replicas available`);
    return { state: 'ready' };
  }
  if (kind === 'StatefulSet') {
    const strategy = objectAt(spec, 'updateStrategy');
    if (strategy['type'] === 'OnDelete') return { state: 'ready' };
    const desired = num(spec, 'replicas', 1);
    if (num(status, 'readyReplicas') < desired)
      return why(`${num(status, 'readyReplicas')} of ${desired} pods ready`);
    const partition = num(objectAt(strategy, 'rollingUpdate'), 'partition');
    if (partition > 0) {
      return num(status, 'updatedReplicas') >= desired - partition
        ? { state: 'ready' }
        : why('partitioned roll out in progress');
    }
    const update = status['updateRevision'];
    if (update !== undefined && update !== status['currentRevision'])
      return why('waiting for the update to finish');
    return { state: 'ready' };
  }
  const desired = num(status, 'desiredNumberScheduled');
  if (num(status, 'updatedNumberScheduled') < desired)
    return why(`${num(status, 'updatedNumberScheduled')} of ${desired} pods updated`);
  if (num(status, 'numberAvailable') < desired)
    return why(`${num(status, 'numberAvailable')} of ${desired} pods available`);
  return { state: 'ready' };
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  time: string;
}

function conditionsOf(status: { [key: string]: unknown }): Condition[] {
  const list = status['conditions'];
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((c) => {
    const condition: Condition = {
      type: text(c['type']),
      status: text(c['status']),
      time: text(c['lastTransitionTime']) || text(c['lastUpdateTime']),
    };
    if (typeof c['reason'] === 'string') condition.reason = c['reason'];
    return condition;
  });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describe(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}`;
}

/** The condition that says what is wrong: a False one, the most recent first; else undefined. */
function latestProblem(conditions: Condition[]): string | undefined {
  const problems = conditions.filter((c) => c.status === 'False');
  return latest(problems);
}

function latest(conditions: Condition[]): string | undefined {
  const sorted = [...conditions].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  return sorted[0] ? describe(sorted[0]) : undefined;
}

function num(record: { [key: string]: unknown }, key: string, fallback = 0): number {
  const value = record[key];
  return typeof value === 'number' ? value : fallback;
}
