import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogOptions } from '../../shared/ctx';

/**
 * Docker's log stream for a container without a TTY frames every chunk with an 8-byte header (stream
 * type, length). This removes the framing so clients get the bytes the container wrote, as kubectl expects.
 */
export function demultiplex(source: NodeJS.ReadableStream, tty: boolean, limitBytes?: number): ReadableStream<Uint8Array> {
  let pending = Buffer.alloc(0);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const push = (chunk: Buffer) => {
        if (limitBytes !== undefined) {
          if (sent >= limitBytes) return;
          chunk = chunk.subarray(0, limitBytes - sent);
        }
        sent += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
        if (limitBytes !== undefined && sent >= limitBytes) {
          (source as unknown as { destroy?: () => void }).destroy?.();
          controller.close();
        }
      };
      source.on('data', (data: Buffer) => {
        if (tty) return push(data);
        pending = Buffer.concat([pending, data]);
        while (pending.length >= 8) {
          const size = pending.readUInt32BE(4);
          if (pending.length < 8 + size) break;
          push(pending.subarray(8, 8 + size));
          pending = pending.subarray(8 + size);
        }
      });
      source.on('end', () => {
        try {
          controller.close();
        } catch {
          // closed already (limitBytes)
        }
      });
      source.on('error', (err) => controller.error(err));
    },
    cancel() {
      (source as unknown as { destroy?: () => void }).destroy?.();
    },
  });
}

/**
 * The container's log. The runtime restarts a container in place, so Docker keeps one log across runs:
 * the current run is what came after State.StartedAt, `previous` what came between the run before and it.
 */
/**
 * `2026-01-01T00:00:01.123456789Z` as Docker's `1767225601.073456789`: 50ms earlier, because Docker
 * records StartedAt a little after the process may already have written its first line.
 */
function nanoSeconds(iso: string): string {
  const m = /\.(\d+)Z$/.exec(iso);
  const nanos = BigInt(Math.floor(Date.parse(iso) / 1000)) * 1_000_000_000n + BigInt((m?.[1] ?? '0').padEnd(9, '0').slice(0, 9)) - 50_000_000n;
  return `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
}

export async function containerLogs(docker: Dockerode, info: Dockerode.ContainerInspectInfo, o: LogOptions, signal: AbortSignal, previousStart?: string): Promise<ReadableStream<Uint8Array>> {
  // Docker takes fractional UNIX seconds; whole seconds would mix runs that started within one second.
  const seconds = (iso: string) => nanoSeconds(iso);
  const startedAt = seconds(info.State.StartedAt);
  let since: string | number = 0;
  if (o.sinceSeconds) since = Math.floor(Date.now() / 1000) - o.sinceSeconds;
  if (o.sinceTime) since = seconds(o.sinceTime);
  const options: Record<string, unknown> = {
    stdout: true,
    stderr: true,
    timestamps: o.timestamps,
    follow: o.follow && !o.previous,
    tail: o.tailLines !== undefined ? String(o.tailLines) : 'all',
  };
  if (o.previous && !info.State.Running && !info.State.FinishedAt.startsWith('0001-')) {
    // Exited and waiting to be restarted (CrashLoopBackOff): its last run is the previous instance,
    // as the kubelet's lastState says.
    if (!since) since = startedAt;
    // A second past the end: nothing can follow the exit, and Docker's times are a little late.
    options.until = String(Math.ceil(Date.parse(info.State.FinishedAt) / 1000) + 1);
  } else if (o.previous) {
    options.until = startedAt;
    if (previousStart && !since) since = seconds(previousStart);
  } else if (!since) since = startedAt;
  if (since) options.since = since;
  const result = (await docker.getContainer(info.Id).logs(options as never)) as unknown;
  // dockerode answers a Buffer when not following, a stream when following.
  const stream = (Buffer.isBuffer(result) ? Readable.from([result]) : result) as NodeJS.ReadableStream;
  signal.addEventListener('abort', () => (stream as unknown as { destroy?: () => void }).destroy?.(), { once: true });
  return demultiplex(stream, !!info.Config.Tty, o.limitBytes);
}
