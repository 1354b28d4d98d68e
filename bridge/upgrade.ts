// Connection upgrades (exec, attach, port-forward): the request goes through the router like any other —
// so the bearer token is checked — and a handler that answers with an upgrade offer gets the connection
// after the handshake: a websocket (the `ws` library) or a direct SPDY/3.1 upgrade (the raw socket).
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../shared/ctx';
import { negotiate, offeredProtocols, requestedUpgrade, upgradeOffer, type UpgradeOffer, type Upgraded } from '../shared/api/upgrade';
import { errorResponse, failure, ApiError } from '../shared/api/status';

type FetchHandler = (request: Request) => Promise<Response>;

/** Above this many bytes queued on a websocket, a send waits for the socket to take them. */
const HIGH_WATER = 1 << 20;

function toRequest(req: IncomingMessage, socket: Duplex): Request {
  const controller = new AbortController();
  socket.once('close', () => controller.abort());
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(`https://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers, signal: controller.signal });
}

/** A plain HTTP answer on the socket the upgrade was asked on (errors, or a route that does not upgrade). */
async function writeResponse(socket: Duplex, res: Response): Promise<void> {
  const body = Buffer.from(await res.arrayBuffer());
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}

/** Buffers what arrives before the handler listens, so no byte after the handshake is lost. */
function inbox() {
  const early: Array<[Uint8Array, boolean]> = [];
  let listeners: Array<(d: Uint8Array, text: boolean) => void> | undefined;
  return {
    push(d: Uint8Array, text: boolean) {
      if (listeners) for (const fn of listeners) fn(d, text);
      else early.push([d, text]);
    },
    listen(fn: (d: Uint8Array, text: boolean) => void) {
      const first = !listeners;
      (listeners ??= []).push(fn);
      if (first) queueMicrotask(() => early.splice(0).forEach(([d, t]) => listeners!.forEach((l) => l(d, t))));
    },
  };
}

function websocketConnection(ws: WebSocket): Upgraded {
  const box = inbox();
  ws.on('message', (data, isBinary) => box.push(data as Buffer, !isBinary));
  ws.on('error', () => ws.terminate());
  return {
    transport: 'websocket',
    protocol: ws.protocol,
    send: (data) =>
      new Promise((resolve, reject) => {
        if (ws.readyState !== ws.OPEN) return reject(new Error('the websocket is closed'));
        let waiting = false;
        ws.send(data, { binary: typeof data !== 'string' }, (err) => (err ? reject(err) : waiting && resolve()));
        if (ws.bufferedAmount < HIGH_WATER) resolve();
        else waiting = true;
      }),
    onData: (fn) => box.listen(fn),
    onClose: (fn) => void ws.once('close', fn),
    close: (code = 1000, reason) => {
      ws.close(code, reason);
      // A client that never answers the close frame does not keep the socket.
      setTimeout(() => ws.terminate(), 5000).unref();
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}

function spdyConnection(socket: Duplex, protocol: string, head: Buffer): Upgraded {
  const box = inbox();
  if (head.length) box.push(head, false);
  socket.on('data', (d: Buffer) => box.push(d, false));
  socket.on('error', () => socket.destroy());
  let closed = false;
  socket.once('close', () => (closed = true));
  return {
    transport: 'spdy',
    protocol,
    send: (data) =>
      new Promise((resolve, reject) => {
        if (closed || socket.writableEnded) return reject(new Error('the connection is closed'));
        if (socket.write(data)) resolve();
        else socket.once('drain', () => resolve());
      }),
    onData: (fn) => box.listen(fn),
    onClose: (fn) => void (closed ? queueMicrotask(fn) : socket.once('close', fn)),
    close: () => {
      socket.end();
      setTimeout(() => socket.destroy(), 5000).unref();
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

/** The upgraded connections still open, with their offers, so that a shutdown can end them. */
const open = new Map<Duplex, UpgradeOffer>();

/**
 * Ends every upgraded connection for a shutdown: what each handler started is stopped first (an exec's
 * process is killed, so none outlives the server), the session gets a moment to send its result and
 * close normally, then what is left is cut.
 */
export async function closeUpgraded(graceMs = 1000): Promise<void> {
  if (!open.size) return;
  await Promise.all([...open.values()].map((offer) => offer.abandon?.().catch(() => undefined)));
  const deadline = Date.now() + graceMs;
  while (open.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const socket of open.keys()) socket.destroy();
}

async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, offer: UpgradeOffer, request: Request, log: Logger): Promise<void> {
  const transport = requestedUpgrade(request);
  const offered = offeredProtocols(request);
  const served = transport === 'websocket' ? offer.websocket : offer.spdy;
  // A websocket client that names no subprotocol gets the original channel protocol, as wsstream does.
  const protocol = !offered.length && transport === 'websocket' && served.includes('channel.k8s.io') ? 'channel.k8s.io' : negotiate(offered, served);
  if (!protocol) {
    await offer.abandon?.().catch(() => undefined);
    const message = `unable to upgrade connection: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${served.join(' ')}]`;
    return writeResponse(socket, errorResponse(new ApiError(400, 'BadRequest', message)));
  }
  const run = (conn: Upgraded) => {
    open.set(socket, offer);
    socket.once('close', () => open.delete(socket));
    offer.accept(conn).catch((err) => {
      log.warn({ err: (err as Error).message, url: req.url }, 'stream failed');
      conn.close(1011);
    });
  };
  if (transport === 'spdy') {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    return run(spdyConnection(socket, protocol, head));
  }
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => (offered.length ? protocol : false) });
  wss.handleUpgrade(req, socket, head, (ws) => run(Object.assign(websocketConnection(ws), { protocol })));
}

/** Serves upgrade requests on `server` through the same handler (router, auth) as every other request. */
export function serveUpgrades(server: HttpServer, handle: FetchHandler, log: Logger): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const request = toRequest(req, socket);
    handle(request)
      .then(async (res) => {
        const offer = upgradeOffer(res);
        if (!offer || !requestedUpgrade(request)) {
          await offer?.abandon?.();
          return writeResponse(socket, offer ? errorResponse(new ApiError(400, 'BadRequest', 'Upgrade request required')) : res);
        }
        if (socket.destroyed) return offer.abandon?.();
        return upgrade(req, socket, head, offer, request, log);
      })
      .catch((err) => {
        log.error({ err, url: req.url }, 'upgrade failed');
        void writeResponse(socket, new Response(JSON.stringify(failure(500, 'InternalError', String((err as Error).message))), { status: 500 })).catch(() => socket.destroy());
      });
  });
}
