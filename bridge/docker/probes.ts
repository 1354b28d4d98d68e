import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type Dockerode from 'dockerode';
import type { Logger } from '../../shared/ctx';
import type { Container, PodSpec, Probe } from '../../shared/k8s/core-v1';
import type { KObject } from '../../shared/k8s/meta';
import type { EventRecorder } from '../events';
import { POD_CONTAINER, POD_ROLE } from './pod-spec';

type Kind = 'liveness' | 'readiness' | 'startup';

interface Result {
  ok: boolean;
  message: string;
}

/** One agent per pod network namespace (keyed by the owner's pid), answering httpGet/tcpSocket probes. */
class Agent {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (r: Result) => void>();
  private next = 1;
  dead = false;

  constructor(pid: number, agentPath: string) {
    this.child = spawn('nsenter', ['--target', String(pid), '--net', '--', process.execPath, agentPath], { stdio: 'pipe' });
    createInterface({ input: this.child.stdout }).on('error', () => undefined).on('line', (line) => {
      const { id, ...result } = JSON.parse(line);
      this.waiting.get(id)?.(result);
      this.waiting.delete(id);
    });
    const fail = () => {
      this.dead = true;
      for (const resolve of this.waiting.values()) resolve({ ok: false, message: 'the probe agent stopped' });
      this.waiting.clear();
    };
    this.child.on('exit', fail);
    this.child.on('error', fail);
    // The container's network namespace can vanish under the agent (a forced removal): a write then fails
    // with EPIPE, which must end this agent, not the server.
    this.child.stdin.on('error', fail);
    this.child.stderr.resume();
  }

  ask(req: Record<string, unknown>, timeoutMs: number): Promise<Result> {
    if (this.dead) return Promise.resolve({ ok: false, message: 'the probe agent stopped' });
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ ok: false, message: 'probe timed out' });
      }, timeoutMs + 1000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin.write(`${JSON.stringify({ id, ...req, timeoutMs })}\n`);
    });
  }

  stop() {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** The probes of one running container: their timers, thresholds and last results. */
class ContainerProbes {
  readonly results: Partial<Record<Kind, boolean>> = {};
  private readonly counts: Record<Kind, { ok: number; fail: number }> = {
    liveness: { ok: 0, fail: 0 },
    readiness: { ok: 0, fail: 0 },
    startup: { ok: 0, fail: 0 },
  };
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    readonly id: string,
    private readonly spec: Container,
    private readonly run: (probe: Probe) => Promise<Result>,
    private readonly onChange: () => void,
    private readonly onLivenessFailure: (message: string) => void,
    private readonly onFailure: (kind: Kind, message: string) => void,
  ) {
    if (spec.startupProbe) this.schedule('startup', spec.startupProbe);
    else this.startOthers();
  }

  get started(): boolean {
    return !this.spec.startupProbe || this.results.startup === true;
  }

  get ready(): boolean {
    if (!this.started) return false;
    return this.spec.readinessProbe ? this.results.readiness === true : true;
  }

  private startOthers() {
    if (this.spec.readinessProbe) this.schedule('readiness', this.spec.readinessProbe);
    if (this.spec.livenessProbe) this.schedule('liveness', this.spec.livenessProbe);
  }

  private schedule(kind: Kind, probe: Probe) {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const tick = async () => {
      if (this.stopped) return;
      const result = await this.run(probe);
      if (this.stopped) return;
      this.observe(kind, probe, result);
      if (kind === 'startup' && this.results.startup) return;
      this.timers.push(setTimeout(tick, period));
    };
    this.timers.push(setTimeout(tick, (probe.initialDelaySeconds ?? 0) * 1000));
  }

  private observe(kind: Kind, probe: Probe, result: Result) {
    const c = this.counts[kind];
    if (result.ok) {
      c.ok++;
      c.fail = 0;
    } else {
      c.fail++;
      c.ok = 0;
      this.onFailure(kind, result.message);
    }
    const before = this.results[kind];
    if (c.ok >= (kind === 'readiness' ? (probe.successThreshold ?? 1) : 1)) this.results[kind] = true;
    if (c.fail >= (probe.failureThreshold ?? 3)) this.results[kind] = false;
    if (before !== this.results[kind]) {
      if (kind === 'startup' && this.results.startup) this.startOthers();
      if (kind === 'startup' && this.results.startup === false) this.onLivenessFailure(`Startup probe failed: ${result.message}`);
      if (kind === 'liveness' && this.results.liveness === false) {
        c.fail = 0;
        this.onLivenessFailure(`Liveness probe failed: ${result.message}`);
      }
      this.onChange();
    }
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }
}

/**
 * readiness, liveness and startup probes, run by the runtime as the kubelet runs them. exec probes use
 * `docker exec`; httpGet and tcpSocket go through an agent inside the pod's network namespace.
 */
export class ProbeManager {
  private readonly byPod = new Map<string, Map<string, ContainerProbes>>();
  private readonly agents = new Map<number, Agent>();
  /** The agents each pod's probes started (by pid), so they end with the pod or its network's owner. */
  private readonly podAgents = new Map<string, Set<number>>();

  constructor(
    private readonly docker: Dockerode,
    private readonly events: EventRecorder,
    private readonly log: Logger,
    private readonly agentPath: string,
  ) {}

