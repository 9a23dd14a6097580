// Create (POST), update (PUT) and patch (PATCH, including server-side apply): each builds a candidate
// object, then one commit path defaults, validates, records field ownership and stores it.
import { randomBytes } from 'node:crypto';
import { clone, isRecord, removeKey, type KubeObject } from './object.ts';
import { conflictMessage, serverSideApply } from './apply.ts';
import { commit } from './commit.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import { jsonPatch, mergePatch, patchTypes, strategicMergePatch } from './patch.ts';
import { present } from './read.ts';
import { writeScale } from './scale.ts';
import { groupVersion } from './resources.ts';
import { fieldValidationOf, validateFields } from './field-validation.ts';
import { podWarnings } from './warnings.ts';
import { alreadyExists, badRequest, conflict, notFound, status, type Reply } from './status.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** POST: create an object (`generateName` honoured); 409 when the name is taken. */
export function createObject(state: ServerState, req: ResourceRequest): Reply {
  const incoming = incomingObject(req, req.body);
  if (!incoming.ok) return incoming.error;
  const candidate = incoming.value;
  const checked = checkFields(state, req, candidate, false);
  if (!checked.ok) return checked.error;
  const generateName = candidate.metadata['generateName'];
  if (candidate.metadata.name === '' && typeof generateName === 'string' && generateName !== '') {
    candidate.metadata.name = generateName + randomSuffix();
  }
  if (state.store.get(req.type, candidate.metadata.namespace, candidate.metadata.name)) {
    return alreadyExists(req.type, candidate.metadata.name);
  }
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'managedFields']) {
    removeKey(candidate.metadata, field);
  }
  if (req.type.subresources.includes('status')) delete candidate['status'];
  return warn(commit(state, req, candidate, undefined, true), checked.value);
}

/** PUT: replace an object; a stale `metadata.resourceVersion` is a 409 like on the real server. */
export function updateObject(state: ServerState, req: ResourceRequest): Reply {
  if (req.subresource === 'scale') return writeScale(state, req);
  const name = req.name ?? '';
  const live = state.store.get(req.type, req.namespace, name);
  if (!live) return notFound(req.type, name);
  const incoming = incomingObject(req, req.body);
  if (!incoming.ok) return incoming.error;
  const body = incoming.value;
  if (body.metadata.name !== name) {
    return badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  const rv = body.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) return conflict(req.type, name);
  const checked = checkFields(state, req, body, false);
  if (!checked.ok) return checked.error;
  return warn(commit(state, req, merged(req, live, body), live, true), checked.value);
}

