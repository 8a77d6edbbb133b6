#!/usr/bin/env node
// Host-page impact of the script tag (issue 11), in one run: the demo's script-tag page
// with and without its <script> tag, and with the README's after-load snippet instead of
// the tag, served by the real Node server (compression and
// caching as shipped), in Chromium. Per variant, three fresh-profile loads:
//   JS bytes fetched before interaction (as transferred; prefetch-marked requests apart,
//   after one mouse move: the loader prefetches only once someone is there),
//   main-thread script and task time, long tasks and total blocking time (sum of the part
//   of each long task over 50 ms, until 3 s after load, prefetch included), launcher shown;
// then Lighthouse 12 (mobile, simulated throttling; CHROME_PATH) three times each:
//   performance score, LCP, TTI, TBT. The worst of the three runs is reported.
// The loader's own main-thread work comes from a trace of each load: its evaluation
// (loaderEvalMs), the task that attaches and first renders the launcher shell
// (loaderFirstRenderMs), and every task that ran its code (loaderTotalMs).
// `node bench/host-page.js` runs it alone; `npm run bench` includes it.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromeArgs, chromePath } from '../test/chromium.js';

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_HOST_RUNS ?? 3);

export async function serveVariants() {
  // A copy of the built demo plus the same page without the script tag.
  const dir = mkdtempSync(join(tmpdir(), 'indigo-host-page-'));
  cpSync(join(root, 'dist/demo'), dir, { recursive: true });
  const page = readFileSync(join(dir, 'script-tag.html'), 'utf8');
  const tag = /\s*<script\s+src="\/indigo-chat\.iife\.js"[^>]*><\/script>/;
  const without = page.replace(tag, '');
  if (without === page) throw new Error('bench/host-page: no script tag found in script-tag.html');
  writeFileSync(join(dir, 'without-widget.html'), without);
  // The same page with the tag replaced by the README's snippet (taken from the demo's
  // script-tag-deferred.html), which inserts the loader after load and a paint.
  const snippet = /<script>\s*\(function \(w, d\)[\s\S]*?<\/script>/.exec(readFileSync(join(dir, 'script-tag-deferred.html'), 'utf8'));
  if (!snippet) throw new Error('bench/host-page: no snippet found in script-tag-deferred.html');
  writeFileSync(join(dir, 'deferred-widget.html'), page.replace(tag, snippet[0]));
  const { startRelayServer } = await import(pathToFileURL(join(root, 'dist/relay-node.js')).href);
  return startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', RELAY_SECRET: 'bench' }, log: () => {} });
}

/** Chromium with a profile of its own (an empty HTTP cache), and one page in it. */
export async function freshPage() {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'indigo-host-')), {
    executablePath: chromePath,
    headless: true,
    args: [...chromeArgs],
  });
  return { context, page: await context.newPage() };
}

async function loadOnce(url) {
  const { context, page } = await freshPage();
  await page.addInitScript(() => {
    const w = /** @type {any} */ (globalThis);
    w.__longTasks = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', (e) =>
    requests.set(e.requestId, {
      url: e.request.url,
      type: e.type,
      purpose: e.request.headers['Sec-Purpose'] ?? e.request.headers['sec-purpose'],
    }),
  );
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const r = requests.get(e.requestId);
    const p = e.headers['Sec-Purpose'] ?? e.headers['sec-purpose'];
    if (r && p) r.purpose = p;
    else if (!r && p) requests.set(e.requestId, { purpose: p });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId) ?? {};
    requests.set(e.requestId, { ...r, url: e.response.url, type: e.type, mime: e.response.mimeType });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  // A trace of the page's main thread: what the loader's own tasks cost (loaderTasks).
  const traceEvents = [];
  cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
  const traced = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] },
    transferMode: 'ReportEvents',
  });
  await page.goto(url, { waitUntil: 'load' });
  // A visitor who moves the mouse but never touches the launcher: the loader's idle
  // prefetch happens here (it waits for a first input), and nothing may be evaluated.
  await page.waitForTimeout(1000);
  await page.mouse.move(40, 40);
  await page.waitForTimeout(2000);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (n) => metrics.find((m) => m.name === n)?.value ?? 0;
  const state = await page.evaluate(() => {
    const w = /** @type {any} */ (globalThis);
    const el = document.querySelector('indigo-chat');
    const launcher = el?.shadowRoot?.querySelector('[part~="launcher"]');
    const box = launcher?.getBoundingClientRect();
    return { longTasks: w.__longTasks, launcherVisible: !!box && box.width > 0, widgetDefined: !!customElements.get('indigo-chat') };
  });
  await cdp.send('Tracing.end');
  await traced;
  await context.close();
  const loader = loaderTasks(traceEvents);
  const js = [...requests.values()].filter((r) => r.bytes !== undefined && (/javascript/.test(r.mime ?? '') || r.type === 'Script'));
  const sum = (list) => list.reduce((a, r) => a + r.bytes, 0);
  return {
    jsBytes: sum(js.filter((r) => !r.purpose)),
    prefetchedJsBytes: sum(js.filter((r) => r.purpose)),
    scriptMs: +(metric('ScriptDuration') * 1000).toFixed(1),
    taskMs: +(metric('TaskDuration') * 1000).toFixed(1),
    longTasks: state.longTasks.length,
    tbtMs: +state.longTasks.reduce((a, t) => a + Math.max(0, t.duration - 50), 0).toFixed(1),
    loaderEvalMs: loader.evaluateMs,
    loaderEvalCpuMs: loader.evaluateCpuMs,
    loaderFirstRenderMs: loader.firstRenderMs,
    loaderFirstRenderCpuMs: loader.firstRenderCpuMs,
    loaderTotalMs: loader.totalMs,
    loaderTotalCpuMs: loader.totalCpuMs,
    launcherVisible: state.launcherVisible,
    widgetEvaluated: state.widgetDefined,
  };
}

