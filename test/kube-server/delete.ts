// DELETE of one object and of a selected collection.
import { isRecord } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { deleteLive, type Propagation } from './lifecycle.ts';
import { listOf, present, selectObjects } from './read.ts';
import { conflict, notFound, success, type Reply } from './status.ts';

/** DELETE one object; answers a Success Status, or the object while finalizers keep it terminating. */
export function deleteObject(state: ServerState, req: ResourceRequest): Reply {
  const name = req.name ?? '';
  const live = state.store.get(req.type, req.namespace, name);
  if (!live) return notFound(req.type, name);
  const options = isRecord(req.body) ? req.body : {};
  const preconditions = isRecord(options['preconditions']) ? options['preconditions'] : {};
  if (preconditions['uid'] !== undefined && preconditions['uid'] !== live.metadata.uid)
    return conflict(req.type, name);
  const rv = preconditions['resourceVersion'];
  if (rv !== undefined && rv !== live.metadata.resourceVersion) return conflict(req.type, name);
  if (req.dryRun) return success(present(req.type, live));
  const { object, removed } = deleteLive(state, req.type, live, propagation(req));
  if (!removed) return success(present(req.type, object));
  const details: Record<string, unknown> = { name, kind: req.type.plural, uid: live.metadata.uid };
  if (req.type.group !== '') details['group'] = req.type.group;
  return success({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

/** DELETE a collection: every object the label and field selectors match; answers the list deleted. */
export function deleteCollection(state: ServerState, req: ResourceRequest): Reply {
  const selected = selectObjects(state, req);
  if (!selected.ok) return selected.error;
  if (!req.dryRun) for (const live of selected.value) deleteLive(state, req.type, live, propagation(req));
  return success(listOf(req.type, selected.value, state.store.resourceVersion()));
}

function propagation(req: ResourceRequest): Propagation {
  const options = isRecord(req.body) ? req.body : {};
  const policy = options['propagationPolicy'] ?? req.query.get('propagationPolicy');
  if (policy === 'Orphan' || options['orphanDependents'] === true) return 'Orphan';
  return policy === 'Foreground' ? 'Foreground' : 'Background';
}
