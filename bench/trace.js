// Chromium trace of one benchmark run, as main-thread self time per trace event (what the
// CPU profile shows as "(program)": style, layout, paint, parsing, GC, and so on).
// `node bench/trace.js [widget|naive|harness]` after `npm run build`
// (PROFILE_BYTES=200000 for the long answer, PROFILE_THROTTLE=4 for a 4x slower CPU).
import { openBenchPage } from './bench-page.js';

const { browser: b, page, run, close } = await openBenchPage();
await b.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
const r = await run(process.argv[2] || 'widget');
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
await close();
