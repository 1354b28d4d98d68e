// The kubelet's port-forward protocol (portforward.k8s.io) over a SPDY session: for every local
// connection the client opens an error stream and a data stream with the same requestID and port; we
// connect to the port inside the pod and relay; a failure is written as text on the error stream.
import type { PortConnection } from '../ctx';
import type { SpdySession, SpdyStream } from './spdy';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** kubectl ≥ 1.31 tunnels the same SPDY session through websocket messages under this subprotocol. */
export const PORT_FORWARD_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

type Dial = (port: number) => Promise<PortConnection>;

/** Pairs are keyed by requestID; clients that send none pair a data stream with the stream two before it. */
function requestId(stream: SpdyStream): string {
  const given = stream.headers.requestid;
  if (given) return given;
  return String(stream.headers.streamtype === 'data' ? stream.id - 2 : stream.id);
}

async function relay(data: SpdyStream, conn: PortConnection): Promise<void> {
  data.onData((chunk) => void conn.write(chunk).catch(() => conn.close()));
  data.onEnd(() => (data.reset ? conn.close() : conn.end()));
  try {
    for await (const chunk of conn.output) {
      if (data.reset) break;
      await data.write(chunk);
    }
  } catch {
    // the pod's side reset the connection: the stream just ends
  } finally {
    conn.close();
  }
}

/** Serves one port-forward session until the client closes it. */
export function servePortForward(session: SpdySession, dial: Dial, onError?: (message: string) => void): Promise<void> {
  const pending = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  session.onStream((stream) => {
    const type = stream.headers.streamtype;
    if (type !== 'error' && type !== 'data') return void stream.resetStream();
    const id = requestId(stream);
    const pair = pending.get(id) ?? {};
    if (pair[type]) return void stream.resetStream();
    pair[type] = stream;
    pending.set(id, pair);
    if (!pair.error || !pair.data) return;
    pending.delete(id);
    void forward(pair.error, pair.data);
  });

  async function forward(error: SpdyStream, data: SpdyStream) {
    const port = Number(data.headers.port);
    try {
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port "${data.headers.port ?? ''}"`);
      const conn = await dial(port);
      await relay(data, conn);
    } catch (err) {
      const message = (err as Error).message;
      onError?.(message);
      await error.write(Buffer.from(message)).catch(() => undefined);
    } finally {
      await error.end().catch(() => undefined);
      await data.end().catch(() => undefined);
    }
  }

  return new Promise((resolve) => session.onClose(resolve));
}
