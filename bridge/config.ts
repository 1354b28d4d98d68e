import { isIP } from 'node:net';
import { z } from 'zod';

const hostname = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** The k2d environment variables, so k2d users can switch without changing their setup. */
const Env = z.object({
  K2D_PORT: z.coerce.number().int().min(1).max(65535).default(6443),
  K2D_DATA_PATH: z.string().min(1).default('/var/lib/k2d'),
  K2D_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  K2D_ADVERTISE_ADDR: z
    .string()
    .refine((v) => isIP(v) !== 0 || hostname.test(v), 'must be an IP address or a host name')
    .default('127.0.0.1'),
  K2D_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  K2D_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  /** Where the server listens; k2d listens everywhere. */
  K2D_BIND_ADDR: z.string().refine((v) => isIP(v) !== 0, 'must be an IP address').default('0.0.0.0'),
  // k2d's `volume` backend (values in Docker volumes) is not built: refused rather than silently ignored.
  K2D_STORE_BACKEND: z.enum(['disk'], { error: 'only "disk" is supported (the "volume" backend of k2d is not built yet)' }).default('disk'),
});

export type Config = {
  port: number;
  dataPath: string;
  secret?: string;
  advertiseAddress: string;
  bindAddress: string;
  logLevel: string;
  logFormat: 'text' | 'json';
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('K2D_') && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    throw new ConfigError(`invalid configuration: ${key}=${JSON.stringify(env[key] ?? '')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.K2D_PORT,
    dataPath: e.K2D_DATA_PATH,
    secret: e.K2D_SECRET,
    advertiseAddress: e.K2D_ADVERTISE_ADDR,
    bindAddress: e.K2D_BIND_ADDR,
    logLevel: e.K2D_LOG_LEVEL,
    logFormat: e.K2D_LOG_FORMAT,
  };
}
