import { routeHandler } from '../../shared/api/routes';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PortConnection, Process, ProcessOptions } from '../../shared/ctx';
import type { Upgraded } from '../../shared/api/upgrade';
import { upgradeOffer } from '../../shared/api/upgrade';
import { channelProtocol, decodeMessage, encodeMessage, parseResize } from '../../shared/stream/channels';
import { serveCommand, websocketClient } from '../../shared/stream/remotecommand';
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FrameReader, HeaderCompressor, SpdySession, FLAG_FIN, PING, SYN_REPLY, SYN_STREAM, RST_STREAM } from '../../shared/stream/spdy';
import { SPDY_DICTIONARY } from '../../shared/stream/spdy-dictionary';
import { spdyCommandClient } from '../../shared/stream/spdy-remotecommand';
import { servePortForward } from '../../shared/stream/portforward';
import { create, registryEnv } from '../../shared/registry/store';
import { pods } from '../../shared/resources/pods';
import { fakeCtx, req } from '../helpers/fake-ctx';

const execGet = routeHandler(pods, 'get', 'exec');
const execCreate = routeHandler(pods, 'create', 'exec');
const attachCreate = routeHandler(pods, 'create', 'attach');
const portForwardGet = routeHandler(pods, 'get', 'portforward');

const tick = () => new Promise((r) => setTimeout(r, 5));
/** Waits for what the session does asynchronously (header blocks are inflated by zlib off the main thread). */
async function eventually(check: () => boolean | undefined, what: string) {
  for (let i = 0; i < 400 && !check(); i++) await tick();
  assert.ok(check(), what);
}
const text = (b: Uint8Array) => Buffer.from(b).toString();

/** An upgraded connection whose peer is the test. */
function fakeConn(protocol: string, transport: Upgraded['transport'] = 'websocket') {
  const sent: Array<Uint8Array | string> = [];
  let data: (d: Uint8Array, text: boolean) => void = () => undefined;
  const closeFns: Array<() => void> = [];
  const conn: Upgraded & { closedWith?: number } = {
    transport,
    protocol,
    send: async (d) => void sent.push(d),
    onData: (fn) => void (data = fn),
    onClose: (fn) => void closeFns.push(fn),
    close: (code) => {
      conn.closedWith = code ?? 1000;
    },
    pause: () => undefined,
    resume: () => undefined,
  };
  return { conn, sent, receive: (d: Uint8Array, t = false) => data(d, t), hangUp: () => closeFns.forEach((fn) => fn()) };
}

/** A process the test drives: what it was given, output it writes, an exit code. */
function fakeProcess(exitCode?: number) {
  const input: string[] = [];
  let ended = false;
  let stopped = false;
  const resizes: Array<[number, number]> = [];
  const queue: Array<{ fd: 1 | 2; data: Uint8Array } | null> = [];
  let wake: (() => void) | undefined;
  const push = (item: { fd: 1 | 2; data: Uint8Array } | null) => {
    queue.push(item);
    wake?.();
  };
  const proc: Process = {
    output: (async function* () {
      for (;;) {
        while (!queue.length) await new Promise<void>((r) => (wake = r));
        const item = queue.shift()!;
        if (!item) return;
        yield item;
      }
    })(),
    write: async (d) => void input.push(text(d)),
    endInput: () => void (ended = true),
    resize: async (w, h) => void resizes.push([w, h]),
    wait: async () => ({ exitCode }),
    stop: async () => {
      stopped = true;
      push(null);
    },
  };
  return { proc, input, resizes, push, state: () => ({ ended, stopped }) };
}

test('channel messages: a channel byte before the data, or a digit before base64', () => {
  const bin = channelProtocol('v5.channel.k8s.io');
  assert.equal([...(encodeMessage(bin, 1, Buffer.from('hi')) as Uint8Array)], [1, 104, 105]);
  assert.equal(decodeMessage(bin, new Uint8Array([0, 120]), false), { channel: 0, data: new Uint8Array([120]) });
  assert.is(decodeMessage(bin, new Uint8Array(0), false), undefined);
  const b64 = channelProtocol('v4.base64.channel.k8s.io');
  assert.ok(b64.base64);
  assert.is(b64.version, 4);
  assert.is(encodeMessage(b64, 2, Buffer.from('oops')), '2b29wcw==');
  assert.is(text(decodeMessage(b64, Buffer.from('0aGk='), true)!.data), 'hi');
  assert.is(channelProtocol('channel.k8s.io').version, 1);
  assert.equal(parseResize(Buffer.from('{"Width":80,"Height":24}{"Width":100,"Height":30}')), [{ width: 80, height: 24 }, { width: 100, height: 30 }]);
  assert.equal(parseResize(Buffer.from('{"Width":8')), []);
});

