import type Dockerode from 'dockerode';
import type { Clock, Logger } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import type { ObjectStore } from '../../shared/store/object-store';

/** What a kind's Docker mapping works with. */
export interface BridgeEnv {
  docker: Dockerode;
  store: ObjectStore;
  log: Logger;
  clock: Clock;
  /** Labels every Docker object we create carries. */
  labels: Record<string, string>;
}

/** A kind's Docker side: make Docker match the object, or remove what the object made. */
export interface Mapping {
  apply(obj: KObject, env: BridgeEnv): Promise<void>;
  delete(obj: KObject, env: BridgeEnv): Promise<void>;
}
