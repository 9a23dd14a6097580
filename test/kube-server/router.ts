// HTTP in, handler out: authentication, path resolution, body parsing, counting, and rendering replies in
// the representation the client accepts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { isRecord, type KubeObject } from './object.ts';
import type { ResourceRequest, ServerState } from './context.ts';
import {
  aggregatedDiscovery,
  aggregatedMediaType,
  apiGroupList,
  apiGroupOf,
  apiResourceList,
  apiVersions,
  serverVersion,
  wantsAggregated,
} from './discovery.ts';
import { openApiDocument, openApiRoot } from './openapi.ts';
import { getObject, listObjects, present } from './read.ts';
import { createObject, patchObject, updateObject } from './write.ts';
import { patchTypes } from './patch.ts';
import { deleteCollection, deleteObject } from './delete.ts';
import { serveWatch } from './watch.ts';
import { serveLog } from './pod-logs.ts';
import { portForwardWithoutUpgrade } from './port-forward.ts';
import { badRequest, status, success, unauthorized, type Reply } from './status.ts';
import type { Stats, Verb } from './stats.ts';
import { partialMetadata, partialMetadataList, representationOf, table } from './table.ts';
import type { ResourceType } from './resources.ts';
import { decodeKubernetesProtobuf, protobufMediaType } from './protobuf.ts';
import type { Result } from '../../core/result.ts';
import { fail, ok } from '../../core/result.ts';

/** Per-server settings the router needs. */
export interface RouterSettings {
  token: string | undefined;
  /** Tokens that may act in one namespace only (token → namespace). */
  namespaceTokens: Readonly<Record<string, string>>;
  /** `127.0.0.1:PORT`, for `/api`'s serverAddressByClientCIDRs. */
  serverAddress: () => string;
  /** Registers an open watch so closing the server can end it; returns the unregister function. */
  trackWatch: (stop: () => void) => () => void;
  /** Called with one line per request when set. */
  log: ((line: string) => void) | undefined;
}

/** Handles one HTTP request to completion. */
export async function route(
  state: ServerState,
  stats: Stats,
  settings: RouterSettings,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const accept = req.headers.accept ?? 'application/json';
  const resource = resolveResource(state, url.pathname);
  const denied = authorize(settings, req, url, resource);
  if (denied) {
    settings.log?.(`${method} ${url.pathname}${url.search} -> ${denied.code}`);
    send(res, denied);
    return;
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const parsed = parseBody(raw, contentType);
  const body = parsed.ok ? parsed.value : undefined;
  const dryRun = url.searchParams.getAll('dryRun').includes('All') || (isRecord(body) && isDryRunBody(body));
  const verb = verbOf(method, resource !== undefined && 'type' in resource ? resource : undefined, url, req);
  stats.record({ method, path: `${url.pathname}${url.search}`, verb, dryRun });

  let reply: Reply | undefined;
  if (resource === undefined) {
    reply = nonResource(state, settings, method, url, accept, res);
  } else if ('reply' in resource) {
    reply = resource.reply;
  } else if (!parsed.ok) {
    reply =
      contentType === protobufMediaType
        ? status(415, 'UnsupportedMediaType', parsed.error)
        : badRequest(parsed.error);
  } else {
    const request: ResourceRequest = {
      method,
      ...resource,
      query: url.searchParams,
      body,
      contentType,
      manager: url.searchParams.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']),
      dryRun,
    };
    reply = dispatch(state, settings, request, accept, res);
  }
  settings.log?.(`${method} ${url.pathname}${url.search} -> ${reply?.code ?? 'stream'}`);
  if (reply)
    send(res, reply, reply.code === 200 && typeof reply.body === 'string' ? 'text/plain' : undefined);
}

/** 401 without the server's token, 403 outside a namespace token's namespace; undefined when allowed. */
export function authorize(
  settings: RouterSettings,
  req: IncomingMessage,
  url: URL,
  resource: ResolvedResource | { reply: Reply } | undefined,
): Reply | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const onlyIn = bearer === undefined ? undefined : settings.namespaceTokens[bearer];
  const secured = settings.token !== undefined || Object.keys(settings.namespaceTokens).length > 0;
  if (secured && bearer !== settings.token && onlyIn === undefined) return unauthorized();
  return onlyIn !== undefined && resource !== undefined && 'type' in resource
    ? forbidden(onlyIn, req.method ?? 'GET', resource, url)
    : undefined;
}

