// Relay figures: concurrent streams held, RSS per stream, added latency per chunk, and time
// from a browser disconnect to the upstream request being aborted. All on 127.0.0.1.
import { fork } from 'node:child_process';
import { request } from 'node:http';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 6000);

function once(child, type) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m?.type === type) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
  });
}

function post(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://bench.local' },
        agent: false,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function json(res) {
  let s = '';
  for await (const c of res) s += c;
  return JSON.parse(s);
}

const pct = (arr, p) => {
  if (arr.length === 0) return NaN;
  const s = [...arr].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export async function benchRelay() {
  const child = fork(new URL('./relay-child.js', import.meta.url), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await once(child, 'ready');
  child.send({ type: 'rss' });
  const base = (await once(child, 'rss')).rss;

  const latencies = [];
  const streams = [];
  let held = 0;
  for (let i = 0; i < STREAMS; i++) {
    const { sender } = await json(await post(port, '/api/chat/session', {}));
    const res = await post(port, '/api/chat', { sender, data: { type: 'text', text: 'hi' } });
    if (res.statusCode !== 200) continue;
    held++;
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d) => {
      const now = Date.now();
      buf += d;
      let i2;
      while ((i2 = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i2);
        buf = buf.slice(i2 + 2);
        const m = /^data: (.*)$/m.exec(frame);
        if (!m) continue;
        const c = JSON.parse(m[1]);
        if (typeof c.t === 'number') latencies.push(now - c.t);
      }
    });
    streams.push(res);
  }
  await new Promise((r) => setTimeout(r, HOLD_MS));
  child.send({ type: 'rss' });
  const loaded = (await once(child, 'rss')).rss;
  const open = streams.filter((s) => !s.destroyed && !s.complete).length;

  // Disconnect: destroy one client socket, time until the relay aborts the upstream.
  const aborts = [];
  for (let i = 0; i < 5; i++) {
    const s = streams[i];
    if (!s) break;
    const t0 = Date.now();
    const seen = once(child, 'aborted');
    s.destroy();
    const { at } = await seen;
    aborts.push(at - t0);
  }
  for (const s of streams) s.destroy();
  child.kill();
  return {
    streamsRequested: STREAMS,
    streamsHeld: Math.min(held, open),
    rssBaselineMB: +(base / 1e6).toFixed(1),
    rssLoadedMB: +(loaded / 1e6).toFixed(1),
    rssPerStreamKB: +((loaded - base) / 1024 / Math.max(1, open)).toFixed(1),
    chunkLatencyMs: { samples: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) },
    abortUpstreamMs: { samples: aborts.length, max: aborts.length ? Math.max(...aborts) : NaN, median: pct(aborts, 50) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchRelay(), null, 2));
}
