// Bundles every handler module as its own entry point, plus the runtime. Handlers share code through
// split chunks (one copy of zod in memory, not one per route) and must never reach into bridge/ or Docker.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

const handlerEntries = walk(join(root, 'handlers')).map((f) => relative(root, f));
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
  // Worker-based logging and the lazily loaded Docker features stay in node_modules.
  external: ['pino', 'pino-pretty', 'dockerode/lib/session.js', 'dockerode/lib/buildkit.js', 'docker-modem/lib/ssh.js'],
  plugins: [lazyDockerFeatures],
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
  if (!meta.entryPoint?.startsWith('handlers/')) continue;
  handlerOutputs.push(relative('dist/handlers', out));
  const seen = new Set();
  const stack = [out];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const o = outputs[file];
    if (!o) continue;
    for (const input of Object.keys(o.inputs)) if (forbidden(input)) violations.push(`${meta.entryPoint} includes ${input}`);
    for (const imp of o.imports) {
      if (imp.external && forbidden(imp.path)) violations.push(`${meta.entryPoint} imports ${imp.path}`);
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
