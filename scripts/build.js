#!/usr/bin/env node
// Builds everything `npm start`, the npm package and the tests need:
//   dist/*.js               ESM package entries (declared dependencies external, the rest bundled)
//   dist/indigo-chat.iife.js script-tag loader; dist/indigo-chat/ the widget it loads
//   dist/types/**           .d.ts from tsc
//   dist/demo/              the demo pages (served by `npm start`)
//   custom-elements.json    from the element's JSDoc (cem analyze, scripts/custom-elements-manifest.config.js)
// `node scripts/build.js --no-types` skips the slower .d.ts and manifest steps.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import zlib, { brotliCompressSync, gzipSync } from 'node:zlib';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build, createLogger } from 'vite';
import { thirdPartyNotices } from './third-party-notices.js';
import { minifyTemplates } from './minify-templates.js';
import { browserWidgetPlugins, COMPILE_HINT, secondMinifyPass } from './browser-plugins.js';
import { widgetCodeSplitting } from './widget-chunks.js';
import { BROWSER_TARGET } from './browser-target.js';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const quiet = { logLevel: 'warn' };

// What the package declares as runtime dependencies (dependencies, peer and optional ones)
// stays an import; everything else (marked and diff for the mock platform, ...) is bundled
// into the entry that needs it, so a browser-only user installs only lit and dompurify.
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const runtimeDeps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
const external = (id) =>
  runtimeDeps.some((d) => id === d || id.startsWith(`${d}/`)) ||
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  id.startsWith('@lit/');

rmSync(resolve(root, 'dist'), { recursive: true, force: true });
const notices = thirdPartyNotices();

// 1. The ESM package. Each entry is its own file so `indigo-chat-widget/core` pulls no Lit.
const entries = {
  index: 'src/index.ts',
  define: 'src/define.ts',
  lazy: 'src/lazy.ts',
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
    target: BROWSER_TARGET,
    minify: false,
    sourcemap: true,
    lib: { entry: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, resolve(root, v)])), formats: ['es'] },
    rollupOptions: {
      external,
      // Bundled CommonJS (ioredis, prom-client) requires Node built-ins: with platform 'node'
      // the chunk that needs it gets a `require` from createRequire (browser entries need none).
      platform: 'node',
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      // Keep dynamic imports' own modules in their own chunks: by default Rolldown moves a
      // module only a dynamic import needs (the transcript serializer, loaded by the element
      // through persist-codec's import()) into a chunk its importer loads anyway, which put
      // it back on the element's static path (docs/decisions/persistence-off-the-open-path.md).
      experimental: { chunkOptimization: { avoidRedundantChunkLoads: false } },
    },
  },
  plugins: [notices.plugin()],
});

