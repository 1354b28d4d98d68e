import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Logger } from '../shared/ctx';
import { ApiError, badRequest, failure, internal, type Status } from '../shared/api/status';
import { closeUpgraded, serveUpgrades } from './upgrade';

export type FetchHandler = (request: Request) => Promise<Response>;

/** Requests in flight: their signals abort when the server shuts down, which ends watches and log streams. */
const inFlight = new Set<AbortController>();

/**
 * Methods Node parses but the Fetch API refuses to carry (`new Request` throws on them). Such a request
 * reaches the router under a stand-in method, remembered here, so it is authenticated and answered 405
 * like any other method no route has.
 */
const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const STAND_IN_METHOD = 'K2D-REFUSED';
const refused = new WeakMap<Request, string>();

/** The method the client sent when Fetch could not carry it, else undefined. */
export const refusedMethod = (request: Request): string | undefined => refused.get(request);

/**
 * The request target as a URL. Only origin-form (`/path?query`) names a resource here; absolute-form is
 * reduced to its path, and authority-form (CONNECT) or `*` to `/`. A Host header that is not a host name
 * is not trusted into the URL.
 */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  let path = '/';
  if (target.startsWith('/')) path = target;
  else if (/^https?:\/\//i.test(target)) {
    try {
      const absolute = new URL(target);
      path = absolute.pathname + absolute.search;
    } catch {
      throw badRequest(`the request target is not a valid URL: ${JSON.stringify(target.slice(0, 200))}`);
    }
  }
  for (const host of [req.headers.host ?? 'localhost', 'localhost']) {
    try {
      const url = new URL(path, `https://${host}`);
      if (host === 'localhost' || url.host === host.toLowerCase()) return url;
    } catch {
      // a Host header that is no host: the next candidate
    }
  }
  throw badRequest(`the request target is not a valid URL: ${JSON.stringify(target.slice(0, 200))}`);
}

/** The Node request as a Fetch Request whose signal aborts when the client goes away (or we shut down). */
function toRequest(req: IncomingMessage, onClose: (listener: () => void) => void): Request {
  const url = requestUrl(req);
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
  } catch (err) {
    throw badRequest(`the request has a header Fetch cannot carry: ${(err as Error).message}`);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const standIn = REFUSED_METHODS.has(method);
  const hasBody = method !== 'GET' && method !== 'HEAD' && !standIn;
  const controller = new AbortController();
  inFlight.add(controller);
  onClose(() => {
    inFlight.delete(controller);
    controller.abort();
  });
  const request = new Request(url, {
    method: standIn ? STAND_IN_METHOD : method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    duplex: 'half',
    signal: controller.signal,
  } as RequestInit);
  if (standIn) refused.set(request, method);
  return request;
}

/**
 * The body as a web stream that takes from the socket only as fast as the handler reads, so what a
 * handler leaves unread (it answered 401, 413, 415 first) stays on the socket for `settleBody`.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (!done) controller.close();
          done = true;
        });
        req.once('error', (err) => {
          if (!done) controller.error(err);
          done = true;
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        done = true;
        req.removeAllListeners('data');
        req.pause();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** An unread rest of a body up to this size is read and dropped to keep the connection (Go's net/http: 256 KiB). */
const DRAIN_LIMIT = 256 * 1024;

/** Whether the body the handler left unread is small enough to drain; otherwise the connection closes. */
function drainable(req: IncomingMessage): boolean {
  if (req.complete) return true;
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared <= DRAIN_LIMIT;
}

/**
 * After the answer: the rest of a body nobody read must leave the socket before the next request on
 * it can be parsed. A small rest is read and dropped; a large or unknown one is dropped for a moment
 * (so the client is not stuck writing and reads our answer) while the connection closes.
 */
