import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type Dockerode from 'dockerode';

/** Where the server runs, as far as Docker work depends on it; shown in diagnostics. */
export interface Setup {
  /** The server's own container, when it runs in one (the k2d-ts image). */
  container?: { id: string; name: string };
  /** The data dir as the engine sees it, on the host: bind-mount sources under it are given this way. */
  hostDataPath: string;
  /** What this setup cannot do, each with how to fix it. */
  warnings: string[];
}

const PROBE_FIX = 'run as root, and in a container with --pid=host --cap-add SYS_ADMIN';

/** Docker bind-mounts files of the container's own directory (hostname, hosts, resolv.conf): their paths carry its id. */
export async function ownContainerId(mountinfo?: string): Promise<string | undefined> {
  const text = mountinfo ?? (await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  return /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/.exec(text)?.[1];
}

/** The host path of `path` inside the container: under the deepest mount that holds it. */
export function hostPathOf(mounts: Array<{ Source: string; Destination: string }>, path: string): string | undefined {
  const holders = mounts.filter((m) => path === m.Destination || path.startsWith(`${m.Destination.replace(/\/$/, '')}/`));
  const mount = holders.sort((a, b) => b.Destination.length - a.Destination.length)[0];
  return mount ? join(mount.Source, relative(mount.Destination, path)) : undefined;
}

/**
 * httpGet and tcpSocket probes enter a pod's network namespace with nsenter (bridge/docker/probes.ts):
 * that needs the pods' pids to be visible (the host's pid namespace) and CAP_SYS_ADMIN. Tried once on
 * ourselves rather than guessed from the container's settings.
 */
async function probeProblem(inHostPidNamespace: boolean): Promise<string | undefined> {
  if (!inHostPidNamespace) return `httpGet and tcpSocket probes will fail: pod processes are not visible from this container (${PROBE_FIX})`;
  const error = await new Promise<string | undefined>((resolve) =>
    execFile('nsenter', ['--target', String(process.pid), '--net', '--', process.execPath, '--version'], { timeout: 5000 }, (err, _out, stderr) =>
      resolve(err ? (stderr.trim().split('\n')[0] || err.message) : undefined),
    ),
  );
  return error ? `httpGet and tcpSocket probes will fail: nsenter cannot enter a network namespace (${error}; ${PROBE_FIX})` : undefined;
}

type PortBinding = { HostIp?: string; HostPort?: string };

/**
 * The kubeconfig and the pods' KUBERNETES_SERVICE_PORT carry the port the server listens on, so it must
 * be published at that same number; pods come from their bridge networks (to host.docker.internal, the
 * gateway, or the advertised address), which a port published on a loopback address only does not answer.
 */
export function portProblem(port: number, networkMode: string | undefined, published: Record<string, PortBinding[] | null> | undefined, apiHost: string): string | undefined {
  if (networkMode === 'host') return undefined;
  const bindings = published?.[`${port}/tcp`] ?? [];
  if (!bindings.length) return `port ${port} is not published: kubectl and pods cannot reach the API (-p ${port}:${port})`;
  const same = bindings.filter((b) => b.HostPort === String(port));
  if (!same.length) {
    const other = bindings[0].HostPort;
    return `port ${port} is published as ${other}, but the kubeconfig and pods use ${port}: publish it at the same number (-p ${port}:${port}) or set K2D_PORT=${other} and -p ${other}:${other}`;
  }
  if (same.every((b) => b.HostIp === '127.0.0.1' || b.HostIp === '::1')) return `port ${port} is published on ${same[0].HostIp} only: pods cannot reach the API at ${apiHost} (-p ${port}:${port})`;
  return undefined;
}

export async function discoverSetup(docker: Dockerode, dataPath: string, api: { host: string; port: number }): Promise<Setup> {
  const id = await ownContainerId();
  const info = id ? await docker.getContainer(id).inspect().catch(() => undefined) : undefined;
  if (!info) {
    const problem = await probeProblem(true);
    return { hostDataPath: dataPath, warnings: problem ? [problem] : [] };
  }
  const warnings: string[] = [];
  const container = { id: info.Id, name: info.Name.replace(/^\//, '') };
  const problem = await probeProblem(info.State.Pid === process.pid);
  if (problem) warnings.push(problem);
  const unreachable = portProblem(api.port, info.HostConfig.NetworkMode, info.NetworkSettings.Ports as Record<string, PortBinding[] | null>, api.host);
  if (unreachable) warnings.push(unreachable);
  // Bind-mount sources (ConfigMap and Secret volumes) are resolved by the engine on the host.
  const hostPath = hostPathOf(info.Mounts as Array<{ Source: string; Destination: string }>, dataPath);
  if (!hostPath) warnings.push(`the data dir ${dataPath} is not on a volume: it goes with the container, and ConfigMap and Secret volumes cannot be mounted (-v k2d-data:${dataPath})`);
  return { container, hostDataPath: hostPath ?? dataPath, warnings };
}
