import type { ResourceDefinition } from '../api/resource';
import { namespaces } from './namespaces';
import { nodes } from './nodes';

/** Every kind the server serves; routes, discovery, OpenAPI and tables are all derived from this list. */
export const registry: ResourceDefinition[] = [namespaces, nodes] as unknown as ResourceDefinition[];

export function findResource(resource: string): ResourceDefinition | undefined {
  return registry.find((d) => d.resource === resource);
}