function settleBody(req: IncomingMessage) {
  if (req.complete || req.destroyed) return;
  const keep = drainable(req);
  let seen = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    seen += chunk.byteLength;
    if (seen > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
  if (!keep) setTimeout(() => req.socket.destroy(), 1000).unref();
}

/** A Status as the bytes of a whole HTTP/1.1 response, for sockets Node has no ServerResponse for. */
function rawStatus(status: Status, extra: Record<string, string> = {}): string {
  const body = JSON.stringify(status);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...extra };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status.code} ${STATUS_TEXT[status.code ?? 500] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

/** What a request Node could not parse gets: a Status with the code the parser's error calls for. */
function clientErrorStatus(err: NodeJS.ErrnoException): Status {
  switch (err.code) {
    case 'HPE_INVALID_METHOD':
      return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    case 'HPE_HEADER_OVERFLOW':
      return failure(431, 'RequestHeaderFieldsTooLarge', 'the request headers are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return failure(408, 'Timeout', 'the request was not received in time');
    default:
      return failure(400, 'BadRequest', `the request could not be parsed: ${err.code ?? err.message}`);
  }
}

/** A response for a request that failed before (or outside) the router: always a Status. */
function failedResponse(err: unknown): Response {
  const status = err instanceof ApiError ? err.toStatus() : internal(err instanceof Error ? err.message : String(err)).toStatus();
  return new Response(JSON.stringify(status), { status: status.code, headers: { 'content-type': 'application/json' } });
}

/** Streams the Response back, waiting for the socket to drain so a slow watcher cannot fill memory. */
async function send(response: Response, res: ServerResponse, req: IncomingMessage): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name in headers ? ([] as string[]).concat(headers[name], value) : value;
  });
  const warnings = response.headers.get('warning');
  if (warnings) headers.warning = warnings.split(/,\s*(?=299 )/);
  if (!drainable(req)) headers.connection = 'close';
  res.once('finish', () => settleBody(req));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const streaming = !response.headers.has('content-length');
  // Not flushHeaders(): it writes the head as a UTF-8 string, an empty Buffer writes it as Latin-1 —
  // the one encoding in which a Warning's UTF-8 bytes (one character each) reach the client unchanged.
  if (streaming) res.write(new Uint8Array(0));
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

/**
 * TLS 1.2 with AEAD suites only (GCM, ChaCha20-Poly1305; no CBC, no SHA-1 MACs), forward-secret key
 * exchange, as Go's and so the apiserver's secure defaults; TLS 1.3 suites are all AEAD.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The apiserver's ReadHeaderTimeout: a client gets this long to send its request headers. */
export const HEADERS_TIMEOUT_MS = 32_000;

export function startServer(opts: { cert: string; key: string; port: number; host: string; handle: FetchHandler; log: Logger; headersTimeoutMs?: number }): Promise<Server> {
  const headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const tls = { cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2' as const, ciphers: TLS_CIPHERS, honorCipherOrder: true };
  // Node checks its timeouts every connectionsCheckingInterval (30 s by default): often enough here that
  // a slow-header client is cut off near the timeout, not up to 30 s after it.
  const server = createServer({ ...tls, headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, (req, res) => {
    const started = performance.now();
    // Nothing on this path may throw out of the listener: that would take the process down.
    Promise.resolve()
      .then(() => opts.handle(toRequest(req, (listener) => res.on('close', listener))))
      .catch((err) => {
        if (!(err instanceof ApiError)) opts.log.error({ err, url: req.url }, 'request failed');
        return failedResponse(err);
      })
      .then((response) => {
        opts.log.debug({ method: req.method, url: req.url, status: response.status, ms: Math.round(performance.now() - started) }, 'request');
        return send(response, res, req);
      })
      .catch((err) => {
        opts.log.error({ err, url: req.url }, 'sending the response failed');
        if (!res.headersSent) {
          const body = JSON.stringify(internal('the response could not be sent').toStatus());
          res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        } else res.destroy();
      });
  });
  // CONNECT never reaches 'request'; without a listener Node drops the connection without an answer.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    Promise.resolve()
      .then(() => opts.handle(toRequest(req, (listener) => socket.on('close', listener))))
      .catch((err) => failedResponse(err))
      .then(async (response) => {
        const status = (await response.json().catch(() => undefined)) as Status | undefined;
        socket.end(rawStatus(status?.kind === 'Status' ? status : failure(response.status, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')));
      })
      .catch(() => socket.destroy());
  });
  // Requests Node cannot parse (a method it does not know, a malformed line or header) still get a Status.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    socket.end(rawStatus(clientErrorStatus(err)));
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
