// SPDY/3.1 as far as kubectl's streams need it (moby/spdystream, the client in client-go): the peer
// opens streams with SYN_STREAM, we accept each with SYN_REPLY, data flows in DATA frames until FIN or
// RST_STREAM, PINGs are echoed. spdystream does no flow control, so WINDOW_UPDATE and SETTINGS are read
// and ignored. Header blocks are zlib with the SPDY dictionary, one compression context per direction.
import { constants, createInflate, type Inflate } from 'node:zlib';
import type { Upgraded } from '../api/upgrade';
import { SPDY_DICTIONARY } from './spdy-dictionary';

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;
export const FLAG_FIN = 0x01;
export const RST_CANCEL = 5;

export type Frame =
  | { control: true; type: number; flags: number; payload: Uint8Array }
  | { control: false; streamId: number; flags: number; data: Uint8Array };

/** Splits a byte stream into frames; `push` returns the complete ones and keeps the rest. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    const frames: Frame[] = [];
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (this.buffer.length < 8 + length) break;
      const flags = this.buffer[4];
      const body = this.buffer.subarray(8, 8 + length);
      if (this.buffer[0] & 0x80) frames.push({ control: true, type: this.buffer.readUInt16BE(2), flags, payload: body });
      else frames.push({ control: false, streamId: this.buffer.readUInt32BE(0) & 0x7fffffff, flags, data: body });
      this.buffer = this.buffer.subarray(8 + length);
    }
    return frames;
  }
}

export function controlFrame(type: number, flags: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, flags: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

/** Name/value pairs as SPDY/3 lays them out: 32-bit count, then 32-bit lengths before every name and value. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Uint8Array): Record<string, string> {
  const b = Buffer.from(block);
  const headers: Record<string, string> = {};
  let at = 0;
  const count = b.readUInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const nl = b.readUInt32BE(at);
    const name = b.subarray(at + 4, at + 4 + nl).toString('latin1');
    at += 4 + nl;
    const vl = b.readUInt32BE(at);
    // Several values of one name are NUL-separated; kubectl's headers have one each.
    headers[name.toLowerCase()] = b.subarray(at + 4, at + 4 + vl).toString('utf8').split('\0')[0];
    at += 4 + vl;
  }
  return headers;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Our header blocks as one zlib stream of stored (uncompressed) deflate blocks: valid for any inflater
 * holding the SPDY dictionary, and synchronous — our replies carry no headers worth compressing.
 */
export class HeaderCompressor {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      const head = Buffer.alloc(6);
      // CMF 0x78 (deflate, 32K window), FLG 0x20 (FDICT; 0x7820 is a multiple of 31), then the dictionary's id.
      head[0] = 0x78;
      head[1] = 0x20;
      head.writeUInt32BE(adler32(SPDY_DICTIONARY), 2);
      parts.push(head);
    }
    for (let at = 0; at < block.length; at += 0xffff) {
      const piece = block.subarray(at, at + 0xffff);
      const stored = Buffer.alloc(5);
      stored.writeUInt16LE(piece.length, 1);
      stored.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(stored, piece);
    }
    // The empty stored block a sync flush ends with: Go's inflater hands out what it holds only on
    // reaching it, and would otherwise wait for the next block past the frame's end.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** The peer's header blocks, inflated in order through one context. */
class HeaderDecompressor {
  private readonly inflater: Inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  private chunks: Buffer[] = [];

  constructor() {
    this.inflater.on('data', (c: Buffer) => this.chunks.push(c));
    this.inflater.on('error', () => undefined);
  }