/**
 * The loader's main-thread work from a trace: the script's evaluation (compile + run,
 * `EvaluateScript`), its first render of the launcher shell (the task running its
 * callback that attaches the element, with the style and layout it causes there), and
 * every task running its code until the end of the trace (idle callbacks, listeners).
 */
function loaderTasks(events) {
  if (process.env.BENCH_TRACE_DUMP) writeFileSync(process.env.BENCH_TRACE_DUMP, JSON.stringify(events));
  const isLoader = (e) => /indigo-chat\.iife\.js/.test(e.args?.data?.url ?? '');
  const evaluate = events.filter((e) => e.name === 'EvaluateScript' && e.ph === 'X' && isLoader(e));
  if (evaluate.length === 0) return { evaluateMs: 0, evaluateCpuMs: 0, firstRenderMs: 0, firstRenderCpuMs: 0, totalMs: 0, totalCpuMs: 0 };
  // The renderer's main thread is where the script was evaluated.
  const { pid, tid } = evaluate[0];
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number');
  const tasks = mine.filter((e) => e.name === 'RunTask');
  const taskOf = (e) => tasks.find((t) => t.ts <= e.ts && t.ts + t.dur >= e.ts + e.dur);
  const calls = mine.filter((e) => e.name === 'FunctionCall' && isLoader(e));
  const ms = (us) => +(us / 1000).toFixed(2);
  // Wall time and thread (CPU) time: on a loaded machine the wall time includes waiting.
  const sum = (list) => [ms(list.reduce((a, e) => a + e.dur, 0)), ms(list.reduce((a, e) => a + (e.tdur ?? e.dur), 0))];
  // The attach callback: the first timer after the evaluation that runs loader code.
  const evalEnd = evaluate[0].ts + evaluate[0].dur;
  const firstTimer = mine.find(
    (e) => e.name === 'TimerFire' && e.ts >= evalEnd && calls.some((c) => c.ts >= e.ts && c.ts + c.dur <= e.ts + e.dur),
  );
  const firstRender = firstTimer ? taskOf(firstTimer) : undefined;
  const all = [...new Set([...evaluate, ...calls].map(taskOf).filter(Boolean))];
  const [evaluateMs, evaluateCpuMs] = sum(evaluate);
  const [firstRenderMs, firstRenderCpuMs] = sum(firstRender ? [firstRender] : []);
  const [totalMs, totalCpuMs] = sum(all);
  return { evaluateMs, evaluateCpuMs, firstRenderMs, firstRenderCpuMs, totalMs, totalCpuMs };
}

async function lighthouseOnce(url) {
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', ...chromeArgs],
    userDataDir: mkdtempSync(join(tmpdir(), 'indigo-lh-')),
    logLevel: 'silent',
  });
  try {
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    const a = r.lhr.audits;
    return {
      score: Math.round((r.lhr.categories.performance.score ?? 0) * 100),
      lcpMs: Math.round(a['largest-contentful-paint'].numericValue),
      // What the unthrottled load itself showed (Lighthouse's trace), beside the simulation.
      observedLcpMs: Math.round(a['metrics']?.details?.items?.[0]?.observedLargestContentfulPaint ?? 0),
      ttiMs: Math.round(a['interactive'].numericValue),
      tbtMs: Math.round(a['total-blocking-time'].numericValue),
      transferKB: +(a['total-byte-weight'].numericValue / 1000).toFixed(1),
    };
  } finally {
    await chrome.kill();
  }
}

