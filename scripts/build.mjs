#!/usr/bin/env node
// Compiles src/ into dist/ once, so the agent starts without a TypeScript compiler in the
// process: tsx at run time cost about 35 MiB RSS and 0.3 CPU-seconds per start (issue 8).
// Dependencies stay external (node_modules), so lazily imported ones (ioredis, gamedig) are
// only loaded when the config uses them; code splitting keeps the subcommands lazy too.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// deploy/install.sh builds straight into the installed tree: `node scripts/build.mjs DIR`.
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The config worker is an entry of its own: a worker thread starts from a file.
  entryPoints: { main: 'src/main.ts', 'config-worker': 'src/config/load-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  sourcemap: 'linked',
  // Chunks sit directly in the output dir so `import.meta.url/..` is the package root, as for src/.
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
