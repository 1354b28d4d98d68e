// Usage samples for metrics.k8s.io, taken only when asked and kept for a while: Docker's one-shot
// stats of every running pod container (cumulative CPU time, memory less inactive file pages — the
// working set, as cAdvisor counts it) and the host's /proc/stat and /proc/meminfo for the node. CPU is a
// rate, so it is the difference between two samples over the time between them.
import { readFile } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import type { MetricsSample } from '../../shared/ctx';
import { INSTANCE } from './client';
import { POD_CONTAINER, POD_ROLE, POD_UID } from './pod-spec';

type Json = any;

interface Raw {
  at: number;
  /** Host CPU time spent busy, in nanoseconds. */
  nodeCpu: number;
  nodeMemory: number;
  containers: Map<string, { uid: string; name: string; cpu: number; memory: number }>;
}

/** A sample this recent is answered again; an older one is replaced. */
const FRESH_MS = 10_000;
/** Against a sample older than this the rate would be a long average: two fresh samples, a second apart. */
const STALE_MS = 60_000;
const PAIR_GAP_MS = 1_000;

async function hostUsage(): Promise<{ cpu: number; memory: number }> {
  const [stat, meminfo] = await Promise.all([readFile('/proc/stat', 'utf8'), readFile('/proc/meminfo', 'utf8')]);
  const [, ...fields] = stat.split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  // USER_HZ is 100 on Linux: a jiffy is 10 ms.
  const busy = (user + nice + system + irq + softirq + (steal || 0)) * 10_000_000;
  void idle;
  void iowait;
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  return { cpu: busy, memory: kb('MemTotal') - kb('MemAvailable') };
}

export class MetricsSampler {
  private last?: Raw;
  private previous?: Raw;
  private running?: Promise<void>;

  constructor(
    private readonly docker: () => Dockerode,
    private readonly instance: string,
  ) {}

  private async sample(): Promise<Raw> {
    const docker = this.docker();
    const [host, list] = await Promise.all([hostUsage(), docker.listContainers({ filters: { label: [`${INSTANCE}=${this.instance}`, POD_UID] } })]);
    const containers: Raw['containers'] = new Map();
    await Promise.all(
      list
        .filter((c) => c.Labels[POD_ROLE] !== 'init')
        .map(async (c) => {
          const stats = docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as never) as unknown as Promise<Json>;
          const s = await stats.catch(() => undefined);
          if (!s?.cpu_stats?.cpu_usage) return;
          const m = s.memory_stats ?? {};
          const inactive = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0;
          containers.set(c.Id, { uid: c.Labels[POD_UID], name: c.Labels[POD_CONTAINER], cpu: s.cpu_stats.cpu_usage.total_usage, memory: Math.max(0, (m.usage ?? 0) - inactive) });
        }),
    );
    return { at: Date.now(), nodeCpu: host.cpu, nodeMemory: host.memory, containers };
  }

  private async refresh(): Promise<void> {
    const next = await this.sample();
    if (!this.last || next.at - this.last.at > STALE_MS) {
      await new Promise((r) => setTimeout(r, PAIR_GAP_MS));
      this.previous = next;
      this.last = await this.sample();
    } else {
      this.previous = this.last;
      this.last = next;
    }
  }

  async current(): Promise<MetricsSample> {
    if (!this.last || Date.now() - this.last.at > FRESH_MS) await (this.running ??= this.refresh().finally(() => (this.running = undefined)));
    const [a, b] = [this.previous!, this.last!];
    const seconds = (b.at - a.at) / 1000;
    const rate = (from: number, to: number) => Math.max(0, (to - from) / seconds);
    const pods: MetricsSample['pods'] = {};
    for (const [id, c] of b.containers) {
      const before = a.containers.get(id);
      // A container that started since the earlier sample has no rate yet (metrics-server leaves it out too).
      if (!before) continue;
      (pods[c.uid] ??= []).push({ name: c.name, cpuNanoCores: rate(before.cpu, c.cpu), memoryBytes: c.memory });
    }
    return {
      timestamp: new Date(b.at).toISOString().replace(/\.\d+Z$/, 'Z'),
      windowSeconds: Number(seconds.toFixed(3)),
      node: { cpuNanoCores: rate(a.nodeCpu, b.nodeCpu), memoryBytes: b.nodeMemory },
      pods,
    };
  }
}