// 2. The script-tag build, launcher first:
//    dist/indigo-chat/widget-<hash>.js (+ chunks)  the widget as ES modules, everything
//                            bundled, production Lit, minified, CSS/HTML templates minified;
//    dist/indigo-chat.iife.js the loader: launcher shell, window.IndigoChat, and the
//                            widget's hashed paths, resolved against the script's own URL.
//    dist/indigo-chat/manifest.json which files are the first load and the full widget
//                            (with the native sanitizer; `fallback`: what browsers without
//                            it add), read by the size gate, the bench and the server's caching.
if (existsSync(resolve(root, 'src/loader.ts'))) {
  const browser = {
    ...quiet,
    root,
    configFile: false,
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const widget = await build({
    ...browser,
    plugins: [minifyTemplates(), ...browserWidgetPlugins(root), notices.plugin()],
    build: {
      outDir: 'dist/indigo-chat',
      emptyOutDir: true,
      target: BROWSER_TARGET,
      minify: true,
      sourcemap: true,
      modulePreload: false,
      rollupOptions: {
        input: { widget: resolve(root, 'src/embed.ts') },
        preserveEntrySignatures: 'allow-extension',
        // The second minify pass (Terser, scripts/browser-plugins.js) is most of this build's
        // time by design; Rolldown's PLUGIN_TIMINGS warning said so on every build.
        checks: { bundlerTimings: false },
        output: {
          format: 'es',
          entryFileNames: '[name]-[hash].js',
          chunkFileNames: '[name]-[hash].js',
          codeSplitting: widgetCodeSplitting,
        },
      },
    },
  });
  const chunks = (Array.isArray(widget) ? widget[0] : widget).output.filter((o) => o.type === 'chunk');
  const entry = chunks.find((c) => c.isEntry);
  // What opening needs: the entry and what it imports statically (not the lazy chunks).
  const needed = new Set([entry.fileName]);
  for (const f of needed) for (const i of chunks.find((c) => c.fileName === f)?.imports ?? []) needed.add(i);
  const dir = 'indigo-chat/';
  await build({
    ...browser,
    define: {
      ...browser.define,
      __INDIGO_CHAT_WIDGET__: JSON.stringify(`./${dir}${entry.fileName}`),
      __INDIGO_CHAT_CHUNKS__: JSON.stringify([...needed].map((f) => `./${dir}${f}`)),
      // The language packs (src/components/i18n/packs/<lang>.ts): the loader imports the
      // one the element's lang asks for beside the widget.
      __INDIGO_CHAT_PACKS__: JSON.stringify(
        Object.fromEntries(
          chunks.flatMap((c) => {
            const m = /\/src\/components\/i18n\/packs\/(\w+)\.ts$/.exec(c.facadeModuleId ?? '');
            return m ? [[m[1], `./${dir}${c.fileName}`]] : [];
          }),
        ),
      ),
      // The reader of a saved conversation: the loader imports it beside the widget when one is saved.
      __INDIGO_CHAT_SAVED__: JSON.stringify(
        `./${dir}${chunks.find((c) => c.moduleIds.some((id) => id.endsWith('/src/controllers/persist-codec.ts'))).fileName}`,
      ),
    },
    plugins: [
      {
        name: 'indigo-chat-import-widget-by-url',
        enforce: 'pre',
        resolveId(source, importer) {
          if (source === './loader/import-widget.js' && importer?.endsWith('/src/loader.ts'))
            return resolve(root, 'src/loader/import-widget.iife.ts');
          return null;
        },
      },
      notices.plugin(),
      // `//# allFunctionsCalledOnLoad` (V8's explicit compile hint, Chrome 136+; a comment
      // elsewhere): nearly every function of the loader runs on every page view, so Chromium
      // compiles them while the script streams in, off the main thread, instead of one by one
      // when first called (docs/decisions/loader-compile-hint.md). It must be the first line.
      secondMinifyPass({ module: false, preamble: COMPILE_HINT }),
    ],
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: BROWSER_TARGET,
      minify: true,
      sourcemap: true,
      lib: { entry: resolve(root, 'src/loader.ts'), formats: ['iife'], name: 'IndigoChat', fileName: () => 'indigo-chat.iife.js' },
    },
  });
  // What browsers without the native HTML Sanitizer (WebKit/Safari) also fetch on open:
  // the DOMPurify engine's chunk and what it imports (src/html/sanitize.ts).
  const fallback = new Set(chunks.filter((c) => c.facadeModuleId?.endsWith('/src/html/sanitize-dompurify.ts')).map((c) => c.fileName));
  for (const f of fallback) for (const i of chunks.find((c) => c.fileName === f)?.imports ?? []) if (!needed.has(i)) fallback.add(i);
  const manifest = {
    loader: 'indigo-chat.iife.js',
    widget: [...needed].map((f) => dir + f),
    fallback: [...fallback].map((f) => dir + f),
    lazy: chunks.map((c) => dir + c.fileName).filter((f) => !needed.has(f.slice(dir.length)) && !fallback.has(f.slice(dir.length))),
  };
  writeFileSync(resolve(root, 'dist/indigo-chat/manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

// 2b. The owner console's browser app (its own bundle; the relay serves it at /console/assets/).
if (existsSync(resolve(root, 'src/console/main.ts'))) {
  await build({
    ...quiet,
    root,
    configFile: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir: 'dist/console',
      emptyOutDir: false,
      target: BROWSER_TARGET,
      minify: true,
      sourcemap: true,
      lib: { entry: resolve(root, 'src/console/main.ts'), formats: ['es'], fileName: () => 'console.js' },
    },
    plugins: [notices.plugin()],
  });
}

notices.write(resolve(root, 'dist/THIRD-PARTY-LICENSES.txt'));
// The relay's reference (routes, settings, error codes) ships with the package: the CLI's
// --help points to it, and the tarball has no src/.
copyFileSync(resolve(root, 'src/relay/README.md'), resolve(root, 'dist/RELAY.md'));

// 3. The demo pages, served by `npm start` (relay + mock platform) at /.
const demoDir = resolve(root, 'demo');
const pages = readdirSync(demoDir).filter((f) => f.endsWith('.html'));
// The script-tag pages load the IIFE as a classic script on purpose (exactly as a site
// owner would); Vite's note that it cannot bundle it is expected, not a warning for
// whoever runs `npm start`.
const demoLogger = createLogger('warn');
const warn = demoLogger.warn.bind(demoLogger);
demoLogger.warn = (message, options) => {
  if (!/indigo-chat\.iife\.js.*can't be bundled without type="module"/.test(message)) warn(message, options);
};
await build({
  ...quiet,
  customLogger: demoLogger,
  root: demoDir,
  configFile: false,
  base: '/',
  publicDir: resolve(demoDir, 'public'),
  build: {
    outDir: resolve(root, 'dist/demo'),
    emptyOutDir: true,
    target: BROWSER_TARGET,
    // No inline module-preload polyfill: the strict-CSP page allows only 'self' scripts.
    modulePreload: { polyfill: false },
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), resolve(demoDir, p)])) },
  },
});
// Precompressed siblings (.br, .gz level 9) for the script-tag files and the
// demo, where they pay: the Node server and CLI send them as is (src/relay/static-response.ts).
function compress(file, quality) {
  const raw = readFileSync(file);
  if (raw.length < 1024) return;
  const br = brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } });
  const gz = gzipSync(raw, { level: 9 });
  if (br.length < raw.length * 0.9) writeFileSync(`${file}.br`, br);
  if (gz.length < raw.length * 0.9) writeFileSync(`${file}.gz`, gz);
}
function precompress(dir, quality = 11) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(js|css|html|svg|json)$/.test(entry.name)) compress(join(entry.parentPath ?? entry.path, entry.name), quality);
  }
}
// The demo's own pages: quality 9 (a few % larger, many times faster to build).
precompress(resolve(root, 'dist/demo'), 9);
precompress(resolve(root, 'dist/indigo-chat'));
const iife = resolve(root, 'dist/indigo-chat.iife.js');
if (existsSync(iife)) {
  compress(iife, 11);
  // The script-tag page loads the IIFE exactly as a site owner would: the same files, with
  // the same quality-11 siblings (the bench's host page measures these).
  for (const ext of ['', '.br', '.gz']) copyFileSync(`${iife}${ext}`, resolve(root, `dist/demo/indigo-chat.iife.js${ext}`));
  cpSync(resolve(root, 'dist/indigo-chat'), resolve(root, 'dist/demo/indigo-chat'), { recursive: true });
}

// 4. Types and the custom-elements manifest.
if (!args.has('--no-types')) {
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const cem = spawnSync(
    'npx',
    // Globs, excludes and the plugin that reads the element's `static properties` helpers.
    ['cem', 'analyze', '--config', 'scripts/custom-elements-manifest.config.js'],
    { cwd: root, stdio: 'inherit' },
  );
  if (cem.status !== 0) process.exit(cem.status ?? 1);
}
mkdirSync(resolve(root, 'dist'), { recursive: true });
console.log('build: done');
