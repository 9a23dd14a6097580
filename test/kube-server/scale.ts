// The `scale` subresource (`kubectl scale`): reads and writes `spec.replicas` through an autoscaling/v1 Scale.
import { clone, isRecord, type KubeObject } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { commit } from './commit.ts';
import { jsonPatch, mergePatch, patchTypes } from './patch.ts';
import { badRequest, notFound, success, type Reply } from './status.ts';

/** The `autoscaling/v1` Scale view of a workload. */
export function scaleOf(live: KubeObject): object {
  const spec = isRecord(live['spec']) ? live['spec'] : {};
  const status = isRecord(live['status']) ? live['status'] : {};
  const selector = isRecord(spec['selector']) ? spec['selector'] : {};
  const matchLabels = isRecord(selector['matchLabels']) ? selector['matchLabels'] : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: live.metadata.name,
      namespace: live.metadata.namespace,
      uid: live.metadata.uid,
      resourceVersion: live.metadata.resourceVersion,
      creationTimestamp: live.metadata.creationTimestamp,
    },
    spec: { replicas: spec['replicas'] ?? 0 },
    status: {
      replicas: status['replicas'] ?? 0,
      selector: Object.entries(matchLabels)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
    },
  };
}

/** PUT or PATCH of `/scale`: the new replica count goes into the workload's spec. */
export function writeScale(state: ServerState, req: ResourceRequest): Reply {
  const name = req.name ?? '';
  const live = state.store.get(req.type, req.namespace, name);
  if (!live) return notFound(req.type, name);
  const current = scaleOf(live);
  let scale: unknown = req.body;
  if (req.method === 'PATCH') {
    if (req.contentType === patchTypes.json) {
      const patched = jsonPatch(current, req.body);
      if (!patched.ok) return badRequest(patched.error);
      scale = patched.value;
    } else {
      scale = mergePatch(current, req.body);
    }
  }
  const spec = isRecord(scale) && isRecord(scale['spec']) ? scale['spec'] : {};
  const replicas = spec['replicas'];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    return badRequest(`Invalid value for spec.replicas in the Scale of "${name}"`);
  }
  const candidate = clone(live);
  candidate['spec'] = { ...(isRecord(live['spec']) ? live['spec'] : {}), replicas };
  // Recorded as a `scale` update, so spec.replicas moves to this manager as on a real server.
  const reply = commit(state, req, candidate, live, true);
  if (reply.code >= 300) return reply;
  const stored = state.store.get(req.type, req.namespace, name);
  return success(scaleOf(stored ?? live));
}
