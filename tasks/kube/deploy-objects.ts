// Deploy of kubectl and component deployments: sync the rendered objects, wait for their rollout, record
// what was deployed; the status check of a cached deploy; and purge.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import type { DeploymentConfig } from '../../core/config.ts';
import type { TaskNode } from '../../core/task.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { JsonObject } from '../../core/json.ts';
import { describeRef, isObject, refKey, type KubeObject, type ObjectRef } from '../render/object.ts';
import { loadRenderedObjects, readRendered, type RenderedData } from '../render/output.ts';
import type { ArtifactStatus, TaskContext, TaskOutput } from '../../core/task-kind.ts';
import { eachBounded } from './bounded.ts';
import { KubeClient } from './client.ts';
import {
  deploymentLabelValue,
  groupRefs,
  liveDigest,
  markerOf,
  selectorOf,
  type DeployedObject,
} from './inventory.ts';
import type { KubeTarget } from './kube-target.ts';
import { clusterProblem, rolloutProblem, syncProblem, type MessageContext } from './messages.ts';
import { waitForRollouts } from './rollout.ts';
import { readState, removeState, statePath, writeState } from './state.ts';
import { deleteObjects, syncObjects } from './sync.ts';
import { applyOptions } from './apply-args.ts';
import { waitBounds } from './waiting.ts';

/** Requests in flight at once: enough to hide latency, few enough not to swamp an API server. */
const concurrency = 16;

/** Everything a deploy of objects needs. */
export interface ObjectDeploy {
  task: TaskNode;
  ctx: TaskContext;
  deployment: DeploymentConfig;
  target: KubeTarget;
  namespace: string;
  messages: MessageContext;
}

/** `data` of a deploy output for kubectl and component deployments. */
export interface DeployedData extends JsonObject {
  server: string;
  context: string;
  namespace: string;
  /** The value of the `dsg.dev/deployment` label. */
  label: string;
  objects: DeployedObject[];
}

/** Applies what changed, prunes what left, waits for the rollout, records the result. */
export async function deployObjects(
  d: ObjectDeploy,
  render: TaskOutput<RenderedData>,
  digest: string,
): Promise<Result<TaskOutput<DeployedData>, Diagnostic>> {
  const { ctx, task } = d;
  const bounds = waitBounds(ctx.env);
  if (!bounds.ok) return bounds;
  const { data } = render;
  const files = await readRendered(ctx.settings.stateDir, render);
  if (!files) {
    return fail(
      error(
        `Cannot deploy "${task.name}": the rendered file "${data.file}" is missing or was changed`,
        d.deployment.at,
        'run the render again (dsg run render)',
      ),
    );
  }
  const label = deploymentLabelValue(task);
  const path = statePath(ctx.settings.stateDir, task, d.target.identity, d.namespace);
  const client = KubeClient.connect(d.target, concurrency, ctx.signal);
  try {
    const previous = await readState(path);
    const synced = await syncObjects({
      client,
      objects: data.objects,
      load: () => loadRenderedObjects(ctx.settings.stateDir, render, files.objects),
      namespace: d.namespace,
      labelValue: label,
      key: ctx.key,
      previous: previous.objects,
      concurrency,
      log: ctx.log,
      warn: (line) => (ctx.warn ? ctx.warn(line) : ctx.log(`warning: ${line}`)),
      bounds: bounds.value,
      signal: ctx.signal,
      ...(d.deployment.type === 'kubectl'
        ? { fieldValidation: applyOptions(d.deployment.applyArgs).options.fieldValidation }
        : {}),
    });
    if (!synced.ok) return fail(syncProblem(synced.error, d.messages));
    const { objects, applied, pruned, unchanged } = synced.value;
    ctx.log(
      `${applied.length} applied, ${pruned.length} pruned, ${objects.length - applied.length} unchanged`,
    );
    const rollout = await waitForRollouts(client, objects, {
      selector: selectorOf(label),
      timeoutMs: bounds.value.rolloutMs,
      signal: ctx.signal,
      known: unchanged,
    });
    if (!rollout.ok) {
      const source = rollout.error.kind === 'rollout' ? sourceOf(data, rollout.error.ref) : undefined;
      return fail(rolloutProblem(rollout.error, d.messages, d.messages.locate(source)));
    }
    // An unchanged deploy leaves the state as it was: no write, no fsync.
    if (JSON.stringify(previous.objects) !== JSON.stringify(objects)) await writeState(path, { objects });
    const out: DeployedData = { ...identityOf(d), label, objects };
    return ok({ digest, data: out });
  } finally {
    client.close();
  }
}

