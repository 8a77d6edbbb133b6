/**
 * The relay's counters in Redis (ioredis), shared by every instance that uses the same
 * REDIS_URL and RELAY_REDIS_PREFIX. Each check is one Lua script, so it is atomic and one
 * round trip (EVALSHA; after a Redis restart ioredis resends it once as EVAL).
 */
import { Redis } from 'ioredis';
import type { RelayStore } from './store.js';

// KEYS[1] counter; ARGV[1] window ms. Returns { count, ms until reset }.
const WINDOW_LUA = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

// KEYS[1] bucket hash; ARGV[1] capacity, ARGV[2] ms per token. Redis's clock, so every
// instance sees the same time. Returns { 1 | 0, ms until a token }.
const BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) / refill)
local ok = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil((1 - tokens) * refill)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens + 1) * refill))
return { ok, wait }`;

type Scripted = Redis & {
  relayWindow(key: string, windowMs: number): Promise<[number, number]>;
  relayBucket(key: string, capacity: number, refillMs: number): Promise<[number, number]>;
};

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Key prefix (RELAY_REDIS_PREFIX), default `indigo-relay:`. */
  prefix?: string;
  /** A check that takes longer fails over to memory (default 500 ms). */
  commandTimeoutMs?: number;
}

/**
 * The underlying ioredis client, typed by the commands callers use (prom-client and ioredis
 * are bundled into the relay's Node build, so the published types cannot name them).
 */
export interface RedisClient {
  readonly status: string;
  keys(pattern: string): Promise<string[]>;
  pttl(key: string): Promise<number>;
  ping(): Promise<string>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Never queues commands while disconnected (they fail at once, so the fallback store
 * answers) and reconnects forever in the background, so the relay recovers by itself.
 */
export function createRedisStore(
  options: RedisStoreOptions,
): RelayStore & { readonly client: RedisClient; connected(timeoutMs?: number): Promise<boolean> } {
  const client = new Redis(options.url, {
    keyPrefix: options.prefix ?? 'indigo-relay:',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    // The relay logs store failures itself (rate-limited); ioredis would print every one.
    showFriendlyErrorStack: false,
  }) as Scripted;
  client.on('error', () => {});
  client.defineCommand('relayWindow', { numberOfKeys: 1, lua: WINDOW_LUA });
  client.defineCommand('relayBucket', { numberOfKeys: 1, lua: BUCKET_LUA });
  return {
    kind: 'redis',
    client,
    /** Resolves true once connected (checks before that answer from the fallback). */
    connected(timeoutMs = 2000) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on('ready', onReady);
      });
    },
    async increment(key, windowMs) {
      const [count, ttl] = await client.relayWindow(key, Math.ceil(windowMs));
      return { count: Number(count), resetMs: Number(ttl) };
    },
    async take(key, capacity, refillMs) {
      const [ok, wait] = await client.relayBucket(key, capacity, refillMs);
      return { ok: Number(ok) === 1, retryMs: Number(wait) };
    },
    async ping() {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
