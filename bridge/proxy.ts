// The data plane of one Service: a small process in its own container on the namespace network, whose
// network aliases are the Service's DNS names. It listens on the Service's ports and forwards each TCP
// connection (or UDP flow) to a ready endpoint, round-robin. The runtime writes the ready endpoints to
// its stdin (one JSON line per change, through the Docker socket), so scaling, rolling updates and
// readiness changes are followed within moments, no backing pod is ever recreated, and the proxy needs
// no route to the API server. Only Node built-ins: this file is bundled alone into the runtime image.
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

interface ServicePort {
  name?: string;
  port: number;
  protocol: string;
}

interface Target {
  ip: string;
  port: number;
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`k2d-ts proxy: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
};

const namespace = env('K2D_NAMESPACE');
const service = env('K2D_SERVICE');
const ports: ServicePort[] = JSON.parse(env('K2D_PORTS'));
const CONNECT_TIMEOUT_MS = 1000;
const UDP_IDLE_MS = 30_000;

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

/** Ready targets per Service port (keyed `name/protocol`). */
let targets = new Map<string, Target[]>();
const cursor = new Map<string, number>();
const keyOf = (name: string | undefined, protocol: string) => `${name ?? ''}/${protocol}`;

/** A line from the runtime: `{"targets": {"<port name>/<protocol>": [{"ip": "…", "port": 8080}]}}`. */
function setTargets(line: string) {
  let state: { targets?: Record<string, Target[]> };
  try {
    state = JSON.parse(line);
  } catch {
    log(`ignored a line that is not JSON: ${line.slice(0, 80)}`);
    return;
  }
  targets = new Map(Object.entries(state.targets ?? {}));
  const summary = [...targets.entries()].map(([k, v]) => `${k}=${v.map((t) => `${t.ip}:${t.port}`).join(',') || '-'}`).join(' ');
  log(`endpoints: ${summary || 'none'}`);
}

/** The next target for a port, round-robin; `skip` are the ones that just refused us. */
function choose(port: ServicePort, skip: Set<string>): Target | undefined {
  const key = keyOf(port.name, port.protocol);
  const list = targets.get(key) ?? [];
  for (let tries = 0; tries < list.length; tries++) {
    const n = cursor.get(key) ?? 0;
    cursor.set(key, n + 1);
    const target = list[n % list.length];
    if (!skip.has(`${target.ip}:${target.port}`)) return target;
  }
  return undefined;
}

function serveTcp(port: ServicePort) {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    client.pause();
    const tried = new Set<string>();
    // A pod that is going away may still be listed for a moment: try the next one rather than fail.
    const attempt = () => {
      const target = choose(port, tried);
      if (!target) {
        client.destroy();
        return;
      }
      tried.add(`${target.ip}:${target.port}`);
      const upstream: Socket = connect({ host: target.ip, port: target.port, allowHalfOpen: true });
      upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timeout')));
      upstream.once('connect', () => {
        upstream.setTimeout(0);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        upstream.destroy();
        attempt();
      });
    };
    client.on('error', () => undefined);
    attempt();
  });
  server.on('error', (err) => {
    log(`cannot listen on ${port.port}/TCP: ${err.message}`);
    process.exit(1);
  });
  server.listen(port.port, '0.0.0.0');
}

function serveUdp(port: ServicePort) {
  const socket = createSocket('udp4');
  // One upstream socket per client address, so replies find their way back; idle flows are closed.
  const flows = new Map<string, { upstream: UdpSocket; target: Target; timer?: NodeJS.Timeout }>();
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    const id = `${from.address}:${from.port}`;
    let flow = flows.get(id);
    if (!flow) {
      const target = choose(port, new Set());
      if (!target) return;
      const upstream = createSocket('udp4');
      upstream.on('message', (reply) => socket.send(reply, from.port, from.address));
      upstream.on('error', () => undefined);
      flow = { upstream, target };
      flows.set(id, flow);
    }
    const current = flow;
    clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      current.upstream.close();
      flows.delete(id);
    }, UDP_IDLE_MS);
    current.upstream.send(msg, current.target.port, current.target.ip);
  });
  socket.on('error', (err) => {
    log(`cannot listen on ${port.port}/UDP: ${err.message}`);
    process.exit(1);
  });
  socket.bind(port.port, '0.0.0.0');
}

for (const p of ports) {
  if (p.protocol === 'UDP') serveUdp(p);
  else if (p.protocol === 'TCP') serveTcp(p);
  else log(`port ${p.port}/${p.protocol}: only TCP and UDP are forwarded`);
}
createInterface({ input: process.stdin }).on('line', setTargets);
process.on('SIGTERM', () => process.exit(0));
log(`proxy for ${namespace}/${service}: ${ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}`);