/** Median of the runs (the machine is shared: read it beside the worst); booleans by majority. */
export function median(runs) {
  const out = {};
  for (const k of Object.keys(runs[0])) {
    const v = runs.map((r) => r[k]);
    if (typeof v[0] === 'boolean') out[k] = v.filter(Boolean).length * 2 > v.length;
    else out[k] = [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  }
  return out;
}

/** Worst of the runs: the highest cost, the lowest score. */
export function worst(runs) {
  const out = {};
  for (const k of Object.keys(runs[0])) {
    const v = runs.map((r) => r[k]);
    if (typeof v[0] === 'boolean') out[k] = k === 'launcherVisible' ? v.every(Boolean) : v.some(Boolean);
    else out[k] = k === 'score' ? Math.min(...v) : Math.max(...v);
  }
  return out;
}

export async function benchHostPage() {
  const server = await serveVariants();
  try {
    // `deferred`: the same loader inserted by the README's snippet after load and a paint.
    const variants = {
      without: `${server.url}/without-widget.html`,
      with: `${server.url}/script-tag.html`,
      deferred: `${server.url}/deferred-widget.html`,
    };
    const result = { runs: RUNS, chromium: {}, lighthouse: {}, median: { chromium: {}, lighthouse: {} } };
    for (const [name, url] of Object.entries(variants)) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await loadOnce(url));
      result.chromium[name] = worst(runs);
      result.median.chromium[name] = median(runs);
    }
    // Interleaved (without, with, without, ...): the machine drifts during a run, and
    // Lighthouse's simulated LCP moves ~100 ms between runs of the same page.
    const lh = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    const failed = {};
    for (let i = 0; i < RUNS; i++) {
      for (const [name, url] of Object.entries(variants)) {
        if (failed[name]) continue;
        try {
          lh[name].push(await lighthouseOnce(url));
        } catch (e) {
          failed[name] = String(e instanceof Error ? e.message : e);
        }
      }
    }
    for (const name of Object.keys(variants)) {
      if (failed[name] || lh[name].length === 0) result.lighthouse[name] = { error: failed[name] ?? 'no run' };
      else {
        result.lighthouse[name] = worst(lh[name]);
        result.median.lighthouse[name] = median(lh[name]);
      }
    }
    const c = result.chromium;
    const l = result.lighthouse;
    const delta = (w, wo) => ({
      scorePoints: w.score - wo.score,
      lcpMs: w.lcpMs - wo.lcpMs,
      observedLcpMs: w.observedLcpMs - wo.observedLcpMs,
      ttiMs: w.ttiMs - wo.ttiMs,
      tbtMs: w.tbtMs - wo.tbtMs,
    });
    const added = (name) => {
      const a = {
        jsBytesBeforeInteraction: c[name].jsBytes - c.without.jsBytes,
        prefetchedJsBytes: c[name].prefetchedJsBytes - c.without.prefetchedJsBytes,
        scriptMs: +(c[name].scriptMs - c.without.scriptMs).toFixed(1),
        longTasks: c[name].longTasks - c.without.longTasks,
        tbtMs: +(c[name].tbtMs - c.without.tbtMs).toFixed(1),
      };
      if (l[name]?.score !== undefined && l.without?.score !== undefined) {
        a.lighthouse = delta(l[name], l.without);
        a.lighthouseMedian = delta(result.median.lighthouse[name], result.median.lighthouse.without);
      }
      return a;
    };
    result.added = added('with');
    result.addedDeferred = added('deferred');
    return result;
  } finally {
    await server.close();
  }
}

if (process.argv[1] === import.meta.filename && process.env.BENCH_LOADER_ONLY === '1') {
  // Only the Chromium loads of the page with the tag (no Lighthouse): the loader's figures.
  const server = await serveVariants();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await loadOnce(`${server.url}/script-tag.html`));
  await server.close();
  console.table(runs);
} else if (process.argv[1] === import.meta.filename) {
  const r = await benchHostPage();
  console.log(`host page, worst of ${r.runs} fresh loads each (Chromium):`);
  console.table(r.chromium);
  console.log('Lighthouse 12 (mobile, simulated throttling), worst of runs:');
  console.table(r.lighthouse);
  console.log('added by the script tag:', r.added);
  console.log('added by the snippet inserting it after load:', r.addedDeferred);
  console.log('medians:');
  console.table(r.median.chromium);
  console.table(r.median.lighthouse);
}
