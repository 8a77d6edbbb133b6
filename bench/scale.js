// The relay at scale: two relay instances (the CLI's server from the built package, see
// relay-instance.js) sharing a real redis-server, a stand-in platform in a third process,
// and this process as the browsers. Steps up the number of concurrent answers
// (BENCH_SCALE_STEPS, default 500,1000,2000,3000) split across both instances, opening
// BENCH_SCALE_RAMP_PER_S new answers a second (default 200; 0 = as fast as they open, the
// burst case), waits BENCH_SCALE_SETTLE_MS (1 s), holds BENCH_SCALE_HOLD_MS (5 s) and
// reports per step:
// - held, errors, RSS and JS heap (+ external) per answer after a GC, relay CPU per chunk,
//   Redis round trips per request;
// - chunkLatencyMs: from the platform's write to this client's read (end to end: both
//   loopback hops, the relay, and every process's scheduling on the shared cores);
// - relayForwardMs: the relay's own part, from its relay_chunk_forward_seconds histogram
//   (upstream bytes received -> SSE handed to the browser's socket), as the bucket bound
//   p50/p99 fall within and the share of writes within 10 ms;
// - directLatencyMs: 50 answers read straight from the platform by this client meanwhile
//   (the machine's own latency, no relay);
// - lag: each process's event-loop delay and GC pauses over the hold (relays, platform,
//   client), so a tail can be pinned on the process that made it;
// - ramp: the same latency figures while the step's answers were opening.
// Loopback only; the whole run is capped at BENCH_SCALE_BUDGET_MS (default 180 s).
// `node bench/scale.js` runs it alone; BENCH_SCALE_RELAY_MODULE=<path to another build's
// relay-node.js> runs the relays from that build (to compare two builds in one sitting).
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { processStats } from './process-stats.js';

const root = resolve(import.meta.dirname, '..');
const STEPS = (process.env.BENCH_SCALE_STEPS ?? '500,1000,2000,3000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const HOLD_MS = Number(process.env.BENCH_SCALE_HOLD_MS ?? 5000);
// New answers per second while stepping up (0: as fast as they open, the burst case), and
// the pause after the ramp before the steady window is measured.
const RAMP_PER_S = Number(process.env.BENCH_SCALE_RAMP_PER_S ?? 200);
const SETTLE_MS = Number(process.env.BENCH_SCALE_SETTLE_MS ?? 1000);
const BUDGET_MS = Number(process.env.BENCH_SCALE_BUDGET_MS ?? 180_000);
const ORIGIN = 'http://bench.local';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const pct = (arr, p) => {
  if (arr.length === 0) return null;
  const s = Float64Array.from(arr).sort();
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};

/** CPU time (user + system, ms) a process has used so far. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
}

async function loadRedisHelper() {
  const outfile = join(root, 'node_modules/.cache/indigo-bench/redis-server.mjs');
  await build({
    entryPoints: [join(root, 'test/support/redis-server.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
  });
  return import(pathToFileURL(outfile).href);
}

function startRelay(env) {
  return new Promise((resolvePromise, reject) => {
    const child = fork(join(root, 'bench/relay-instance.js'), [], {
      env: { PATH: process.env.PATH, ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let out = '';
    const onData = (d) => {
      out += d;
      const m = /indigo-chat-relay: (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume(); // request log lines: read and dropped
        resolvePromise({ child, url: new URL(m[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => process.env.BENCH_VERBOSE && process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`relay exited (${code}): ${out.slice(-400)}`)));
  });
}

function post(url, path, body) {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', origin: ORIGIN },
      },
      resolvePromise,
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function readJson(res) {
  let s = '';
  for await (const c of res) s += c;
  return JSON.parse(s);
}

/** Collects garbage in the relay, then reads its memory: { rss, heapUsed, external, ... }. */
function memoryAfterGc(relay) {
  return new Promise((resolvePromise) => {
    const on = (m) => {
      if (m?.type !== 'mem') return;
      relay.child.off('message', on);
      resolvePromise(m);
    };
    relay.child.on('message', on);
    relay.child.send({ type: 'gc' });
  });
}

/** The relay's relay_chunk_forward_seconds histogram: cumulative count per bucket bound (s). */
async function forwardBuckets(relay) {
  const res = await new Promise((resolvePromise, reject) => {
    const req = request({ host: relay.url.hostname, port: relay.url.port, path: '/metrics', agent: false }, resolvePromise);
    req.on('error', reject);
    req.end();
  });
  let text = '';
  for await (const c of res) text += c;
  const buckets = new Map();
  for (const m of text.matchAll(/^relay_chunk_forward_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)) buckets.set(m[1], Number(m[2]));
  return buckets;
}

/**
 * Both relays' histograms between two scrapes: writes, the bucket bound (ms) p50 and p99
 * fall within, and the share of writes within 10 ms.
 */
function bucketFigures(before, after) {
  const bounds = [...after[0].keys()];
  const counts = bounds.map((le) => after.reduce((n, a, i) => n + (a.get(le) ?? 0) - (before[i].get(le) ?? 0), 0));
  const total = counts.at(-1) ?? 0;
  const at = (p) => {
    const i = counts.findIndex((c) => c >= p * total);
    return bounds[i] === '+Inf' ? '>1000' : +(Number(bounds[i]) * 1000).toFixed(2);
  };
  const tenMs = bounds.indexOf('0.01');
  return {
    writes: total,
    p50AtMostMs: total ? at(0.5) : null,
    p99AtMostMs: total ? at(0.99) : null,
    within10ms: total ? +(counts[tenMs] / total).toFixed(4) : null,
  };
}

/** Asks a child for a message of `type` (sending `{type}`) and waits for the answer. */
function ask(child, type) {
  return new Promise((resolvePromise) => {
    const on = (m) => {
      if (m?.type !== type) return;
      child.off('message', on);
      resolvePromise(m);
    };
    child.on('message', on);
    child.send({ type });
  });
}

async function evalCalls(client) {
  const info = await client.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)) calls += Number(m[2]);
  return calls;
}

