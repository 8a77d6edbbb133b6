// Chromium trace of one benchmark run, as main-thread self time per trace event (what the
// CPU profile shows as "(program)": style, layout, paint, parsing, GC, and so on).
// `node bench/trace.js [widget|naive|harness]` after `npm run build`
// (PROFILE_BYTES=200000 for the long answer, PROFILE_THROTTLE=4 for a 4x slower CPU).
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
const outDir = mkdtempSync(join(tmpdir(), 'trace-'));
await build({ root: join(root, 'bench/render'), configFile: false, logLevel: 'warn', base: '/', build: { outDir, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } } });
const srv = createServer((req, res) => {
  const p = req.url.split('?')[0];
  if (p === '/c.json') { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(corpus); }
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
const throttle = Number(process.env.PROFILE_THROTTLE ?? 1);
if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
await b.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
const r = await page.evaluate(([m]) => globalThis.runBench(m, '/c.json', 1000, 600000), [process.argv[2] || 'widget']);
const trace = JSON.parse((await b.stopTracing()).toString());
const events = trace.traceEvents;
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const mine = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && typeof e.dur === 'number').sort((x, y) => x.ts - y.ts || y.dur - x.dur);
// Self time: each event's duration minus its direct children's.
const self = {};
const stack = [];
for (const e of mine) {
  while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
  const parent = stack.at(-1);
  if (parent) self[parent.name] -= e.dur;
  self[e.name] = (self[e.name] ?? 0) + e.dur;
  stack.push(e);
}
const total = mine.filter((e) => e.name === 'RunTask').reduce((s, e) => s + e.dur, 0);
console.log('result', JSON.stringify({ chunks: r.chunks, commits: r.commits, ok: r.finalHtmlCorrect, longTasks: r.longTasks, framesOver50: r.framesOver50, wallMs: Math.round(r.wallMs) }), 'RunTask total ms', (total / 1000).toFixed(0));
Object.entries(self).sort((a, c) => c[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log((v / 1000).toFixed(0).padStart(7), k));
// The long tasks: when, how long, and what ran inside (self time per event name).
const tasks = mine.filter((e) => e.name === 'RunTask' && e.dur > 50_000);
const t0 = mine[0]?.ts ?? 0;
for (const t of tasks.slice(0, Number(process.env.TRACE_LONG ?? 12))) {
  const inner = {};
  const st = [];
  for (const e of mine) {
    if (e.ts < t.ts || e.ts + e.dur > t.ts + t.dur || e === t) continue;
    while (st.length && st.at(-1).ts + st.at(-1).dur <= e.ts) st.pop();
    if (st.at(-1)) inner[st.at(-1).name] -= e.dur;
    inner[e.name] = (inner[e.name] ?? 0) + e.dur;
    st.push(e);
  }
  const top = Object.entries(inner).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`).join(', ');
  console.log(`long task at ${((t.ts - t0) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(0)} ms (cpu ${((t.tdur ?? 0) / 1000).toFixed(0)}): ${top}`);
}
console.log(`${tasks.length} tasks over 50 ms`);
await b.close(); srv.close();
