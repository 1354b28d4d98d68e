import Dockerode from 'dockerode';

/** Labels on every Docker object the server makes: who made it, and which server instance. */
export const MANAGED_BY = 'app.k2d.io/managed-by';
export const INSTANCE = 'app.k2d.io/instance';
/** k2d's own label for the owning namespace, kept so k2d users' tooling still finds things. */
export const NAMESPACE_LABEL = 'resource.k2d.io/namespace-name';

/**
 * A client speaking the daemon's own API version: the engine here is 20.10 (API 1.41) and a client that
 * asks for a newer version is refused.
 */
export async function connectDocker(): Promise<Dockerode> {
  const probe = new Dockerode();
  const { ApiVersion } = await probe.version();
  return new Dockerode({ ...(probe.modem as unknown as Dockerode.DockerOptions), version: `v${ApiVersion}` });
}

/** The instance that keeps k2d's own Docker names, so an existing k2d setup finds its networks and containers. */
export const DEFAULT_INSTANCE = 'k2d';

/**
 * A Docker name for an instance: k2d's name for the default instance, `<instance>_<name>` for any other.
 * No Kubernetes name holds `_`, so two instances on one engine can never arrive at the same name.
 */
export const instanceName = (instance: string | undefined, name: string) => (!instance || instance === DEFAULT_INSTANCE ? name : `${instance}_${name}`);

/** True when a Docker object carries this instance's labels: the only objects it may remove. */
export const isOurs = (labels: Record<string, string> | undefined, instance: string) => labels?.[MANAGED_BY] === 'k2d-ts' && labels?.[INSTANCE] === instance;

export function managedLabels(instance: string): Record<string, string> {
  return { [MANAGED_BY]: 'k2d-ts', [INSTANCE]: instance };
}

export const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;
