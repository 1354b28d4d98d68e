import type { Priority } from './api/resource';
import type { KObject } from './k8s/meta';
import type { ObjectStore } from './store/object-store';

/** Docker work for one object, identified the way the store keys it. */
export interface Operation {
  resource: string;
  namespace?: string;
  name: string;
  action: 'apply' | 'delete';
}

export interface Queue {
  /**
   * `sync` operations resolve when the Docker work is done (and reject with its error); queued ones
   * resolve once the operation is accepted, and run in priority order right away.
   */
  submit(op: Operation, priority: Priority): Promise<void>;
  depth(): number;
  /** depth() in parts: operations waiting their turn, running against Docker, and waiting to retry. */
  stats(): { waiting: number; running: number; retrying: number };
}

export interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/** What a remote command (exec) or an attach carries. */
export interface ProcessOptions {
  /** exec only: the command; attach joins the container's own process. */
  command?: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A process's streams, as the bridge hands them to a handler (Docker exec or attach). */
export interface Process {
  /** stdout and stderr (fd 1 and 2; a TTY has only 1); pulling from it is the backpressure. Ends with the process. */
  output: AsyncIterable<{ fd: 1 | 2; data: Uint8Array }>;
  write(data: Uint8Array): Promise<void>;
  /** The client's stdin ended: the process reads EOF. */
  endInput(): void;
  resize(width: number, height: number): Promise<void>;
  /** Once output has ended: the command's exit code (exec), or nothing (attach: the container goes on or is gone). */
  wait(): Promise<{ exitCode?: number }>;
  /** The client went away first: the exec's process is killed, an attach detaches. */
  stop(): Promise<void>;
}

/** A TCP connection to a port inside a pod's network namespace. */
export interface PortConnection {
  output: AsyncIterable<Uint8Array>;
  write(data: Uint8Array): Promise<void>;
  /** Our side is done sending (half-close). */
  end(): void;
  close(): void;
}

/** Resource usage as metrics-server reports it: CPU as a rate in nanocores, memory as the working set. */
export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
}

/** One sample of the node and of every running pod container (by pod uid), over a window. */
export interface MetricsSample {
  timestamp: string;
  /** The sampling window in seconds. */
  windowSeconds: number;
  node: Usage;
  pods: Record<string, Array<{ name: string } & Usage>>;
}

/** What handlers may learn of the Docker host; the bridge fills it from dockerode. */
export interface DockerView {
  info(): Promise<Record<string, unknown>>;
  /** The engine's versions, as `docker version` shows them (Version, ApiVersion, MinAPIVersion, Os, Arch...). */
  version(): Promise<Record<string, unknown>>;
  /** The server's own container when it runs in one, and what its setup cannot do (known once Docker answered). */
  setup(): { container?: { id: string; name: string }; warnings: string[] };
  /**
   * A container's log as plain bytes (Docker's stream framing removed); ends with the container when
   * following, or when `signal` aborts. Undefined when the container does not exist (yet).
   */
  logs(pod: KObject, container: string, options: LogOptions, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | undefined>;
  /**
   * Starts a command in a running container of the pod (Docker exec), or attaches to its process.
   * Undefined when the container is not running; an Error with the kubelet's wording otherwise.
   */
  exec(pod: KObject, container: string, options: ProcessOptions): Promise<Process | undefined>;
  attach(pod: KObject, container: string, options: ProcessOptions): Promise<Process | undefined>;
  /** Connects to `port` on the pod's localhost, as the kubelet's port-forward does; rejects with its error. */
  dial(pod: KObject, port: number): Promise<PortConnection>;
  /** The latest usage sample (Docker stats and the host's /proc), cached for a few seconds. */
  metrics(): Promise<MetricsSample>;
}

export interface Clock {
  now(): Date;
}

type LogFn = { (msg: string): void; (obj: object, msg?: string): void };
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ServerInfo {
  version: VersionInfo;
  dataPath: string;
  advertiseAddress: string;
  port: number;
  /** The node's name (the Docker host's). */
  nodeName: string;
  /** The kubeconfig YAML a client needs (server URL, CA, token). */
  kubeconfig: string;
  /** When this process started serving (RFC 3339). */
  startedAt?: string;
  /** The value of the instance label on everything this server makes. */
  instance?: string;
}

/** Everything a handler needs arrives here; handlers keep no state of their own. */
export interface Ctx {
  store: ObjectStore;
  queue: Queue;
  docker: DockerView;
  clock: Clock;
  log: Logger;
  server: ServerInfo;
}
