// One benchmark page for the profiling tools (bench/profile.js, bench/trace.js): the
// corpus of PROFILE_BYTES (default 20 KB), the render page built unminified, a local
// server, and Chromium on it, ready for `runBench` (BENCH_THROTTLE / PROFILE_THROTTLE=4
// for a 4x slower CPU; PROFILE_RATE for chunks/s, default 1,000). Needs `npm run build`
// first (the mock's generator).
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { build } from 'vite';
import { marked } from 'marked';
import { chromeArgs, chromePath } from '../test/chromium.js';
import { corpusMarkdown } from './corpus.js';

export async function openBenchPage() {
  const root = new URL('..', import.meta.url).pathname;
  const { generateAnswerStream } = await import(new URL('../dist/mock-platform.js', import.meta.url).href);
  const steps = generateAnswerStream(
    corpusMarkdown(Number(process.env.PROFILE_BYTES ?? 20000), (m) => marked.parse(m, { async: false })),
    { unit: 'grapheme' },
  );
  const last = steps.length - 1;
  const corpus = JSON.stringify(steps.map((s, i) => (i === last ? s : { chunk: s.chunk, deltas: s.deltas })));
  const outDir = mkdtempSync(join(tmpdir(), 'bench-page-'));
  await build({
    root: join(root, 'bench/render'),
    configFile: false,
    logLevel: 'warn',
    base: '/',
    build: { outDir, emptyOutDir: true, minify: false, target: 'es2022', modulePreload: { polyfill: false } },
  });
  const server = createServer((req, res) => {
    const p = req.url.split('?')[0];
    if (p === '/c.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(corpus);
    }
    const f = join(outDir, p === '/' ? 'index.html' : p);
    if (!existsSync(f)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': { '.html': 'text/html', '.js': 'text/javascript' }[extname(f)] ?? 'application/octet-stream' });
    res.end(readFileSync(f));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: chromePath, args: [...chromeArgs] });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => globalThis.benchReady === true);
  const cdp = await page.context().newCDPSession(page);
  const throttle = Number(process.env.PROFILE_THROTTLE ?? 1);
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  return {
    browser,
    page,
    cdp,
    /** Streams the corpus in `mode` (widget, naive, harness or core) at PROFILE_RATE chunks/s. */
    run: (mode) =>
      page.evaluate(([m, rate]) => globalThis.runBench(m, '/c.json', rate, 600000), [mode, Number(process.env.PROFILE_RATE ?? 1000)]),
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