  inflate(block: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      this.inflater.once('error', fail);
      this.inflater.write(block);
      this.inflater.flush(constants.Z_SYNC_FLUSH, () => {
        this.inflater.off('error', fail);
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  close() {
    this.inflater.close();
  }
}

/** Data frames are cut to this size so one stream cannot hold the connection for long. */
const MAX_DATA = 32 * 1024;

export class SpdyStream {
  private readonly dataFns: Array<(d: Uint8Array) => void> = [];
  private readonly endFns: Array<() => void> = [];
  remoteEnded = false;
  localEnded = false;
  reset = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Record<string, string>,
  ) {}

  /** What arrived before anyone listened (a forwarded request comes while the pod is still being dialled). */
  private early: Uint8Array[] = [];

  onData(fn: (d: Uint8Array) => void) {
    this.dataFns.push(fn);
    for (const d of this.early.splice(0)) fn(d);
  }

  /** The peer finished sending (FIN), reset the stream, or the connection ended. */
  onEnd(fn: () => void) {
    if (this.remoteEnded) fn();
    else this.endFns.push(fn);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.localEnded || this.reset) throw new Error(`stream ${this.id} is closed`);
    for (let at = 0; at < data.length; at += MAX_DATA) await this.session.send(dataFrame(this.id, 0, data.subarray(at, at + MAX_DATA)));
  }

  /** Our half-close: an empty DATA frame with FIN. */
  async end(): Promise<void> {
    if (this.localEnded || this.reset) return;
    this.localEnded = true;
    if (this.remoteEnded) this.session.forget(this.id);
    await this.session.send(dataFrame(this.id, FLAG_FIN, new Uint8Array(0)));
  }

  async resetStream(): Promise<void> {
    if (this.reset) return;
    this.reset = true;
    this.session.forget(this.id);
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(this.id, 0);
    payload.writeUInt32BE(RST_CANCEL, 4);
    await this.session.send(controlFrame(RST_STREAM, 0, payload)).catch(() => undefined);
    this.remoteFinished();
  }

  /** @internal */
  received(data: Uint8Array) {
    if (this.remoteEnded || !data.length) return;
    if (!this.dataFns.length) this.early.push(data);
    for (const fn of this.dataFns) fn(data);
  }

  /** @internal */
  remoteFinished() {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    for (const fn of this.endFns.splice(0)) fn();
  }
}

/** The server end of a SPDY connection carried by an upgraded connection (raw socket, or websocket messages). */
export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly streamFns: Array<(s: SpdyStream) => void> = [];
  private readonly closeFns: Array<() => void> = [];
  private work: Promise<void> = Promise.resolve();
  private lastStream = 0;
  closed = false;

  constructor(private readonly conn: Pick<Upgraded, 'send' | 'onData' | 'onClose' | 'close'>) {
    conn.onData((chunk) => {
      for (const frame of this.reader.push(chunk)) this.work = this.work.then(() => this.handle(frame)).catch(() => this.close());
    });
    conn.onClose(() => this.ended());
  }

  /** Every stream the peer opens, once accepted. */
  onStream(fn: (s: SpdyStream) => void) {
    this.streamFns.push(fn);
  }

  onClose(fn: () => void) {
    if (this.closed) fn();
    else this.closeFns.push(fn);
  }

  send(frame: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the connection is closed'));
    return this.conn.send(frame);
  }

  /** GOAWAY, then the connection's end. */
  close() {
    if (this.closed) return;
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(this.lastStream, 0);
    void this.conn.send(controlFrame(GOAWAY, 0, payload)).catch(() => undefined);
    this.conn.close(1000);
    this.ended();
  }

  private ended() {
    if (this.closed) return;
    this.closed = true;
    this.decompressor.close();
    for (const s of this.streams.values()) s.remoteFinished();
    this.streams.clear();
    for (const fn of this.closeFns.splice(0)) fn();
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (!frame.control) {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return;
      stream.received(frame.data);
      if (frame.flags & FLAG_FIN) this.finish(stream);
      return;
    }
    const p = Buffer.from(frame.payload);
    switch (frame.type) {
      case SYN_STREAM: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(await this.decompressor.inflate(p.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        this.lastStream = Math.max(this.lastStream, id);
        const reply = Buffer.concat([Buffer.from(p.subarray(0, 4)), this.compressor.compress(encodeHeaderBlock({}))]);
        reply[0] &= 0x7f;
        // Queued before anything the stream's handler writes, so the reply precedes its data.
        void this.send(controlFrame(SYN_REPLY, 0, reply)).catch(() => undefined);
        if (frame.flags & FLAG_FIN) stream.remoteFinished();
        for (const fn of this.streamFns) fn(stream);
        return;
      }
      case HEADERS:
        // Inflated all the same: the compression context spans every header block of the connection.
        await this.decompressor.inflate(p.subarray(4));
        return;
      case RST_STREAM: {
        const stream = this.streams.get(p.readUInt32BE(0) & 0x7fffffff);
        if (stream) {
          stream.reset = true;
          this.finish(stream);
        }
        return;
      }
      case PING:
        await this.send(controlFrame(PING, 0, p)).catch(() => undefined);
        return;
      case GOAWAY:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE: spdystream has no flow control to honour.
        return;
    }
  }

  /** @internal A stream done both ways (or reset) is dropped, so a long session does not keep them all. */
  forget(id: number) {
    this.streams.delete(id);
  }

  /** How many streams are open; for tests. */
  get openStreams(): number {
    return this.streams.size;
  }

  private finish(stream: SpdyStream) {
    stream.remoteFinished();
    if (stream.localEnded || stream.reset) this.streams.delete(stream.id);
  }
}
