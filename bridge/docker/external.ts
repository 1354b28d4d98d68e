import type Dockerode from 'dockerode';
import type { KObject } from '../../shared/k8s/meta';
import { rfc3339 } from '../../shared/k8s/time';
import { EXTERNAL_ANNOTATION, pods } from '../../shared/resources/pods';
import { MANAGED_BY } from './client';
import type { BridgeEnv } from './mapping';

const dockerTime = (t: string) => (t && !t.startsWith('0001-') ? rfc3339(new Date(t)) : undefined);

/** A Docker container name as a valid pod name (k2d shows them under their container names). */
export function externalPodName(containerName: string): string {
  return (
    containerName
      .replace(/^\//, '')
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
      .slice(0, 253) || 'container'
  );
}

function asPod(info: Dockerode.ContainerInspectInfo, nodeName: string, hostIP: string): KObject {
  const name = externalPodName(info.Name);
  const s = info.State;
  const ip = Object.values(info.NetworkSettings?.Networks ?? {})[0]?.IPAddress || undefined;
  const state = s.Running
    ? { running: { startedAt: dockerTime(s.StartedAt) } }
    : s.Status === 'created'
      ? { waiting: { reason: 'ContainerCreating' } }
      : { terminated: { exitCode: s.ExitCode, reason: s.ExitCode === 0 ? 'Completed' : 'Error', startedAt: dockerTime(s.StartedAt), finishedAt: dockerTime(s.FinishedAt), containerID: `docker://${info.Id}` } };
  const phase = s.Running ? 'Running' : s.Status === 'created' ? 'Pending' : s.ExitCode === 0 ? 'Succeeded' : 'Failed';
  const policy = info.HostConfig.RestartPolicy?.Name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: info.Id.slice(0, 8) + '-' + info.Id.slice(8, 12) + '-' + info.Id.slice(12, 16) + '-' + info.Id.slice(16, 20) + '-' + info.Id.slice(20, 32),
      creationTimestamp: dockerTime(info.Created),
      labels: Object.fromEntries(Object.entries(info.Config.Labels ?? {}).filter(([k, v]) => /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(k) && k.length < 64 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) && v.length < 64)),
      annotations: { [EXTERNAL_ANNOTATION]: info.Id },
    },
    spec: {
      nodeName,
      restartPolicy: policy === 'always' || policy === 'unless-stopped' ? 'Always' : policy === 'on-failure' ? 'OnFailure' : 'Never',
      containers: [{ name, image: info.Config.Image }],
    },
    status: {
      phase,
      hostIP,
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      startTime: dockerTime(s.StartedAt),
      containerStatuses: [{ name, image: info.Config.Image, imageID: `docker-pullable://${info.Image}`, containerID: `docker://${info.Id}`, ready: !!s.Running, started: !!s.Running, restartCount: info.RestartCount ?? 0, state, lastState: {} }],
      conditions: [{ type: 'Ready', status: s.Running ? 'True' : 'False' }],
    },
  };
}

/**
 * Containers the server did not create show up read-only as pods in `default`, as k2d shows them; the
 * server never changes them (handlers refuse writes to pods carrying the external annotation).
 */
export async function syncExternal(env: BridgeEnv, nodeName: string, hostIP: string): Promise<void> {
  const list = await env.docker.listContainers({ all: true });
  const foreign = list.filter((c) => !c.Labels?.[MANAGED_BY]);
  const wanted = new Map<string, KObject>();
  for (const c of foreign) {
    const info = await env.docker.getContainer(c.Id).inspect().catch(() => undefined);
    if (info) wanted.set(externalPodName(info.Name), asPod(info, nodeName, hostIP));
  }
  for (const existing of env.store.list(pods, 'default')) {
    if (!existing.metadata.annotations?.[EXTERNAL_ANNOTATION]) continue;
    if (!wanted.has(existing.metadata.name)) await env.store.delete(pods, 'default', existing.metadata.name).catch(() => undefined);
  }
  for (const [name, pod] of wanted) {
    const existing = env.store.get(pods, 'default', name);
    if (!existing) await env.store.create(pods, pod).catch(() => undefined);
    else if (existing.metadata.annotations?.[EXTERNAL_ANNOTATION]) {
      await env.store.modify(pods, 'default', name, (current) => {
        const next = { ...pod, metadata: { ...current.metadata, labels: pod.metadata.labels, annotations: pod.metadata.annotations, resourceVersion: undefined } };
        return JSON.stringify({ ...next, metadata: undefined }) === JSON.stringify({ ...current, metadata: undefined }) ? undefined : next;
      }).catch(() => undefined);
    }
  }
}
