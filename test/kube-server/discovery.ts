// Discovery: `/version`, the legacy lists (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`) and the aggregated
// `APIGroupDiscoveryList` that kubectl 1.32 and helm 3.17 ask for first (they fall back to the legacy
// lists when the answer comes in another format, but aggregated discovery saves them a request per group).
import { groupVersion, verbs, type ResourceRegistry, type ResourceType } from './resources.ts';

/** The Kubernetes version the stand-in claims to be. */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.3',
  gitCommit: '32cc146f75aad04beaaa245a7157eb35063a9f99',
  gitTreeState: 'clean',
  buildDate: '2025-03-11T19:52:21Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** The media type of aggregated discovery (v2). */
export const aggregatedMediaType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for aggregated discovery v2. */
export function wantsAggregated(accept: string): boolean {
  return accept.includes('g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
}

interface GroupVersions {
  name: string;
  versions: string[];
}

function groups(registry: ResourceRegistry): GroupVersions[] {
  const out: GroupVersions[] = [];
  for (const type of registry.all()) {
    if (type.group === '') continue;
    let group = out.find((g) => g.name === type.group);
    if (!group) out.push((group = { name: type.group, versions: [] }));
    if (!group.versions.includes(type.version)) group.versions.push(type.version);
  }
  return out;
}

/** `GET /api`. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: GroupVersions): object {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

/** `GET /apis`. */
export function apiGroupList(registry: ResourceRegistry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(registry).map(apiGroup) };
}

/** `GET /apis/<group>`, or undefined when the group is not served. */
export function apiGroupOf(registry: ResourceRegistry, name: string): object | undefined {
  const group = groups(registry).find((g) => g.name === name);
  return group && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

/** `GET /api/v1` or `/apis/<group>/<version>`, or undefined when that version is not served. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): object | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: [...verbs],
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length > 0 ? { categories: t.categories } : {}),
    },
    ...t.subresources.map((sub) => ({
      name: `${t.plural}/${sub}`,
      singularName: '',
      namespaced: t.namespaced,
      ...subresourceKind(t, sub),
      verbs: subresourceVerbs(sub),
    })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

function subresourceVerbs(sub: string): string[] {
  if (sub === 'log') return ['get'];
  if (sub === 'portforward') return ['create', 'get'];
  return ['get', 'patch', 'update'];
}

function subresourceKind(type: ResourceType, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'portforward') return { group: '', version: 'v1', kind: 'PodPortForwardOptions' };
  if (sub === 'log') return { group: '', version: 'v1', kind: 'Pod' };
  return { group: type.group, version: type.version, kind: type.kind };
}

function discoveryResource(t: ResourceType): object {
  return {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...verbs],
    ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length > 0 ? { categories: t.categories } : {}),
    ...(t.subresources.length > 0
      ? {
          subresources: t.subresources.map((sub) => ({
            subresource: sub,
            responseKind: subresourceKind(t, sub),
            verbs: subresourceVerbs(sub),
          })),
        }
      : {}),
  };
}

/** Aggregated discovery for `/api` (core, `legacy`) or `/apis` (every named group). */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean): object {
  const items = legacy
    ? [{ name: '', versions: ['v1'] }]
    : groups(registry).map((g) => ({ name: g.name, versions: g.versions }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: items.map((g) => ({
      metadata: g.name === '' ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: registry
          .all()
          .filter((t) => t.group === g.name && t.version === version)
          .map(discoveryResource),
        freshness: 'Current',
      })),
    })),
  };
}
