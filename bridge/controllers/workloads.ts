import type { Logger } from '../../shared/ctx';
import { DeploymentController } from './deployment';
import { ControllerManager } from './manager';
import { ReplicaSetController, type WorkloadControllerOptions } from './replicaset';

export interface WorkloadOptions extends WorkloadControllerOptions {
  log: Logger;
}

/** The ReplicaSet and Deployment controllers on one queue: ReplicaSets first in a pass, as a Deployment's status reads theirs. */
export class WorkloadController extends ControllerManager {
  constructor(o: WorkloadOptions) {
    super(o.store, [new ReplicaSetController(o), new DeploymentController(o)], o.log, 'workload');
  }
}