export async function benchScale() {
  const deadline = Date.now() + BUDGET_MS;
  if (!existsSync(join(root, 'dist/relay-node.js'))) throw new Error('run npm run build first');
  const { startRedisServer } = await loadRedisHelper();
  const redis = await startRedisServer();
  const { Redis } = await import('ioredis');
  const probe = new Redis(redis.url);

  const upstream = fork(join(root, 'bench/upstream-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const upstreamPort = await new Promise((r) => upstream.once('message', (m) => r(m.port)));
  const env = {
    REDIS_URL: redis.url,
    INDIGO_PAT: 'bench-pat',
    INDIGO_PROJECT_TOKEN: 'bench',
    INDIGO_API_BASE: `http://127.0.0.1:${upstreamPort}`,
    RELAY_SECRET: 'bench-fleet-secret-0123456789abcdef',
    ALLOWED_ORIGINS: ORIGIN,
    // Every browser here shares 127.0.0.1: lift the per-IP buckets, keep the Redis checks.
    RELAY_RATE_PER_MINUTE: '100000000',
    RELAY_SESSIONS_PER_HOUR: '100000000',
    RELAY_TOTAL_TIMEOUT_MS: '600000',
    LOG_LEVEL: 'info',
    RELAY_METRICS: '1',
    ...(process.env.BENCH_SCALE_RELAY_MODULE ? { BENCH_SCALE_RELAY_MODULE: process.env.BENCH_SCALE_RELAY_MODULE } : {}),
    ...(process.env.RELAY_UPSTREAM_CLIENT ? { RELAY_UPSTREAM_CLIENT: process.env.RELAY_UPSTREAM_CLIENT } : {}),
  };
  const relays = [];
  const cleanup = async () => {
    for (const r of relays) r.child.kill('SIGKILL');
    upstream.kill('SIGKILL');
    probe.disconnect();
    await redis.stop();
  };
  try {
    relays.push(...(await Promise.all([startRelay(env), startRelay(env)])));
    return await runSteps(relays, probe, deadline, upstreamPort, upstream);
  } finally {
    await cleanup();
  }
}

/** Reads an SSE response: chunk latencies into `sink`, and whether it failed or ended. */
function watch(res, sink) {
  const s = { res, ended: false, failed: false };
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (d) => {
    const t = now();
    buf += d;
    let at;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, at);
      buf = buf.slice(at + 2);
      if (!frame.startsWith('data: ')) continue;
      const c = JSON.parse(frame.slice(6));
      if (c.type === 'error') s.failed = true;
      if (typeof c.t === 'number') sink.push(t - c.t);
    }
  });
  res.on('close', () => (s.ended = true));
  return s;
}

const strip = ({ type: _type, ...rest }) => rest;

