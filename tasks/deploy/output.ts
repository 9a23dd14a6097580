// What a deploy task produces: the objects applied (kubectl and component deployments) or the helm release.
import { hasStrings, isJsonObject, type JsonObject } from '../../core/json.ts';
import type { DeployedData } from '../kube/deploy-objects.ts';
import type { ReleaseData } from '../helm/deploy-release.ts';

/** `data` of a deploy task's output. */
export type DeployOutput = DeployedData | ReleaseData;

/** True when `data` records a helm release rather than applied objects. */
export function isReleaseData(data: DeployOutput): data is ReleaseData {
  return 'release' in data;
}

/** True when `data` is a deploy output of either form, with the cluster it went to. */
export function isDeployOutput(data: JsonObject): data is DeployOutput {
  if (!hasStrings(data, 'server', 'context', 'namespace')) return false;
  if (typeof data['release'] === 'string') {
    const { objects } = data;
    const marked =
      objects === undefined ||
      (Array.isArray(objects) &&
        objects.every((o) => isJsonObject(o) && hasStrings(o, 'apiVersion', 'kind', 'name', 'marker')));
    return typeof data['revision'] === 'number' && marked;
  }
  const { objects } = data;
  return (
    hasStrings(data, 'label') &&
    Array.isArray(objects) &&
    objects.every((o) => isJsonObject(o) && hasStrings(o, 'apiVersion', 'kind', 'name', 'digest', 'marker'))
  );
}
