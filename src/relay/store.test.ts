import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../test/support/redis-server.js';
import { createRedisStore } from './redis-store.js';
import { createFallbackStore, createMemoryStore, forwardedClient, ipKey, limitBucket, limitWindow, type RelayStore } from './store.js';

describe('ipKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and keys other IPv6 by its /64', () => {
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(ipKey('2001:0DB8:ABCD:0012:ffff::1')).toBe('2001:db8:abcd:12::/64');
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipKey('[2001:db8:1:2::9]')).toBe('2001:db8:1:2::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    // Two addresses in one /64 share a key; another /64 does not.
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe(ipKey('2001:db8:1:2:bbbb::2'));
    expect(ipKey('2001:db8:1:3::1')).not.toBe(ipKey('2001:db8:1:2::1'));
    expect(ipKey('not an ip')).toBe('not an ip');
  });

  it('drops a port, as proxies that write X-Forwarded-For entries with one have it (a new source port per connection)', () => {
    expect(ipKey('203.0.113.9:50123')).toBe('203.0.113.9');
    expect(ipKey('203.0.113.9:50123')).toBe(ipKey('203.0.113.9:443'));
    expect(ipKey('[2001:db8:1:2::9]:443')).toBe('2001:db8:1:2::/64');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('forwardedClient (RELAY_TRUST_PROXY hop count)', () => {
  it('takes the entry N from the right, ignores the header at 0, and never trusts a spoofed left part', () => {
    const xff = 'spoofed, 198.51.100.7, 10.0.0.2';
    expect(forwardedClient(xff, '10.0.0.3', 0)).toBe('10.0.0.3');
    expect(forwardedClient(xff, '10.0.0.3', 1)).toBe('10.0.0.2');
    expect(forwardedClient(xff, '10.0.0.3', 2)).toBe('198.51.100.7');
    expect(forwardedClient('198.51.100.7', '10.0.0.3', 3)).toBe('198.51.100.7');
    expect(forwardedClient(null, '10.0.0.3', 1)).toBe('10.0.0.3');
  });
});

describe('memory store', () => {
  it('counts fixed windows and refills token buckets on its clock', async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t });
    expect(await limitWindow(store, 'w', 2, 60_000)).toEqual({ ok: true, retryAfter: 0 });
    expect((await limitWindow(store, 'w', 2, 60_000)).ok).toBe(true);
    expect(await limitWindow(store, 'w', 2, 60_000)).toEqual({ ok: false, retryAfter: 60 });
    t = 60_000;
    expect((await limitWindow(store, 'w', 2, 60_000)).ok).toBe(true);

    // Burst 3, then one per 20 s (3 per minute).
    for (let i = 0; i < 3; i++) expect((await limitBucket(store, 'b', 3, 3, 60_000)).ok).toBe(true);
    expect(await limitBucket(store, 'b', 3, 3, 60_000)).toEqual({ ok: false, retryAfter: 20 });
    t += 20_000;
    expect((await limitBucket(store, 'b', 3, 3, 60_000)).ok).toBe(true);
    expect((await limitBucket(store, 'b', 3, 3, 60_000)).ok).toBe(false);
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const store = createMemoryStore({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) await store.increment(`k${i}`, 60_000);
    expect(store.size).toBeLessThanOrEqual(100);
  });
});

describe('fallback store', () => {
  it('answers from memory while the primary fails, warns once per minute, and goes back to the primary', async () => {
    let t = 0;
    let down = true;
    const primaryMemory = createMemoryStore({ now: () => t });
    const primary: RelayStore = {
      kind: 'flaky',
      increment: (k, w) => (down ? Promise.reject(new Error('connection refused')) : primaryMemory.increment(k, w)),
      take: (k, c, r) => (down ? Promise.reject(new Error('connection refused')) : primaryMemory.take(k, c, r)),
      ping: async () => !down,
      close: async () => {},
    };
    const logs: string[] = [];
    let errors = 0;
    const store = createFallbackStore(primary, { now: () => t, log: (level, m) => logs.push(`${level} ${m}`), onError: () => errors++ });
    for (let i = 0; i < 5; i++) expect((await limitWindow(store, 'k', 3, 60_000)).ok).toBe(i < 3);
    expect(errors).toBe(5);
    expect(store.degraded).toBe(true);
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    t = 61_000;
    await store.increment('k', 60_000);
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(2);
    down = false;
    expect(await store.increment('shared', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
    expect(store.degraded).toBe(false);
    expect(logs.at(-1)).toMatch(/^info .*answers again/);
    expect(await store.ping()).toBe(true);
  });
});

describe('Redis store (real redis-server)', () => {
  let redis: TestRedisServer;
  // Long enough for apt to install redis-server on a fresh machine.
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 180_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('never lets two clients take the same last token, and keeps prefixes apart', async () => {
    const a = createRedisStore({ url: redis.url, prefix: 'test-a:' });
    const b = createRedisStore({ url: redis.url, prefix: 'test-a:' });
    const other = createRedisStore({ url: redis.url, prefix: 'test-b:' });
    try {
      expect(await Promise.all([a.connected(), b.connected(), other.connected()])).toEqual([true, true, true]);
      const takes = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).take('bucket', 50, 60_000)));
      expect(takes.filter((r) => r.ok)).toHaveLength(50);
      const refused = takes.find((r) => !r.ok)!;
      expect(refused.retryMs).toBeGreaterThan(0);
      expect(refused.retryMs).toBeLessThanOrEqual(60_000);
      expect((await other.take('bucket', 50, 60_000)).ok).toBe(true);

      const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment('window', 60_000)));
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(counts.every((c) => c.resetMs > 0 && c.resetMs <= 60_000)).toBe(true);
      expect(await a.client.keys('*')).toEqual(expect.arrayContaining(['test-a:bucket', 'test-a:window', 'test-b:bucket']));
      expect(await a.client.pttl('window')).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });
});
