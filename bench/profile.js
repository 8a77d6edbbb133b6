// CPU profile of one benchmark run (default: the widget on the 20 KB corpus), unminified,
// printed as inclusive and self time per function. `node bench/profile.js [widget|naive|harness]`
// after `npm run build` (PROFILE_BYTES=200000 for the long answer). For finding where
// the per-chunk time goes; numbers are samples.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { build } from 'vite';
import { chromeArgs, chromePath } from '../test/chromium.js';
import { marked } from 'marked';
import { corpusMarkdown } from './corpus.js';

const root = new URL('..', import.meta.url).pathname;
const { generateAnswerStream } = await import(new URL('../dist/mock-platform.js', import.meta.url).href);
const steps = generateAnswerStream(corpusMarkdown(Number(process.env.PROFILE_BYTES ?? 20000), (m) => marked.parse(m, { async: false })), { unit: 'grapheme' });
const last = steps.length - 1;
const corpus = JSON.stringify(steps.map((s, i) => (i === last ? s : { chunk: s.chunk, deltas: s.deltas })));
const outDir = mkdtempSync(join(tmpdir(), 'prof-'));
await build({ root: join(root, 'bench/render'), configFile: false, logLevel: 'warn', base: '/', build: { outDir, emptyOutDir: true, minify: false, target: 'es2022', modulePreload: { polyfill: false } } });
const srv = createServer((req, res) => {
  const p = req.url.split('?')[0];
  if (p === '/c.json') { res.writeHead(200, {'content-type':'application/json'}); return res.end(corpus); }
  const f = join(outDir, p === '/' ? 'index.html' : p);
  if (!existsSync(f)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': { '.html': 'text/html', '.js': 'text/javascript' }[extname(f)] ?? 'application/octet-stream' });
  res.end(readFileSync(f));
});
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const b = await chromium.launch({ executablePath: chromePath, args: [...chromeArgs] });
const page = await b.newPage();
await page.goto(`http://127.0.0.1:${srv.address().port}/`);
await page.waitForFunction(() => globalThis.benchReady === true);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start');
const r = await page.evaluate(([m]) => globalThis.runBench(m, '/c.json', 1000, 600000), [process.argv[2] || 'widget']);
const { profile } = await cdp.send('Profiler.stop');
// total (inclusive) time per function name
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// PROFILE_TAIL_MS=n: only the last n ms of the run (what happens when the answer ends).
const times = []; let clock = profile.startTime; for (const d of profile.timeDeltas) times.push((clock += d));
const from = process.env.PROFILE_TAIL_MS ? profile.endTime - Number(process.env.PROFILE_TAIL_MS) * 1000 : -Infinity;
const selfT = {}; profile.samples.forEach((id, k) => { if (times[k] >= from) selfT[id] = (selfT[id] ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000; });
const incl = {}; const selfByName = {};
for (const [id, t] of Object.entries(selfT)) {
  const seen = new Set(); let cur = Number(id);
  const n0 = byId.get(cur); const k0 = `${n0.callFrame.functionName || '(anon)'} ${n0.callFrame.url.split('/').pop()}:${n0.callFrame.lineNumber}`;
  selfByName[k0] = (selfByName[k0] ?? 0) + t;
  while (cur !== undefined) { const n = byId.get(cur); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; if (!seen.has(k)) { incl[k] = (incl[k] ?? 0) + t; seen.add(k); } cur = parent.get(cur); }
}
console.log('result', JSON.stringify({ chunks: r.chunks, commits: r.commits, ok: r.finalHtmlCorrect }));
console.log('--- inclusive');
Object.entries(incl).filter(([k]) => !/^\((root|idle|program)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 45).forEach(([k, v]) => console.log(v.toFixed(0).padStart(7), k));
console.log('--- self');
Object.entries(selfByName).sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log(v.toFixed(0).padStart(7), k));
await b.close(); srv.close();
