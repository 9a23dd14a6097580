// The objects around a component's workload: its Service, Ingress and HorizontalPodAutoscaler, as
// loft-sh/component-chart's service, ingress and pod-autoscaling templates write them.
import type { Json } from '../../core/json.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import type { JsonObject, KubeObject } from './object.ts';
import { copyIfSet, mapOf, mapsOf, numberOf, stringMap, textOf, truthy } from './values-access.ts';

/** The labels that select the component's pods. */
export type Selector = { [key: string]: string };

/** The component's Service, when `service.ports` has any port. */
export function service(name: string, values: JsonObject, selector: Selector): KubeObject | undefined {
  const svc = mapOf(values, 'service');
  const ports = mapsOf(svc, 'ports');
  if (ports.length === 0) return undefined;
  const spec: JsonObject = {};
  for (const key of [
    'clusterIP',
    'externalIPs',
    'externalName',
    'externalTrafficPolicy',
    'healthCheckNodePort',
    'loadBalancerIP',
    'loadBalancerSourceRanges',
    'publishNotReadyAddresses',
    'sessionAffinity',
    'sessionAffinityConfig',
  ]) {
    copyIfSet(spec, svc, key);
  }
  spec['ports'] = ports.map((p, i) => ({
    name: textOf(p, 'name') ?? `port-${i}`,
    port: numberOf(p, 'port') ?? 0,
    targetPort: p['containerPort'] ?? p['port'] ?? 0,
    protocol: textOf(p, 'protocol') ?? 'TCP',
  }));
  spec['selector'] = selector;
  spec['type'] = textOf(svc, 'type') ?? 'ClusterIP';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: withAnnotations(
      {
        name: textOf(svc, 'name') ?? name,
        labels: { 'app.kubernetes.io/name': name, ...stringMap(svc, 'labels') },
      },
      stringMap(svc, 'annotations'),
    ),
    spec,
  };
}

/** The headless Service a StatefulSet needs for its pods' DNS names. */
export function headlessService(
  name: string,
  serviceName: string,
  values: JsonObject,
  selector: Selector,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: withAnnotations(
      { name: serviceName, labels: { 'app.kubernetes.io/name': name, ...stringMap(values, 'labels') } },
      stringMap(values, 'annotations'),
    ),
    // At least one port, or Kubernetes defines no endpoint and the pods get no DNS records.
    spec: { ports: [{ port: 80, name: 'web' }], clusterIP: 'None', selector },
  };
}

/** The component's Ingress, when `ingress.rules` has any rule. */
export function ingress(name: string, values: JsonObject): Result<KubeObject | undefined, string> {
  const ing = mapOf(values, 'ingress');
  const rules = mapsOf(ing, 'rules');
  if (rules.length === 0) return ok(undefined);
  const svc = mapOf(values, 'service');
  const serviceName = textOf(svc, 'name') ?? name;
  const firstPort = numberOf(mapsOf(svc, 'ports')[0], 'port');
  const tls = tlsSecret(ing, serviceName);
  const annotations = stringMap(ing, 'annotations');
  if (tls) addCertManager(annotations, ing);
  const spec: JsonObject = {};
  copyIfSet(spec, ing, 'ingressClassName');
  copyIfSet(spec, ing, 'defaultBackend');
  const renderedRules: Json[] = [];
  for (const rule of rules) {
    const port = numberOf(rule, 'servicePort') ?? firstPort;
    if (port === undefined) {
      return fail(
        `Cannot render the ingress of component "${name}": a rule has no "servicePort" and the service no ports`,
      );
    }
    renderedRules.push({
      host: textOf(rule, 'host') ?? '',
      http: {
        paths: [
          {
            backend: {
              service: { name: textOf(rule, 'serviceName') ?? serviceName, port: { number: port } },
            },
            path: textOf(rule, 'path') ?? '/',
            pathType: textOf(rule, 'pathType') ?? 'ImplementationSpecific',
          },
        ],
      },
    });
  }
  spec['rules'] = renderedRules;
  if (tls) spec['tls'] = [{ hosts: rules.map((r) => textOf(r, 'host') ?? ''), secretName: tls }];
  const objectName = textOf(ing, 'name') ?? textOf(ing, 'serviceName') ?? serviceName;
  return ok({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: withAnnotations(
      { name: objectName, labels: { 'app.kubernetes.io/name': name, ...stringMap(ing, 'labels') } },
      annotations,
    ),
    spec,
  });
}

function tlsSecret(ing: JsonObject, serviceName: string): string | undefined {
  const tls = ing['tls'];
  if (tls === true || tls === 'true') return `tls-${textOf(ing, 'name') ?? serviceName}`;
  if (typeof tls === 'string' && tls !== '' && tls !== 'false') return tls;
  return undefined;
}

function addCertManager(annotations: { [key: string]: string }, ing: JsonObject): void {
  const keys = Object.keys(annotations);
  const issuerSet = keys.some((k) => /^cert-?manager\.(io|k8s\.io)\/(cluster-)?issuer$/.test(k));
  const classSet = keys.some((k) => /http01-ingress-class$/.test(k));
  const issuer = textOf(ing, 'tlsClusterIssuer') ?? 'lets-encrypt-http-issuer';
  const ingressClass = textOf(ing, 'ingressClass') ?? 'nginx';
  if (!issuerSet) {
    annotations['cert-manager.io/cluster-issuer'] = issuer;
    annotations['certmanager.k8s.io/cluster-issuer'] = issuer;
  }
  if (!classSet) {
    annotations['acme.cert-manager.io/http01-ingress-class'] = ingressClass;
    annotations['certmanager.k8s.io/http01-ingress-class'] = ingressClass;
  }
}

/** The HorizontalPodAutoscaler of `autoScaling.horizontal`, when it may scale above `replicas`. */
export function autoscaler(
  name: string,
  kind: string,
  values: JsonObject,
  labels: Selector,
): KubeObject | undefined {
  const horizontal = mapOf(mapOf(values, 'autoScaling'), 'horizontal');
  const max = numberOf(horizontal, 'maxReplicas');
  const replicas = numberOf(values, 'replicas') ?? 1;
  if (max === undefined || max <= replicas) return undefined;
  const metrics: Json[] = [];
  const metric = (resource: string, target: JsonObject): void => {
    metrics.push({ type: 'Resource', resource: { name: resource, target } });
  };
  if (truthy(horizontal, 'averageCPU'))
    metric('cpu', { type: 'AverageValue', averageValue: textOf(horizontal, 'averageCPU') ?? '' });
  if (truthy(horizontal, 'averageRelativeCPU')) {
    metric('cpu', {
      type: 'Utilization',
      averageUtilization: Math.trunc(numberOf(horizontal, 'averageRelativeCPU') ?? 0),
    });
  }
  if (truthy(horizontal, 'averageMemory')) {
    metric('memory', { type: 'AverageValue', averageValue: textOf(horizontal, 'averageMemory') ?? '' });
  }
  if (truthy(horizontal, 'averageRelativeMemory')) {
    metric('memory', {
      type: 'Utilization',
      averageUtilization: Math.trunc(numberOf(horizontal, 'averageRelativeMemory') ?? 0),
    });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
      minReplicas: replicas,
      maxReplicas: max,
      metrics,
    },
  };
}

function withAnnotations(metadata: JsonObject, annotations: { [key: string]: string }): JsonObject {
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  return metadata;
}