function dispatch(
  state: ServerState,
  settings: RouterSettings,
  req: ResourceRequest,
  accept: string,
  res: ServerResponse,
): Reply | undefined {
  const representation = representationOf(accept);
  const includeObject = req.query.get('includeObject');
  const render = (type: ResourceType, object: KubeObject): unknown => {
    if (representation === 'table')
      return table(type, [object], state.store.resourceVersion(), includeObject);
    if (representation === 'metadata') return partialMetadata(object);
    return present(type, object);
  };
  const watching = ['1', 'true'].includes(req.query.get('watch') ?? '');
  if (req.subresource === 'portforward') return portForwardWithoutUpgrade(req.method);
  switch (req.method) {
    case 'GET': {
      if (watching) return serveWatch(state, req, res, render, settings.trackWatch);
      if (req.subresource === 'log') return serveLog(state, req, res, settings.trackWatch);
      const reply = req.name === undefined ? listObjects(state, req) : getObject(state, req);
      if (reply.code !== 200 || representation === 'object' || req.subresource !== undefined) return reply;
      const body = reply.body as { items?: KubeObject[] } & KubeObject;
      const objects = body.items ?? [body];
      const rv = state.store.resourceVersion();
      if (representation === 'metadata') {
        return success(body.items ? partialMetadataList(objects, rv) : partialMetadata(body));
      }
      return success(table(req.type, objects, rv, includeObject));
    }
    case 'POST':
      return req.name === undefined ? createObject(state, req) : methodNotAllowed();
    case 'PUT':
      return req.name === undefined ? methodNotAllowed() : updateObject(state, req);
    case 'PATCH':
      return req.name === undefined ? methodNotAllowed() : patchObject(state, req);
    case 'DELETE':
      return req.name === undefined ? deleteCollection(state, req) : deleteObject(state, req);
    default:
      return methodNotAllowed();
  }
}

function nonResource(
  state: ServerState,
  settings: RouterSettings,
  method: string,
  url: URL,
  accept: string,
  res: ServerResponse,
): Reply {
  if (method !== 'GET') return methodNotAllowed();
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const found = (body: object | undefined): Reply => (body ? success(body) : notFoundPath());
  if (path === '/version') return success(serverVersion);
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return success('ok');
  if (path === '/api' || path === '/apis') {
    if (wantsAggregated(accept)) {
      res.setHeader('Content-Type', aggregatedMediaType);
      return success(aggregatedDiscovery(state.registry, path === '/api'));
    }
    return success(path === '/api' ? apiVersions(settings.serverAddress()) : apiGroupList(state.registry));
  }
  if (path === '/openapi/v3') return success(openApiRoot(state.registry));
  if (path.startsWith('/openapi/v3/'))
    return found(openApiDocument(state.registry, path.slice('/openapi/v3/'.length)));
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2)
    return found(apiResourceList(state.registry, '', parts[1] ?? ''));
  if (parts[0] === 'apis' && parts.length === 2) return found(apiGroupOf(state.registry, parts[1] ?? ''));
  if (parts[0] === 'apis' && parts.length === 3) {
    return found(apiResourceList(state.registry, parts[1] ?? '', parts[2] ?? ''));
  }
  return notFoundPath();
}

/** A request path resolved to a resource. */
export type ResolvedResource = Pick<ResourceRequest, 'type' | 'namespace' | 'name' | 'subresource'>;

