// pods/exec and pods/attach: checked as the apiserver checks them (pod, container, options), then the
// connection is upgraded and the command runs over it.
import type { Ctx, ProcessOptions } from '../ctx';
import type { KObject } from '../k8s/meta';
import { pods } from '../resources/pods';
import { serveCommand, websocketClient } from '../stream/remotecommand';
import { REMOTE_COMMAND_PROTOCOLS } from '../stream/channels';
import { spdyCommandClient, SPDY_REMOTE_COMMAND_PROTOCOLS } from '../stream/spdy-remotecommand';
import { SpdySession } from '../stream/spdy';
import { locate, route, subresourcePath, type RouteHandler } from './handlers';
import { badRequest, notFound } from './status';
import { requestedUpgrade, upgradeResponse } from './upgrade';

type Json = any;
type Kind = 'exec' | 'attach';

const flag = (params: URLSearchParams, name: string, fallback: boolean) => {
  const v = params.get(name);
  return v === null ? fallback : v === 'true' || v === '1';
};

/** The pod and container a stream names, checked with the apiserver's messages. */
export function streamTarget(ctx: Ctx, request: Request): { pod: KObject; container: string } {
  const { namespace, name } = locate(pods, request);
  const pod = ctx.store.get(pods, namespace, name!);
  if (!pod) throw notFound(pods, name!);
  const spec = pod.spec as Json;
  const names = [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])].map((c: Json) => c.name);
  let container = new URL(request.url).searchParams.get('container') || undefined;
  if (!container) {
    if (spec.containers.length > 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c: Json) => c.name).join(' ')}]`);
    container = spec.containers[0].name as string;
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return { pod, container };
}

function commandHandler(kind: Kind, method: 'GET' | 'POST'): RouteHandler {
  return route(
    method,
    [subresourcePath(pods, kind)],
    async (request, ctx) => {
      const { pod, container } = streamTarget(ctx, request);
      const params = new URL(request.url).searchParams;
      const options: ProcessOptions = {
        command: kind === 'exec' ? params.getAll('command') : undefined,
        stdin: flag(params, 'stdin', false),
        stdout: flag(params, 'stdout', true),
        stderr: flag(params, 'stderr', true),
        tty: flag(params, 'tty', false),
      };
      if (kind === 'exec' && !options.command!.length) throw badRequest('you must specify at least 1 command');
      if (!options.stdin && !options.stdout && !options.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
      // A TTY has one output stream; the kubelet drops stderr then.
      if (options.tty) options.stderr = false;
      const transport = requestedUpgrade(request);
      if (!transport) throw badRequest('Upgrade request required');
      // Started before the upgrade, so that a container that is not running is an HTTP error kubectl shows.
      const proc = await (kind === 'exec' ? ctx.docker.exec(pod, container, options) : ctx.docker.attach(pod, container, options));
      if (!proc) throw badRequest(`container not found ("${container}")`);
      return upgradeResponse({
        websocket: REMOTE_COMMAND_PROTOCOLS,
        spdy: SPDY_REMOTE_COMMAND_PROTOCOLS,
        async accept(conn) {
          if (conn.transport === 'websocket') return serveCommand(websocketClient(conn, options.command), proc);
          const session = new SpdySession(conn);
          return serveCommand(await spdyCommandClient(session, conn.protocol, options, options.command), proc);
        },
        async abandon() {
          await proc.stop();
        },
      });
    },
    { verb: method === 'GET' ? 'get' : 'create', resource: pods.resource, subresource: kind },
  );
}

export const execHandler = (method: 'GET' | 'POST') => commandHandler('exec', method);
export const attachHandler = (method: 'GET' | 'POST') => commandHandler('attach', method);
