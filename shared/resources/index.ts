import type { ResourceDefinition } from '../api/resource';
import { configMaps } from './configmaps';
import { endpointSlices, endpoints } from './endpoints';
import { events } from './events';
import { namespaces } from './namespaces';
import { nodes } from './nodes';
import { pods } from './pods';
import { secrets } from './secrets';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from './rbac';
import { serviceAccounts } from './serviceaccounts';
import { persistentVolumeClaims, persistentVolumes, storageClasses } from './storage';
import { services } from './services';
import { deployments, replicaSets } from './workloads';
import { nodeMetrics, podMetrics } from './metrics';

/** Every kind the server serves; routes, discovery, OpenAPI and tables are all derived from this list. */
export const registry: ResourceDefinition[] = [namespaces, nodes, pods, events, services, endpoints, endpointSlices, deployments, replicaSets, configMaps, secrets, serviceAccounts, roles, roleBindings, clusterRoles, clusterRoleBindings, persistentVolumeClaims, persistentVolumes, storageClasses, nodeMetrics, podMetrics];

export function findResource(resource: string): ResourceDefinition | undefined {
  return registry.find((d) => d.resource === resource);
}
