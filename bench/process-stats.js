// Where a process's own lag comes from, for the scale bench: event-loop delay (a timer
// sampled every few ms, how late it fired) and garbage-collection pauses, since the last
// reset. Each bench process (relays, platform stand-in, client) runs one, so a latency
// tail can be pinned on the process that caused it instead of all of it on the relay.
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';

export function processStats() {
  const RESOLUTION_MS = 5;
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let gc = [];
  const observer = new PerformanceObserver((list) => {
    // kind 1: scavenge (young generation); 4: mark-compact (whole heap); 8, 16: incremental steps, weak callbacks.
    for (const e of list.getEntries()) gc.push({ ms: e.duration, major: e.detail?.kind === 4 });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    reset() {
      loop.reset();
      gc = [];
    },
    /** Figures in ms since the last reset. */
    take() {
      // The histogram holds whole timer intervals: the lag is what exceeds the interval.
      const lag = (ns) => +Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1);
      const pauses = gc;
      return {
        loopDelayP50: lag(loop.percentile(50)),
        loopDelayP99: lag(loop.percentile(99)),
        loopDelayMax: lag(loop.max),
        gcPauses: pauses.length,
        gcPauseMax: +Math.max(0, ...pauses.map((p) => p.ms)).toFixed(1),
        gcPauseTotal: +pauses.reduce((a, p) => a + p.ms, 0).toFixed(1),
        gcMajorPauses: pauses.filter((p) => p.major).length,
        gcMajorPauseMax: +Math.max(0, ...pauses.filter((p) => p.major).map((p) => p.ms)).toFixed(1),
      };
    },
  };
}
