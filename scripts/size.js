// Bundle sizes of the script-tag build, gzip (level 9, per file, as served), read from
// dist/indigo-chat/manifest.json which the build writes:
//   first load  = the loader (dist/indigo-chat.iife.js): what every page view pays;
//   full widget = the loader + every file the widget needs to open (its entry chunk and
//                 its static imports), i.e. what a visitor who opens the chat fetched;
//   full widget, fallback = the same where the browser lacks the HTML Sanitizer API
//                 (WebKit/Safari): plus the DOMPurify chunk (manifest.fallback);
//   lazy        = chunks loaded only when their content shows up (not in the full widget).
// `node scripts/size.js` prints them; the e2e suite's bundle-size test gates them.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/** The issue's budgets (issue 11), in bytes of gzip. */
export const BUDGETS = Object.freeze({ firstLoadGzip: 10_000, fullWidgetGzip: 40_000 });

const root = resolve(import.meta.dirname, '..');

export function measureBundles(dist = join(root, 'dist')) {
  const manifest = JSON.parse(readFileSync(join(dist, 'indigo-chat/manifest.json'), 'utf8'));
  const file = (f) => {
    const bytes = readFileSync(join(dist, f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
  };
  const sum = (files) =>
    files.reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip, brotli: a.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const loader = file(manifest.loader);
  const widget = manifest.widget.map(file);
  const fallback = (manifest.fallback ?? []).map(file);
  const lazy = manifest.lazy.map(file);
  return {
    loader,
    widget,
    fallback,
    lazy,
    firstLoad: sum([loader]),
    fullWidget: sum([loader, ...widget]),
    fullWidgetFallback: sum([loader, ...widget, ...fallback]),
    lazyTotal: sum(lazy),
  };
}

if (process.argv[1] === import.meta.filename) {
  const m = measureBundles();
  const row = (name, s, budget) =>
    console.log(
      `${name.padEnd(12)} ${String(s.raw).padStart(7)} B raw ${String(s.gzip).padStart(6)} B gzip ${String(s.brotli).padStart(6)} B brotli${budget ? `  (budget ${budget} B gzip: ${s.gzip <= budget ? `${budget - s.gzip} B headroom` : `${s.gzip - budget} B OVER`})` : ''}`,
    );
  row('first load', m.firstLoad, BUDGETS.firstLoadGzip);
  row('full widget', m.fullWidget, BUDGETS.fullWidgetGzip);
  row('  fallback', m.fullWidgetFallback, BUDGETS.fullWidgetGzip);
  row('lazy chunks', m.lazyTotal);
  for (const f of [m.loader, ...m.widget]) console.log(`  ${f.file}: ${f.gzip} B gzip`);
  for (const f of m.fallback) console.log(`  ${f.file}: ${f.gzip} B gzip (without the native HTML Sanitizer only)`);
  for (const f of m.lazy) console.log(`  ${f.file}: ${f.gzip} B gzip (lazy)`);
}