/** PATCH: JSON, merge and strategic merge patches of a live object, or server-side apply. */
export function patchObject(state: ServerState, req: ResourceRequest): Reply {
  if (req.contentType === patchTypes.apply) return applyObject(state, req);
  if (req.subresource === 'scale') return writeScale(state, req);
  const name = req.name ?? '';
  const live = state.store.get(req.type, req.namespace, name);
  if (!live) return notFound(req.type, name);
  const base = present(req.type, live);
  let patched: unknown;
  switch (req.contentType) {
    case patchTypes.merge:
      patched = mergePatch(base, req.body);
      break;
    case patchTypes.strategic:
      patched = strategicMergePatch(base, req.body);
      break;
    case patchTypes.json: {
      const result = jsonPatch(base, req.body);
      if (!result.ok)
        return status(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: ${result.error}`,
        );
      patched = result.value;
      break;
    }
    default:
      return status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${Object.values(patchTypes).join(', ')}`,
      );
  }
  if (!isRecord(patched) || !isRecord(patched['metadata']))
    return badRequest('the patch removed the object metadata');
  const candidate = patched as KubeObject;
  const rv = candidate.metadata.resourceVersion;
  if (rv !== undefined && rv !== live.metadata.resourceVersion) return conflict(req.type, name);
  candidate.metadata.name = live.metadata.name;
  if (live.metadata.namespace !== undefined) candidate.metadata.namespace = live.metadata.namespace;
  const checked = checkFields(state, req, candidate, false);
  if (!checked.ok) return checked.error;
  return warn(commit(state, req, merged(req, live, candidate), live, true), checked.value);
}

function applyObject(state: ServerState, req: ResourceRequest): Reply {
  const name = req.name ?? '';
  if (req.query.get('fieldManager') === null) {
    return status(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  }
  const incoming = incomingObject(req, req.body);
  if (!incoming.ok) return incoming.error;
  const config = incoming.value;
  const checked = checkFields(state, req, config, true);
  if (!checked.ok) return checked.error;
  if (config.metadata.name === '') config.metadata.name = name;
  if (config.metadata.name !== name) {
    return badRequest(
      `the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  const live = state.store.get(req.type, req.namespace, name);
  const force = req.query.get('force') === 'true';
  const applied = serverSideApply(live && present(req.type, live), config, { manager: req.manager, force });
  if (!applied.ok) {
    const causes = applied.error.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: c.path.join('.'),
    }));
    return status(409, 'Conflict', conflictMessage(applied.error), { causes });
  }
  const candidate = applied.value;
  candidate.metadata.name = name;
  if (req.type.namespaced && req.namespace !== undefined) candidate.metadata.namespace = req.namespace;
  if (live && req.type.subresources.includes('status')) candidate['status'] = clone(live['status']);
  return warn(commit(state, req, candidate, live, false), checked.value);
}

/** Field validation of a write to the main resource; its warnings, or the reply that fails it. */
function checkFields(
  state: ServerState,
  req: ResourceRequest,
  object: KubeObject,
  apply: boolean,
): Result<string[], Reply> {
  const directive = fieldValidationOf(req.query);
  if (!directive.ok) return directive;
  if (req.subresource !== undefined) return ok([]);
  const crdType = state.registry.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
  const crd =
    req.type.crd !== undefined && crdType ? state.store.get(crdType, undefined, req.type.crd) : undefined;
  const checked = validateFields(req.type, object, crd, directive.value, apply);
  return checked.ok ? ok([...checked.value, ...podWarnings(object)]) : checked;
}

function warn(reply: Reply, warnings: string[]): Reply {
  return warnings.length > 0 && reply.code < 300 ? { ...reply, warnings } : reply;
}

/** The candidate of an update: the whole body, or only its status for `/status`, keeping server metadata. */
function merged(req: ResourceRequest, live: KubeObject, body: KubeObject): KubeObject {
  const statusOnly = req.subresource === 'status';
  const candidate = statusOnly ? clone(live) : clone(body);
  if (statusOnly) {
    if (body['status'] === undefined) delete candidate['status'];
    else candidate['status'] = clone(body['status']);
  } else if (req.type.subresources.includes('status')) {
    if (live['status'] === undefined) delete candidate['status'];
    else candidate['status'] = clone(live['status']);
  }
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation']) {
    if (live.metadata[field] === undefined) removeKey(candidate.metadata, field);
    else candidate.metadata[field] = live.metadata[field];
  }
  // Like the real server, managedFields sent by the client win (kubectl rewrites them when it moves an
  // object from client-side to server-side apply); otherwise they are carried over from the live object.
  const managedFields = body.metadata.managedFields ?? live.metadata.managedFields;
  if (managedFields) candidate.metadata.managedFields = clone(managedFields);
  else delete candidate.metadata.managedFields;
  return candidate;
}

/** Checks a request body is an object of the URL's type and namespace; fills the namespace in. */
function incomingObject(req: ResourceRequest, body: unknown): Result<KubeObject, Reply> {
  if (!isRecord(body)) return fail(badRequest('the request body must be a JSON or YAML object'));
  const object = clone(body) as KubeObject;
  const expected = groupVersion(req.type);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    return fail(
      badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`,
      ),
    );
  }
  if (object.kind !== undefined && object.kind !== req.type.kind) {
    return fail(
      badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${req.type.kind})`),
    );
  }
  object.apiVersion = expected;
  object.kind = req.type.kind;
  if (!isRecord(object.metadata)) object.metadata = { name: '' };
  if (typeof object.metadata.name !== 'string') object.metadata.name = '';
  if (req.type.namespaced) {
    const ns = object.metadata.namespace;
    if (ns !== undefined && ns !== '' && ns !== req.namespace) {
      return fail(
        badRequest('the namespace of the provided object does not match the namespace sent on the request'),
      );
    }
    if (req.namespace !== undefined) object.metadata.namespace = req.namespace;
  } else {
    delete object.metadata.namespace;
  }
  return ok(object);
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length] ?? 'x').join('');
}
