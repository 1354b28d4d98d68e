// A handler answers a connection upgrade (exec, attach, port-forward) with an ordinary Response that
// carries an offer: which protocols it speaks and what to do with the connection once upgraded. The
// Node adapter (bridge/upgrade.ts) performs the handshake — websocket or SPDY/3.1 — and calls `accept`.

/** An upgraded connection: websocket messages, or the raw byte stream of a SPDY upgrade (one chunk a "message"). */
export interface Upgraded {
  transport: 'websocket' | 'spdy';
  /** The negotiated subprotocol (websocket) or X-Stream-Protocol-Version (SPDY). */
  protocol: string;
  /** Sends one message (websocket) or bytes (SPDY); resolves once the socket has taken it (backpressure). */
  send(data: Uint8Array | string): Promise<void>;
  onData(fn: (data: Uint8Array, text: boolean) => void): void;
  /** Once, when the connection is gone, whoever ended it. */
  onClose(fn: () => void): void;
  /** Ends the connection: a websocket close frame (1000 unless said), or the socket's end. */
  close(code?: number, reason?: string): void;
  /** Stops and restarts reading from the client, so a slow consumer holds the client back instead of buffering. */
  pause(): void;
  resume(): void;
}

export interface UpgradeOffer {
  /** Websocket subprotocols served, in the server's order; the client's order picks among them. */
  websocket: string[];
  /** X-Stream-Protocol-Version values served over a direct SPDY/3.1 upgrade (none: SPDY refused). */
  spdy: string[];
  accept(conn: Upgraded): Promise<void>;
  /** The upgrade did not happen (no common protocol, client gone): release what the handler started. */
  abandon?(): Promise<void>;
}

const OFFER = Symbol.for('k2d.upgrade-offer');

/** The Response a handler returns to take over the connection. */
export function upgradeResponse(offer: UpgradeOffer): Response {
  const res = new Response(null, { status: 200 });
  return Object.assign(res, { [OFFER]: offer });
}

export function upgradeOffer(res: Response): UpgradeOffer | undefined {
  return (res as unknown as Record<symbol, UpgradeOffer | undefined>)[OFFER];
}

/** What kind of upgrade the client asks for, from its Upgrade header. */
export function requestedUpgrade(request: Request): 'websocket' | 'spdy' | undefined {
  const upgrade = (request.headers.get('upgrade') ?? '').toLowerCase();
  if (upgrade === 'websocket') return 'websocket';
  if (upgrade.startsWith('spdy/')) return 'spdy';
  return undefined;
}

/** The protocols the client offers, in its order: websocket subprotocols or X-Stream-Protocol-Version values. */
export function offeredProtocols(request: Request): string[] {
  const header = requestedUpgrade(request) === 'websocket' ? 'sec-websocket-protocol' : 'x-stream-protocol-version';
  return (request.headers.get(header) ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The first protocol the client offers that the server serves (both sides' negotiation in k8s picks the client's order). */
export function negotiate(offered: string[], served: string[]): string | undefined {
  return offered.find((p) => served.includes(p));
}
