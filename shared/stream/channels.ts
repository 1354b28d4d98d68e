// The Kubernetes websocket channel protocols (k8s.io/apimachinery wsstream, kubelet remotecommand):
// every message is one channel's data, prefixed by the channel number — a byte in the binary
// protocols, an ASCII digit followed by base64 in the `base64.` ones (for browsers).

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: `[255, channel]` says the sender closed that channel (the client's stdin reached EOF). */
export const CLOSE = 255;

/** Remote-command subprotocols, newest first, as kubelet and the apiserver serve them. */
export const REMOTE_COMMAND_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
];

export interface ChannelProtocol {
  name: string;
  version: 1 | 2 | 3 | 4 | 5;
  base64: boolean;
}

export function channelProtocol(name: string): ChannelProtocol {
  const base64 = name.includes('base64.');
  const m = /^v(\d)\./.exec(name);
  const version = (m ? Number(m[1]) : 1) as ChannelProtocol['version'];
  return { name, version, base64 };
}

/** One outgoing message on a channel. */
export function encodeMessage(p: ChannelProtocol, channel: number, data: Uint8Array): Uint8Array | string {
  if (p.base64) return String.fromCharCode(48 + channel) + Buffer.from(data).toString('base64');
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

/** An incoming message as channel and data; undefined for an empty or malformed one (ignored, as wsstream does). */
export function decodeMessage(p: ChannelProtocol, message: Uint8Array, text: boolean): { channel: number; data: Uint8Array } | undefined {
  if (!message.length) return undefined;
  if (p.base64 || text) {
    const s = Buffer.from(message).toString('latin1');
    const channel = s.charCodeAt(0) - 48;
    if (channel < 0 || channel > 9) return undefined;
    return { channel, data: new Uint8Array(Buffer.from(s.slice(1), 'base64')) };
  }
  return { channel: message[0], data: message.subarray(1) };
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** The resize channel carries JSON `{"Width":80,"Height":24}` (one or more objects per message). */
export function parseResize(data: Uint8Array): TerminalSize[] {
  const sizes: TerminalSize[] = [];
  const text = Buffer.from(data).toString('utf8');
  for (const m of text.matchAll(/\{[^{}]*\}/g)) {
    try {
      const o = JSON.parse(m[0]);
      const width = Number(o.Width ?? o.width);
      const height = Number(o.Height ?? o.height);
      if (Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0) sizes.push({ width, height });
    } catch {
      // a partial object: ignored, as the kubelet's decoder drops what it cannot decode
    }
  }
  return sizes;
}