/** Resolves `/api/v1/...` and `/apis/<g>/<v>/...` resource paths; undefined for everything else. */
export function resolveResource(
  state: ServerState,
  pathname: string,
): ResolvedResource | { reply: Reply } | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length > 2) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length > 3) {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const [version = '', ...segments] = rest;
  let namespace: string | undefined;
  let resourceSegments = segments;
  const nested = segments[2];
  if (
    segments[0] === 'namespaces' &&
    nested !== undefined &&
    state.registry.byPlural(group, version, nested)
  ) {
    namespace = segments[1];
    resourceSegments = segments.slice(2);
  }
  const [plural = '', name, subresource, ...extra] = resourceSegments;
  const type = state.registry.byPlural(group, version, plural);
  if (!type || extra.length > 0 || (namespace !== undefined && !type.namespaced))
    return { reply: notFoundPath() };
  if (subresource !== undefined && !type.subresources.includes(subresource)) return { reply: notFoundPath() };
  return { type, namespace, name, subresource };
}

/**
 * RBAC as a user bound to one namespace sees it (a RoleBinding, no ClusterRoleBinding): discovery is open to
 * every authenticated user (the `system:discovery` role), resources only in that namespace. The 403 names the
 * user, verb, resource and scope like the real authorizer's message (k8s.io/apiserver/pkg/endpoints/handlers/
 * responsewriters.ForbiddenStatusError).
 */
function forbidden(
  namespace: string,
  method: string,
  resource: ResolvedResource,
  url: URL,
): Reply | undefined {
  const { type } = resource;
  if (type.namespaced && resource.namespace === namespace) return undefined;
  const watching = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
  const named = resource.name !== undefined;
  const verb =
    method === 'POST'
      ? 'create'
      : method === 'PUT'
        ? 'update'
        : method === 'PATCH'
          ? 'patch'
          : method === 'DELETE'
            ? named
              ? 'delete'
              : 'deletecollection'
            : watching
              ? 'watch'
              : named
                ? 'get'
                : 'list';
  const plural = resource.subresource ? `${type.plural}/${resource.subresource}` : type.plural;
  const qualified = type.group === '' ? type.plural : `${type.plural}.${type.group}`;
  const subject = named ? `${qualified} "${resource.name ?? ''}"` : qualified;
  const scope =
    resource.namespace === undefined ? 'at the cluster scope' : `in the namespace "${resource.namespace}"`;
  const user = `system:serviceaccount:${namespace}:deployer`;
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${type.group}" ${scope}`,
    {
      ...(resource.name !== undefined ? { name: resource.name } : {}),
      ...(type.group === '' ? {} : { group: type.group }),
      kind: type.plural,
    },
  );
}

function verbOf(
  method: string,
  resource: ResolvedResource | undefined,
  url: URL,
  req: IncomingMessage,
): Verb {
  switch (method) {
    case 'POST':
      return 'CREATE';
    case 'PUT':
      return 'UPDATE';
    case 'PATCH':
      return (req.headers['content-type'] ?? '').startsWith(patchTypes.apply) ? 'APPLY' : 'PATCH';
    case 'DELETE':
      return 'DELETE';
    default:
      if (!resource) return 'GET';
      if (['1', 'true'].includes(url.searchParams.get('watch') ?? '')) return 'WATCH';
      return resource.name === undefined ? 'LIST' : 'GET';
  }
}

/** The real server names an unnamed manager after the User-Agent's product (`kubectl`, `Helm`). */
function managerFromUserAgent(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0]?.slice(0, 128) || 'unknown';
}

function isDryRunBody(body: Record<string, unknown>): boolean {
  const value = body['dryRun'];
  return body['kind'] === 'DeleteOptions' && Array.isArray(value) && value.includes('All');
}

function parseBody(raw: Buffer, contentType: string): Result<unknown, string> {
  if (contentType === protobufMediaType) return decodeKubernetesProtobuf(raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') return ok(undefined);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    try {
      return ok(parseYaml(text) as unknown);
    } catch {
      return fail('the request body could not be decoded as JSON or YAML');
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function notFoundPath(): Reply {
  return status(404, 'NotFound', 'the server could not find the requested resource', {});
}

function methodNotAllowed(): Reply {
  return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function send(res: ServerResponse, reply: Reply, contentType?: string): void {
  if (res.headersSent) return;
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const type = contentType ?? (res.getHeader('Content-Type') as string | undefined) ?? 'application/json';
  const warnings = (reply.warnings ?? []).map((w) => `299 - ${JSON.stringify(w)}`);
  if (warnings.length > 0) res.setHeader('Warning', warnings);
  res.writeHead(reply.code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
