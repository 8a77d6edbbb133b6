// Chromium trace of one benchmark run, as main-thread self time per trace event (what the
// CPU profile shows as "(program)": style, layout, paint, parsing, GC, and so on), and the
// long tasks inside the measured window with the JS functions that ran in them (self time
// from a CPU profile sampled at the same time).
// `node bench/trace.js [widget|naive|harness]` after `npm run build`
// (PROFILE_BYTES=200000 for the long answer, PROFILE_THROTTLE=4 for a 4x slower CPU).
import { openBenchPage } from './bench-page.js';

const { browser: b, page, cdp, run, close } = await openBenchPage();
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await b.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
await cdp.send('Profiler.start');
const r = await run(process.argv[2] || 'widget');
const { profile } = await cdp.send('Profiler.stop');
const trace = JSON.parse((await b.stopTracing()).toString());
const events = trace.traceEvents;
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const mine = events
  .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && typeof e.dur === 'number')
  .sort((x, y) => x.ts - y.ts || y.dur - x.dur);
// The page's measured window (performance marks in runBench).
const mark = (name) => events.find((e) => e.name === name && e.pid === main.pid)?.ts;
const from = mark('bench-start') ?? -Infinity;
const to = mark('bench-end') ?? Infinity;
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
const cpuInWindow = mine.filter((e) => e.name === 'RunTask' && e.ts + e.dur >= from && e.ts <= to).reduce((s, e) => s + (e.tdur ?? 0), 0);
console.log(
  'result',
  JSON.stringify({
    chunks: r.chunks,
    commits: r.commits,
    ok: r.finalHtmlCorrect,
    longTasks: r.longTasks,
    framesOver50: r.framesOver50,
    wallMs: Math.round(r.wallMs),
  }),
  'RunTask total ms',
  (total / 1000).toFixed(0),
  'thread CPU in the window ms',
  (cpuInWindow / 1000).toFixed(0),
);
Object.entries(self)
  .sort((a, c) => c[1] - a[1])
  .slice(0, 30)
  .forEach(([k, v]) => console.log((v / 1000).toFixed(0).padStart(7), k));
// CPU profile samples on the trace clock (both are microseconds of the same monotonic clock).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const samples = [];
let clock = profile.startTime;
profile.samples.forEach((id, k) => {
  clock += profile.timeDeltas[k] ?? 0;
  const f = byId.get(id).callFrame;
  samples.push({
    ts: clock,
    dt: profile.timeDeltas[k + 1] ?? 0,
    name: `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`,
  });
});
// The long tasks: when, how long, and what ran inside (self time per event name and per JS function).
// Over 50 ms of thread (CPU) time, as the bench counts them on a shared machine
// (TRACE_WALL=1: of wall time); only those in the measured window unless TRACE_ALL=1.
const wall = process.env.TRACE_WALL === '1';
const tasks = mine.filter(
  (e) =>
    e.name === 'RunTask' &&
    (wall ? e.dur : (e.tdur ?? 0)) > 50_000 &&
    (process.env.TRACE_ALL === '1' || (e.ts + e.dur >= from && e.ts <= to)),
);
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
  const top = Object.entries(inner)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`)
    .join(', ');
  const fns = {};
  for (const s of samples) if (s.ts >= t.ts && s.ts <= t.ts + t.dur) fns[s.name] = (fns[s.name] ?? 0) + s.dt;
  const topFns = Object.entries(fns)
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, Number(process.env.TRACE_FNS ?? 8))
    .map(([k, v]) => `${(v / 1000).toFixed(1)} ${k}`)
    .join('\n      ');
  const where = t.ts < from ? 'before the window' : t.ts > to ? 'after the window' : 'in the window';
  console.log(
    `long task at ${((t.ts - from) / 1000).toFixed(0)} ms (${where}): ${(t.dur / 1000).toFixed(0)} ms (cpu ${((t.tdur ?? 0) / 1000).toFixed(0)}): ${top}\n      ${topFns}`,
  );
  // What style and layout worked on: elements restyled, layout objects dirty of the total.
  for (const e of mine) {
    if (e.ts < t.ts || e.ts + e.dur > t.ts + t.dur || e.dur < 2000 || !['Layout', 'UpdateLayoutTree'].includes(e.name)) continue;
    const b = e.args?.beginData ?? {};
    const size =
      e.name === 'Layout'
        ? `dirty ${b.dirtyObjects} of ${b.totalObjects}${b.partialLayout ? ' (partial)' : ''}`
        : `elements ${e.args?.elementCount ?? e.args?.beginData?.elementCount ?? '?'}`;
    console.log(`      ${e.name} ${(e.dur / 1000).toFixed(1)} ms: ${size}`);
  }
}
console.log(
  `${tasks.length} tasks over 50 ms of ${wall ? 'wall' : 'CPU'} time; max task CPU ${(Math.max(0, ...mine.filter((e) => e.name === 'RunTask' && e.ts >= from && e.ts <= to).map((e) => e.tdur ?? 0)) / 1000).toFixed(0)} ms`,
);
await close();
