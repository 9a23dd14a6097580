// Server-side defaulting for the fields clients depend on: `kubectl rollout status` refuses a StatefulSet
// without `updateStrategy.type`, helm's wait reads `strategy.rollingUpdate` and a Service's `clusterIP`.
// Defaults fill only what is unset, so they never fight a manager's applied configuration.
import { child, isRecord, removeKey, text, type KubeObject } from './object.ts';

/** Allocates cluster IPs and node ports; one per server, so addresses never repeat within it. */
export class Allocator {
  #nextIp = 1;
  #nextPort = 30000;
  #nextPod = 1;

  /** The next free cluster IP in 10.96.0.0/16. */
  clusterIp(): string {
    const n = this.#nextIp++;
    return `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  /** The next pod IP in 10.244.0.0/16. */
  podIp(): string {
    const n = this.#nextPod++;
    return `10.244.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  /** The next free node port. */
  nodePort(): number {
    return this.#nextPort++;
  }
}

function setDefault(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

/** Fills in the defaults of the object's kind, in place; `previous` keeps allocated addresses stable. */
export function applyDefaults(object: KubeObject, allocator: Allocator, previous?: KubeObject): void {
  dropEmptyMetadataMaps(object);
  const spec = isRecord(object['spec']) ? object['spec'] : undefined;
  switch (object.kind) {
    case 'Namespace':
      setDefault(child(object, 'spec'), 'finalizers', ['kubernetes']);
      setDefault(child(object, 'status'), 'phase', 'Active');
      return;
    case 'Deployment':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', {});
      defaultStrategy(child(spec, 'strategy'), { maxUnavailable: '25%', maxSurge: '25%' });
      defaultPodTemplate(spec);
      return;
    case 'StatefulSet':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      defaultStrategy(child(spec, 'updateStrategy'), { partition: 0 });
      defaultPodTemplate(spec);
      return;
    case 'DaemonSet':
      if (!spec) return;
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultStrategy(child(spec, 'updateStrategy'), { maxUnavailable: 1, maxSurge: 0 });
      defaultPodTemplate(spec);
      return;
    case 'ReplicaSet':
      if (!spec) return;
      setDefault(spec, 'replicas', 1);
      defaultPodTemplate(spec);
      return;
    case 'Job':
      if (!spec) return;
      defaultJob(object, spec);
      return;
    case 'CronJob':
      if (!spec) return;
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      return;
    case 'Pod':
      if (spec) defaultPodSpec(spec);
      setDefault(child(object, 'status'), 'phase', 'Pending');
      return;
    case 'Service':
      defaultService(child(object, 'spec'), allocator, previous);
      return;
    case 'Secret':
      if (object['type'] === '') object['type'] = 'Opaque';
      setDefault(object, 'type', 'Opaque');
      mergeStringData(object);
      return;
    case 'PersistentVolumeClaim':
      if (spec) setDefault(spec, 'volumeMode', 'Filesystem');
      setDefault(child(object, 'status'), 'phase', 'Pending');
      return;
    default:
      return;
  }
}

/**
 * The real server drops empty `labels`/`annotations` maps (Go's omitempty), e.g. after a patch removed
 * the last annotation; without this, a pod template would hash differently than before it was annotated.
 */
function dropEmptyMetadataMaps(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) dropEmptyMetadataMaps(v);
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'metadata' && isRecord(v)) {
      for (const field of ['labels', 'annotations']) {
        const map = v[field];
        if (isRecord(map) && Object.keys(map).length === 0) removeKey(v, field);
      }
    } else {
      dropEmptyMetadataMaps(v);
    }
  }
}

/** Like the real server: `stringData` is write-only, merged into `data` (base64) on every write. */
function mergeStringData(secret: KubeObject): void {
  const stringData = secret['stringData'];
  if (!isRecord(stringData)) return;
  const data = child(secret, 'data');
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(text(v), 'utf8').toString('base64');
  removeKey(secret, 'stringData');
}

function defaultStrategy(strategy: Record<string, unknown>, rolling: Record<string, unknown>): void {
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] !== 'RollingUpdate') return;
  const update = child(strategy, 'rollingUpdate');
  for (const [k, v] of Object.entries(rolling)) setDefault(update, k, v);
}

function defaultPodTemplate(spec: Record<string, unknown>): void {
  const template = spec['template'];
  if (isRecord(template) && isRecord(template['spec'])) defaultPodSpec(template['spec']);
}

function defaultPodSpec(podSpec: Record<string, unknown>): void {
  setDefault(podSpec, 'restartPolicy', 'Always');
  setDefault(podSpec, 'terminationGracePeriodSeconds', 30);
  setDefault(podSpec, 'dnsPolicy', 'ClusterFirst');
  setDefault(podSpec, 'schedulerName', 'default-scheduler');
  setDefault(podSpec, 'securityContext', {});
  for (const field of ['containers', 'initContainers']) {
    const containers = podSpec[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isRecord(container)) continue;
      const image = typeof container['image'] === 'string' ? container['image'] : '';
      const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
      setDefault(container, 'imagePullPolicy', tagged || image.includes('@') ? 'IfNotPresent' : 'Always');
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      setDefault(container, 'resources', {});
      const ports = container['ports'];
      if (Array.isArray(ports)) for (const p of ports) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
    }
  }
}

function defaultJob(job: KubeObject, spec: Record<string, unknown>): void {
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  // Like the real Job controller's admission: a generated selector and the matching pod labels.
  const uid = job.metadata.uid ?? '';
  const labels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
  };
  if (spec['manualSelector'] !== true) setDefault(spec, 'selector', { matchLabels: { ...labels } });
  const template = child(spec, 'template');
  const metadata = child(template, 'metadata');
  const templateLabels = child(metadata, 'labels');
  for (const [k, v] of Object.entries({ ...labels, 'controller-uid': uid, 'job-name': job.metadata.name })) {
    setDefault(templateLabels, k, v);
  }
  defaultPodTemplate(spec);
}

function defaultService(spec: Record<string, unknown>, allocator: Allocator, previous?: KubeObject): void {
  setDefault(spec, 'type', 'ClusterIP');
  const before = previous && isRecord(previous['spec']) ? previous['spec'] : {};
  // Like the real server: an update that leaves the address out keeps the allocated one.
  if (spec['clusterIP'] === undefined && typeof before['clusterIP'] === 'string') {
    spec['clusterIP'] = before['clusterIP'];
    setDefault(spec, 'clusterIPs', before['clusterIPs']);
  }
  const type = spec['type'];
  if (type === 'ExternalName') return;
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec['clusterIP'] === undefined) {
    const ip = allocator.clusterIp();
    spec['clusterIP'] = ip;
    spec['clusterIPs'] = [ip];
  }
  if (spec['clusterIP'] !== 'None') {
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  const ports = spec['ports'];
  if (!Array.isArray(ports)) return;
  for (const port of ports) {
    if (!isRecord(port)) continue;
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port['port']);
    if (type === 'NodePort' || type === 'LoadBalancer') setDefault(port, 'nodePort', allocator.nodePort());
  }
}
