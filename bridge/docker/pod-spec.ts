import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import type { KObject } from '../../shared/k8s/meta';
import { parseQuantity } from '../../shared/k8s/quantity';
import { INSTANCE, instanceName, NAMESPACE_LABEL } from './client';

// Pure translation of a Pod into Docker create options: no Docker calls here, so it is unit-tested alone.

export const POD_NAME = 'pod.k2d.io/name';
export const POD_UID = 'pod.k2d.io/uid';
export const POD_CONTAINER = 'pod.k2d.io/container';
export const POD_ROLE = 'pod.k2d.io/role';
export const SPEC_HASH = 'pod.k2d.io/spec-hash';

type Json = any;

export interface PodContext {
  /** The namespace's Docker network. */
  network: string;
  nodeName: string;
  hostIP: string;
  /** Where containers reach the API server (KUBERNETES_SERVICE_HOST/PORT, as k2d injects them). */
  apiHost: string;
  apiPort: number;
  labels: Record<string, string>;
  /** Docker mount sources for the pod's volumes, by volume name. */
  volumes: Record<string, { type: 'volume' | 'bind'; source: string; readOnly?: boolean; hostPath?: string }>;
  /** The value of `status.podIP` for fieldRefs, when the runtime assigned the address itself. */
  podIP?: string;
  /** Extra DNS names of the pod on its namespace network (headless Services that select it). */
  aliases?: string[];
  /** ConfigMap/Secret values for env, or undefined when missing (the kubelet's CreateContainerConfigError). */
  lookup?: (kind: 'ConfigMap' | 'Secret', name: string, key?: string) => Record<string, string> | string | undefined;
}

export class ContainerConfigError extends Error {}

