import type { LogOptions } from '../ctx';
import type { PodSpec, PodStatus } from '../k8s/core-v1';
import { pods } from '../resources/pods';
import { locate, route, subresourcePath, type RouteHandler } from './handlers';
import { isTrue } from './request';
import { badRequest, notFound } from './status';

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name} must be a non-negative integer, not "${v}"`);
  return n;
}

/** `pods/log`: the container's output, streamed while `follow` lasts. */
export function logHandler(): RouteHandler {
  return route(
    'GET',
    [subresourcePath(pods, 'log')],
    async (request, ctx) => {
      const url = new URL(request.url);
      const { namespace, name } = locate(pods, request);
      const pod = ctx.store.get(pods, namespace, name!);
      if (!pod) throw notFound(pods, name!);
      const spec = pod.spec as PodSpec;
      const names = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
      let container = url.searchParams.get('container') ?? undefined;
      if (!container) {
        if (spec.containers.length > 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]${spec.initContainers?.length ? ` or one of the init containers: [${spec.initContainers.map((c) => c.name).join(' ')}]` : ''}`);
        container = spec.containers[0].name;
      }
      if (!names.includes(container!)) throw badRequest(`container ${container} is not valid for pod ${name}`);
      const options: LogOptions = {
        container,
        follow: isTrue(url.searchParams.get('follow')),
        previous: isTrue(url.searchParams.get('previous')),
        timestamps: isTrue(url.searchParams.get('timestamps')),
        tailLines: intParam(url, 'tailLines'),
        sinceSeconds: intParam(url, 'sinceSeconds'),
        sinceTime: url.searchParams.get('sinceTime') ?? undefined,
        limitBytes: intParam(url, 'limitBytes'),
      };
      const podStatus = pod.status as PodStatus | undefined;
      const statuses = [...(podStatus?.initContainerStatuses ?? []), ...(podStatus?.containerStatuses ?? [])];
      const status = statuses.find((s) => s.name === container);
      if (options.previous && !status?.lastState?.terminated && !((status?.restartCount ?? 0) > 0)) {
        throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
      }
      const stream = await ctx.docker.logs(pod, container!, options, request.signal);
      if (!stream) {
        const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
        throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
      }
      return new Response(stream, { headers: { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' } });
    },
    { verb: 'get', resource: pods.resource, subresource: 'log' },
  );
}
