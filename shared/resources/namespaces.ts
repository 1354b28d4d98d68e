import { z } from 'zod';
import { defineResource } from '../api/resource';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';
import { conflict, forbidden } from '../api/status';
import { Time } from '../k8s/meta';

const NamespaceCondition = z
  .looseObject({
    type: z.string().describe('Type of namespace controller condition.'),
    status: z.string().describe('Status of the condition, one of True, False, Unknown.'),
    lastTransitionTime: Time.optional(),
    reason: z.string().optional().describe('Unique, one-word, CamelCase reason for the condition\'s last transition.'),
    message: z.string().optional().describe('Human-readable message indicating details about last transition.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.NamespaceCondition', description: 'NamespaceCondition contains details about state of namespace.' });

export const NamespaceSchema = z
  .looseObject({
    ...typeMeta,
    spec: z
      .looseObject({
        finalizers: z.array(z.string()).optional().describe('Finalizers is an opaque list of values that must be empty to permanently remove object from storage.'),
      })
      .meta({ id: 'io.k8s.api.core.v1.NamespaceSpec', description: 'NamespaceSpec describes the attributes on a Namespace.' })
      .optional()
      .describe('Spec defines the behavior of the Namespace.'),
    status: z
      .looseObject({
        phase: z.string().optional().describe('Phase is the current lifecycle phase of the namespace.\n\nPossible enum values:\n - `"Active"` means the namespace is available for use in the system\n - `"Terminating"` means the namespace is undergoing graceful termination'),
        conditions: z.array(NamespaceCondition).optional().describe("Represents the latest available observations of a namespace's current state."),
      })
      .meta({ id: 'io.k8s.api.core.v1.NamespaceStatus', description: 'NamespaceStatus is information about the current status of a Namespace.' })
      .optional()
      .describe('Status describes the current status of a Namespace.'),
  })
  .meta({
    id: 'io.k8s.api.core.v1.Namespace',
    description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  });

export type Namespace = KObject & z.infer<typeof NamespaceSchema>;

/** Namespaces that exist from the start, as on any cluster. */
export const builtinNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const namespaces = defineResource<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  schema: NamespaceSchema,
  nameFormat: 'label',
  subresources: ['status'],
  // The network must exist before anything is created in the namespace, so the create waits for it.
  realizedByRuntime: true,
  priority: 'sync',
  columns: [
    { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (ns) => ns.status?.phase ?? '' },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  fieldSelectors: { 'status.phase': (ns) => ns.status?.phase },
  validateDelete: (ns) => {
    if (['default', 'kube-system', 'kube-public'].includes(ns.metadata.name)) {
      throw forbidden(`namespaces "${ns.metadata.name}" is forbidden: this namespace may not be deleted`, { name: ns.metadata.name, kind: 'namespaces' });
    }
    if (ns.metadata.deletionTimestamp) {
      throw conflict(namespaces, ns.metadata.name, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
    }
  },
  prepareForDelete: (ns) => {
    ns.status = { ...ns.status, phase: 'Terminating' };
  },
  prepareForCreate: (ns) => {
    ns.spec = { ...ns.spec, finalizers: ['kubernetes'] };
    // The apiserver labels every namespace with its name so that selectors can pick namespaces by name.
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
    ns.status = { phase: 'Active' };
  },
  example: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } },
});
