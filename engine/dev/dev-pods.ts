// Which pods and container a `dev:` entry means, DevSpace's way: pods with all of `labelSelector`'s labels and a
// container of `imageSelector`'s image (compared by repository: a redeploy changes the tag), running and not
// being deleted. The container is `container` when set, else the one the image matched, else the pod's first.
import type { DevConfig } from '../../core/config.ts';
import { parseImageRef } from '../../core/image-ref.ts';
import type { Json } from '../../core/json.ts';

/** A pod as listed, the fields read here. */
export interface ListedPod {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: { containers?: { name?: string; image?: string }[] };
  status?: { phase?: string; [key: string]: Json | undefined };
}

/** A pod's container that a dev entry selects. */
export interface SelectedContainer {
  pod: string;
  namespace: string;
  uid: string;
  container: string;
  /** `creationTimestamp`, for choosing the newest pod. */
  created: string;
}

/** The label selector of a LIST for `dev` (`a=1,b=2`, empty for all pods). */
export function labelSelectorOf(dev: DevConfig): string {
  return Object.entries(dev.labelSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The running pods of `pods` that `dev` selects, each with its container, oldest name first. */
export function selectContainers(dev: DevConfig, pods: readonly ListedPod[]): SelectedContainer[] {
  const wanted = dev.imageSelector === undefined ? undefined : repositoryOf(dev.imageSelector);
  const out: SelectedContainer[] = [];
  for (const pod of pods) {
    const { name, namespace, uid, creationTimestamp, deletionTimestamp } = pod.metadata ?? {};
    if (!name || !namespace || deletionTimestamp || pod.status?.phase !== 'Running') continue;
    const containers = (pod.spec?.containers ?? []).filter((c) => typeof c.name === 'string');
    const matched =
      wanted === undefined ? undefined : containers.find((c) => repositoryOf(c.image ?? '') === wanted);
    if (wanted !== undefined && !matched) continue;
    const container = dev.container ?? matched?.name ?? containers[0]?.name;
    if (container === undefined) continue;
    out.push({ pod: name, namespace, uid: uid ?? name, container, created: creationTimestamp ?? '' });
  }
  return out.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
}

function repositoryOf(image: string): string {
  return parseImageRef(image)?.normalized ?? image;
}

/** The pod port-forwards go to, as DevSpace picks it: the newest of the selected (a rollout's new pod). */
export function newestPod(selected: readonly SelectedContainer[]): SelectedContainer | undefined {
  let newest: SelectedContainer | undefined;
  for (const c of selected) if (!newest || c.created > newest.created) newest = c;
  return newest;
}
