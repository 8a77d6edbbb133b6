// Build plugins shared by the script-tag widget build (scripts/build.js) and the bundle
// report (scripts/bundle-report.js).
import { basename, dirname, resolve } from 'node:path';
import { minify } from 'terser';
import { mangleableNames } from './private-names.js';
import { LIT_INTERNAL_NAMES, minifyLit } from './minify-lit.js';

export function browserWidgetPlugins(root) {
  return [
    minifyLit(),
    {
      // The relay always re-emits canonical SSE: the browser needs no framing detection,
      // NDJSON/array scanner or async-iterable bodies, only an SSE decoder of its own.
      name: 'indigo-chat-sse-only',
      enforce: 'pre',
      resolveId(source, importer) {
        if (importer && source.endsWith('decode.js') && resolve(dirname(importer), source) === resolve(root, 'src/core/protocol/decode.js'))
          return resolve(root, 'src/core/protocol/decode.browser.ts');
        return null;
      },
    },
    {
      // No CSS files and no module preloading in the widget: Vite's preload helper (1.2 KB
      // gzip of <link> injection) would wrap every import() for nothing.
      name: 'indigo-chat-no-preload-helper',
      enforce: 'pre',
      load(id) {
        if (id === '\0vite/preload-helper.js') return 'export const __vitePreload = (load) => load();';
        return null;
      },
    },
    // V8's compile hint on the widget's entry: opening runs a large part of it at once
    // (define, first render), so Chromium compiles it off the main thread while it loads
    // (docs/decisions/widget-compile-hint.md). Not on the lazy chunks.
    secondMinifyPass({ preamble: (chunk) => (chunk.isEntry ? COMPILE_HINT : undefined) }),
  ];
}

/**
 * V8's explicit compile hint (Chrome 136+; a comment to other engines): on a script's first
 * line, Chromium compiles all its functions while it streams in, on a background thread,
 * instead of each on the main thread when first called.
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * A second minifier pass over each chunk Rolldown has minified (Oxc): Terser with two
 * compress passes re-mangles names by frequency and finds a few more folds. Measured on the
 * widget's entry: -0.4 KB gzip, the lazy chunks -0.2 KB; Terser alone did worse than Oxc
 * alone, and Oxc's own options (more iterations, no sequences/joins) changed nothing or
 * grew the file. Only safe options (no `unsafe*`, no `pure_getters`); the exports' names
 * stay (lazy chunks import from the entry); the source maps are chained through it.
 * Exported for the loader's build too (scripts/build.js). `preamble`: a first line for
 * each chunk (a string, or a function of the chunk; the source map is shifted for it).
 */
export function secondMinifyPass({ module = true, root = resolve(import.meta.dirname, '..'), preamble = undefined } = {}) {
  // TypeScript-private member names used for nothing else (scripts/private-names.js) are
  // mangled too, with one name cache for every chunk of the build so they agree; so are
  // Lit's own internal names (scripts/minify-lit.js).
  const properties = module
    ? { regex: new RegExp(`${mangleableNames(root).regex.source}|${LIT_INTERNAL_NAMES.source}`), keep_quoted: true }
    : false;
  return {
    name: 'indigo-chat-second-minify-pass',
    // After Vite's own generateBundle work (it rewrites the preload markers and rebuilds
    // each map from the chunk's pre-Terser map): run before it, the maps pointed every
    // position of the Terser output into one line of lit-html.
    generateBundle: { order: 'post', handler: secondPass },
  };
  async function secondPass(_options, bundle) {
    const nameCache = {};
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const map = bundle[`${chunk.fileName}.map`];
      const out = await minify(chunk.code, {
        // An ES module's top level is its own (names mangled); a classic script's (the
        // loader's IIFE, whose `var IndigoChat` is the page's global) is not.
        module,
        ecma: 2020,
        compress: { passes: 2 },
        mangle: { properties },
        // A first line of the output (a compile hint), with the map shifted for it.
        format: { preamble: typeof preamble === 'function' ? preamble(chunk) : preamble },
        nameCache,
        sourceMap: map?.type === 'asset' ? { content: String(map.source), url: `${basename(chunk.fileName)}.map` } : false,
      });
      if (out.code === undefined) throw new Error(`second minify pass: no output for ${chunk.fileName}`);
      chunk.code = out.code;
      if (map?.type === 'asset' && typeof out.map === 'string') map.source = out.map;
    }
  }
}