test('v5 exec: stdin reaches the process, CLOSE ends it, output goes out on its channel, exit 3 is a NonZeroExitCode Status, then a normal close', async () => {
  const { conn, sent, receive } = fakeConn('v5.channel.k8s.io');
  const p = fakeProcess(3);
  const done = serveCommand(websocketClient(conn, ['sh', '-c', 'exit 3']), p.proc);
  receive(new Uint8Array([0, ...Buffer.from('abc')]));
  receive(new Uint8Array([4, ...Buffer.from('{"Width":120,"Height":40}')]));
  receive(new Uint8Array([255, 0]));
  await eventually(() => p.state().ended, 'stdin to end');
  assert.equal(p.input, ['abc']);
  assert.ok(p.state().ended);
  assert.equal(p.resizes, [[120, 40]]);
  p.push({ fd: 1, data: Buffer.from('out') });
  p.push({ fd: 2, data: Buffer.from('err') });
  p.push(null);
  await done;
  assert.equal([...(sent[0] as Uint8Array)], [1, ...Buffer.from('out')]);
  assert.equal([...(sent[1] as Uint8Array)], [2, ...Buffer.from('err')]);
  const status = JSON.parse(text((sent[2] as Uint8Array).subarray(1)));
  assert.is((sent[2] as Uint8Array)[0], 3);
  assert.is(status.status, 'Failure');
  assert.is(status.reason, 'NonZeroExitCode');
  assert.equal(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  assert.is(conn.closedWith, 1000);
});

test('v4 success is a Success Status; v1 says nothing on success and the message on failure', async () => {
  for (const [protocol, exitCode, expect] of [
    ['v4.channel.k8s.io', 0, '{"metadata":{},"status":"Success"}'],
    ['channel.k8s.io', 2, 'command terminated with non-zero exit code: error executing command [false], exit code 2'],
    ['channel.k8s.io', 0, undefined],
  ] as const) {
    const { conn, sent } = fakeConn(protocol);
    const p = fakeProcess(exitCode);
    const done = serveCommand(websocketClient(conn, ['false']), p.proc);
    p.push(null);
    await done;
    const error = sent.find((m) => (m as Uint8Array)[0] === 3) as Uint8Array | undefined;
    assert.is(error && text(error.subarray(1)), expect, protocol);
    assert.is(conn.closedWith, 1000);
  }
});

test('a client that goes away stops the process, and nothing more is sent', async () => {
  const { conn, sent, hangUp } = fakeConn('v5.channel.k8s.io');
  const p = fakeProcess(0);
  const done = serveCommand(websocketClient(conn), p.proc);
  hangUp();
  await done;
  assert.ok(p.state().stopped);
  assert.is(sent.length, 0);
});

/** The client's header compression as Go's spdystream does it: one zlib context, a sync flush per block. */
function goCompressor() {
  const d = createDeflate({ dictionary: SPDY_DICTIONARY });
  const chunks: Buffer[] = [];
  d.on('data', (c) => chunks.push(c));
  return (headers: Record<string, string>) =>
    new Promise<Buffer>((resolve) => {
      d.write(encodeHeaderBlock(headers));
      d.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(chunks.splice(0))));
    });
}

const synStream = (id: number, block: Buffer, flags = 0) => {
  const head = Buffer.alloc(10);
  head.writeUInt32BE(id, 0);
  return controlFrame(SYN_STREAM, flags, Buffer.concat([head, block]));
};

