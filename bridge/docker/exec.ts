// Docker's side of exec, attach and port-forward: hijacked exec/attach connections (stdin written to the
// socket, stdout/stderr read from it, demultiplexed unless a TTY), and TCP connections made from inside
// a pod's network namespace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { PortConnection, Process, ProcessOptions } from '../../shared/ctx';

/** Docker's stream framing (8-byte header: stream, 0, 0, 0, length) removed; a TTY's bytes pass as stdout. */
async function* demux(socket: Duplex, tty: boolean): AsyncGenerator<{ fd: 1 | 2; data: Uint8Array }> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    if (tty) {
      yield { fd: 1, data: chunk };
      continue;
    }
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const fd = pending[0] === 2 ? 2 : 1;
      const data = pending.subarray(8, 8 + size);
      pending = pending.subarray(8 + size);
      if (data.length) yield { fd, data };
    }
  }
}

function writer(socket: Duplex) {
  return (data: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      if (socket.writableEnded || socket.destroyed) return reject(new Error('stdin is closed'));
      if (socket.write(data)) resolve();
      else socket.once('drain', () => resolve());
    });
}

/** The end of the hijacked socket's output can come a little before Docker records the exit. */
async function exitCode(exec: Dockerode.Exec): Promise<number | undefined> {
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? undefined;
    await new Promise((r) => setTimeout(r, 40));
  }
  return undefined;
}

/** Kills an exec's process (Docker has no call for it): by pid when the server sees the host's processes. */
async function kill(exec: Dockerode.Exec): Promise<boolean> {
  const info = await exec.inspect().catch(() => undefined);
  if (!info?.Running || !info.Pid) return false;
  try {
    process.kill(info.Pid, 'SIGKILL');
    return true;
  } catch {
    // not in the host's pid namespace: closing the socket ends a TTY's session (SIGHUP) and stdin
    return false;
  }
}

export async function startExec(docker: Dockerode, id: string, o: ProcessOptions): Promise<Process> {
  const exec = await docker.getContainer(id).exec({ Cmd: o.command, AttachStdin: o.stdin, AttachStdout: o.stdout, AttachStderr: o.stderr, Tty: o.tty });
  const socket = (await exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty } as never)) as unknown as Duplex;
  socket.on('error', () => undefined);
  return {
    output: demux(socket, o.tty),
    write: writer(socket),
    endInput: () => void socket.end(),
    resize: async (w, h) => void (await exec.resize({ w, h })),
    wait: async () => ({ exitCode: await exitCode(exec) }),
    stop: async () => {
      // Killed, the process's end comes through the socket (and its exit code after it); cut it only
      // when it does not come (a process this server cannot kill).
      if (await kill(exec)) await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 500))]);
      socket.destroy();
    },
  };
}

export async function startAttach(docker: Dockerode, info: Dockerode.ContainerInspectInfo, o: ProcessOptions): Promise<Process> {
  const container = docker.getContainer(info.Id);
  const socket = (await container.attach({ stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, hijack: true })) as unknown as Duplex;
  socket.on('error', () => undefined);
  return {
    output: demux(socket, !!info.Config.Tty),
    write: writer(socket),
    endInput: () => void socket.end(),
    resize: async (w, h) => void (await container.resize({ w, h })),
    wait: async () => ({}),
    // Detaching is all: with stdinOnce, Docker closes the container's stdin once the attach is gone.
    stop: async () => void socket.destroy(),
  };
}

/** A socket as a PortConnection. */
function portConnection(input: Duplex, output: Duplex, close: () => void): PortConnection {
  return {
    output: output as AsyncIterable<Buffer>,
    write: writer(input),
    end: () => void input.end(),
    close,
  };
}

// Runs as `node -e RELAY <port>` inside the pod's network namespace (nsenter --net): connects to
// localhost as the kubelet does (IPv4, then IPv6), says so with one byte, then relays stdin/stdout.
const RELAY = `
const net = require('node:net');
const port = Number(process.argv[1]);
const fail = [];
const attempt = (host, label, next) => {
  const s = net.connect({ host, port });
  s.once('error', (err) => {
    fail.push(label + ': dial ' + (label === 'IPv4' ? 'tcp4 127.0.0.1' : 'tcp6 [::1]') + ':' + port + ': connect: ' + (err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : err.message));
    if (next) return next();
    process.stderr.write(fail.join(' '));
    process.exit(1);
  });
  s.once('connect', () => {
    s.removeAllListeners('error');
    s.on('error', () => process.exit(0));
    process.stdout.write('+');
    process.stdin.pipe(s);
    s.pipe(process.stdout);
  });
};
attempt('127.0.0.1', 'IPv4', () => attempt('::1', 'IPv6'));
`;

/** Whether this process can enter another process's network namespace (root, the pid visible). */
function canEnter(pid: number): boolean {
  return process.getuid?.() === 0 && existsSync(`/proc/${pid}/ns/net`);
}

/**
 * A TCP connection to `port` on the pod's localhost. Inside the pod's network namespace through nsenter
 * when the server may (as probes do); else to the pod's address on its namespace network, which the host
 * reaches (a server in a container without --pid=host reaches only what listens on the pod's address).
 */
export async function dialPod(owner: Dockerode.ContainerInspectInfo, network: string, port: number): Promise<PortConnection> {
  const pid = owner.State.Pid;
  const where = `error forwarding port ${port} to pod ${owner.Id}, uid : `;
  if (pid && canEnter(pid)) {
    const child = spawn('nsenter', ['--target', String(pid), '--net', '--', process.execPath, '-e', RELAY, String(port)], { stdio: 'pipe' });
    child.stdin.on('error', () => undefined);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        child.stdout.off('data', onData);
        child.stdout.pause();
        if (d.length > 1) child.stdout.unshift(d.subarray(1));
        resolve();
      };
      child.stdout.on('data', onData);
      child.once('exit', () => reject(new Error(`${where}failed to connect to localhost:${port} inside the pod's network namespace, ${stderr.trim() || 'the relay stopped'}`)));
      child.once('error', (err) => reject(new Error(`${where}${err.message}`)));
    });
    return portConnection(child.stdin as unknown as Duplex, child.stdout as unknown as Duplex, () => child.kill('SIGKILL'));
  }
  const address = owner.NetworkSettings?.Networks?.[network]?.IPAddress;
  if (!address) throw new Error(`${where}the pod has no address on network ${network}`);
  const socket = connect({ host: address, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`${where}dial tcp4 ${address}:${port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`)));
  });
  socket.on('error', () => undefined);
  return portConnection(socket, socket, () => socket.destroy());
}