  private async exec(id: string, command: string[] | undefined, timeoutMs: number): Promise<Result> {
    try {
      const exec = await this.docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      let output = '';
      stream.on('data', (d: Buffer) => (output += d.toString('utf8').replace(/[\x00-\x08]/g, '')));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const info = await exec.inspect();
        if (!info.Running) return { ok: info.ExitCode === 0, message: output.trim() || `command exited with ${info.ExitCode}` };
        if (Date.now() > deadline) return { ok: false, message: `command timed out after ${timeoutMs / 1000}s` };
        await new Promise((r) => setTimeout(r, 50));
      }
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  private agent(pid: number): Agent {
    let agent = this.agents.get(pid);
    if (!agent || agent.dead) {
      agent = new Agent(pid, this.agentPath);
      this.agents.set(pid, agent);
    }
    return agent;
  }

  private runner(pod: KObject, container: Container, owner: () => Dockerode.ContainerInspectInfo | undefined, id: string) {
    return async (probe: Probe): Promise<Result> => {
      const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
      if (probe.exec) return this.exec(id, probe.exec.command, timeoutMs);
      const target = probe.httpGet ?? probe.tcpSocket;
      if (!target) return { ok: false, message: 'unsupported probe handler' };
      const o = owner();
      if (!o?.State.Pid) return { ok: false, message: 'the pod has no network yet' };
      const port = typeof target.port === 'number' ? target.port : Number((container.ports ?? []).find((p) => p.name === target.port)?.containerPort);
      if (!port) return { ok: false, message: `port ${target.port} is not a container port` };
      const podIP = Object.values(o.NetworkSettings?.Networks ?? {})[0]?.IPAddress || '127.0.0.1';
      const uid = pod.metadata.uid!;
      if (!this.podAgents.has(uid)) this.podAgents.set(uid, new Set());
      this.podAgents.get(uid)!.add(o.State.Pid);
      return this.agent(o.State.Pid).ask({ kind: probe.httpGet ? 'http' : 'tcp', host: target.host ?? podIP, port, path: target.path, scheme: target.scheme, headers: target.httpHeaders }, timeoutMs);
    };
  }

  /** A failing liveness probe kills the main process, so Docker's restart policy restarts it as a crash. */
  private kill(id: string, graceSeconds: number) {
    return async () => {
      const info = await this.docker.getContainer(id).inspect().catch(() => undefined);
      const pid = info?.State.Pid;
      if (!pid) return;
      try {
        process.kill(pid, 'SIGTERM');
        setTimeout(() => {
          this.docker
            .getContainer(id)
            .inspect()
            .then((now) => now.State.Pid === pid && process.kill(pid, 'SIGKILL'))
            .catch(() => undefined);
        }, graceSeconds * 1000).unref();
      } catch {
        // Not in the host's pid namespace: ask Docker instead (no restart-policy restart then).
        await this.docker.getContainer(id).kill().catch(() => undefined);
      }
    };
  }

  /** Keeps probers for the pod's running containers; returns what the status needs. */
  sync(pod: KObject, containers: Dockerode.ContainerInspectInfo[], onChange: () => void): { ready: Record<string, boolean>; notStarted: Record<string, boolean> } {
    const uid = pod.metadata.uid!;
    const spec = pod.spec as PodSpec;
    let probers = this.byPod.get(uid);
    if (!probers) this.byPod.set(uid, (probers = new Map()));
    const ready: Record<string, boolean> = {};
    const notStarted: Record<string, boolean> = {};
    const ownerName = spec.containers[0].name;
    const owner = () => containers.find((c) => c.Config.Labels[POD_ROLE] === 'app' && c.Config.Labels[POD_CONTAINER] === ownerName && c.State.Running);
    // An agent holds its network namespace open: one whose owner process is gone (a restart) must end.
    this.stopAgents(uid, owner()?.State.Pid);
    for (const c of spec.containers) {
      const info = containers.find((i) => i.Config.Labels[POD_ROLE] === 'app' && i.Config.Labels[POD_CONTAINER] === c.name);
      const running = info?.State.Running && !info.State.Restarting;
      const key = info ? `${info.Id}/${info.State.StartedAt}` : '';
      let prober = probers.get(c.name);
      if (prober && prober.id !== key) {
        prober.stop();
        probers.delete(c.name);
        prober = undefined;
      }
      if (!running || !(c.readinessProbe || c.livenessProbe || c.startupProbe)) continue;
      if (!prober) {
        const fieldPath = `spec.containers{${c.name}}`;
        prober = new ContainerProbes(
          key,
          c,
          this.runner(pod, c, owner, info!.Id),
          onChange,
          (message) => {
            void this.events.record(pod, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`, fieldPath);
            void this.kill(info!.Id, spec.terminationGracePeriodSeconds ?? 30)();
            this.log.info({ pod: pod.metadata.name, container: c.name, message }, 'liveness failure');
          },
          (kind, message) => void this.events.record(pod, 'Warning', 'Unhealthy', `${kind[0].toUpperCase()}${kind.slice(1)} probe failed: ${message}`, fieldPath),
        );
        probers.set(c.name, prober);
      }
      ready[c.name] = prober.ready;
      if (!prober.started) notStarted[c.name] = true;
    }
    return { ready, notStarted };
  }

  forget(uid: string): void {
    for (const p of this.byPod.get(uid)?.values() ?? []) p.stop();
    this.byPod.delete(uid);
    this.stopAgents(uid);
  }

  private stopAgents(uid: string, keep?: number) {
    const pids = this.podAgents.get(uid);
    for (const pid of pids ?? []) {
      if (pid === keep) continue;
      this.agents.get(pid)?.stop();
      this.agents.delete(pid);
      pids!.delete(pid);
    }
    if (pids && !pids.size) this.podAgents.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.byPod.keys()]) this.forget(uid);
    for (const a of this.agents.values()) a.stop();
  }
}
