// Bundles every handler module as its own entry point, plus the runtime. Handlers share code through
// split chunks (one copy of zod in memory, not one per route) and must never reach into bridge/ or Docker.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('.', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const KUBERNETES_VERSION = '1.32.0';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

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
  // Native or worker-based runtime dependencies stay in node_modules.
  external: ['dockerode', 'pino', 'pino-pretty'],
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

writeFileSync(join(root, 'dist/handlers/index.json'), JSON.stringify(handlerOutputs.sort(), null, 1));
console.log(`built ${handlerOutputs.length} handlers and the runtime into dist/`);
