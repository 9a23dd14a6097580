// GET of one object and LIST of a collection, with label and field selectors.
import { clone, type KubeObject } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { groupVersion, type ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector, type Selector } from './selectors.ts';
import { scaleOf } from './scale.ts';
import { badRequest, notFound, success, type Reply } from './status.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** The object as a client sees it: a copy, in the version it asked for. */
export function present(type: ResourceType, object: KubeObject): KubeObject {
  const out = clone(object);
  out.apiVersion = groupVersion(type);
  return out;
}

/** GET one object (or its `status` subresource, which is the whole object on the real server too). */
export function getObject(state: ServerState, req: ResourceRequest): Reply {
  const name = req.name ?? '';
  const live = state.store.get(req.type, req.namespace, name);
  if (!live) return notFound(req.type, name);
  if (req.subresource === 'scale') return success(scaleOf(live));
  return success(present(req.type, live));
}

/** Both selectors of a request, combined. */
export function requestSelector(query: URLSearchParams): Result<Selector, string> {
  const labels = parseLabelSelector(query.get('labelSelector'));
  if (!labels.ok) return labels;
  const fields = parseFieldSelector(query.get('fieldSelector'));
  if (!fields.ok) return fields;
  return ok((o) => labels.value(o) && fields.value(o));
}

/** The live objects a list, watch or deletecollection request selects. */
export function selectObjects(state: ServerState, req: ResourceRequest): Result<KubeObject[], Reply> {
  const selector = requestSelector(req.query);
  if (!selector.ok) return fail(badRequest(selector.error));
  return ok(state.store.list(req.type, req.namespace).filter(selector.value));
}

/** LIST a collection: a `<Kind>List` carrying the current global resourceVersion. */
export function listObjects(state: ServerState, req: ResourceRequest): Reply {
  const selected = selectObjects(state, req);
  if (!selected.ok) return selected.error;
  return success(listOf(req.type, selected.value, state.store.resourceVersion()));
}

/** A `<Kind>List` of objects. */
export function listOf(type: ResourceType, objects: readonly KubeObject[], resourceVersion: number): object {
  return {
    kind: `${type.kind}List`,
    apiVersion: groupVersion(type),
    metadata: { resourceVersion: String(resourceVersion) },
    items: objects.map((o) => present(type, o)),
  };
}
