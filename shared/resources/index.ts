import type { ResourceDefinition } from '../api/resource';
import { events } from './events';
import { namespaces } from './namespaces';
import { nodes } from './nodes';
import { pods } from './pods';

/** Every kind the server serves; routes, discovery, OpenAPI and tables are all derived from this list. */
export const registry: ResourceDefinition[] = [namespaces, nodes, pods, events];

export function findResource(resource: string): ResourceDefinition | undefined {
  return registry.find((d) => d.resource === resource);
}
