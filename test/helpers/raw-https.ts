import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Server } from 'node:https';
import { ensureTls } from '../../bridge/tls';
import { startServer, stopServer } from '../../bridge/server';
import { buildRouter } from '../../bridge/router';
import type { RouteHandler } from '../../shared/api/handlers';
import type { Ctx } from '../../shared/ctx';

export const TOKEN = 'raw-https-test-token-0123456789';

export interface RawServer {
  server: Server;
  port: number;
  logged: unknown[];
  close(): Promise<void>;
}

/** The real Node adapter (bridge/server.ts) and router on a free loopback port, with a fresh certificate. */
export async function startRaw(handlers: RouteHandler[], ctx: Ctx, extra: Record<string, unknown> = {}): Promise<RawServer> {
  const dir = await mkdtemp(join(tmpdir(), 'k2d-raw-'));
  const tls = await ensureTls(dir, '127.0.0.1');
  const router = buildRouter(handlers, TOKEN);
  const logged: unknown[] = [];
  const log = (...args: unknown[]) => void logged.push(args);
  const server = await startServer({
    cert: tls.cert,
    key: tls.key,
    port: 0,
    host: '127.0.0.1',
    log: { debug: () => undefined, info: log, warn: log, error: log },
    handle: (request) => router.fetch(request, ctx),
    ...extra,
  });
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    logged,
    async close() {
      await stopServer(server, 200);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function tlsConnect(port: number, opts: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP/1.1 responses off a socket as they arrive; `next()` waits for the next whole one. */
export function responses(socket: TLSSocket) {
  let buffer: Buffer = Buffer.alloc(0);
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    wake?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => undefined);
  const parse = (): RawResponse | undefined => {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(head[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).toLowerCase();
      headers[name] = headers[name] ? `${headers[name]}, ${line.slice(i + 1).trim()}` : line.slice(i + 1).trim();
    }
    let body: Buffer;
    let rest: Buffer;
    if (headers['content-length'] !== undefined) {
      const len = Number(headers['content-length']);
      if (buffer.length < end + 4 + len) return undefined;
      body = buffer.subarray(end + 4, end + 4 + len);
      rest = buffer.subarray(end + 4 + len);
    } else if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = buffer.indexOf('\r\n', at);
        if (eol < 0) return undefined;
        const size = parseInt(buffer.subarray(at, eol).toString(), 16);
        if (buffer.length < eol + 2 + size + 2) return undefined;
        if (size === 0) {
          at = eol + 4;
          break;
        }
        chunks.push(buffer.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
      rest = buffer.subarray(at);
    } else {
      if (!closed) return undefined;
      body = buffer.subarray(end + 4);
      rest = Buffer.alloc(0);
    }
    buffer = rest;
    return { status, headers, body: body.toString('utf8') };
  };
  return {
    /** The next response, or undefined when the connection closed (or `timeoutMs` passed) first. */
    async next(timeoutMs = 5000): Promise<RawResponse | undefined> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = parse();
        if (r) return r;
        if (closed || Date.now() > deadline) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.max(1, deadline - Date.now()));
        });
        wake = undefined;
      }
    },
    get closed() {
      return closed;
    },
  };
}

/** One request on a fresh connection: the raw bytes, and the response (undefined when none came). */
export async function rawRequest(port: number, raw: string | Buffer, timeoutMs = 5000): Promise<RawResponse | undefined> {
  const socket = await tlsConnect(port);
  const reader = responses(socket);
  socket.write(raw);
  const res = await reader.next(timeoutMs);
  socket.destroy();
  return res;
}
