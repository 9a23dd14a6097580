// The resource types the stand-in serves: the built-in ones dsg deploys, plus whatever CRDs create.
import { text, type KubeObject } from './object.ts';

/** One served resource: what discovery advertises and what the router resolves paths to. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the path segment (`deployments`). */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresources served besides the main resource (`status`, `scale`). */
  subresources: string[];
  /** Set when the type comes from a CustomResourceDefinition, so deleting the CRD removes it. */
  crd?: string;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The verbs every served type supports; the stand-in treats all types alike. */
export const verbs: readonly string[] = allVerbs;

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[] = [],
  subresources: string[] = ['status'],
  categories: string[] = [],
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories,
    subresources,
  };
}

/** The built-in types, in the order discovery lists them. */
function builtinTypes(): ResourceType[] {
  const all = ['all'];
  return [
    builtin('', 'v1', 'Namespace', 'namespaces', false, ['ns']),
    builtin('', 'v1', 'Pod', 'pods', true, ['po'], ['status', 'log', 'portforward'], all),
    builtin('', 'v1', 'Service', 'services', true, ['svc'], ['status'], all),
    builtin('', 'v1', 'ConfigMap', 'configmaps', true, ['cm'], []),
    builtin('', 'v1', 'Secret', 'secrets', true, [], []),
    builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa'], []),
    builtin('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc']),
    builtin('', 'v1', 'Event', 'events', true, ['ev'], []),
    builtin('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ['status', 'scale'], all),
    builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], ['status', 'scale'], all),
    builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], ['status'], all),
    builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['status', 'scale'], all),
    builtin('batch', 'v1', 'Job', 'jobs', true, [], ['status'], all),
    builtin('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], ['status'], all),
    builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing']),
    builtin(
      'autoscaling',
      'v2',
      'HorizontalPodAutoscaler',
      'horizontalpodautoscalers',
      true,
      ['hpa'],
      ['status'],
      all,
    ),
    builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, [
      'crd',
      'crds',
    ]),
  ];
}

/** `group/version`, or `version` alone for the core group, as in `apiVersion`. */
export function groupVersion(type: { group: string; version: string }): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `plural.group` (or `plural` for core), the resource name used in error messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

/** The served types of one server; CRDs add and remove types while it runs. */
export class ResourceRegistry {
  #types: ResourceType[] = builtinTypes();
  // The spec each CRD's served types were made from, to tell when an update must be served anew.
  #registered = new Map<string, string>();

  /** True when the types of this CRD are served as its current spec declares them. */
  serves(crd: KubeObject): boolean {
    return this.#registered.get(crd.metadata.name) === JSON.stringify(crd['spec'] ?? {});
  }

  /** Every served type, built-ins first. */
  all(): readonly ResourceType[] {
    return this.#types;
  }

  /** The type served at `group/version` under `plural`. */
  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The type with this `apiVersion` and `kind`. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.#types.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
  }

  /** Serves the versions a CustomResourceDefinition declares, replacing what it served before. */
  registerCrd(crd: KubeObject): void {
    const name = crd.metadata.name;
    this.unregisterCrd(name);
    this.#registered.set(name, JSON.stringify(crd['spec'] ?? {}));
    const spec = asRecord(crd['spec']);
    const names = asRecord(spec['names']);
    const group = text(spec['group']);
    const kind = text(names['kind']);
    const plural = text(names['plural']);
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    for (const v of versions) {
      const version = asRecord(v);
      if (version['served'] === false) continue;
      const subresources = Object.keys(asRecord(version['subresources']));
      this.#types.push({
        group,
        version: text(version['name']),
        kind,
        plural,
        singular: text(names['singular'], kind.toLowerCase()),
        namespaced: spec['scope'] !== 'Cluster',
        shortNames: stringList(names['shortNames']),
        categories: stringList(names['categories']),
        subresources,
        crd: name,
      });
    }
  }

  /** Stops serving the types of the named CRD. */
  unregisterCrd(name: string): ResourceType[] {
    this.#registered.delete(name);
    const removed = this.#types.filter((t) => t.crd === name);
    this.#types = this.#types.filter((t) => t.crd !== name);
    return removed;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
