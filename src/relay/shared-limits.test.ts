import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../test/support/redis-server.js';
import { eventually } from '../../test/support/mock-upstream.js';
import { startRelayProcess, type RelayProcess } from '../../test/support/relay-process.js';

/**
 * Two `indigo-chat-relay` processes sharing one real redis-server (REDIS_URL), behind an
 * imaginary load balancer: one site origin, one RELAY_SECRET, requests alternating.
 */
const SITE = 'https://shop.example';
const N = 4;

let redis: TestRedisServer;
let a: RelayProcess;
let b: RelayProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  const env = {
    REDIS_URL: redis.url,
    RELAY_REDIS_PREFIX: `t${process.pid}:`,
    RELAY_SECRET: 'one-secret-for-the-whole-fleet-0123456789',
    ALLOWED_ORIGINS: SITE,
    RELAY_SENDER_RATE_PER_MINUTE: String(N),
    MOCK_REALTIME: '0',
    MOCK_SEED: '3',
  };
  [a, b] = await Promise.all([startRelayProcess(env), startRelayProcess(env)]);
}, 180_000); // long enough for apt to install redis-server on a fresh machine

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await redis?.stop();
});

async function session(relay: RelayProcess): Promise<string> {
  const res = await fetch(`${relay.url}/api/chat/session`, {
    method: 'POST',
    headers: { origin: SITE, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sender: string }).sender;
}

/** Sends one message and reads the whole answer; returns the status and the last event. */
async function send(relay: RelayProcess, sender: string): Promise<{ status: number; retryAfter: string | null; last: string }> {
  const res = await fetch(`${relay.url}/api/chat`, {
    method: 'POST',
    headers: { origin: SITE, 'content-type': 'application/json' },
    body: JSON.stringify({ sender, data: { type: 'payload', payload: 'init' } }),
  });
  const text = await res.text();
  const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
  return { status: res.status, retryAfter: res.headers.get('retry-after'), last: events.at(-1) ?? text };
}

const ready = async (relay: RelayProcess) => (await fetch(`${relay.url}/readyz`)).status;

describe('two relay processes sharing limits through a real redis-server', () => {
  it(`holds a limit of ${N} per sender per minute across both instances`, async () => {
    expect(await ready(a)).toBe(200);
    expect(await ready(b)).toBe(200);
    const sender = await session(a);
    for (let i = 0; i < N; i++) {
      const r = await send(i % 2 ? b : a, sender);
      expect(r.status).toBe(200);
      expect(r.last).toBe('data: {"type":"processing.end"}');
    }
    const refusedA = await send(a, sender);
    const refusedB = await send(b, sender);
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(Number(refusedB.retryAfter)).toBeGreaterThanOrEqual(1);
    // Another sender is not affected.
    expect((await send(b, await session(b))).status).toBe(200);
  });

  it('shares the limit again after Redis restarts', async () => {
    await redis.restart();
    await eventually(async () => (await ready(a)) === 200 && (await ready(b)) === 200, 15_000, 'both relays ready again');
    const sender = await session(b);
    for (let i = 0; i < N; i++) expect((await send(i % 2 ? a : b, sender)).status).toBe(200);
    expect((await send(a, sender)).status).toBe(429);
    expect((await send(b, sender)).status).toBe(429);
  });

  it('falls back to per-process limits when Redis is killed: keeps answering, one warning, readyz says so', async () => {
    await redis.stop();
    const sender = await session(a);
    // Each process now counts on its own: N on each, then 429 on each. Never a 5xx.
    for (const relay of [a, b]) {
      for (let i = 0; i < N; i++) {
        const r = await send(relay, sender);
        expect(r.status).toBe(200);
        expect(r.last).toBe('data: {"type":"processing.end"}');
      }
      expect((await send(relay, sender)).status).toBe(429);
    }
    expect(await ready(a)).toBe(503);
    expect(await ready(b)).toBe(503);
    for (const relay of [a, b]) {
      const warnings = relay.lines.filter((l) => l.includes('store failed; using per-process limits'));
      expect(warnings).toHaveLength(1);
      // Structured, and without the Redis URL.
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 'warn' });
      expect(relay.lines.join('\n')).not.toContain(redis.url);
    }
  });
});
