// Remote commands over SPDY (kubectl before 1.30, and any client-go SPDY executor), as the kubelet's
// remotecommand server runs them: the client opens one stream per streamType (error, stdin, stdout,
// stderr, resize); once all expected ones are there the command runs; the result goes on the error stream.
import type { ProcessOptions } from '../ctx';
import { parseResize, type TerminalSize } from './channels';
import { resultStatus, type ClientStreams } from './remotecommand';
import type { SpdySession, SpdyStream } from './spdy';

export const SPDY_REMOTE_COMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** The kubelet waits this long for the client's streams (its streamCreationTimeout is 30 s). */
const STREAM_WAIT_MS = 30_000;

export function spdyCommandClient(session: SpdySession, protocol: string, options: ProcessOptions, command: string[] = []): Promise<ClientStreams> {
  const version = /^v(\d)\./.exec(protocol) ? Number(protocol[1]) : 1;
  const expected = new Set(['error']);
  if (options.stdin) expected.add('stdin');
  if (options.stdout) expected.add('stdout');
  if (options.stderr && !options.tty) expected.add('stderr');
  if (options.tty && version >= 3) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.close();
      reject(new Error(`timed out waiting for client to create streams: ${[...expected].filter((t) => !streams.has(t)).join(', ')}`));
    }, STREAM_WAIT_MS);
    session.onClose(() => {
      clearTimeout(timer);
      reject(new Error('the client went away before creating its streams'));
    });
    session.onStream((stream) => {
      const type = stream.headers.streamtype;
      if (!expected.has(type) || streams.has(type)) return void stream.resetStream();
      streams.set(type, stream);
      if (streams.size < expected.size) return;
      clearTimeout(timer);
      resolve(client(session, streams, version, command));
    });
  });
}

function client(session: SpdySession, streams: Map<string, SpdyStream>, version: number, command: string[]): ClientStreams {
  const gone: Array<() => void> = [];
  let finished = false;
  session.onClose(() => {
    if (!finished) for (const fn of gone) fn();
  });
  const out = (fd: 1 | 2) => streams.get(fd === 1 ? 'stdout' : 'stderr');
  return {
    onStdin: (fn) => streams.get('stdin')?.onData(fn),
    onStdinEnd: (fn) => streams.get('stdin')?.onEnd(fn),
    onResize(fn: (s: TerminalSize) => void) {
      let text = '';
      streams.get('resize')?.onData((data) => {
        text += Buffer.from(data).toString('utf8');
        const last = text.lastIndexOf('}');
        if (last < 0) return;
        for (const size of parseResize(Buffer.from(text.slice(0, last + 1)))) fn(size);
        text = text.slice(last + 1);
      });
    },
    onGone: (fn) => void gone.push(fn),
    write: async (fd, data) => {
      await out(fd)?.write(data);
    },
    // spdystream reads what the socket gives; a slow reader is held back by TCP itself.
    pause: () => undefined,
    resume: () => undefined,
    async finish(result) {
      finished = true;
      const error = streams.get('error')!;
      const status = resultStatus(result, command);
      if (version >= 4) await error.write(Buffer.from(JSON.stringify(status))).catch(() => undefined);
      else if (result.error || result.exitCode) await error.write(Buffer.from(String(status.message))).catch(() => undefined);
      for (const s of streams.values()) await s.end().catch(() => undefined);
      session.close();
    },
  };
}
