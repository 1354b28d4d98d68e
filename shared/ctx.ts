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

/** What handlers may learn of the Docker host; the bridge fills it from dockerode. */
export interface DockerView {
  info(): Promise<Record<string, unknown>>;
  /**
   * A container's log as plain bytes (Docker's stream framing removed); ends with the container when
   * following, or when `signal` aborts. Undefined when the container does not exist (yet).
   */
  logs(pod: KObject, container: string, options: LogOptions, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | undefined>;
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
