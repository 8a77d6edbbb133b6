// A stand-in platform in its own process for the scale bench: every send opens an SSE
// answer that emits one small text chunk every BENCH_CHUNK_INTERVAL_MS, each stamped with
// the time it was written (`t`, ms since epoch, sub-ms), and holds it open until the
// relay closes it. Reports its port over IPC.
import { createServer } from 'node:http';
import { processStats } from './process-stats.js';

const intervalMs = Number(process.env.BENCH_CHUNK_INTERVAL_MS ?? 1000);
const now = () => performance.timeOrigin + performance.now();
let open = 0;

const server = createServer((req, res) => {
  if (req.method !== 'POST' || !/\/send$/.test(req.url ?? '')) {
    res.writeHead(404).end();
    return;
  }
  req.resume();
  open++;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`data: ${JSON.stringify({ type: 'processing.start' })}\n\n`);
  // Spread the streams' ticks so they do not all fire in the same millisecond.
  let timer;
  const start = setTimeout(() => {
    timer = setInterval(() => {
      res.write(
        `data: ${JSON.stringify({ type: 'text', data: { text: '<p>tick</p>', is_caption: false }, is_generated: false, t: now() })}\n\n`,
      );
    }, intervalMs);
  }, Math.random() * intervalMs);
  res.on('close', () => {
    open--;
    clearTimeout(start);
    clearInterval(timer);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: server.address().port }));
const stats = processStats();
process.on('message', (m) => {
  if (m?.type === 'open') process.send?.({ type: 'open', open });
  if (m?.type === 'stats') {
    process.send?.({ type: 'stats', ...stats.take() });
    stats.reset();
  }
});
