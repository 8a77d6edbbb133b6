/**
 * The relay's counters behind one async interface, so several instances can share them.
 *
 * Everything per-visitor the relay counts goes through a RelayStore: per-sender fixed
 * windows and per-IP token buckets (messages and new conversations). `createMemoryStore`
 * is the default (one process, bounded); the Node entry adds a Redis store (redis-store.ts)
 * and `createFallbackStore` keeps serving from memory while the shared store is down.
 * Web-standard only: this file runs on Workers, Deno and Bun too.
 */

export interface WindowCount {
  /** Hits in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

export interface BucketTake {
  readonly ok: boolean;
  /** Milliseconds until a token is available (0 when ok). */
  readonly retryMs: number;
}

export interface RelayStore {
  /** `memory`, `redis`, ... (for logs and /readyz). */
  readonly kind: string;
  /** Fixed window: one atomic "add one, start the window if new, say the count". */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /**
   * Token bucket: up to `capacity` tokens, one more every `refillMs`; takes one if there is
   * one. Atomic: two instances never both take the last token.
   */
  take(key: string, capacity: number, refillMs: number): Promise<BucketTake>;
  /** Resolves true when the store answers (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RateDecision {
  readonly ok: boolean;
  /** Seconds to wait (for `Retry-After`), >= 1 when refused. */
  readonly retryAfter: number;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** At most `max` hits per `windowMs` for `key`. */
export async function limitWindow(store: RelayStore, key: string, max: number, windowMs: number): Promise<RateDecision> {
  const { count, resetMs } = await store.increment(key, windowMs);
  return count <= max ? { ok: true, retryAfter: 0 } : { ok: false, retryAfter: seconds(resetMs) };
}

/** A burst of `burst`, refilled at `perWindow` per `windowMs`. */
export async function limitBucket(
  store: RelayStore,
  key: string,
  burst: number,
  perWindow: number,
  windowMs: number,
): Promise<RateDecision> {
  const { ok, retryMs } = await store.take(key, burst, windowMs / perWindow);
  return ok ? { ok: true, retryAfter: 0 } : { ok: false, retryAfter: seconds(retryMs) };
}

type Entry = { kind: 'window'; count: number; resetAt: number } | { kind: 'bucket'; tokens: number; at: number; expireAt: number };

/**
 * In-process store: a Map bounded to `maxKeys` entries. A flood of distinct keys (spoofed
 * senders, many IPs) first drops expired entries, then the oldest, instead of growing the heap.
 */
export function createMemoryStore(options: { now?: () => number; maxKeys?: number } = {}): RelayStore & { readonly size: number } {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();
  const expiry = (e: Entry) => (e.kind === 'window' ? e.resetAt : e.expireAt);
  const makeRoom = (t: number) => {
    if (entries.size < maxKeys) return;
    for (const [k, e] of entries) if (expiry(e) <= t) entries.delete(k);
    for (const k of entries.keys()) {
      if (entries.size < maxKeys) break;
      entries.delete(k);
    }
  };
  const fresh = (key: string, t: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && expiry(e) <= t) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    kind: 'memory',
    get size() {
      return entries.size;
    },
    async increment(key, windowMs) {
      const t = now();
      let e = fresh(key, t);
      if (!e || e.kind !== 'window') {
        makeRoom(t);
        e = { kind: 'window', count: 0, resetAt: t + windowMs };
        entries.set(key, e);
      }
      e.count++;
      return { count: e.count, resetMs: e.resetAt - t };
    },
    async take(key, capacity, refillMs) {
      const t = now();
      let e = fresh(key, t);
      if (!e || e.kind !== 'bucket') {
        makeRoom(t);
        e = { kind: 'bucket', tokens: capacity, at: t, expireAt: 0 };
        entries.set(key, e);
      }
      e.tokens = Math.min(capacity, e.tokens + (t - e.at) / refillMs);
      e.at = t;
      // A full bucket is the same as no entry: forget it then.
      e.expireAt = t + Math.ceil((capacity - e.tokens + 1) * refillMs);
      if (e.tokens >= 1) {
        e.tokens -= 1;
        return { ok: true, retryMs: 0 };
      }
      return { ok: false, retryMs: Math.ceil((1 - e.tokens) * refillMs) };
    },
    async ping() {
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}

export interface FallbackOptions {
  /** Used while the primary fails (default: a fresh memory store). */
  fallback?: RelayStore;
  /** Called with every primary failure (metrics). */
  onError?: (error: unknown) => void;
  /** One warning per this many ms at most (default 60000). */
  warnEveryMs?: number;
  log?: (level: 'warn' | 'info', message: string, fields?: Record<string, unknown>) => void;
  now?: () => number;
}

/**
 * Primary store with a per-process fallback: when the primary fails (Redis down, slow,
 * restarting), that check is answered from memory, one warning per minute is logged, and
 * the next check tries the primary again, so the relay recovers by itself and never
 * drops a stream because of its counters.
 */
export function createFallbackStore(primary: RelayStore, options: FallbackOptions = {}): RelayStore & { readonly degraded: boolean } {
  const fallback = options.fallback ?? createMemoryStore(options.now ? { now: options.now } : {});
  const now = options.now ?? Date.now;
  const every = options.warnEveryMs ?? 60_000;
  let lastWarn = -Infinity;
  let failures = 0;
  let degraded = false;
  const failed = (error: unknown) => {
    failures++;
    degraded = true;
    options.onError?.(error);
    const t = now();
    if (t - lastWarn >= every) {
      lastWarn = t;
      options.log?.('warn', `relay: the ${primary.kind} store failed; using per-process limits until it answers again`, {
        error: error instanceof Error ? error.message : String(error),
        failures,
      });
      failures = 0;
    }
  };
  const recovered = () => {
    if (!degraded) return;
    degraded = false;
    options.log?.('info', `relay: the ${primary.kind} store answers again; limits are shared again`);
  };
  const run = async <T>(primaryCall: () => Promise<T>, fallbackCall: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await primaryCall();
    } catch (error) {
      failed(error);
      return fallbackCall();
    }
    recovered();
    return result;
  };
  return {
    kind: primary.kind,
    get degraded() {
      return degraded;
    },
    increment: (key, windowMs) =>
      run(
        () => primary.increment(key, windowMs),
        () => fallback.increment(key, windowMs),
      ),
    take: (key, capacity, refillMs) =>
      run(
        () => primary.take(key, capacity, refillMs),
        () => fallback.take(key, capacity, refillMs),
      ),
    ping: () => primary.ping().catch(() => false),
    async close() {
      await Promise.allSettled([primary.close(), fallback.close()]);
    },
  };
}

/**
 * The rate-limit key for an address: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by
 * its /64 (one household, office or phone usually gets a whole /64, so per-address keys
 * would let one visitor rotate through 2^64 of them). A port is dropped (`1.2.3.4:50123`,
 * `[2001:db8::1]:443`: some proxies write X-Forwarded-For entries so, and the source port
 * changes with every connection).
 */
export function ipKey(ip: string): string {
  let a = ip.trim().toLowerCase();
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  a = a.replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/, '$1');
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (!a.includes(':')) return a;
  const mapped = /^(?:0*:)*?:?0*ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; it is past the /64 anyway.
  const groups = right.length && right[right.length - 1]!.includes('.') ? right.length + 1 : right.length;
  const missing = a.includes('::') ? Math.max(0, 8 - left.length - groups) : 0;
  const full = [...left, ...Array<string>(missing).fill('0'), ...right];
  if (full.length < 4 || full.slice(0, 4).some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return a;
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The origin the visitor's browser used for `request`: the request's own, or behind
 * `hops` trusted proxies that terminate TLS its host with the scheme of the last
 * `X-Forwarded-Proto` entry (the one the nearest proxy wrote; http or https only).
 */
export function publicOrigin(request: Request, hops: number): string {
  const url = new URL(request.url);
  const proto = hops > 0 ? request.headers.get('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase() : undefined;
  return proto === 'https' || proto === 'http' ? new URL(`${proto}://${url.host}`).origin : url.origin;
}

/**
 * The client address behind `hops` trusted proxies: each proxy appends the address it saw
 * to `X-Forwarded-For`, so the client is the entry `hops` from the right (the peer address
 * counting as the rightmost). 0 ignores the header. A header shorter than `hops` (a request
 * that skipped a proxy) falls back to its leftmost entry.
 */
export function forwardedClient(xff: string | null, peer: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !xff) return peer;
  const list = xff
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return peer;
  return list[Math.max(0, list.length - hops)];
}
