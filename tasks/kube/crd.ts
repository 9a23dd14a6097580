// CustomResourceDefinitions in a render: the kinds they will serve (so their objects are not reported as
// unknown before the CRD exists), and waiting until the API server has established them.
import { fail, ok, type Result } from '../../core/result.ts';
import { isObject, objectAt, stringAt, type KubeObject } from '../render/object.ts';
import type { KubeClient } from './client.ts';
import type { KubeFailure } from './errors.ts';

/** A kind a CRD of the render defines. */
export interface DefinedKind {
  apiVersions: string[];
  kind: string;
  namespaced: boolean;
  crd: string;
}

/** True for a CustomResourceDefinition. */
export function isCrd(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === 'CustomResourceDefinition' && object.apiVersion.startsWith('apiextensions.k8s.io/');
}

/** The kinds the CRDs among `objects` define. */
export function definedKinds(objects: readonly KubeObject[]): DefinedKind[] {
  return objects
    .filter((o) => isCrd({ apiVersion: stringAt(o, 'apiVersion') ?? '', kind: stringAt(o, 'kind') ?? '' }))
    .map((o) => {
      const spec = objectAt(o, 'spec');
      const group = stringAt(spec, 'group') ?? '';
      const versions = Array.isArray(spec['versions']) ? spec['versions'].filter(isObject) : [];
      return {
        apiVersions: versions.map((v) => `${group}/${stringAt(v, 'name') ?? ''}`),
        kind: stringAt(objectAt(spec, 'names'), 'kind') ?? '',
        namespaced: spec['scope'] !== 'Cluster',
        crd: stringAt(objectAt(o, 'metadata'), 'name') ?? '',
      };
    });
}

/**
 * The kinds that CRDs already in the cluster define, among `wanted` (`apiVersion|kind`): such a kind may
 * not be served yet because discovery lags behind a CRD created a moment ago. A cluster that does not let
 * this user list CRDs (a namespace-only role) defines nothing as far as deploy can tell.
 */
export async function clusterDefinedKinds(
  client: KubeClient,
  wanted: readonly string[],
): Promise<DefinedKind[]> {
  if (wanted.length === 0) return [];
  const crds = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, '');
  if (!crds.ok) return [];
  return definedKinds(crds.value).filter((d) => d.apiVersions.some((v) => wanted.includes(`${v}|${d.kind}`)));
}

/** Polls until the named CRDs report `Established=True`, or `timeoutMs` passes. */
export async function waitEstablished(
  client: KubeClient,
  names: readonly string[],
  timeoutMs: number,
): Promise<Result<void, KubeFailure | { reason: 'timeout'; detail: string }>> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (const name of names) {
    for (;;) {
      const live = await client.get({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name,
      });
      if (!live.ok) return fail(live.error);
      const conditions = objectAt(live.value ?? {}, 'status')['conditions'];
      const established =
        Array.isArray(conditions) &&
        conditions.some((c) => isObject(c) && c['type'] === 'Established' && c['status'] === 'True');
      if (established) break;
      if (Date.now() > deadline) {
        return fail({
          reason: 'timeout',
          detail: `CustomResourceDefinition "${name}" was not established in time`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(500, delay * 2);
    }
  }
  return ok(undefined);
}
