// Warnings the real server adds to successful writes of pods and pod templates (pkg/api/pod/warnings.go,
// GetWarningsForPod / GetWarningsForPodTemplate): the stand-in sends two of them, so clients can be held to
// showing what a real cluster says about an accepted manifest.
import { asArray, isRecord, type KubeObject } from './object.ts';

// Node labels deprecated in 1.14 and the ones to use instead.
const deprecatedNodeLabels: Record<string, string> = {
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
};

const templateKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The warnings of a write of `object`: deprecated node selector labels, duplicate container ports. */
export function podWarnings(object: KubeObject): string[] {
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  if (object.kind === 'Pod') return podSpecWarnings(spec, 'spec');
  if (!templateKinds.has(object.kind)) return [];
  const template = isRecord(spec['template']) ? spec['template'] : {};
  return podSpecWarnings(isRecord(template['spec']) ? template['spec'] : {}, 'spec.template.spec');
}

function podSpecWarnings(spec: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  const selector = isRecord(spec['nodeSelector']) ? spec['nodeSelector'] : {};
  for (const key of Object.keys(selector)) {
    const instead = deprecatedNodeLabels[key];
    if (instead) out.push(`${at}.nodeSelector[${key}]: deprecated since v1.14; use "${instead}" instead`);
  }
  asArray(spec['containers']).forEach((container, c) => {
    const seen = new Map<string, number>();
    asArray(isRecord(container) ? container['ports'] : undefined).forEach((port, p) => {
      if (!isRecord(port)) return;
      const id = JSON.stringify([
        port['containerPort'],
        port['protocol'] ?? 'TCP',
        port['hostIP'],
        port['hostPort'],
      ]);
      const first = seen.get(id);
      const path = `${at}.containers[${c}].ports`;
      if (first === undefined) seen.set(id, p);
      else out.push(`${path}[${p}]: duplicate port definition with ${path}[${first}]`);
    });
  });
  return out;
}
