#!/usr/bin/env node
// Where the widget's bytes go: rebuilds the script-tag widget in memory (same entry,
// plugins and minifier as scripts/build.js) and prints each source module's minified
// size and its gzip on its own, grouped by package for node_modules. A module's own gzip
// overstates its share of the whole file's (shared dictionary); read it as a ranking.
// `node scripts/bundle-report.js [--top N]`
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { minifyTemplates } from './minify-templates.js';
import { browserWidgetPlugins } from './browser-plugins.js';
import { widgetCodeSplitting } from './widget-chunks.js';
import { BROWSER_TARGET } from './browser-target.js';

const root = resolve(import.meta.dirname, '..');
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 40;
const out = await build({
  root,
  configFile: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [minifyTemplates(), ...browserWidgetPlugins(root)],
  build: {
    write: false,
    target: BROWSER_TARGET,
    minify: true,
    rollupOptions: {
      input: resolve(root, 'src/embed.ts'),
      preserveEntrySignatures: 'allow-extension',
      checks: { bundlerTimings: false }, // as scripts/build.js: the second minify pass is slow by design
      output: { format: 'es', codeSplitting: widgetCodeSplitting },
    },
  },
});
for (const o of Array.isArray(out) ? out : [out]) {
  for (const c of o.output) {
    if (c.type !== 'chunk') continue;
    console.log(`${c.fileName}: ${c.code.length} B minified, ${gzipSync(c.code, { level: 9 }).length} B gzip`);
    const groups = new Map();
    for (const [id, m] of Object.entries(c.modules)) {
      const key = id.replace(`${root}/`, '').replace(/.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, '$1');
      const g = groups.get(key) ?? { raw: 0, code: '' };
      g.raw += m.renderedLength;
      g.code += m.code ?? '';
      groups.set(key, g);
    }
    const rows = [...groups].map(([k, g]) => [k, g.raw, gzipSync(g.code, { level: 9 }).length]).sort((a, b) => b[2] - a[2]);
    console.log('  own gzip  rendered (before minifying)  module');
    for (const [k, raw, gz] of rows.slice(0, top)) console.log(`${String(gz).padStart(8)} B ${String(raw).padStart(9)} B  ${k}`);
  }
}
