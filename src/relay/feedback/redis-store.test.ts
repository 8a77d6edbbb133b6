import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { startRelayServer, type RelayServer } from '../node.js';
import { openRedisFeedbackStore } from './redis-store.js';
import { createWebhookWorker } from './webhook.js';
import {
  expectRetriedForADay,
  expectSameMillisecondChangesDelivered,
  expectVotesCappedPerConversation,
} from './feedback-route.test-helper.js';
import { summarize } from './store.js';

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

let prefixes = 0;
const prefix = () => `t${++prefixes}:`;

async function relay(env: Record<string, string>): Promise<RelayServer> {
  const s = await startRelayServer({
    port: 0,
    env: { RELAY_SECRET: 'shared-secret', REDIS_URL: redis.url, RELAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'unused-')), ...env },
    log: () => {},
    mock: { realtime: false, history: { pastConversations: 0 } },
  });
  closers.push(() => s.close());
  return s;
}

describe('Redis feedback store (REDIS_URL)', () => {
  it('two relay instances share votes: one created on A is updated on B, and the change limit holds across them', async () => {
    const a = await relay({});
    // B sits behind the same public origin (a load balancer in front of both).
    const b = await relay({ ALLOWED_ORIGINS: '' });
    const res = await fetch(`${a.url}/api/chat/session`, {
      method: 'POST',
      headers: { origin: a.url, 'content-type': 'application/json' },
      body: '{}',
    });
    const { sender } = (await res.json()) as { sender: string };
    const messageId = `${sender.split('.')[0]}.1.0`;
    const vote = (s: RelayServer, value: string) =>
      fetch(`${s.url}/api/chat/feedback`, {
        method: 'POST',
        headers: { origin: a.url, 'content-type': 'application/json' },
        body: JSON.stringify({ sender, kind: 'thumbs', value, reasons: [], comment: '', messageId }),
      });
    expect(await (await vote(a, 'up')).json()).toEqual({ ok: true, result: 'created' });
    const bAllowed = await relay({ ALLOWED_ORIGINS: a.url });
    expect(await (await vote(bAllowed, 'up')).json()).toEqual({ ok: true, result: 'unchanged' });
    expect(await (await vote(bAllowed, 'down')).json()).toEqual({ ok: true, result: 'updated' });
    expect((await vote(a, 'up')).status).toBe(409);
    expect((await vote(b, 'up')).status).toBe(403); // an instance that does not allow the origin never reaches the store
  });

  it('keeps votes when the relay restarts, and prunes past the retention', async () => {
    const p = prefix();
    const one = openRedisFeedbackStore(redis.url, { prefix: p });
    const item = {
      kind: 'thumbs' as const,
      value: 'down' as const,
      reasons: ['wrong' as const],
      comment: 'x',
      conversation: 'c',
      origin: 'o',
    };
    await one.put({ ...item, messageId: 'c.1.0' }, 1000, 1);
    await one.put({ ...item, messageId: 'c.2.0' }, 9000, 1);
    await one.close();
    const two = openRedisFeedbackStore(redis.url, { prefix: p });
    closers.push(() => two.close());
    expect((await two.list({})).map((f) => f.messageId)).toEqual(['c.2.0', 'c.1.0']);
    expect(await two.summary(0)).toMatchObject({ up: 0, down: 2, reasons: { wrong: 2 } });
    expect(await two.prune(5000)).toBe(1);
    expect((await two.list({})).map((f) => f.messageId)).toEqual(['c.2.0']);
  });

  it('concurrent votes on one answer from many clients end consistent (compare-and-set)', async () => {
    const p = prefix();
    const stores = [openRedisFeedbackStore(redis.url, { prefix: p }), openRedisFeedbackStore(redis.url, { prefix: p })];
    for (const s of stores) closers.push(() => s.close());
    const base = { kind: 'thumbs' as const, reasons: [], conversation: 'c', origin: 'o', messageId: 'c.1.0' };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.put({ ...base, value: 'up', comment: `c${i}` }, 1000 + i, 1)),
    );
    expect(results.filter((r) => r.result === 'created')).toHaveLength(1);
    const [stored] = await stores[0]!.list({});
    expect(stored!.changes).toBe(0);
  });

  it('one shared outbox: two workers deliver each item exactly once, with retries', async () => {
    const p = prefix();
    const got: string[] = [];
    let fail = 2;
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (fail-- > 0) return res.writeHead(500).end();
        got.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => hook.close(r)));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/`;
    const s1 = openRedisFeedbackStore(redis.url, { prefix: p });
    const s2 = openRedisFeedbackStore(redis.url, { prefix: p });
    closers.push(
      () => s1.close(),
      () => s2.close(),
    );
    let t = 0;
    const w1 = createWebhookWorker({ store: s1, url, secret: 's', now: () => t, baseDelayMs: 10, random: () => 0.5 });
    const w2 = createWebhookWorker({ store: s2, url, secret: 's', now: () => t, baseDelayMs: 10, random: () => 0.5 });
    for (let i = 0; i < 6; i++) await s1.enqueue({ id: `i${i}`, body: `{"n":${i}}`, attempts: 0, dueAt: 0 });
    for (let round = 0; round < 6 && got.length < 6; round++) {
      await Promise.all([w1.tick(), w2.tick()]);
      t += 1000;
    }
    expect(got.sort()).toEqual([0, 1, 2, 3, 4, 5].map((n) => `{"n":${n}}`));
    expect((await s2.summary(0)).outbox).toEqual({ pending: 0, failed: 0 });
  });

  it('a conversation keeps at most MAX_VOTES_PER_CONVERSATION votes (new answers past it are full)', async () => {
    const store = openRedisFeedbackStore(redis.url, { prefix: prefix() });
    closers.push(() => store.close());
    await expectVotesCappedPerConversation(store);
  });

  it('the cap holds when two instances race on one conversation (checked in the same script as the write)', async () => {
    const p = prefix();
    const stores = [openRedisFeedbackStore(redis.url, { prefix: p }), openRedisFeedbackStore(redis.url, { prefix: p })];
    for (const s of stores) closers.push(() => s.close());
    const vote = (turn: number) => ({
      kind: 'thumbs' as const,
      value: 'up' as const,
      reasons: [],
      comment: '',
      conversation: 'race',
      origin: 'o',
      messageId: `race.${turn}.0`,
    });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.put(vote(i + 1), 1000, 1, 25)));
    expect(results.filter((r) => r.result === 'created')).toHaveLength(25);
    expect(results.filter((r) => r.result === 'full')).toHaveLength(15);
    expect(await stores[0]!.list({})).toHaveLength(25);
  });

  it('a summary over more votes than one page says what summarize says', async () => {
    const store = openRedisFeedbackStore(redis.url, { prefix: prefix() });
    closers.push(() => store.close());
    for (let i = 0; i < 2_100; i++) {
      const down = i % 4 === 0;
      await store.put(
        {
          kind: 'thumbs',
          value: down ? 'down' : 'up',
          reasons: down ? ['wrong'] : [],
          comment: i % 300 === 0 ? `note ${i}` : '',
          conversation: `s${i % 30}`,
          origin: 'o',
          messageId: `s${i % 30}.${i + 1}.0`,
        },
        1000 + i,
        1,
      );
    }
    const all = await store.list({ limit: 10_000 });
    expect(all).toHaveLength(2_100);
    const summary = await store.summary(1500, 5);
    expect(summary).toEqual(
      summarize(
        all.filter((f) => f.updatedAt >= 1500),
        summary.outbox,
        5,
      ),
    );
  });

  it('a summary counts each vote once when votes are written while it reads its pages', async () => {
    const store = openRedisFeedbackStore(redis.url, { prefix: prefix() });
    closers.push(() => store.close());
    const vote = (i: number, value: 'up' | 'down') => ({
      kind: 'thumbs' as const,
      value,
      reasons: [],
      comment: '',
      conversation: `w${i % 30}`,
      origin: 'o',
      messageId: `w${i % 30}.${i + 1}.0`,
    });
    for (let i = 0; i < 1_500; i++) await store.put(vote(i, 'up'), 1000 + i, 1);
    // Between the first page and the second, 50 of the oldest votes (not read yet) change.
    const mget = Reflect.get(Redis.prototype, 'mget') as (this: Redis, ...a: unknown[]) => Promise<(string | null)[]>;
    let pages = 0;
    const spy = vi.spyOn(Redis.prototype, 'mget').mockImplementation(async function (this: Redis, ...args: unknown[]) {
      const got = await mget.apply(this, args);
      if (++pages === 1) for (let i = 0; i < 50; i++) await store.put(vote(i, 'down'), 5000 + i, 1);
      return got;
    });
    try {
      const summary = await store.summary(0);
      expect(pages).toBeGreaterThan(1);
      // Each vote once, with the value it had when its page was read: all 1,500, 50 of them down.
      expect([summary.up + summary.down, summary.down]).toEqual([1_500, 50]);
    } finally {
      spy.mockRestore();
    }
  });

  it('every change of one vote stored in the same millisecond reaches the webhook', async () => {
    const store = openRedisFeedbackStore(redis.url, { prefix: prefix() });
    closers.push(() => store.close());
    await expectSameMillisecondChangesDelivered(store);
  });

  it('a receiver down for more than a day: retried for 24 h after the first attempt (kept in Redis), then failed', async () => {
    const store = openRedisFeedbackStore(redis.url, { prefix: prefix() });
    closers.push(() => store.close());
    // Five-minute steps: fewer Redis round trips, the same day.
    await expectRetriedForADay(store, 5 * 60_000);
  });
});
