import { z } from 'zod';
import { defineResource } from '../api/resource';
import { typeMeta, type KObject } from '../k8s/meta';

type Json = any;

// metrics.k8s.io as metrics-server serves it: read-only, computed on request from the runtime's samples,
// never stored. `kubectl top` and autoscalers read it.
const usage = z.record(z.string(), z.string()).describe('The memory and CPU usage: cpu in cores (nanocores), memory as the working set in bytes.');

export const PodMetricsSchema = z
  .looseObject({
    ...typeMeta,
    timestamp: z.string().optional().describe('The end of the window the usage was measured over.'),
    window: z.string().optional().describe('The length of the window the usage was measured over.'),
    containers: z
      .array(z.looseObject({ name: z.string().describe('Container name corresponding to the one from pod.spec.containers.'), usage }).meta({ id: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics' }))
      .optional()
      .describe('Metrics for all containers are collected within the same time window.'),
  })
  .meta({ id: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics', description: 'PodMetrics sets resource usage metrics of a pod.' });

export const NodeMetricsSchema = z
  .looseObject({
    ...typeMeta,
    timestamp: z.string().optional().describe('The end of the window the usage was measured over.'),
    window: z.string().optional().describe('The length of the window the usage was measured over.'),
    usage: usage.optional(),
  })
  .meta({ id: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics', description: 'NodeMetrics sets resource usage metrics of a node.' });

const cpu = (u: Record<string, string> | undefined) => u?.cpu ?? '';
const memory = (u: Record<string, string> | undefined) => u?.memory ?? '';
const sum = (obj: Json, key: 'cpu' | 'memory') => {
  const units = key === 'cpu' ? 'n' : 'Ki';
  return `${(obj.containers ?? []).reduce((n: number, c: Json) => n + (parseInt(c.usage?.[key] ?? '0', 10) || 0), 0)}${units}`;
};

export const podMetrics = defineResource<KObject & Json>({
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  kind: 'PodMetrics',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  verbs: ['get', 'list'],
  schema: PodMetricsSchema,
  columns: [
    { name: 'CPU', type: 'string', description: 'CPU usage of all containers, in nanocores.', cell: (m) => sum(m, 'cpu') },
    { name: 'Memory', type: 'string', description: 'Working-set memory of all containers.', cell: (m) => sum(m, 'memory') },
    { name: 'Window', type: 'string', description: 'The window the usage was measured over.', cell: (m) => m.window ?? '' },
  ],
});

export const nodeMetrics = defineResource<KObject & Json>({
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  kind: 'NodeMetrics',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  verbs: ['get', 'list'],
  schema: NodeMetricsSchema,
  columns: [
    { name: 'CPU', type: 'string', description: 'CPU usage of the node, in nanocores.', cell: (m) => cpu(m.usage) },
    { name: 'Memory', type: 'string', description: 'Working-set memory of the node.', cell: (m) => memory(m.usage) },
    { name: 'Window', type: 'string', description: 'The window the usage was measured over.', cell: (m) => m.window ?? '' },
  ],
});
