// The relay under benchmark, in its own process so its RSS is its own. Upstream is an
// in-process fake platform (injected fetch) that emits one chunk per second per stream,
// each stamped with the time it was emitted, and reports when a stream's request is aborted.
import { createServer } from 'node:http';
import { createRelay } from '../dist/relay.js';
import { createRelayMiddleware } from '../dist/relay-node.js';

const enc = new TextEncoder();
const intervalMs = Number(process.env.BENCH_CHUNK_INTERVAL_MS ?? 1000);

function upstream(request) {
  const signal = request.signal;
  let timer;
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(enc.encode(`data: ${JSON.stringify({ type: 'processing.start' })}\n\n`));
      timer = setInterval(() => {
        const chunk = { type: 'text', data: { text: `<p>${Date.now()}</p>`, is_caption: false }, is_generated: false, t: Date.now() };
        try {
          controller.enqueue(enc.encode(`data: ${JSON.stringify(chunk)}\n\n`));
        } catch {
          clearInterval(timer);
        }
      }, intervalMs);
      signal?.addEventListener('abort', () => {
        clearInterval(timer);
        process.send?.({ type: 'aborted', at: Date.now() });
        try {
          controller.error(new Error('aborted'));
        } catch {
          // Already closed or errored: nothing left to abort.
        }
      });
    },
    cancel() {
      clearInterval(timer);
      process.send?.({ type: 'aborted', at: Date.now() });
    },
  });
  return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
}

const handler = createRelay({
  apiBase: 'http://upstream.invalid',
  projectToken: 'bench',
  pat: 'bench-secret-pat',
  secret: 'bench-secret',
  allowedOrigins: ['http://bench.local'],
  fetch: upstream,
  log: () => {},
  limits: { perIpPerMinute: 1e9, perSenderPerMinute: 1e9, sessionsPerIpPerHour: 1e9, totalMs: 10 * 60_000 },
});
const mw = createRelayMiddleware(handler);
const server = createServer((req, res) =>
  mw(req, res, () => {
    res.statusCode = 404;
    res.end();
  }),
);
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});
process.on('message', (m) => {
  if (m?.type === 'rss') {
    globalThis.gc?.();
    process.send?.({ type: 'rss', rss: process.memoryUsage().rss });
  }
});
