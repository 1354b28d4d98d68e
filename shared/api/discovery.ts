import type { ResourceDefinition } from './resource';

/** Group versions in the order discovery lists them: the core group first, then groups by name. */
export function groupVersions(defs: ResourceDefinition[]): Array<{ group: string; version: string; defs: ResourceDefinition[] }> {
  const byGv = new Map<string, { group: string; version: string; defs: ResourceDefinition[] }>();
  for (const def of defs) {
    const gv = byGv.get(def.apiVersion) ?? { group: def.group, version: def.version, defs: [] };
    gv.defs.push(def);
    byGv.set(def.apiVersion, gv);
  }
  return [...byGv.values()].sort((a, b) => (a.group === b.group ? 0 : a.group === '' ? -1 : b.group === '' ? 1 : a.group < b.group ? -1 : 1));
}

/** Verbs discovery advertises: watch and deletecollection are verbs of their own there. */
const discoveryVerbs = (def: ResourceDefinition) => [...def.verbs].sort();

export function apiResourceList(defs: ResourceDefinition[], groupVersion: string) {
  const resources = defs
    .filter((d) => d.apiVersion === groupVersion)
    .flatMap((def) => [
      {
        name: def.plural,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: discoveryVerbs(def),
        ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
        ...(def.categories.length ? { categories: def.categories } : {}),
      },
      ...def.subresources.map((sub) => {
        const info = subresourceInfo(def, sub);
        return {
          name: `${def.plural}/${sub}`,
          singularName: '',
          namespaced: def.namespaced,
          ...(info.group !== def.group || info.version !== def.version ? { group: info.group, version: info.version } : {}),
          kind: info.kind,
          verbs: info.verbs,
        };
      }),
    ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]) {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(defs: ResourceDefinition[]) {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions(defs)) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups].map(([g, v]) => apiGroup(g, v)) };
}

export function apiGroupOf(defs: ResourceDefinition[], group: string) {
  const versions = groupVersions(defs).filter((gv) => gv.group === group).map((gv) => gv.version);
  return versions.length ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

/**
 * Aggregated discovery (apidiscovery.k8s.io v2, and v2beta1 for kubectl 1.27): one request gives kubectl
 * every resource of `/api` or `/apis`, instead of one request per group version.
 */
export function aggregatedDiscovery(defs: ResourceDefinition[], core: boolean, apiVersion: string) {
  const byGroup = new Map<string, ReturnType<typeof groupVersions>>();
  for (const gv of groupVersions(defs).filter((g) => (g.group === '') === core)) {
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv]);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: [...byGroup].map(([group, gvs]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: gvs.map((gv) => ({
        version: gv.version,
        freshness: 'Current',
        resources: gv.defs.map((def) => ({
          resource: def.plural,
          responseKind: { group: def.group, version: def.version, kind: def.kind },
          scope: def.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: def.singular,
          verbs: discoveryVerbs(def),
          ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
          ...(def.categories.length ? { categories: def.categories } : {}),
          ...(def.subresources.length
            ? {
                subresources: def.subresources.map((sub) => {
                  const info = subresourceInfo(def, sub);
                  return { subresource: sub, responseKind: { group: info.group, version: info.version, kind: info.kind }, verbs: info.verbs };
                }),
              }
            : {}),
        })),
      })),
    })),
  };
}

/** Which aggregated discovery version the client accepts, if any (v2 preferred). */
export function aggregatedVersion(accept: string | null): string | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(',')) {
    const params = Object.fromEntries(clause.split(';').slice(1).map((kv) => kv.trim().split('=')));
    if (params.g === 'apidiscovery.k8s.io' && params.as === 'APIGroupDiscoveryList' && (params.v === 'v2' || params.v === 'v2beta1')) {
      return params.v;
    }
  }
  return undefined;
}

/** What a subresource serves: `/scale` is an autoscaling/v1 Scale, `/log` is read-only, `/status` the kind, exec/attach/portforward upgrade. */
export function subresourceInfo(def: ResourceDefinition, sub: string): { group: string; version: string; kind: string; verbs: string[] } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
  if (sub === 'log') return { group: def.group, version: def.version, kind: def.kind, verbs: ['get'] };
  // Connections, not objects: the apiserver lists them with their options kind and the two verbs that upgrade.
  const options: Record<string, string> = { exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions' };
  if (options[sub]) return { group: def.group, version: def.version, kind: options[sub], verbs: ['create', 'get'] };
  return { group: def.group, version: def.version, kind: def.kind, verbs: ['get', 'patch', 'update'] };
}
