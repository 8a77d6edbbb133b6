// CPU profile of one benchmark run (default: the widget on the 20 KB corpus), unminified,
// printed as inclusive and self time per function. `node bench/profile.js [widget|naive|harness]`
// after `npm run build` (PROFILE_BYTES=200000 for the long answer). For finding where
// the per-chunk time goes; numbers are samples.
import { openBenchPage } from './bench-page.js';

const { cdp, run, close } = await openBenchPage();
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const r = await run(process.argv[2] || 'widget');
const { profile } = await cdp.send('Profiler.stop');
// total (inclusive) time per function name
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// PROFILE_TAIL_MS=n: only the last n ms of the run (what happens when the answer ends).
const times = [];
let clock = profile.startTime;
for (const d of profile.timeDeltas) times.push((clock += d));
const from = process.env.PROFILE_TAIL_MS ? profile.endTime - Number(process.env.PROFILE_TAIL_MS) * 1000 : -Infinity;
const selfT = {};
profile.samples.forEach((id, k) => {
  if (times[k] >= from) selfT[id] = (selfT[id] ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000;
});
const incl = {};
const selfByName = {};
for (const [id, t] of Object.entries(selfT)) {
  const seen = new Set();
  let cur = Number(id);
  const n0 = byId.get(cur);
  const k0 = `${n0.callFrame.functionName || '(anon)'} ${n0.callFrame.url.split('/').pop()}:${n0.callFrame.lineNumber}`;
  selfByName[k0] = (selfByName[k0] ?? 0) + t;
  while (cur !== undefined) {
    const n = byId.get(cur);
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    if (!seen.has(k)) {
      incl[k] = (incl[k] ?? 0) + t;
      seen.add(k);
    }
    cur = parent.get(cur);
  }
}
console.log('result', JSON.stringify({ chunks: r.chunks, commits: r.commits, ok: r.finalHtmlCorrect }));
console.log('--- inclusive');
Object.entries(incl)
  .filter(([k]) => !/^\((root|idle|program)\)/.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 45)
  .forEach(([k, v]) => console.log(v.toFixed(0).padStart(7), k));
console.log('--- self');
Object.entries(selfByName)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25)
  .forEach(([k, v]) => console.log(v.toFixed(0).padStart(7), k));
await close();
