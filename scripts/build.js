#!/usr/bin/env node
// Builds everything `npm start`, the npm package and the tests need:
//   dist/*.js               ESM package entries (dependencies external)
//   dist/indigo-chat.iife.js script-tag build (everything bundled, minified)
//   dist/types/**           .d.ts from tsc
//   dist/demo/              the demo pages (served by `npm start`)
//   custom-elements.json    from the element's JSDoc (cem analyze --litelement)
// `node scripts/build.js --no-types` skips the slower .d.ts and manifest steps.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const quiet = { logLevel: 'warn' };

const external = (id) =>
  ['lit', 'dompurify', 'diff', 'marked', 'ioredis', 'prom-client', 'graphql', 'better-sqlite3'].some((d) => id === d || id.startsWith(`${d}/`)) ||
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  id.startsWith('@lit/');

rmSync(resolve(root, 'dist'), { recursive: true, force: true });

// 1. The ESM package. Each entry is its own file so `indigo-chat-widget/core` pulls no Lit.
const entries = {
  index: 'src/index.ts',
  define: 'src/define.ts',
  core: 'src/core/index.ts',
  relay: 'src/relay/index.ts',
  'relay-node': 'src/relay/node.ts',
  'relay-worker': 'src/relay/worker.ts',
  'mock-platform': 'src/mock-platform/index.ts',
};
for (const [name, file] of Object.entries(entries)) {
  if (!existsSync(resolve(root, file))) {
    console.warn(`build: skipping ${name} (${file} not found)`);
    delete entries[name];
  }
}
await build({
  ...quiet,
  root,
  configFile: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, resolve(root, v)])), formats: ['es'] },
    rollupOptions: { external, output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
});

/** A browser bundle: everything included, production Lit, minified. */
const browserBundle = (outDir, lib) =>
  build({
    ...quiet,
    root,
    configFile: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { outDir, emptyOutDir: false, target: 'es2022', minify: true, sourcemap: true, lib },
  });

// 2. The script-tag build.
if (existsSync(resolve(root, 'src/embed.ts'))) {
  await browserBundle('dist', { entry: resolve(root, 'src/embed.ts'), formats: ['iife'], name: 'IndigoChat', fileName: () => 'indigo-chat.iife.js' });
}

// 2b. The owner console's browser app (its own bundle; the relay serves it at /console/assets/).
if (existsSync(resolve(root, 'src/console/main.ts'))) {
  await browserBundle('dist/console', { entry: resolve(root, 'src/console/main.ts'), formats: ['es'], fileName: () => 'console.js' });
}

// 3. The demo pages, served by `npm start` (relay + mock platform) at /.
const demoDir = resolve(root, 'demo');
const pages = readdirSync(demoDir).filter((f) => f.endsWith('.html'));
await build({
  ...quiet,
  root: demoDir,
  configFile: false,
  base: '/',
  publicDir: resolve(demoDir, 'public'),
  build: {
    outDir: resolve(root, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline module-preload polyfill: the strict-CSP page allows only 'self' scripts.
    modulePreload: { polyfill: false },
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), resolve(demoDir, p)])) },
  },
});
// The script-tag page loads the IIFE exactly as a site owner would.
if (existsSync(resolve(root, 'dist/indigo-chat.iife.js'))) {
  copyFileSync(resolve(root, 'dist/indigo-chat.iife.js'), resolve(root, 'dist/demo/indigo-chat.iife.js'));
}

// 4. Types and the custom-elements manifest.
if (!args.has('--no-types')) {
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const cem = spawnSync(
    'npx',
    ['cem', 'analyze', '--litelement', '--globs', 'src/components/**/*.ts', '--exclude', 'src/**/*.test.ts', '--outdir', '.'],
    { cwd: root, stdio: 'inherit' },
  );
  if (cem.status !== 0) process.exit(cem.status ?? 1);
}
mkdirSync(resolve(root, 'dist'), { recursive: true });
console.log('build: done');