/** Names: k2d's `<ns>-<pod>` for the first container (it owns the pod's network); a suffix for the others. */
export function containerName(pod: KObject, container: string, index: number, init = false, instance?: string): string {
  const base = instanceName(instance, `${pod.metadata.namespace}-${pod.metadata.name}`);
  if (init) return `${base}-init-${container}`;
  return index === 0 ? base : `${base}-${container}`;
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** `$(VAR)` references as the kubelet expands them; `$$(VAR)` escapes, unknown references stay as they are. */
export function expand(input: string, vars: Record<string, string>): string {
  return input.replace(/\$(\$)?\(([-._a-zA-Z0-9]+)\)/g, (whole, escaped, name) => {
    if (escaped) return `$(${name})`;
    return name in vars ? vars[name] : whole;
  });
}

function fieldRef(pod: KObject, ctx: PodContext, path: string): string {
  const meta = pod.metadata;
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (meta[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name;
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return ctx.nodeName;
    case 'spec.serviceAccountName':
      return (pod.spec as Json)?.serviceAccountName ?? 'default';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP ?? '';
    default:
      throw new ContainerConfigError(`unsupported fieldRef path ${path}`);
  }
}

function resourceField(container: Json, ref: Json): string {
  const value = container.resources?.limits?.[ref.resource.replace(/^limits\./, '')] ?? container.resources?.requests?.[ref.resource.replace(/^requests\./, '')];
  if (value === undefined) return '0';
  const divisor = ref.divisor ? parseQuantity(ref.divisor) : 1;
  return String(Math.ceil(parseQuantity(value) / divisor));
}

/** The container's environment in order: envFrom first, then env (later entries win), with `$(VAR)` expanded. */
export function environment(pod: KObject, container: Json, ctx: PodContext): Record<string, string> {
  const vars: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: ctx.apiHost,
    KUBERNETES_SERVICE_PORT: String(ctx.apiPort),
    KUBERNETES_SERVICE_PORT_HTTPS: String(ctx.apiPort),
    KUBERNETES_PORT: `tcp://${ctx.apiHost}:${ctx.apiPort}`,
  };
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const data = ctx.lookup?.(kind, ref.name);
    if (data === undefined || typeof data === 'string') {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) vars[`${source.prefix ?? ''}${k}`] = v;
  }
  for (const env of container.env ?? []) {
    if (env.valueFrom?.fieldRef) vars[env.name] = fieldRef(pod, ctx, env.valueFrom.fieldRef.fieldPath);
    else if (env.valueFrom?.resourceFieldRef) vars[env.name] = resourceField(container, env.valueFrom.resourceFieldRef);
    else if (env.valueFrom?.configMapKeyRef || env.valueFrom?.secretKeyRef) {
      const ref = env.valueFrom.configMapKeyRef ?? env.valueFrom.secretKeyRef;
      const kind = env.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const value = ctx.lookup?.(kind, ref.name, ref.key);
      if (typeof value !== 'string') {
        if (ref.optional) continue;
        // The kubelet's two messages: the object is missing, or only the key is.
        if (ctx.lookup?.(kind, ref.name) === undefined) throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name}" not found`);
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${pod.metadata.namespace}/${ref.name}`);
      }
      vars[env.name] = value;
    } else vars[env.name] = expand(env.value ?? '', vars);
  }
  return vars;
}

function user(sc: Json): string | undefined {
  if (sc?.runAsUser === undefined) return sc?.runAsGroup === undefined ? undefined : `0:${sc.runAsGroup}`;
  return sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`;
}

function groups(podSc: Json): string[] | undefined {
  const ids = [podSc?.fsGroup, ...(podSc?.supplementalGroups ?? [])].filter((g) => g !== undefined && g !== null).map(String);
  return ids.length ? [...new Set(ids)] : undefined;
}

/** The create options of one container of the pod. `index` is its place in containers (or initContainers). */
export function containerConfig(pod: KObject, container: Json, index: number, ctx: PodContext, init = false): Dockerode.ContainerCreateOptions {
  const spec = pod.spec as Json;
  const vars = environment(pod, container, ctx);
  const owner = containerName(pod, spec.containers[0].name, 0, false, ctx.labels[INSTANCE]);
  const ownsNetwork = !init && index === 0;
  const sc = { ...spec.securityContext, ...container.securityContext };
  const limits = container.resources?.limits ?? {};
  const mounts = (container.volumeMounts ?? []).map((vm: Json) => {
    const volume = ctx.volumes[vm.name];
    if (!volume) throw new ContainerConfigError(`volume "${vm.name}" is not defined in the pod`);
    // Docker 20.10 cannot mount part of a volume: a subPath is bound from the volume's directory on the host.
    const source = vm.subPath ? `${volume.hostPath ?? volume.source}/${expand(vm.subPath, vars)}` : volume.source;
    return { Type: vm.subPath ? 'bind' : volume.type, Source: source, Target: vm.mountPath, ReadOnly: !!(vm.readOnly || volume.readOnly) };
  });
  const ports = (container.ports ?? []) as Json[];
  const labels: Record<string, string> = {
    ...ctx.labels,
    [NAMESPACE_LABEL]: pod.metadata.namespace!,
    'workload.k2d.io/name': pod.metadata.name,
    'workload.k2d.io/type': 'pod',
    'networking.k2d.io/network-name': ctx.network,
    [POD_NAME]: pod.metadata.name,
    [POD_UID]: pod.metadata.uid!,
    [POD_CONTAINER]: container.name,
    [POD_ROLE]: init ? 'init' : 'app',
    // What the container was made from; resolved values (a ConfigMap's env) stay out, so a changed
    // ConfigMap never restarts a running container, as in Kubernetes.
    [SPEC_HASH]: hash({ container, volumes: ctx.volumes, ownsNetwork }),
  };
  const config: Dockerode.ContainerCreateOptions = {
    name: containerName(pod, container.name, index, init, ctx.labels[INSTANCE]),
    Image: container.image,
    Env: Object.entries(vars).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    WorkingDir: container.workingDir,
    Tty: !!container.tty,
    OpenStdin: !!container.stdin,
    StdinOnce: !!container.stdinOnce,
    User: user(sc),
    StopTimeout: spec.terminationGracePeriodSeconds ?? 30,
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`, {}])),
    HostConfig: {
      NetworkMode: init || ownsNetwork ? ctx.network : `container:${owner}`,
      // Restarts are the runtime's, with the kubelet's back-off (10s doubling to 5 minutes), not Docker's 100ms.
      RestartPolicy: { Name: 'no' },
      Mounts: mounts as Dockerode.MountSettings[],
      Privileged: !!sc.privileged,
      CapAdd: sc.capabilities?.add,
      CapDrop: sc.capabilities?.drop,
      ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
      // The kubelet gives every container the pod's fsGroup (which owns its configMap/secret volumes) and supplementalGroups.
      GroupAdd: groups(spec.securityContext),
      Memory: limits.memory !== undefined ? Math.round(parseQuantity(limits.memory)) : undefined,
      NanoCpus: limits.cpu !== undefined ? Math.round(parseQuantity(limits.cpu) * 1e9) : undefined,
      // hostPort publishing and host aliases belong to whoever owns the network namespace.
      PortBindings: ownsNetwork
        ? Object.fromEntries(
            (spec.containers as Json[])
              .flatMap((c) => (c.ports ?? []) as Json[])
              .filter((p) => p.hostPort)
              .map((p) => [`${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`, [{ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) }]]),
          )
        : undefined,
      ExtraHosts:
        init || ownsNetwork
          ? ['host.docker.internal:host-gateway', ...(spec.hostAliases ?? []).flatMap((a: Json) => (a.hostnames ?? []).map((h: string) => `${h}:${a.ip}`))]
          : undefined,
    },
  };
  if (container.command) {
    config.Entrypoint = container.command.map((s: string) => expand(s, vars));
    config.Cmd = (container.args ?? []).map((s: string) => expand(s, vars));
  } else if (container.args) config.Cmd = container.args.map((s: string) => expand(s, vars));
  if (init || ownsNetwork) {
    config.Hostname = spec.hostname ?? pod.metadata.name;
    if (spec.subdomain) config.Domainname = `${spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local`;
    const endpoint: Dockerode.EndpointSettings = ctx.podIP && ownsNetwork ? { IPAMConfig: { IPv4Address: ctx.podIP } } : {};
    if (ownsNetwork && ctx.aliases?.length) endpoint.Aliases = ctx.aliases;
    config.NetworkingConfig = { EndpointsConfig: { [ctx.network]: endpoint } };
  }
  return config;
}

/**
 * An ephemeral container (`kubectl debug`): in the pod's network namespace like any second container,
 * and in the target container's process namespace when `targetContainerName` names one, so it sees
 * that container's processes.
 */
export function ephemeralConfig(pod: KObject, container: Json, ctx: PodContext): Dockerode.ContainerCreateOptions {
  const { ports: _ports, ...rest } = container;
  void _ports;
  const config = containerConfig(pod, rest, 1, ctx);
  config.Labels![POD_ROLE] = 'ephemeral';
  const containers = (pod.spec as Json).containers as Json[];
  const target = containers.findIndex((c) => c.name === container.targetContainerName);
  if (target >= 0) config.HostConfig!.PidMode = `container:${containerName(pod, containers[target].name, target, false, ctx.labels[INSTANCE])}`;
  return config;
}
