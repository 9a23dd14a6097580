// Failure replies shaped like the real API server's `Status` objects, because clients parse them:
// kubectl prints `message`, helm and client-go branch on `reason` and `code`.
import { qualifiedResource, type ResourceType } from './resources.ts';

/** What a handler answers: an HTTP code and a JSON body. */
export interface Reply {
  code: number;
  body: unknown;
  /** Texts sent as `Warning: 299 - "<text>"` headers, one header each (k8s.io/apiserver/pkg/warning). */
  warnings?: string[];
}

/** One entry of `details.causes`. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** A successful reply. */
export function success(body: unknown, code = 200): Reply {
  return { code, body };
}

/** A `Status` failure reply. */
export function status(
  code: number,
  reason: string,
  message: string,
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
): Reply {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) body['details'] = details;
  return { code, body };
}

function resourceDetails(type: ResourceType, name: string): { name: string; group?: string; kind: string } {
  return type.group === '' ? { name, kind: type.plural } : { name, group: type.group, kind: type.plural };
}

/** 404 for a missing object. */
export function notFound(type: ResourceType, name: string): Reply {
  return status(
    404,
    'NotFound',
    `${qualifiedResource(type)} "${name}" not found`,
    resourceDetails(type, name),
  );
}

/** 404 for a namespaced write into a namespace that does not exist. */
export function namespaceNotFound(namespace: string): Reply {
  return status(404, 'NotFound', `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: 'namespaces',
  });
}

/**
 * 403 for a create in a namespace being deleted, as the NamespaceLifecycle admission plugin answers
 * (k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle).
 */
export function namespaceTerminating(type: ResourceType, name: string, namespace: string): Reply {
  return status(
    403,
    'Forbidden',
    `${qualifiedResource(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      ...resourceDetails(type, name),
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
}

/** 409 for a create of an existing name. */
export function alreadyExists(type: ResourceType, name: string): Reply {
  return status(
    409,
    'AlreadyExists',
    `${qualifiedResource(type)} "${name}" already exists`,
    resourceDetails(type, name),
  );
}

/** 409 for an update carrying a stale `resourceVersion`. */
export function conflict(type: ResourceType, name: string): Reply {
  return status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    resourceDetails(type, name),
  );
}

/** 422 for an object that fails validation. */
export function invalid(type: ResourceType, name: string, causes: StatusCause[]): Reply {
  const kind = type.group === '' ? type.kind : `${type.kind}.${type.group}`;
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const list = causes.length > 1 ? `[${summary}]` : summary;
  const details = { name, kind: type.kind, causes, ...(type.group === '' ? {} : { group: type.group }) };
  return status(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, details);
}

/** 400 for a request the server cannot make sense of. */
export function badRequest(message: string): Reply {
  return status(400, 'BadRequest', message);
}

/** 401 for a missing or wrong bearer token. */
export function unauthorized(): Reply {
  return status(401, 'Unauthorized', 'Unauthorized');
}
