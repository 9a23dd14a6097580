// The component chart's values dsg renders (component.ts, component-pod.ts, component-network.ts): every other
// field of a component's values (`serviceAccount`, a typo) is named in a warning when the config is loaded.

/** Top-level fields of component values that the native renderer reads. */
export const COMPONENT_FIELDS: ReadonlySet<string> = new Set([
  'containers',
  'initContainers',
  'replicas',
  'autoScaling',
  'rollingUpdate',
  'volumes',
  'service',
  'serviceName',
  'ingress',
  'labels',
  'annotations',
  'podManagementPolicy',
  'pullSecrets',
  'nodeSelector',
  'nodeName',
  'affinity',
  'tolerations',
]);

/** Fields of one entry of `containers` / `initContainers` that the native renderer reads. */
export const CONTAINER_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'image',
  'stdin',
  'tty',
  'command',
  'args',
  'env',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'volumeMounts',
  'resources',
]);
