// metrics.k8s.io/v1beta1 from the runtime's usage samples, shaped as metrics-server answers: a pod's
// metrics are its running containers' (pods with none are left out), the node's are the host's.
import type { Ctx, MetricsSample, Usage } from '../ctx';
import type { KObject } from '../k8s/meta';
import type { ResourceDefinition } from './resource';
import { nodes } from '../resources/nodes';
import { nodeMetrics, podMetrics } from '../resources/metrics';
import { pods } from '../resources/pods';
import { locate, route, type RouteHandler } from './handlers';
import { resourcePaths } from './resource';
import { parseLabelSelector } from './selectors';
import { ApiError, jsonResponse } from './status';
import { rendering } from './request';
import { toTable } from './table';

const quantities = (u: Usage) => ({ cpu: `${Math.round(u.cpuNanoCores)}n`, memory: `${Math.round(u.memoryBytes / 1024)}Ki` });

function meta(obj: KObject, timestamp: string) {
  const { name, namespace, labels } = obj.metadata;
  return { name, ...(namespace && { namespace }), creationTimestamp: timestamp, ...(labels && { labels }) };
}

function podItem(pod: KObject, sample: MetricsSample): KObject | undefined {
  const containers = sample.pods[pod.metadata.uid!];
  if (!containers?.length) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: podMetrics.apiVersion,
    metadata: meta(pod, sample.timestamp),
    timestamp: sample.timestamp,
    window: `${sample.windowSeconds}s`,
    containers: containers.map((c) => ({ name: c.name, usage: quantities(c) })),
  } as unknown as KObject;
}

function nodeItem(node: KObject, sample: MetricsSample): KObject {
  return {
    kind: 'NodeMetrics',
    apiVersion: nodeMetrics.apiVersion,
    metadata: meta(node, sample.timestamp),
    timestamp: sample.timestamp,
    window: `${sample.windowSeconds}s`,
    usage: quantities(sample.node),
  } as unknown as KObject;
}

/** The metrics of every pod (or node) the store has, in the namespace asked. */
async function items(def: ResourceDefinition, ctx: Ctx, namespace?: string): Promise<KObject[]> {
  const sample = await ctx.docker.metrics();
  if (def === nodeMetrics) return ctx.store.list(nodes).map((n) => nodeItem(n, sample));
  return ctx.store
    .list(pods, namespace)
    .map((p) => podItem(p, sample))
    .filter((m): m is KObject => !!m);
}

function answer(def: ResourceDefinition, request: Request, ctx: Ctx, body: KObject | KObject[]): Response {
  const r = rendering(request);
  const list = Array.isArray(body);
  if (r.as === 'table') return jsonResponse(toTable(def, list ? body : [body], ctx.clock.now(), r, {}));
  return jsonResponse(list ? { kind: `${def.kind}List`, apiVersion: def.apiVersion, metadata: {}, items: body } : body);
}

export function metricsListHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'GET',
    resourcePaths(def).collection,
    async (request, ctx) => {
      const { namespace } = locate(def, request);
      const labels = parseLabelSelector(new URL(request.url).searchParams.get('labelSelector') ?? undefined);
      return answer(def, request, ctx, (await items(def, ctx, namespace)).filter(labels));
    },
    { verb: 'list', resource: def.resource },
  );
}

export function metricsGetHandler(def: ResourceDefinition): RouteHandler {
  return route(
    'GET',
    [resourcePaths(def).item],
    async (request, ctx) => {
      const { namespace, name } = locate(def, request);
      const found = (await items(def, ctx, namespace)).find((m) => m.metadata.name === name);
      // metrics-server's wording: the kind's lower-case name, not the resource's.
      if (!found) throw new ApiError(404, 'NotFound', `${def.kind.toLowerCase()}.${def.group} "${name}" not found`, { name, group: def.group, kind: def.plural });
      return answer(def, request, ctx, found);
    },
    { verb: 'get', resource: def.resource },
  );
}
