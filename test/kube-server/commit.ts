// The one path every write takes after its candidate object is built: namespace check, defaults,
// validation, field ownership, no-op detection, dry run, then the store (and CRD registration).
import { deepEqual, type KubeObject } from './object.ts';
import { trackUpdate } from './apply.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { applyDefaults } from './defaults.ts';
import { isTerminating, removeWithDependents } from './lifecycle.ts';
import { present } from './read.ts';
import { invalid, namespaceNotFound, namespaceTerminating, success, type Reply } from './status.ts';
import { validate } from './validate.ts';

/** Defaults, validates and stores a candidate; dry-run answers the result without storing it. */
export function commit(
  state: ServerState,
  req: ResourceRequest,
  candidate: KubeObject,
  live: KubeObject | undefined,
  trackAsUpdate: boolean,
): Reply {
  const namespace = candidate.metadata.namespace;
  if (req.type.namespaced && namespace !== undefined) {
    const namespaces = state.registry.byPlural('', 'v1', 'namespaces');
    if (namespaces && !state.store.get(namespaces, undefined, namespace)) return namespaceNotFound(namespace);
    if (!live && isTerminating(state, namespace))
      return namespaceTerminating(req.type, candidate.metadata.name, namespace);
  }
  applyDefaults(candidate, state.allocator, live);
  const causes = validate(candidate, live);
  if (causes.length > 0) return invalid(req.type, candidate.metadata.name, causes);
  if (trackAsUpdate) trackUpdate(live, candidate, req.manager, req.subresource);
  if (live) {
    if (live.metadata.resourceVersion !== undefined)
      candidate.metadata.resourceVersion = live.metadata.resourceVersion;
    if (deepEqual(candidate, present(req.type, live))) return success(present(req.type, live));
  }
  if (req.dryRun) return success(candidate, live ? 200 : 201);
  if (live?.metadata.deletionTimestamp !== undefined && (candidate.metadata.finalizers ?? []).length === 0) {
    return success(removeWithDependents(state, req.type, live, 'Background'));
  }
  // A CRD's kinds are served once the CRD controller has established it and discovery caught up.
  const stored = live
    ? state.store.update(req.type, candidate, live)
    : state.store.create(req.type, candidate);
  return success(present(req.type, stored), live ? 200 : 201);
}
