// Bundles every route as its own entry point, plus the runtime. Handlers share code through split chunks
// (one copy of zod in memory, not one per route) and must never reach into bridge/ or Docker. A kind's
// routes are derived from the registry (shared/api/routes.ts); only non-resource routes are files in handlers/.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = new URL('.', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const KUBERNETES_VERSION = '1.32.0';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * dockerode loads gRPC, protobuf and ssh2 at start for features we never use (BuildKit sessions, ssh://
 * engines): ~15 MB and ~75 ms of every start. Bundled, those requires become lazy ones, resolved from
 * node_modules only if such a feature is ever called.
 */
const LAZY = [
  ["withSession = require('./session')", "withSession = function () { return require('dockerode/lib/session.js').apply(this, arguments); }"],
  ["require('./buildkit')", "require('dockerode/lib/buildkit.js')"],
  ["ssh = require('./ssh')", "ssh = function () { return require('docker-modem/lib/ssh.js').apply(this, arguments); }"],
];
const lazyDockerFeatures = {
  name: 'lazy-docker-features',
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/](dockerode[\\/]lib[\\/]docker|docker-modem[\\/]lib[\\/]modem)\.js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      for (const [from, to] of LAZY) if (text.includes(from)) text = text.replace(from, to);
      if (LAZY.some(([from]) => text.includes(from))) throw new Error(`${args.path}: a lazy require was left eager`);
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * The registry's routes, read by bundling the registry on its own first: build.mjs is plain JS and the
 * registry is TypeScript, and this needs nothing beyond esbuild.
 */
async function registryRoutes() {
  const dir = mkdtempSync(join(tmpdir(), 'k2d-routes-'));
  try {
    await esbuild.build({
      absWorkingDir: root,
      stdin: {
        contents: "import { registry } from './shared/resources/index'; import { resourceRoutes } from './shared/api/routes';\n" +
          'export default registry.flatMap((def) => resourceRoutes(def).map((r) => ({ ...r, resource: def.resource })));',
        resolveDir: root,
        loader: 'ts',
      },
      outfile: join(dir, 'routes.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __k2dRequire } from 'node:module'; const require = __k2dRequire(import.meta.url);" },
    });
    return (await import(pathToFileURL(join(dir, 'routes.mjs')).href)).default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A kind's route module exists only as this virtual entry: the registry's handler for one (kind, verb, subresource). */
const ROUTE = 'k2d-route';
const derivedRoutes = {
  name: 'derived-routes',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${ROUTE}:`) }, (args) => ({ path: args.path.slice(ROUTE.length + 1), namespace: ROUTE }));
    build.onLoad({ filter: /.*/, namespace: ROUTE }, (args) => {
      const [resource, verb, subresource] = args.path.split('/');
      return {
        contents: "import { findResource } from './shared/resources/index'; import { routeHandler } from './shared/api/routes';\n" +
          `export default routeHandler(findResource(${JSON.stringify(resource)}), ${JSON.stringify(verb)}${subresource ? `, ${JSON.stringify(subresource)}` : ''});`,
        resolveDir: root,
        loader: 'js',
      };
    });
  },
};

const derived = await registryRoutes();
const fileEntries = walk(join(root, 'handlers')).map((f) => relative(root, f));
const clashes = derived.filter((r) => fileEntries.includes(`handlers/${r.file}.ts`));
if (clashes.length) {
  console.error(`build failed: these routes are derived from the registry; remove their files:\n  ${clashes.map((r) => `handlers/${r.file}.ts`).join('\n  ')}`);
  process.exit(1);
}
const handlerEntries = [
  ...fileEntries,
  ...derived.map(({ resource, verb, subresource, file }) => ({ in: `${ROUTE}:${resource}/${verb}/${subresource ?? ''}`, out: `handlers/${file}` })),
];
rmSync(join(root, 'dist'), { recursive: true, force: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: [...handlerEntries, 'bridge/main.ts', 'bridge/probe-agent.ts'],
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // Only the lazily loaded Docker features stay in node_modules: pino is bundled too (the logger writes to a
  // stream, never through a worker-thread transport), so the image needs dist/ and no node_modules at all.
  external: ['dockerode/lib/session.js', 'dockerode/lib/buildkit.js', 'docker-modem/lib/ssh.js'],
  plugins: [lazyDockerFeatures, derivedRoutes],
  banner: { js: "import { createRequire as __k2dRequire } from 'node:module'; const require = __k2dRequire(import.meta.url);" },
  define: {
    K2D_BUILD: JSON.stringify({
      version: pkg.version,
      kubernetes: KUBERNETES_VERSION,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      commit: process.env.K2D_COMMIT ?? 'unknown',
    }),
  },
});

// The Service proxy runs alone in its own image: one self-contained file of Node built-ins.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['bridge/proxy.ts'],
  outfile: 'dist/bridge/proxy.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  external: [],
});

// The image's HEALTHCHECK: a /healthz call with the token from the data dir.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['bridge/healthcheck.ts'],
  outfile: 'dist/healthcheck.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

// A handler bundle, with every chunk it imports, must not contain the runtime or a Docker client.
const outputs = result.metafile.outputs;
const forbidden = (path) => path.startsWith('bridge/') || path.includes('node_modules/dockerode') || path === 'dockerode';
const violations = [];
const handlerOutputs = [];
for (const [out, meta] of Object.entries(outputs)) {
  if (!meta.entryPoint || !out.startsWith('dist/handlers/') || !out.endsWith('.js')) continue;
  handlerOutputs.push(relative('dist/handlers', out));
  const seen = new Set();
  const stack = [out];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const o = outputs[file];
    if (!o) continue;
    for (const input of Object.keys(o.inputs)) if (forbidden(input)) violations.push(`${out} includes ${input}`);
    for (const imp of o.imports) {
      if (imp.external && forbidden(imp.path)) violations.push(`${out} imports ${imp.path}`);
      else if (!imp.external) stack.push(imp.path);
    }
  }
}
if (violations.length) {
  console.error(`build failed: handler bundles must not depend on the runtime or Docker:\n  ${violations.join('\n  ')}`);
  process.exit(1);
}

// The route table: what each handler module mounts, read from the built modules themselves, so the
// runtime can mount every route at start and load a module on its first request.
const routes = [];
for (const file of handlerOutputs.sort()) {
  const { default: h } = await import(pathToFileURL(join(root, 'dist/handlers', file)).href);
  routes.push({ file, method: h.method, paths: h.paths, verb: h.verb, resource: h.resource, subresource: h.subresource });
}
writeFileSync(join(root, 'dist/handlers/index.json'), JSON.stringify(routes, null, 1));
console.log(`built ${handlerOutputs.length} handlers and the runtime into dist/`);
