import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { INSTANCE } from './docker/client';

/**
 * `--reset` (k2d's flag): removes what this server instance made — its containers (Service proxies
 * included), networks and volumes, found by the instance label, the proxy images it built, and its
 * store (objects, ConfigMap and Secret files, pod volume files, journal) — and nothing else. The CA,
 * the certificate and the token stay, so kubeconfigs keep working on the next start.
 */
export async function reset(docker: Dockerode, dataPath: string, instance: string, say: (line: string) => void): Promise<void> {
  const filters = { label: [`${INSTANCE}=${instance}`] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true });
    say(`removed container ${c.Names[0]?.replace(/^\//, '') ?? c.Id}`);
  }
  for (const n of await docker.listNetworks({ filters })) {
    const network = docker.getNetwork(n.Id);
    const info = (await network.inspect()) as { Containers?: Record<string, unknown> };
    // Containers of other instances joined our network for a Service's names: they leave it first.
    for (const id of Object.keys(info.Containers ?? {})) await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
    await network.remove();
    say(`removed network ${n.Name}`);
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker.getVolume(v.Name).remove({ force: true } as never);
    say(`removed volume ${v.Name}`);
  }
  for (const image of await docker.listImages({ filters: { reference: ['k2d-ts/runtime'] } })) {
    // An image another instance's proxies still run from is kept: Docker refuses, and that is right.
    const removed = await docker
      .getImage(image.Id)
      .remove()
      .then(() => true, () => false);
    if (removed) say(`removed image ${image.RepoTags?.[0] ?? image.Id}`);
  }
  for (const entry of ['store', 'configmaps', 'secrets', 'pods', 'journal.log']) {
    const path = join(dataPath, entry);
    if (!existsSync(path)) continue;
    await rm(path, { recursive: true, force: true });
    say(`removed ${path}`);
  }
}
