import { z } from 'zod';
import { defineResource } from '../api/resource';
import type { StatusCause } from '../api/status';
import { PodSpec, PodStatus, type Container, type ContainerStatus, type Probe } from '../k8s/core-v1';
import { typeMeta, type KObject } from '../k8s/meta';
import { age, humanDuration } from '../k8s/time';
import { validateName } from '../api/validation';
import { isQuantity, parseQuantity } from '../k8s/quantity';
import { configVolumeCauses } from './config-data';


export const PodSchema = z
  .looseObject({
    ...typeMeta,
    spec: PodSpec.optional().describe('Specification of the desired behavior of the pod.'),
    status: PodStatus.optional().describe('Most recently observed status of the pod. Populated by the system. Read-only.'),
  })
  .meta({
    id: 'io.k8s.api.core.v1.Pod',
    description: 'Pod is a collection of containers that can run on a host. In k2d-ts each container is a Docker container; they share the first container\'s network.',
  });

export type Pod = KObject & { spec: PodSpec; status?: PodStatus };

/** Marks a pod that mirrors a Docker container the server did not create (value: the container id). */
export const EXTERNAL_ANNOTATION = 'k2d.io/docker-container';

interface Summary {
  ready: string;
  status: string;
  restarts: string;
}

const summaries = new WeakMap<object, Summary>();

/** kubectl's pod row (READY, STATUS, RESTARTS), following the apiserver's printPod. */
export function podSummary(pod: Pod, now: Date): Summary {
  const cached = summaries.get(pod);
  if (cached) return cached;
  const status = pod.status ?? {};
  const containers: Container[] = pod.spec?.containers ?? [];
  let reason: string = status.reason || status.phase || 'Pending';
  let restarts = 0;
  let ready = 0;
  let lastRestart: string | undefined;
  const noteRestart = (c: ContainerStatus) => {
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
  };
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    noteRestart(c);
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      noteRestart(c);
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  const summary = {
    ready: `${ready}/${containers.length}`,
    status: reason,
    restarts: lastRestart ? `${restarts} (${humanDuration(now.getTime() - Date.parse(lastRestart))} ago)` : String(restarts),
  };
  summaries.set(pod, summary);
  return summary;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

/** The Docker engine's minimum memory limit (its linuxMinMemory). */
const DOCKER_MIN_MEMORY = 6 * 1024 * 1024;

/** A pod spec's rules, at `at` (`spec` for a pod, `spec.template.spec` for a workload's template). */
export function validatePodSpec(spec: PodSpec | undefined, at = 'spec'): StatusCause[] {
  const causes: StatusCause[] = [];
  spec ??= {} as PodSpec;
  const bad = (field: string, message: string, reason = 'FieldValueInvalid') => causes.push({ reason, field, message });
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    bad(`${at}.containers`, 'Required value', 'FieldValueRequired');
    return causes;
  }
  const names = new Set<string>();
  for (const [list, field] of [[spec.initContainers ?? [], `${at}.initContainers`], [spec.containers, `${at}.containers`], [spec.ephemeralContainers ?? [], `${at}.ephemeralContainers`]] as const) {
    (list as Container[]).forEach((c, i) => {
      const at = `${field}[${i}]`;
      if (!c.name) bad(`${at}.name`, 'Required value', 'FieldValueRequired');
      else {
        for (const cause of validateName(c.name, 'label', `${at}.name`)) causes.push(cause);
        if (names.has(c.name)) bad(`${at}.name`, `Duplicate value: "${c.name}"`, 'FieldValueDuplicate');
        names.add(c.name);
      }
      if (!c.image) bad(`${at}.image`, 'Required value', 'FieldValueRequired');
      const memory = c.resources?.limits?.memory;
      // Docker refuses a container below this; stored, the pod would be retried against it forever.
      if (memory !== undefined && isQuantity(memory) && parseQuantity(memory) > 0 && parseQuantity(memory) < DOCKER_MIN_MEMORY) {
        bad(`${at}.resources.limits.memory`, `Invalid value: "${memory}": must be at least 6Mi, the smallest memory limit the Docker engine accepts`);
      }
      (c.ports ?? []).forEach((p, j) => {
        for (const key of ['containerPort', 'hostPort'] as const) {
          const v = p[key];
          if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) bad(`${at}.ports[${j}].${key}`, `Invalid value: ${v}: must be between 1 and 65535, inclusive`);
        }
      });
    });
  }
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    bad(`${at}.restartPolicy`, `Unsupported value: "${spec.restartPolicy}": supported values: "Always", "Never", "OnFailure"`, 'FieldValueNotSupported');
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    bad(`${at}.terminationGracePeriodSeconds`, `Invalid value: ${spec.terminationGracePeriodSeconds}: must be greater than or equal to 0`);
  }
  causes.push(...configVolumeCauses(spec.volumes, `${at}.volumes`));
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  spec.containers.forEach((c, i) =>
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumes.has(m.name)) bad(`${at}.containers[${i}].volumeMounts[${j}].name`, `Not found: "${m.name}"`, 'FieldValueNotFound');
    }),
  );
  return causes;
}

