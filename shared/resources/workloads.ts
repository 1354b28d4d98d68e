import { z } from 'zod';
import { defineResource, type Column } from '../api/resource';
import type { StatusCause } from '../api/status';
import { DeploymentSpec, DeploymentStatus, ReplicaSetSpec, ReplicaSetStatus } from '../k8s/apps-v1';
import type { IntOrString, PodTemplateSpec } from '../k8s/core-v1';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';
import { parseLabelSelector } from '../api/selectors';
import { defaultPodSpec, validatePodSpec } from './pods';

// Deployments, ReplicaSets and selectors stay untyped until their callers (the controllers, the scale
// subresource) are typed with them.
type Json = any;

// Deployments and ReplicaSets: the API side (schemas, defaults, validation, columns). Their controllers
// live in bridge/controllers/ and work through the store, like the apiserver's controller manager.

export const DeploymentSchema = z
  .looseObject({
    ...typeMeta,
    spec: DeploymentSpec.optional().describe('Specification of the desired behavior of the Deployment.'),
    status: DeploymentStatus.optional().describe('Most recently observed status of the Deployment.'),
  })
  .meta({ id: 'io.k8s.api.apps.v1.Deployment', description: 'Deployment enables declarative updates for Pods and ReplicaSets.' });

export const ReplicaSetSchema = z
  .looseObject({
    ...typeMeta,
    spec: ReplicaSetSpec.optional().describe('Spec defines the specification of the desired behavior of the ReplicaSet.'),
    status: ReplicaSetStatus.optional().describe('Status is the most recently observed status of the ReplicaSet.'),
  })
  .meta({ id: 'io.k8s.api.apps.v1.ReplicaSet', description: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.' });

export type Deployment = KObject & { spec: Json; status?: Json };
export type ReplicaSet = KObject & { spec: Json; status?: Json };

/** The label selector as a `matchLabels` + `matchExpressions` test of a label map. */
export function selectorMatches(selector: Json, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const parts = [
    ...Object.entries((selector.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`),
    ...((selector.matchExpressions ?? []) as Json[]).map((e) => {
      const values = (e.values ?? []).join(',');
      if (e.operator === 'In') return `${e.key} in (${values})`;
      if (e.operator === 'NotIn') return `${e.key} notin (${values})`;
      if (e.operator === 'Exists') return e.key;
      return `!${e.key}`;
    }),
  ];
  if (!parts.length) return false;
  return parseLabelSelector(parts.join(','))({ metadata: { name: '', labels: labels ?? {} } } as KObject);
}

/** `app=web,tier in (a,b)`: the selector as kubectl prints it. */
export function selectorString(selector: Json): string {
  const parts = [
    ...Object.entries((selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`),
    ...((selector?.matchExpressions ?? []) as Json[]).map((e) => `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`),
  ];
  return parts.join(',') || '<none>';
}

/** An int-or-percent against a total: percentages round up for surge, down for unavailability. */
export function resolveIntOrPercent(value: IntOrString | null | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value));
  if (!m) return Number(value) || 0;
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

const VALID_INT_OR_PERCENT = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0) || /^\d+%$/.test(String(v));

function validateWorkload(kind: 'Deployment' | 'ReplicaSet', obj: Deployment, old?: Deployment): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj.spec ?? {};
  const bad = (field: string, message: string, reason = 'FieldValueInvalid') => causes.push({ reason, field, message });
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) bad('spec.replicas', `Invalid value: ${spec.replicas}: must be greater than or equal to 0`);
  const selector = spec.selector;
  const hasSelector = selector && (Object.keys(selector.matchLabels ?? {}).length || (selector.matchExpressions ?? []).length);
  if (!hasSelector) bad('spec.selector', 'Required value', 'FieldValueRequired');
  if (!spec.template) {
    bad('spec.template', 'Required value', 'FieldValueRequired');
    return causes;
  }
  const labels = spec.template.metadata?.labels;
  if (hasSelector && !selectorMatches(selector, labels)) {
    bad('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``);
  }
  causes.push(...validatePodSpec(spec.template.spec, 'spec.template.spec'));
  if (spec.template.spec?.restartPolicy && spec.template.spec.restartPolicy !== 'Always') {
    bad('spec.template.spec.restartPolicy', `Unsupported value: "${spec.template.spec.restartPolicy}": supported values: "Always"`, 'FieldValueNotSupported');
  }
  if (spec.minReadySeconds !== undefined && spec.minReadySeconds < 0) bad('spec.minReadySeconds', `Invalid value: ${spec.minReadySeconds}: must be greater than or equal to 0`);
  if (kind === 'Deployment') {
    const strategy = spec.strategy ?? {};
    if (strategy.type && !['Recreate', 'RollingUpdate'].includes(strategy.type)) {
      bad('spec.strategy.type', `Unsupported value: "${strategy.type}": supported values: "Recreate", "RollingUpdate"`, 'FieldValueNotSupported');
    }
    if (strategy.type === 'Recreate' && strategy.rollingUpdate) bad('spec.strategy.rollingUpdate', "Forbidden: may not be specified when strategy `type` is 'Recreate'", 'FieldValueForbidden');
    const ru = strategy.rollingUpdate;
    if (ru) {
      for (const key of ['maxSurge', 'maxUnavailable'] as const) {
        if (!VALID_INT_OR_PERCENT(ru[key])) bad(`spec.strategy.rollingUpdate.${key}`, `Invalid value: ${JSON.stringify(ru[key])}: must be a non-negative integer or a percentage`);
      }
      if (/%$/.test(String(ru.maxUnavailable ?? '')) && Number(String(ru.maxUnavailable).slice(0, -1)) > 100) {
        bad('spec.strategy.rollingUpdate.maxUnavailable', `Invalid value: "${ru.maxUnavailable}": must not be greater than 100%`);
      }
      const surge = resolveIntOrPercent(ru.maxSurge ?? '25%', 100, true);
      const unavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', 100, false);
      if (surge === 0 && unavailable === 0) bad('spec.strategy.rollingUpdate.maxUnavailable', 'Invalid value: 0: may not be 0 when `maxSurge` is 0');
    }
    if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit < 0) bad('spec.revisionHistoryLimit', `Invalid value: ${spec.revisionHistoryLimit}: must be greater than or equal to 0`);
    if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      bad('spec.progressDeadlineSeconds', `Invalid value: ${spec.progressDeadlineSeconds}: must be greater than minReadySeconds`);
    }
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
    bad('spec.selector', `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`);
  }
  return causes;
}

