/**
 * Running the Node relay in production: the shared store from REDIS_URL, Prometheus
 * metrics (prom-client), JSON log lines filtered by LOG_LEVEL, /healthz, /readyz and the
 * graceful drain. node.ts wires these into startRelayServer.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RelayConfigError, wholeNumber } from './config-error.js';
import type { RelayLog } from './handler.js';
import type { RelayMetricsSink } from './observe.js';
import { createRedisStore } from './redis-store.js';
import { createFallbackStore, createMemoryStore, type RelayStore } from './store.js';

type Env = Record<string, string | undefined>;
type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** LOG_LEVEL (default `info`); a value it does not know stops the relay with one line (`warning` used to mean info). */
export function logLevel(raw: string | undefined): Level {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '') return 'info';
  if (Object.hasOwn(LEVELS, v)) return v as Level;
  throw new RelayConfigError(`LOG_LEVEL must be one of ${Object.keys(LEVELS).join(', ')}.`);
}

/** RELAY_METRICS: `1`/`true` on, `0`/`false` or unset off; anything else stops the relay with one line. */
export function metricsSwitch(raw: string | undefined): boolean {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '' || v === '0' || v === 'false') return false;
  throw new RelayConfigError('RELAY_METRICS must be 1 (on) or 0 (off).');
}

/**
 * One JSON object per line: `{"time","level","msg",...fields}`. Lines below LOG_LEVEL are
 * dropped. Warnings and errors go to stderr, the rest to stdout.
 */
export function createJsonLog(level: Level, write?: (stream: 'out' | 'err', line: string) => void): RelayLog {
  const min = LEVELS[level];
  const out = write ?? ((stream, line) => (stream === 'err' ? process.stderr : process.stdout).write(`${line}\n`));
  return (lvl, message, fields) => {
    if (LEVELS[lvl] < min) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message });
    }
    out(lvl === 'info' ? 'out' : 'err', line);
  };
}

/** Filters any RelayLog by LOG_LEVEL. */
export function withLevel(log: RelayLog, level: Level): RelayLog {
  const min = LEVELS[level];
  return (lvl, message, fields) => {
    if (LEVELS[lvl] >= min) log(lvl, message, fields);
  };
}

export interface RelayMetrics {
  /** The prom-client registry (typed by what it offers, so the published types need no prom-client). */
  readonly registry: { readonly contentType: string; metrics(): Promise<string> };
  readonly sink: RelayMetricsSink;
  storeError(): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/** The relay's Prometheus metrics, in their own registry (plus Node's process metrics). */
export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const active = new Gauge({ name: 'relay_active_streams', help: 'Answers streaming right now.', registers });
  const replies = new Counter({ name: 'relay_replies_total', help: 'Answers ended, by outcome.', labelNames: ['outcome'], registers });
  const requests = new Counter({
    name: 'relay_requests_total',
    help: 'Requests by route and status.',
    labelNames: ['route', 'status'],
    registers,
  });
  const buckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60, 180];
  const ttfb = new Histogram({ name: 'relay_upstream_first_byte_seconds', help: 'Platform time to first byte.', buckets, registers });
  const duration = new Histogram({
    name: 'relay_upstream_duration_seconds',
    help: 'Whole answer, request to last byte.',
    buckets,
    registers,
  });
  const errors = new Counter({
    name: 'relay_errors_total',
    help: 'Errors by code (JSON errors and in-stream errors).',
    labelNames: ['code'],
    registers,
  });
  const limited = new Counter({
    name: 'relay_rate_limited_total',
    help: 'Requests refused by a rate limit, by scope.',
    labelNames: ['scope'],
    registers,
  });
  const forward = new Histogram({
    name: 'relay_chunk_forward_seconds',
    help: 'Per write to the browser: upstream bytes received to their SSE handed to the socket (the latency the relay adds).',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const storeErrors = new Counter({
    name: 'relay_store_errors_total',
    help: 'Shared store (Redis) failures answered from memory.',
    registers,
  });
  return {
    registry,
    sink: {
      request: (route, status) => requests.inc({ route, status: String(status) }),
      streamOpened: () => active.inc(),
      streamClosed: (outcome) => {
        active.dec();
        replies.inc({ outcome });
      },
      upstreamFirstByte: (s) => ttfb.observe(s),
      upstreamDuration: (s) => duration.observe(s),
      error: (code) => errors.inc({ code }),
      rateLimited: (scope) => limited.inc({ scope }),
      chunkForwarded: (s) => forward.observe(s),
    },
    storeError: () => storeErrors.inc(),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/**
 * REDIS_URL set: Redis (prefix RELAY_REDIS_PREFIX) with the per-process fallback.
 * Otherwise the bounded in-memory store.
 */
export function storeFromEnv(env: Env, log: RelayLog, onError?: () => void): { store: RelayStore; connected: Promise<boolean> } {
  const url = env.REDIS_URL?.trim();
  if (!url) return { store: createMemoryStore(), connected: Promise.resolve(true) };
  let redis: ReturnType<typeof createRedisStore>;
  // `localhost:6379` (no scheme) would be read by the client as something else entirely.
  if (!/^rediss?:\/\//i.test(url)) throw new RelayConfigError('REDIS_URL is not a valid redis:// or rediss:// URL.');
  try {
    const prefix = env.RELAY_REDIS_PREFIX?.trim();
    redis = createRedisStore({ url, ...(prefix ? { prefix } : {}) });
  } catch {
    // Never echo the URL: it may hold a password.
    throw new Error('REDIS_URL is not a valid redis:// or rediss:// URL.');
  }
  log('info', 'relay: rate limits shared through Redis');
  const store = createFallbackStore(redis, {
    log: (level, message, fields) => log(level, message, fields),
    onError: () => onError?.(),
  });
  return { store, connected: redis.connected() };
}

export function positiveMs(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  return wholeNumber(name, raw, 0);
}
