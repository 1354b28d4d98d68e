import { ignoring } from '../../shared/api/status';
import type { KObject } from '../../shared/k8s/meta';
import * as objects from '../../shared/registry/store';
import type { RegistryEnv } from '../../shared/registry/store';
import { namespaces } from '../../shared/resources/namespaces';
import { DEFAULT_SERVICE_ACCOUNT, serviceAccounts } from '../../shared/resources/serviceaccounts';
import type { Change } from '../../shared/store/object-store';
import type { Controller } from './manager';

/**
 * The serviceaccounts controller, after kube-controller-manager's: every active namespace has a
 * `default` ServiceAccount, made with the namespace and made again if it is deleted.
 */
export class ServiceAccountsController implements Controller {
  readonly name = 'sa';

  constructor(private readonly env: RegistryEnv) {}

  keysFor(change: Change): string[] {
    if (change.resource === namespaces.resource && change.type !== 'DELETED') return [change.object.metadata.name];
    if (change.resource === serviceAccounts.resource && change.type === 'DELETED' && change.object.metadata.name === DEFAULT_SERVICE_ACCOUNT) return [change.object.metadata.namespace!];
    return [];
  }

  resync(): string[] {
    return this.env.store.list(namespaces).map((ns) => ns.metadata.name);
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.env.store.get(namespaces, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || this.env.store.get(serviceAccounts, namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } } as KObject;
    // Made meanwhile, or the namespace began terminating: nothing to do.
    await objects.create(this.env, serviceAccounts, sa).catch(ignoring(409, 403, 404));
  }
}
