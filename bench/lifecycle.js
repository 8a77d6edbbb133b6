// Rendering work per commit of one benchmark run: Chromium's lifecycle events (paint,
// layout, layerize, pre-paint, style, intersection observers, scrolling) and whether they
// ran in the frame's own lifecycle or were forced by JavaScript (a layout read in a
// callback), as thread time and wall time per commit. For finding what grows with the
// answer: compare PROFILE_BYTES=20000 (default) with 200000. `node bench/lifecycle.js`
// after `npm run build` (PROFILE_THROTTLE=4 for a 4x slower CPU).
import { openBenchPage } from './bench-page.js';

const WATCHED = new Set([
  'Layout',
  'UpdateLayoutTree',
  'IntersectionObserverController::computeIntersections',
  'Paint',
  'PrePaint',
  'ScrollLayer',
  'Layerize',
]);
const JS = new Set(['FunctionCall', 'TimerFire', 'EventDispatch', 'FireAnimationFrame', 'v8.callFunction']);

const { browser, page, run, close } = await openBenchPage();
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
const r = await run(process.argv[2] || 'widget');
const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const mine = events
  .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && typeof e.dur === 'number')
  .sort((x, y) => x.ts - y.ts || y.dur - x.dur);
const tasks = mine.filter((e) => e.name === 'RunTask');
const ms = (us) => us / 1000;
console.log(
  `${r.chunks} chunks, ${r.commits} commits; main thread ${ms(tasks.reduce((s, e) => s + (e.tdur ?? 0), 0)).toFixed(0)} ms CPU,`,
  `${ms(tasks.reduce((s, e) => s + e.dur, 0)).toFixed(0)} ms wall; tasks over 50 ms (wall): ${tasks.filter((e) => e.dur > 50_000).length}`,
);
const rows = {};
const stack = [];
for (const e of mine) {
  while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
  if (WATCHED.has(e.name)) {
    const js = stack.findLast((s) => JS.has(s.name));
    const where = js ? `forced in ${js.args?.data?.functionName || js.args?.data?.type || js.name}` : 'lifecycle';
    const row = (rows[`${e.name} (${where})`] ??= { n: 0, cpu: 0, wall: 0 });
    row.n++;
    row.cpu += e.tdur ?? e.dur;
    row.wall += e.dur;
  }
  stack.push(e);
}
console.log('  per commit:   cpu ms  wall ms   events  what');
for (const [k, v] of Object.entries(rows).sort((a, c) => c[1].cpu - a[1].cpu)) {
  console.log(
    `  ${ms(v.cpu / r.commits)
      .toFixed(3)
      .padStart(15)} ${ms(v.wall / r.commits)
      .toFixed(3)
      .padStart(8)} ${String(v.n).padStart(8)}  ${k}`,
  );
}
await close();
