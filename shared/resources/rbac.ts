import { defineResource, type Column, type Verb } from '../api/resource';
import type { StatusCause } from '../api/status';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../k8s/generated/rbac-v1';
import type { KObject } from '../k8s/meta';
import { age } from '../k8s/time';

// The RBAC kinds, stored and served so that manifests and charts that ship them install. The server has
// one admin identity, so nothing is authorized by them (yet): they are kept, listed and watched.

type Subject = { kind: string; name: string; namespace?: string; apiGroup?: string };
type Binding = KObject & { roleRef: { apiGroup: string; kind: string; name: string }; subjects?: Subject[] };

const GROUP = 'rbac.authorization.k8s.io';
const VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const createdAt: Column<KObject> = { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o) => o.metadata.creationTimestamp ?? '' };

/** kubectl's binding columns: the role, then (with -o wide) who it is bound to. */
const bindingColumns: Column<Binding>[] = [
  { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.', cell: (b) => `${b.roleRef?.kind}/${b.roleRef?.name}` },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  { name: 'Users', type: 'string', priority: 1, description: 'Users in the binding', cell: (b) => names(b, 'User') },
  { name: 'Groups', type: 'string', priority: 1, description: 'Groups in the binding', cell: (b) => names(b, 'Group') },
  { name: 'ServiceAccounts', type: 'string', priority: 1, description: 'ServiceAccounts in the binding', cell: (b) => names(b, 'ServiceAccount') },
];

function names(b: Binding, kind: string): string {
  return (b.subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

/** ValidateRoleBindingUpdate: the role a binding grants cannot change; a new binding must be made. */
function roleRefUnchanged(b: Binding, old: Binding): StatusCause[] {
  if (JSON.stringify(b.roleRef) === JSON.stringify(old.roleRef)) return [];
  return [{ reason: 'FieldValueInvalid', field: 'roleRef', message: `Invalid value: ${JSON.stringify(b.roleRef)}: cannot change roleRef` }];
}

export const roles = defineResource<KObject>({
  group: GROUP,
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
  verbs: VERBS,
  schema: Role,
  columns: [createdAt],
  example: { apiVersion: `${GROUP}/v1`, kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] },
});

export const roleBindings = defineResource<Binding>({
  group: GROUP,
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
  verbs: VERBS,
  schema: RoleBinding,
  columns: bindingColumns,
  validateUpdate: roleRefUnchanged,
  example: {
    apiVersion: `${GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'read-pods' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    roleRef: { apiGroup: GROUP, kind: 'Role', name: 'pod-reader' },
  },
});

export const clusterRoles = defineResource<KObject>({
  group: GROUP,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  verbs: VERBS,
  schema: ClusterRole,
  columns: [createdAt],
  example: { apiVersion: `${GROUP}/v1`, kind: 'ClusterRole', metadata: { name: 'node-reader' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] },
});

export const clusterRoleBindings = defineResource<Binding>({
  group: GROUP,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  verbs: VERBS,
  schema: ClusterRoleBinding,
  columns: bindingColumns,
  validateUpdate: roleRefUnchanged,
  example: {
    apiVersion: `${GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'read-nodes' },
    subjects: [{ kind: 'Group', name: 'ops', apiGroup: GROUP }],
    roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'node-reader' },
  },
});