test('SPDY header blocks: ours inflate with the dictionary, one context across blocks, each ending in a sync-flush marker', () => {
  const c = new HeaderCompressor();
  const a = c.compress(encodeHeaderBlock({ streamType: 'error' }));
  const b = c.compress(encodeHeaderBlock({ port: '80' }));
  assert.equal([...a.subarray(-5)], [0, 0, 0, 0xff, 0xff]);
  const all = inflateSync(Buffer.concat([a, b]), { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
  const first = encodeHeaderBlock({ streamtype: 'error' });
  assert.equal(decodeHeaderBlock(all.subarray(0, first.length)), { streamtype: 'error' });
  assert.equal(decodeHeaderBlock(all.subarray(first.length)), { port: '80' });
});

test('SPDY frames split anywhere are reassembled', () => {
  const r = new FrameReader();
  const bytes = Buffer.concat([dataFrame(3, FLAG_FIN, Buffer.from('hello')), controlFrame(PING, 0, Buffer.from([0, 0, 0, 1]))]);
  const frames = [...bytes].flatMap((b) => r.push(Buffer.from([b])));
  assert.is(frames.length, 2);
  assert.equal(frames[0], { control: false, streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') });
  assert.is(frames[1].control && frames[1].type, PING);
});

test('SPDY session: streams are accepted with SYN_REPLY, pings echoed, data kept until read, FIN ends the stream', async () => {
  const { conn, sent, receive } = fakeConn('portforward.k8s.io', 'spdy');
  const session = new SpdySession(conn);
  const streams: Array<{ id: number; headers: Record<string, string> }> = [];
  let stream: import('../../shared/stream/spdy').SpdyStream | undefined;
  session.onStream((s) => {
    streams.push({ id: s.id, headers: s.headers });
    stream = s;
  });
  const compress = goCompressor();
  receive(synStream(1, await compress({ streamType: 'data', port: '80' })));
  receive(Buffer.concat([dataFrame(1, 0, Buffer.from('early')), controlFrame(PING, 0, Buffer.from([0, 0, 0, 7]))]));
  await eventually(() => sent.length >= 2, 'the reply and the ping');
  assert.equal(streams, [{ id: 1, headers: { streamtype: 'data', port: '80' } }]);
  const frames = new FrameReader().push(Buffer.concat(sent.map((s) => Buffer.from(s as Uint8Array))));
  assert.is(frames[0].control && frames[0].type, SYN_REPLY);
  assert.is(frames[1].control && frames[1].type, PING);
  const got: string[] = [];
  stream!.onData((d) => got.push(text(d)));
  let ended = false;
  stream!.onEnd(() => (ended = true));
  receive(dataFrame(1, FLAG_FIN, Buffer.from('late')));
  await eventually(() => ended, 'the FIN');
  assert.equal(got, ['early', 'late']);
  assert.ok(ended);
  assert.is(session.openStreams, 1);
  await stream!.end();
  assert.is(session.openStreams, 0);
});

test('SPDY exec: waits for the expected streams, then writes the v4 Status on the error stream and ends them', async () => {
  const { conn, sent, receive } = fakeConn('v4.channel.k8s.io', 'spdy');
  const session = new SpdySession(conn);
  const options: ProcessOptions = { stdin: true, stdout: true, stderr: false, tty: false };
  const ready = spdyCommandClient(session, 'v4.channel.k8s.io', options, ['cat']);
  const compress = goCompressor();
  receive(synStream(1, await compress({ streamType: 'error' })));
  receive(synStream(3, await compress({ streamType: 'stdin' })));
  receive(synStream(5, await compress({ streamType: 'stdout' })));
  const client = await ready;
  const p = fakeProcess(0);
  const done = serveCommand(client, p.proc);
  receive(dataFrame(3, FLAG_FIN, Buffer.from('in')));
  await eventually(() => p.state().ended, 'stdin to end');
  assert.equal(p.input, ['in']);
  assert.ok(p.state().ended);
  p.push({ fd: 1, data: Buffer.from('out') });
  p.push(null);
  await done;
  const frames = new FrameReader().push(Buffer.concat(sent.map((s) => Buffer.from(s as Uint8Array))));
  const data = frames.filter((f) => !f.control) as Array<{ streamId: number; flags: number; data: Uint8Array }>;
  assert.ok(data.some((f) => f.streamId === 5 && text(f.data) === 'out'));
  assert.ok(data.some((f) => f.streamId === 1 && JSON.parse(text(f.data)).status === 'Success'));
  assert.ok(data.some((f) => f.streamId === 5 && f.flags & FLAG_FIN));
});

test('port-forward: error and data streams pair by requestID; a refused dial is written on the error stream; bytes relay both ways', async () => {
  const { conn, sent, receive } = fakeConn('portforward.k8s.io', 'spdy');
  const toPod: string[] = [];
  let podEnded = false;
  const dial = async (port: number): Promise<PortConnection> => {
    if (port === 81) throw new Error('error forwarding port 81 to pod x, uid : connection refused');
    return {
      output: (async function* () {
        yield Buffer.from(`pong from ${port}`);
      })(),
      write: async (d) => void toPod.push(text(d)),
      end: () => void (podEnded = true),
      close: () => undefined,
    };
  };
  void servePortForward(new SpdySession(conn), dial);
  const compress = goCompressor();
  receive(synStream(1, await compress({ streamType: 'error', port: '80', requestID: '0' }), FLAG_FIN));
  receive(synStream(3, await compress({ streamType: 'data', port: '80', requestID: '0' })));
  receive(dataFrame(3, FLAG_FIN, Buffer.from('ping')));
  receive(synStream(5, await compress({ streamType: 'error', port: '81', requestID: '1' }), FLAG_FIN));
  receive(synStream(7, await compress({ streamType: 'data', port: '81', requestID: '1' })));
  receive(synStream(9, await compress({ streamType: 'bogus' })));
  const framesSent = () => new FrameReader().push(Buffer.concat(sent.map((s) => Buffer.from(s as Uint8Array))));
  await eventually(() => podEnded && framesSent().some((f) => !f.control && f.streamId === 3 && f.flags & FLAG_FIN) && framesSent().some((f) => !f.control && f.streamId === 7 && f.flags & FLAG_FIN) && framesSent().some((f) => f.control && f.type === RST_STREAM), 'both connections to be done');
  const frames = new FrameReader().push(Buffer.concat(sent.map((s) => Buffer.from(s as Uint8Array))));
  const data = frames.filter((f) => !f.control) as Array<{ streamId: number; flags: number; data: Uint8Array }>;
  assert.equal(toPod, ['ping']);
  assert.ok(podEnded);
  assert.ok(data.some((f) => f.streamId === 3 && text(f.data) === 'pong from 80'));
  assert.ok(data.some((f) => f.streamId === 5 && text(f.data).includes('error forwarding port 81')));
  assert.ok(data.some((f) => f.streamId === 7 && f.flags & FLAG_FIN));
  assert.not.ok(data.some((f) => f.streamId === 1 && f.data.length));
  assert.ok(frames.some((f) => f.control && f.type === RST_STREAM && Buffer.from(f.payload).readUInt32BE(0) === 9));
});

async function withPod(ctx = fakeCtx(), containers = [{ name: 'main', image: 'busybox' }]) {
  await create(registryEnv(ctx), pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers } });
  return ctx;
}

const WS = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': 'v5.channel.k8s.io' };

test('exec: 404 for a missing pod, 400s for a missing command, no upgrade, an unknown or ambiguous container, one not running', async () => {
  const ctx = fakeCtx();
  const missing = await execGet(req('GET', '/api/v1/namespaces/default/pods/nope/exec?command=ls', undefined, WS), ctx);
  assert.is(missing.status, 404);
  assert.is((await missing.json()).message, 'pods "nope" not found');
  await withPod(ctx);
  const cases: Array<[string, Record<string, string>, string]> = [
    ['/exec?stdout=true', WS, 'you must specify at least 1 command'],
    ['/exec?command=ls', {}, 'Upgrade request required'],
    ['/exec?command=ls&container=other', WS, 'container other is not valid for pod web'],
    ['/exec?command=ls&stdout=false&stderr=false', WS, 'you must specify at least 1 of stdin, stdout, stderr'],
    ['/exec?command=ls', WS, 'container not found ("main")'],
  ];
  for (const [path, headers, message] of cases) {
    const res = await execCreate(req('POST', `/api/v1/namespaces/default/pods/web${path}`, undefined, headers), ctx);
    assert.is(res.status, 400, path);
    const status = await res.json();
    assert.is(status.reason, 'BadRequest', path);
    assert.is(status.message, message, path);
  }
  const two = await withPod(fakeCtx(), [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }]);
  const ambiguous = await attachCreate(req('POST', '/api/v1/namespaces/default/pods/web/attach?stdin=true', undefined, WS), two);
  assert.is((await ambiguous.json()).message, 'a container name must be specified for pod web, choose one of: [a b]');
});

test('exec of a running container answers with an upgrade offer for every channel protocol and SPDY; the TTY drops stderr', async () => {
  const ctx = await withPod();
  let asked: ProcessOptions | undefined;
  ctx.docker.exec = async (_pod, container, options) => {
    asked = { ...options, command: [...options.command!, container] };
    return fakeProcess(0).proc;
  };
  const res = await execGet(req('GET', '/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=true&stdin=true&tty=true', undefined, WS), ctx);
  const offer = upgradeOffer(res);
  assert.ok(offer);
  assert.ok(offer!.websocket.includes('v5.channel.k8s.io') && offer!.websocket.includes('v4.base64.channel.k8s.io'));
  assert.equal(offer!.spdy, ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
  assert.equal(asked, { command: ['sh', '-c', 'true', 'main'], stdin: true, stdout: true, stderr: false, tty: true });
  const pf = upgradeOffer(await portForwardGet(req('GET', '/api/v1/namespaces/default/pods/web/portforward', undefined, WS), ctx));
  assert.equal(pf!.websocket, ['SPDY/3.1+portforward.k8s.io']);
  assert.equal(pf!.spdy, ['portforward.k8s.io']);
});

test.run();
