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

export function managedLabels(instance: string): Record<string, string> {
  return { [MANAGED_BY]: 'k2d-ts', [INSTANCE]: instance };
}

export const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;
