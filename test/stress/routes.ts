import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RouteHandler } from '../../shared/api/handlers';

const ROOT = join(import.meta.dirname, '../../handlers');

/** Every route module under handlers/, as the server mounts them. */
export async function allRoutes(): Promise<Array<{ file: string; handler: RouteHandler }>> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
    }
  };
  walk(ROOT);
  const out: Array<{ file: string; handler: RouteHandler }> = [];
  for (const file of files.sort()) {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.default === 'function' && mod.default.paths) out.push({ file: relative(ROOT, file), handler: mod.default as RouteHandler });
  }
  return out;
}

/** A concrete URL path for a route pattern (`:namespace` → default, other params → the given name). */
export const fill = (pattern: string, name = 'seed') => pattern.replace(/:namespace/g, 'default').replace(/:[a-zA-Z]+/g, name);
