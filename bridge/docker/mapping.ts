import type Dockerode from 'dockerode';
import type { Logger } from '../../shared/ctx';
import type { KObject } from '../../shared/k8s/meta';
import type { RegistryEnv } from '../../shared/registry/store';

/** What a kind's Docker mapping works with; its writes to other objects go through the registry. */
export interface BridgeEnv extends RegistryEnv {
  docker: Dockerode;
  log: Logger;
  /** Labels every Docker object we create carries. */
  labels: Record<string, string>;
}

/**
 * A kind's runtime side: make Docker (or the disk) match the object, or remove what the object made.
 * The runtime, not the mapping, removes a deleted object from the store once `delete` is done.
 */
export interface Mapping {
  /** False for a mapping that works without the engine (ConfigMap/Secret files): it runs while Docker is away. */
  readonly needsDocker?: boolean;
  apply(obj: KObject, env: BridgeEnv): Promise<void>;
  /** Resolves `false` while the object must wait for others to go first (a namespace for its contents). */
  delete(obj: KObject, env: BridgeEnv): Promise<boolean | void>;
}
