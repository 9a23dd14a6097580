// The objects of a helm release as the cluster holds them. Right after a deploy, each object of the release's
// manifest is read and its write marker kept (the digest of the fields helm's writes own, the same machinery
// that tells hand edits of kubectl deployments, inventory.ts); the status check reads them again, so an object
// deleted or edited inside the release is noticed on the next run and the release is upgraded.
import { parseAllDocuments } from 'yaml';
import { fail, ok, type Result } from '../../core/result.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeFailure } from '../kube/errors.ts';
import { markerOf, type FieldOwner } from '../kube/inventory.ts';
import { describeRef, objectAt, refOf, stringAt, type KubeObject, type ObjectRef } from '../render/object.ts';

/** Helm writes objects with updates (a create, then three-way merge patches) under this field manager. */
export const helmOwner: FieldOwner = { manager: 'helm', operation: 'Update' };

/** One object of a release: what it is, and the marker of helm's fields on it when dsg last deployed it. */
export interface ReleaseObject extends ObjectRef {
  marker: string;
}

/**
 * The objects of a rendered release manifest, namespaced objects in the release's namespace when they name none.
 * Hooks are left out, as helm leaves them out of the release's manifest: a test hook is never installed and a
 * hook with a delete policy is gone once it ran, so counting them would make every release look drifted.
 */
export function manifestRefs(objectsYaml: string, namespace: string): ObjectRef[] {
  return parseAllDocuments(objectsYaml).flatMap((doc) => {
    const value = doc.toJS() as KubeObject | null;
    if (value === null || typeof value !== 'object' || isHook(value)) return [];
    const ref = refOf(value);
    return [{ ...ref, namespace: ref.namespace ?? namespace }];
  });
}

function isHook(object: KubeObject): boolean {
  return stringAt(objectAt(objectAt(object, 'metadata'), 'annotations'), 'helm.sh/hook') !== undefined;
}

/** Reads each object; `undefined` in place of the ones that do not exist. */
export async function readObjects(
  client: KubeClient,
  refs: readonly ObjectRef[],
): Promise<Result<(KubeObject | undefined)[], KubeFailure>> {
  const out: (KubeObject | undefined)[] = [];
  for (const ref of refs) {
    const live = await client.get(ref);
    if (!live.ok) return fail(live.error);
    out.push(live.value);
  }
  return ok(out);
}

/** The objects of the release with their markers, as they are now. */
export function markObjects(
  refs: readonly ObjectRef[],
  live: readonly (KubeObject | undefined)[],
): ReleaseObject[] {
  return refs.map((ref, i) => {
    const object = live[i];
    return { ...ref, marker: object ? markerOf(object, helmOwner) : 'gone' };
  });
}

/** What changed since the deploy recorded `objects`: the first object deleted or edited, or undefined. */
export function releaseDrift(
  recorded: readonly ReleaseObject[],
  live: readonly (KubeObject | undefined)[],
): string | undefined {
  for (const [i, object] of recorded.entries()) {
    const now = live[i];
    if (!now) return `${describeRef(object)} of the release was deleted`;
    if (markerOf(now, helmOwner) !== object.marker)
      return `${describeRef(object)} of the release was edited by hand`;
  }
  return undefined;
}
