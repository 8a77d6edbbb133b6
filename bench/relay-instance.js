// One relay instance for the scale bench: the same server as the CLI (startRelayServer
// from the built package, configured by env), run with --expose-gc so the bench can ask
// for a collection before reading memory (figures then count what answers retain, not
// garbage the collector has not reached yet).
import { pathToFileURL } from 'node:url';
import { processStats } from './process-stats.js';

// BENCH_SCALE_RELAY_MODULE: another build's relay-node.js, to compare two builds in one run.
const { startRelayServer } = await import(
  process.env.BENCH_SCALE_RELAY_MODULE ? pathToFileURL(process.env.BENCH_SCALE_RELAY_MODULE).href : '../dist/relay-node.js'
);
const server = await startRelayServer({ port: 0, env: process.env });
console.log(`indigo-chat-relay: ${server.url}`);
const stats = processStats();
process.on('message', (m) => {
  if (m?.type === 'stats') {
    process.send?.({ type: 'stats', ...stats.take() });
    stats.reset();
    return;
  }
  if (m?.type !== 'gc') return;
  globalThis.gc?.();
  globalThis.gc?.();
  process.send?.({ type: 'mem', ...process.memoryUsage() });
});