function validatePod(pod: Pod, old?: Pod): StatusCause[] {
  const causes = validatePodSpec(pod.spec);
  const spec = pod.spec ?? {};
  const bad = (field: string, message: string, reason = 'FieldValueInvalid') => causes.push({ reason, field, message });
  if (old) {
    // A pod's spec is immutable but for images and a few fields, as the apiserver enforces.
    const mutable = (s: PodSpec | undefined) => {
      const copy: Partial<PodSpec> = structuredClone(s ?? {});
      for (const c of [...(copy.containers ?? []), ...(copy.initContainers ?? [])]) delete c.image;
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      delete copy.terminationGracePeriodSeconds;
      return JSON.stringify(copy);
    };
    if (mutable(spec) !== mutable(old.spec)) {
      bad('spec', 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)', 'FieldValueForbidden');
    }
  }
  return causes;
}

/**
 * The apiserver's defaults for a pod spec (also a Deployment's or ReplicaSet's template), so
 * `kubectl get -o yaml` and `kubectl apply` see what a cluster stores.
 */
export function defaultPodSpec(spec: PodSpec) {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    const last = String(c.image ?? '').split('/').pop() ?? '';
    const tag = last.includes('@') ? 'digest' : last.includes(':') ? last.split(':').pop() : '';
    c.imagePullPolicy ??= !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter(Boolean) as Probe[]) {
      probe.timeoutSeconds ??= 1;
      probe.periodSeconds ??= 10;
      probe.successThreshold ??= 1;
      probe.failureThreshold ??= 3;
      if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap) v.configMap.defaultMode ??= 420;
    if (v.secret) v.secret.defaultMode ??= 420;
  }
}

export const pods = defineResource<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: PodSchema,
  realizedByRuntime: true,
  priority: 'medium',
  subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'ephemeralcontainers'],
  columns: [
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (p, now) => podSummary(p, now).ready },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (p, now) => podSummary(p, now).status },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', cell: (p, now) => podSummary(p, now).restarts },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    { name: 'IP', type: 'string', priority: 1, description: 'podIP is the IP address allocated to the pod.', cell: (p) => p.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, description: 'NodeName is a request to schedule this pod onto a specific node.', cell: (p) => p.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, description: 'nominatedNodeName is set only when this pod preempts other pods on the node.', cell: (p) => p.status?.nominatedNodeName ?? '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, description: 'If specified, all readiness gates will be evaluated for pod readiness.', cell: (p) => (p.spec?.readinessGates ?? []).length ? String(p.spec.readinessGates!.length) : '<none>' },
  ],
  fieldSelectors: {
    'status.phase': (p) => p.status?.phase,
    'spec.nodeName': (p) => p.spec?.nodeName,
    'spec.restartPolicy': (p) => p.spec?.restartPolicy,
    'spec.schedulerName': (p) => p.spec?.schedulerName,
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName,
    'spec.hostNetwork': (p) => String(!!p.spec?.hostNetwork),
    'status.podIP': (p) => p.status?.podIP,
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName,
  },
  validate: validatePod,
  readOnly: (pod) =>
    pod.metadata.annotations?.[EXTERNAL_ANNOTATION]
      ? 'this pod mirrors a Docker container that k2d-ts did not create; manage it with Docker'
      : undefined,
  prepareForCreate: (pod, hook) => {
    defaultPodSpec(pod.spec);
    pod.spec.nodeName ??= hook.nodeName;
    pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  checkGracefulDelete: (pod, options) => {
    const requested = options.gracePeriodSeconds;
    return typeof requested === 'number' && requested >= 0 ? requested : (pod.spec?.terminationGracePeriodSeconds ?? 30);
  },
  example: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'httpd', image: 'httpd:2.4', ports: [{ containerPort: 80 }], env: [{ name: 'MODE', value: 'test' }] }] },
  },
});