function defaultTemplate(spec: Json) {
  spec.replicas ??= 1;
  if (spec.template) {
    spec.template.metadata ??= {};
    spec.template.spec ??= {};
    if (Array.isArray(spec.template.spec.containers)) defaultPodSpec(spec.template.spec);
  }
}

/** The apiserver's Deployment defaults, applied on create and on every update. */
export function defaultDeployment(d: Deployment) {
  const spec = (d.spec ??= {});
  defaultTemplate(spec);
  spec.strategy ??= { type: 'RollingUpdate' };
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

const containerNames = (t: PodTemplateSpec | undefined) => (t?.spec?.containers ?? []).map((c) => c.name).join(',');
const images = (t: PodTemplateSpec | undefined) => (t?.spec?.containers ?? []).map((c) => c.image).join(',');

const wideColumns = <T extends Deployment>(): Column<T>[] => [
  { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: (o) => containerNames(o.spec?.template) },
  { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: (o) => images(o.spec?.template) },
  { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.', cell: (o) => selectorString(o.spec?.selector) },
];

export const deployments = defineResource<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: DeploymentSchema,
  subresources: ['status', 'scale'],
  columns: [
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (d) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (d) => d.status?.availableReplicas ?? 0 },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    ...wideColumns<Deployment>(),
  ],
  validate: (d, old) => validateWorkload('Deployment', d, old),
  defaults: defaultDeployment,
  prepareForCreate: (d) => {
    d.status = {};
  },
  example: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'httpd', image: 'httpd:2.4' }] } },
    },
  },
});

export const replicaSets = defineResource<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ReplicaSetSchema,
  subresources: ['status', 'scale'],
  columns: [
    { name: 'Desired', type: 'integer', description: 'Number of desired pods.', cell: (r) => r.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', description: 'Number of actual pods.', cell: (r) => r.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Number of pods ready.', cell: (r) => r.status?.readyReplicas ?? 0 },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    ...wideColumns<ReplicaSet>(),
  ],
  validate: (r, old) => validateWorkload('ReplicaSet', r, old),
  defaults: (r) => defaultTemplate((r.spec ??= {})),
  prepareForCreate: (r) => {
    r.status = { replicas: 0 };
  },
  example: {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d4f8c7b9', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8c7b9' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': '5d4f8c7b9' } }, spec: { containers: [{ name: 'httpd', image: 'httpd:2.4' }] } },
    },
  },
});
