import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Logger } from '../shared/ctx';
import { closeUpgraded, serveUpgrades } from './upgrade';

export type FetchHandler = (request: Request) => Promise<Response>;

/** Requests in flight: their signals abort when the server shuts down, which ends watches and log streams. */
const inFlight = new Set<AbortController>();

/** The Node request as a Fetch Request whose signal aborts when the client goes away (or we shut down). */
function toRequest(req: IncomingMessage, res: ServerResponse): Request {
  const controller = new AbortController();
  inFlight.add(controller);
  res.on('close', () => {
    inFlight.delete(controller);
    controller.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`https://${req.headers.host ?? 'localhost'}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: 'half',
    signal: controller.signal,
  } as RequestInit);
}

/** Streams the Response back, waiting for the socket to drain so a slow watcher cannot fill memory. */
async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name in headers ? ([] as string[]).concat(headers[name], value) : value;
  });
  const warnings = response.headers.get('warning');
  if (warnings) headers.warning = warnings.split(/,\s*(?=299 )/);
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const streaming = !response.headers.has('content-length');
  if (streaming) res.flushHeaders();
  const reader = response.body.getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  res.on('close', stop);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (res.destroyed) break;
    }
  } finally {
    res.off('close', stop);
    res.end();
  }
}

/**
 * Stops accepting, ends every long-lived response (watches, `logs -f`) cleanly through its request's
 * signal, and resolves once the last connection is gone — or after `graceMs`, closing what is left.
 */
export async function stopServer(server: Server, graceMs = 2000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const controller of inFlight) controller.abort();
  await closeUpgraded();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

export function startServer(opts: { cert: string; key: string; port: number; host: string; handle: FetchHandler; log: Logger }): Promise<Server> {
  const server = createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    const started = performance.now();
    const request = toRequest(req, res);
    opts
      .handle(request)
      .then((response) => {
        opts.log.debug({ method: req.method, url: req.url, status: response.status, ms: Math.round(performance.now() - started) }, 'request');
        return send(response, res);
      })
      .catch((err) => {
        opts.log.error({ err, url: req.url }, 'request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end();
      });
  });
  server.keepAliveTimeout = 65_000;
  serveUpgrades(server, opts.handle, opts.log);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
