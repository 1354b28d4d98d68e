import type { ResourceDefinition } from '../api/resource';
import { configMaps, secrets } from './configs';
import { endpointSlices, endpoints } from './endpoints';
import { events } from './events';
import { namespaces } from './namespaces';
import { nodes } from './nodes';
import { pods } from './pods';
import { services } from './services';
import { deployments, replicaSets } from './workloads';

/** Every kind the server serves; routes, discovery, OpenAPI and tables are all derived from this list. */
export const registry: ResourceDefinition[] = [namespaces, nodes, configMaps, secrets, pods, events, services, endpoints, endpointSlices, deployments, replicaSets];

export function findResource(resource: string): ResourceDefinition | undefined {
  return registry.find((d) => d.resource === resource);
}
