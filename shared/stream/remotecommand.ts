// The server side of Kubernetes remote commands (exec, attach) over the websocket channel protocols:
// stdin/resize/CLOSE in, stdout/stderr out, then the result on the error channel and a normal close.
import type { Process } from '../ctx';
import type { Upgraded } from '../api/upgrade';
import { channelProtocol, CLOSE, decodeMessage, encodeMessage, ERROR, parseResize, RESIZE, STDIN, type TerminalSize } from './channels';

/** The client's side of a remote command, whatever carries it (websocket channels or SPDY streams). */
export interface ClientStreams {
  onStdin(fn: (data: Uint8Array) => void): void;
  onStdinEnd(fn: () => void): void;
  onResize(fn: (size: TerminalSize) => void): void;
  /** The client went away before the command ended. */
  onGone(fn: () => void): void;
  write(fd: 1 | 2, data: Uint8Array): Promise<void>;
  pause(): void;
  resume(): void;
  /** Sends the result (error channel) and ends the connection. */
  finish(result: CommandResult): Promise<void>;
}

export type CommandResult = { exitCode?: number; error?: string };

/** The metav1.Status the error channel carries from v4 on, as the kubelet writes it. */
export function resultStatus(result: CommandResult, command: string[] = []): Record<string, unknown> {
  if (result.error) return { metadata: {}, status: 'Failure', message: result.error, reason: 'InternalError', code: 500 };
  if (!result.exitCode) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** A websocket speaking one of the channel protocols, as the command's client. */
export function websocketClient(conn: Upgraded, command: string[] = []): ClientStreams {
  const p = channelProtocol(conn.protocol);
  const stdin: Array<(d: Uint8Array) => void> = [];
  const stdinEnd: Array<() => void> = [];
  const resize: Array<(s: TerminalSize) => void> = [];
  const gone: Array<() => void> = [];
  let finished = false;
  let stdinClosed = false;
  conn.onData((message, text) => {
    const m = decodeMessage(p, message, text);
    if (!m) return;
    if (m.channel === STDIN && !stdinClosed) for (const fn of stdin) fn(m.data);
    else if (m.channel === RESIZE) for (const size of parseResize(m.data)) for (const fn of resize) fn(size);
    else if (m.channel === CLOSE && m.data[0] === STDIN && !stdinClosed) {
      stdinClosed = true;
      for (const fn of stdinEnd) fn();
    }
  });
  conn.onClose(() => {
    if (!finished) for (const fn of gone) fn();
  });
  return {
    onStdin: (fn) => void stdin.push(fn),
    onStdinEnd: (fn) => void stdinEnd.push(fn),
    onResize: (fn) => void resize.push(fn),
    onGone: (fn) => void gone.push(fn),
    write: (fd, data) => conn.send(encodeMessage(p, fd, data)),
    pause: () => conn.pause(),
    resume: () => conn.resume(),
    async finish(result) {
      finished = true;
      if (p.version >= 4) await conn.send(encodeMessage(p, ERROR, Buffer.from(JSON.stringify(resultStatus(result, command)))));
      else if (result.error || result.exitCode) await conn.send(encodeMessage(p, ERROR, Buffer.from(String(resultStatus(result, command).message))));
      conn.close(1000);
    },
  };
}

/** At most this many stdin chunks wait for the process before the client is paused. */
const STDIN_QUEUE = 16;

/**
 * Runs a remote command between the client and the process: ends when the process's output ends
 * (then the result goes to the client), or when the client goes away (then the process is stopped).
 */
export async function serveCommand(client: ClientStreams, proc: Process): Promise<void> {
  let gone = false;
  client.onGone(() => {
    gone = true;
    void proc.stop().catch(() => undefined);
  });
  let writes = Promise.resolve();
  let queued = 0;
  client.onStdin((data) => {
    if (++queued > STDIN_QUEUE) client.pause();
    writes = writes
      .then(() => proc.write(data))
      .catch(() => undefined)
      .finally(() => {
        if (--queued === STDIN_QUEUE) client.resume();
      });
  });
  client.onStdinEnd(() => {
    writes = writes.then(() => proc.endInput());
  });
  client.onResize((size) => void proc.resize(size.width, size.height).catch(() => undefined));
  try {
    for await (const chunk of proc.output) {
      if (gone) break;
      await client.write(chunk.fd, chunk.data);
    }
  } catch (err) {
    if (!gone) await client.finish({ error: (err as Error).message }).catch(() => undefined);
    return;
  }
  if (gone) return;
  const result = await proc.wait().catch((err: Error) => ({ error: err.message }) as CommandResult);
  await client.finish(result).catch(() => undefined);
}
