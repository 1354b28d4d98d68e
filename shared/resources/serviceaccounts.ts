import { defineResource } from '../api/resource';
import { ServiceAccount as ServiceAccountSchema } from '../k8s/generated/core-v1';
import type { KObject } from '../k8s/meta';
import { age } from '../k8s/time';

export type ServiceAccount = KObject & { secrets?: unknown[]; imagePullSecrets?: unknown[]; automountServiceAccountToken?: boolean };

/** The ServiceAccount every namespace has, as the serviceaccounts controller keeps it. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

export const serviceAccounts = defineResource<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ServiceAccountSchema,
  columns: [
    { name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', cell: (sa) => (sa.secrets ?? []).length },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  example: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', labels: { app: 'web' } }, automountServiceAccountToken: false },
});