async function runSteps(relays, probe, deadline, upstreamPort, upstream) {
  const own = processStats();
  const streams = [];
  const latencies = [];
  // Control group: answers read straight from the platform stand-in, no relay, in the same
  // client at the same time. Their latency is the machine's; the difference is the relay's.
  const direct = [];
  let errors = 0;
  let requests = 0;

  const open = async (i) => {
    const relay = relays[i % 2];
    requests++;
    const session = await post(relay.url, '/api/chat/session', {});
    if (session.statusCode !== 200) {
      errors++;
      session.resume();
      return;
    }
    const { sender } = await readJson(session);
    requests++;
    const res = await post(relay.url, '/api/chat', { sender, data: { type: 'text', text: 'hello' } });
    if (res.statusCode !== 200) {
      errors++;
      res.resume();
      return;
    }
    streams.push(watch(res, latencies));
  };

  // Warm both instances up, then take the baseline RSS.
  for (let i = 0; i < 20; i++) await open(i);
  await sleep(1500);
  for (const s of streams.splice(0)) s.res.destroy();
  await sleep(1000);
  const base = await Promise.all(relays.map(memoryAfterGc));
  const evalBefore = await evalCalls(probe);
  const requestsBefore = requests;
  const upstreamUrl = new URL(`http://127.0.0.1:${upstreamPort}`);
  const controls = [];
  for (let i = 0; i < 50; i++) controls.push(watch(await post(upstreamUrl, '/chat/bench/send', {}), direct));

  const steps = [];
  for (const target of STEPS) {
    if (Date.now() > deadline) break;
    const t0 = Date.now();
    // Chunks delivered while answers keep opening: the ramp window.
    latencies.length = 0;
    direct.length = 0;
    const rampForward0 = await Promise.all(relays.map(forwardBuckets));
    while (streams.length < target && Date.now() < deadline) {
      const batch = Math.min(RAMP_PER_S > 0 ? Math.max(1, Math.round(RAMP_PER_S / 10)) : 100, target - streams.length);
      const tick = Date.now();
      await Promise.all(Array.from({ length: batch }, (_, k) => open(streams.length + k).catch(() => errors++)));
      // Paced: `batch` answers every 100 ms (RAMP_PER_S a second); 0 = as fast as they open.
      if (RAMP_PER_S > 0) await sleep(Math.max(0, tick + (1000 * batch) / RAMP_PER_S - Date.now()));
    }
    const rampMs = Date.now() - t0;
    const ramp = {
      chunkLatencyMs: { samples: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) },
      relayForwardMs: bucketFigures(rampForward0, await Promise.all(relays.map(forwardBuckets))),
    };
    await sleep(SETTLE_MS);
    latencies.length = 0;
    direct.length = 0;
    const forward0 = await Promise.all(relays.map(forwardBuckets));
    const cpu0 = relays.map((r) => cpuMs(r.child.pid));
    // Each process's own event-loop lag and GC pauses over the hold only.
    await Promise.all([...relays.map((r) => ask(r.child, 'stats')), ask(upstream, 'stats')]);
    own.reset();
    await sleep(HOLD_MS);
    // The hold's samples, taken now: what follows (a forced GC in each relay to read its
    // memory) stalls the relays on purpose and must not count as latency.
    const holdSamples = latencies.splice(0);
    const heldDirect = direct.splice(0);
    const [relayA, relayB, platform] = await Promise.all([...relays.map((r) => ask(r.child, 'stats')), ask(upstream, 'stats')]);
    const client = own.take();
    const forward = bucketFigures(forward0, await Promise.all(relays.map(forwardBuckets)));
    const cpu = relays.reduce((sum, r, i) => sum + cpuMs(r.child.pid) - cpu0[i], 0);
    const delivered = holdSamples.length;
    const alive = streams.filter((s) => !s.ended && !s.failed).length;
    const mem = await Promise.all(relays.map(memoryAfterGc));
    const rss = mem.map((m, i) => m.rss - base[i].rss);
    const heap = mem.map((m, i) => m.heapUsed + m.external - base[i].heapUsed - base[i].external);
    const evals = (await evalCalls(probe)) - evalBefore;
    const step = {
      target,
      held: alive,
      errors: errors + streams.filter((s) => s.failed || s.ended).length,
      rampMs,
      rssPerStreamKB: +((rss[0] + rss[1]) / 1024 / Math.max(1, alive)).toFixed(1),
      jsHeapPerStreamKB: +((heap[0] + heap[1]) / 1024 / Math.max(1, alive)).toFixed(1),
      rssMB: mem.map((m) => +(m.rss / 1e6).toFixed(1)),
      relayCpuMsPerChunk: +(cpu / Math.max(1, delivered)).toFixed(3),
      chunkLatencyMs: { samples: holdSamples.length, p50: pct(holdSamples, 50), p99: pct(holdSamples, 99) },
      relayForwardMs: forward,
      directLatencyMs: { samples: heldDirect.length, p50: pct(heldDirect, 50), p99: pct(heldDirect, 99) },
      redisRoundTripsPerRequest: +(evals / Math.max(1, requests - requestsBefore)).toFixed(2),
      lag: { relays: [strip(relayA), strip(relayB)], platform: strip(platform), client },
      ramp,
    };
    steps.push(step);
    console.log(`scale: ${JSON.stringify(step)}`);
    if (step.errors > 0 || alive < target) break;
  }

  for (const s of [...streams, ...controls]) s.res.destroy();
  const clean = steps.filter((s) => s.errors === 0 && s.held >= s.target);
  return { stepsRequested: STEPS, holdMs: HOLD_MS, maxConcurrentStreamsNoError: clean.length ? clean.at(-1).target : 0, steps };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchScale();
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
