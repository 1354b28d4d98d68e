// pods/portforward: the pod is checked before the upgrade; each forwarded connection is dialled inside
// the pod's network namespace by the bridge.
import { pods } from '../resources/pods';
import { SpdySession } from '../stream/spdy';
import { PORT_FORWARD_PROTOCOL, PORT_FORWARD_TUNNEL_PROTOCOL, servePortForward } from '../stream/portforward';
import { locate, route, subresourcePath, type RouteHandler } from './handlers';
import { badRequest, notFound } from './status';
import { requestedUpgrade, upgradeResponse } from './upgrade';

export function portForwardHandler(method: 'GET' | 'POST'): RouteHandler {
  return route(
    method,
    [subresourcePath(pods, 'portforward')],
    async (request, ctx) => {
      const { namespace, name } = locate(pods, request);
      const pod = ctx.store.get(pods, namespace, name!);
      if (!pod) throw notFound(pods, name!);
      if (!requestedUpgrade(request)) throw badRequest('Upgrade request required');
      return upgradeResponse({
        websocket: [PORT_FORWARD_TUNNEL_PROTOCOL],
        spdy: [PORT_FORWARD_PROTOCOL],
        accept: (conn) =>
          servePortForward(new SpdySession(conn), (port) => ctx.docker.dial(pod, port), (message) => ctx.log.debug({ pod: `${namespace}/${name}`, message }, 'port-forward failed')),
      });
    },
    { verb: method === 'GET' ? 'get' : 'create', resource: pods.resource, subresource: 'portforward' },
  );
}
