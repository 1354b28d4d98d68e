import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RouteHandler } from '../../shared/api/handlers';
import { resourceRoutes, routeHandler } from '../../shared/api/routes';
import { registry } from '../../shared/resources/index';

const ROOT = join(import.meta.dirname, '../../handlers');

/** Every route the server mounts: each kind's, derived from the registry, and the files under handlers/. */
export async function allRoutes(): Promise<Array<{ file: string; handler: RouteHandler }>> {
  const out: Array<{ file: string; handler: RouteHandler }> = [];
  for (const def of registry) for (const r of resourceRoutes(def)) out.push({ file: r.file, handler: routeHandler(def, r.verb, r.subresource) });
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
    }
  };
  walk(ROOT);
  for (const file of files.sort()) {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.default === 'function' && mod.default.paths) out.push({ file: relative(ROOT, file), handler: mod.default as RouteHandler });
  }
  return out;
}

/** A concrete URL path for a route pattern (`:namespace` → default, other params → the given name). */
export const fill = (pattern: string, name = 'seed') => pattern.replace(/:namespace/g, 'default').replace(/:[a-zA-Z]+/g, name);
