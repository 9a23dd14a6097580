// A minimal OpenAPI v3: kubectl and helm validate manifests before sending them, and skip their own
// (schema-based) validation only when the server's OpenAPI v3 shows that PATCH of that kind accepts the
// `fieldValidation` query parameter. Without it they fall back to OpenAPI v2 in protobuf, which the
// stand-in does not serve. So each group-version document lists every resource's paths with that
// parameter and the `x-kubernetes-group-version-kind` extension; schemas are left open.
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './resources.ts';
import { serverVersion } from './discovery.ts';

/** `api/v1` or `apis/<group>/<version>`: the key of a group-version in the OpenAPI v3 root. */
function specPath(type: { group: string; version: string }): string {
  return type.group === '' ? `api/${type.version}` : `apis/${type.group}/${type.version}`;
}

/** `GET /openapi/v3`: each served group-version and the URL of its document, with a content hash. */
export function openApiRoot(registry: ResourceRegistry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const type of registry.all()) {
    const key = specPath(type);
    if (paths[key]) continue;
    const doc = openApiDocument(registry, key);
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

/** `GET /openapi/v3/<api/v1|apis/g/v>`, or undefined when that group-version is not served. */
export function openApiDocument(registry: ResourceRegistry, key: string): object | undefined {
  const types = registry.all().filter((t) => specPath(t) === key);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const type of types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const responses = { '200': { description: 'OK' } };
    const operation = (action: string, params: string[]): object => ({
      'x-kubernetes-group-version-kind': gvk,
      'x-kubernetes-action': action,
      parameters: params.map((name) => ({
        name,
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      })),
      responses,
    });
    const writeParams = ['dryRun', 'fieldManager', 'fieldValidation'];
    const base = type.namespaced ? `/${key}/namespaces/{namespace}/${type.plural}` : `/${key}/${type.plural}`;
    paths[base] = {
      get: operation('list', ['labelSelector', 'fieldSelector', 'watch']),
      post: operation('post', writeParams),
      delete: operation('deletecollection', ['labelSelector', 'fieldSelector']),
    };
    paths[`${base}/{name}`] = {
      get: operation('get', []),
      put: operation('put', writeParams),
      patch: operation('patch', [...writeParams, 'force']),
      delete: operation('delete', ['dryRun']),
    };
  }
  // No schemas: with a schema for a kind, client-side apply would build its patch from it instead of
  // from its compiled-in types.
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion.gitVersion },
    paths,
    components: {},
  };
}