function identityOf(d: ObjectDeploy): { server: string; context: string; namespace: string } {
  return { server: d.target.identity.server, context: d.target.identity.context, namespace: d.namespace };
}

function sourceOf(data: RenderedData, ref: ObjectRef): string | undefined {
  return data.objects.find((o) => o.kind === ref.kind && o.name === ref.name)?.source;
}

/** Whether every object of a cached deploy is still there as deployed. */
export async function objectsStatus(
  d: ObjectDeploy,
  output: TaskOutput<DeployedData>,
): Promise<ArtifactStatus> {
  const { data } = output;
  const client = KubeClient.connect(d.target, concurrency, d.ctx.signal);
  try {
    const live = new Map<string, KubeObject>();
    const listed = await eachBounded([...groupRefs(data.objects).values()], concurrency, async ({ ref }) => {
      const list = await client.list(ref.apiVersion, ref.kind, ref.namespace, selectorOf(data.label));
      if (!list.ok) return list.error.reason === 'not-found' ? ok(undefined) : fail(list.error);
      for (const object of list.value) live.set(refKey({ ...ref, name: nameOf(object) }), object);
      return ok(undefined);
    });
    if (!listed.ok) {
      const problem = clusterProblem(listed.error, d.target.identity);
      return {
        present: false,
        missing: problem ? problem.message : `the objects cannot be listed: ${listed.error.detail}`,
      };
    }
    for (const object of data.objects) {
      const found = live.get(refKey(object));
      if (!found) return { present: false, missing: `${describeRef(object)} was deleted` };
      if (liveDigest(found) !== object.digest)
        return { present: false, missing: `${describeRef(object)} was replaced by other content` };
      if (markerOf(found) !== object.marker)
        return { present: false, missing: `${describeRef(object)} was edited by hand` };
    }
    return { present: true };
  } finally {
    client.close();
  }
}

function nameOf(object: KubeObject): string {
  const metadata = object['metadata'];
  return isObject(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '';
}

/**
 * Deletes every object of the deployment carrying its label, in the kinds and namespaces of the recorded
 * deploy and of the current render (when the engine passes it).
 */
export async function purgeObjects(
  d: ObjectDeploy,
  render: TaskOutput<RenderedData> | undefined,
): Promise<Result<void, Diagnostic>> {
  const label = deploymentLabelValue(d.task);
  const path = statePath(d.ctx.settings.stateDir, d.task, d.target.identity, d.namespace);
  const client = KubeClient.connect(d.target, concurrency, d.ctx.signal);
  try {
    const recorded: ObjectRef[] = (await readState(path)).objects;
    for (const o of render?.data.objects ?? []) {
      const kind = await client.kind(o.apiVersion, o.kind);
      if (!kind.ok || !kind.value) continue;
      const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
      if (kind.value.namespaced) ref.namespace = o.namespace ?? d.namespace;
      recorded.push(ref);
    }
    const found = new Map<string, ObjectRef>();
    const listed = await eachBounded([...groupRefs(recorded).values()], concurrency, async ({ ref }) => {
      const list = await client.list(ref.apiVersion, ref.kind, ref.namespace, selectorOf(label));
      if (!list.ok) return list.error.reason === 'not-found' ? ok(undefined) : fail(list.error);
      for (const object of list.value) {
        const one: ObjectRef = { ...ref, name: nameOf(object) };
        found.set(refKey(one), one);
      }
      return ok(undefined);
    });
    if (!listed.ok)
      return fail(
        clusterProblem(listed.error, d.target.identity) ??
          error(`Cannot purge "${d.task.name}": ${listed.error.detail}`),
      );
    const deleted = await deleteObjects(client, [...found.values()], concurrency, (ref) =>
      d.ctx.log(`deleted ${describeRef(ref)}`),
    );
    if (!deleted.ok) return fail(syncProblem(deleted.error, d.messages));
    await removeState(path);
    return ok(undefined);
  } finally {
    client.close();
  }
}
