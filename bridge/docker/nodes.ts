import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import { nodes } from '../../shared/resources/nodes';
import * as objects from '../../shared/registry/store';
import type { RegistryEnv } from '../../shared/registry/store';

const ARCH: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm' };

/** The node's name: the host name, lower-cased to a valid object name. */
export const nodeName = () => hostname().toLowerCase();

/** The one Node: the Docker host as `docker info` describes it. */
export function nodeFromDockerInfo(
  info: Record<string, any> | undefined,
  opts: { kubeletVersion: string; advertiseAddress: string; now: Date; error?: string },
): KObject {
  const name = nodeName();
  const now = rfc3339(opts.now);
  const arch = ARCH[info?.Architecture] ?? info?.Architecture ?? 'unknown';
  const os = info?.OSType ?? 'linux';
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const capacity = info
    ? { cpu: String(info.NCPU), memory: `${Math.floor(info.MemTotal / 1024)}Ki`, pods: '110', 'ephemeral-storage': '0' }
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': os,
        'kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': os,
        'beta.kubernetes.io/arch': arch,
        // The Docker host runs the API server too, as a single-node cluster's only node does.
        'node-role.kubernetes.io/control-plane': '',
      },
    },
    spec: {},
    status: {
      ...(capacity ? { capacity, allocatable: capacity } : {}),
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        info
          ? condition('Ready', 'True', 'KubeletReady', 'the Docker engine is reachable')
          : condition('Ready', 'False', 'DockerUnreachable', opts.error ?? 'the Docker engine cannot be reached'),
      ],
      addresses: [
        { type: isIP(opts.advertiseAddress) ? 'InternalIP' : 'Hostname', address: opts.advertiseAddress },
        ...(isIP(opts.advertiseAddress) ? [{ type: 'Hostname', address: name }] : []),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: info?.ID ?? '',
        systemUUID: info?.ID ?? '',
        bootID: '',
        kernelVersion: info?.KernelVersion ?? '',
        osImage: info?.OperatingSystem ?? '',
        containerRuntimeVersion: info ? `docker://${info.ServerVersion}` : '',
        kubeletVersion: opts.kubeletVersion,
        kubeProxyVersion: opts.kubeletVersion,
        operatingSystem: os,
        architecture: arch,
      },
    },
  };
}

/**
 * Registers the node as a kubelet does, through the registry: created on first start (its status
 * written right after, as the status subresource), its labels and status kept current after that.
 */
export async function upsertNode(env: RegistryEnv, node: KObject): Promise<void> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a, (k, v) => (k.endsWith('Time') ? undefined : v)) === JSON.stringify(b, (k, v) => (k.endsWith('Time') ? undefined : v));
  let existing = env.store.get(nodes, undefined, node.metadata.name);
  if (!existing) existing = await objects.create(env, nodes, node);
  const labels = { ...existing.metadata.labels, ...node.metadata.labels };
  if (!same(existing.metadata.labels ?? {}, labels)) {
    existing = await objects.update(env, nodes, undefined, node.metadata.name, (current) => ({ ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...node.metadata.labels } } }));
  }
  if (!same(existing.status, node.status)) await objects.update(env, nodes, undefined, node.metadata.name, (current) => ({ ...current, status: node.status }), { subresource: 'status' });
}
