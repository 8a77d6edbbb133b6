/**
 * The feedback route and webhook worker alone, for the store tests (memory and SQLite in
 * feedback.test.ts, Redis in redis-store.test.ts): no server, every sender verified, no
 * rate limit, a webhook that records each body.
 */
import { expect } from 'vitest';
import { createFeedbackService } from './route.js';
import { MAX_VOTES_PER_CONVERSATION, type FeedbackInput, type FeedbackStore } from './store.js';
import { createWebhookWorker } from './webhook.js';

/** A FEEDBACK_WEBHOOK_SECRET for tests (32+ characters). */
export const WEBHOOK_SECRET = 'webhook-secret-webhook-secret-0123456789';

export function feedbackService(store: FeedbackStore, now: () => number) {
  const delivered: string[] = [];
  const service = createFeedbackService(
    {
      store,
      webhookUrl: 'https://hooks.example/feedback',
      webhookSecret: WEBHOOK_SECRET,
      webhookFetch: async (request) => {
        delivered.push(await request.text());
        return new Response(null, { status: 204 });
      },
    },
    {
      verifySender: async () => true,
      readJson: async (request) => ({ ok: true, value: await request.json() }),
      error: (status, error, message) => Response.json({ error, message }, { status }),
      ok: (body) => Response.json(body),
      limits: { perIpPerMinute: 100, perSenderPerMinute: 100 },
      limit: async () => ({ ok: true, retryAfter: 0 }),
      now,
      secret: 's',
      log: () => {},
    },
  );
  const post = (body: unknown) =>
    service.handle(
      new Request('https://relay.example/feedback', { method: 'POST', body: JSON.stringify(body) }),
      'https://shop.example',
      '192.0.2.1',
    );
  return { service, post, delivered };
}

/** A well-formed signed sender (the route's verifySender here accepts any). */
export const SENDER = 'AAAAAAAAAAAAAAAAAAAAAA.' + 'B'.repeat(43);

/** Three changes of one vote in the same millisecond: each reaches the webhook once. */
export async function expectSameMillisecondChangesDelivered(store: FeedbackStore): Promise<void> {
  const { service, post, delivered } = feedbackService(store, () => 1_000_000);
  const base = { sender: SENDER, kind: 'thumbs', reasons: [] as string[], comment: '', messageId: `${SENDER.split('.')[0]!}.1.0` };
  expect(await (await post({ ...base, value: 'up' })).json()).toEqual({ ok: true, result: 'created' });
  expect(await (await post({ ...base, value: 'down' })).json()).toEqual({ ok: true, result: 'updated' });
  // Same value, new reasons: an update that leaves `changes` as it was.
  expect(await (await post({ ...base, value: 'down', reasons: ['wrong'] })).json()).toEqual({ ok: true, result: 'updated' });
  await service.webhook!.tick();
  await service.webhook!.tick();
  const got = delivered.map((b) => JSON.parse(b) as { value: string; reasons: string[]; changes: number; revision: number });
  // Each delivery says which write it is (a receiver keeps the highest: retries can reorder them).
  expect(got.map((b) => `${b.value}/${b.reasons.join()}/${b.changes}/${b.revision}`).sort()).toEqual([
    'down//1/2',
    'down/wrong/1/3',
    'up//0/1',
  ]);
}

const HOUR = 3_600_000;

/**
 * A receiver down for more than a day: the worker, ticking every `step` ms of a fake clock,
 * retries for 24 h after the first attempt (which the store keeps), then marks it failed.
 */
export async function expectRetriedForADay(store: FeedbackStore, step: number): Promise<void> {
  let t = 0;
  const calls: number[] = [];
  const worker = createWebhookWorker({
    store,
    url: 'https://hooks.example/feedback',
    secret: 's',
    now: () => t,
    random: () => 0.5,
    fetch: async () => {
      calls.push(t);
      return new Response(null, { status: 503 });
    },
  });
  await store.enqueue({ id: 'a', body: '{}', attempts: 0, dueAt: 0 });
  let failedAt: number | undefined;
  for (; t <= 26 * HOUR && failedAt === undefined; t += step) {
    await worker.tick();
    if ((await store.summary(0)).outbox.failed === 1) failedAt = t;
  }
  expect(failedAt).toBe(24 * HOUR);
  expect(calls[0]).toBe(0);
  expect(calls.at(-1)).toBe(24 * HOUR);
  // Backoff as before (2 s doubling, capped at 1 h), only no longer cut off after 12 attempts.
  const gaps = calls.slice(1).map((c, i) => c - calls[i]!);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(HOUR + step);
  expect(calls.length).toBeGreaterThan(30);
}

/**
 * A conversation keeps at most MAX_VOTES_PER_CONVERSATION thumbs votes: one on a new answer
 * past it is `full` and not stored; changing a stored one, the CSAT, another conversation
 * and (after retention removed some) new votes still work.
 */
export async function expectVotesCappedPerConversation(store: FeedbackStore): Promise<void> {
  const cap = 200; // as documented
  const vote = (conversation: string, turn: number, value: 'up' | 'down' = 'up'): FeedbackInput => ({
    kind: 'thumbs',
    value,
    reasons: [],
    comment: '',
    conversation,
    origin: 'https://shop.example',
    messageId: `${conversation}.${turn}.0`,
  });
  for (let turn = 1; turn <= cap; turn++) expect((await store.put(vote('c', turn), turn === 1 ? 1000 : 5000, 1)).result).toBe('created');
  const over = await store.put(vote('c', cap + 1), 6000, 1);
  expect(over.result).toBe('full');
  expect((await store.put(vote('c', 999_999), 6000, 1)).result).toBe('full');
  // Nothing of the refused votes is kept.
  expect((await store.list({ limit: 10_000 })).filter((f) => f.conversation === 'c')).toHaveLength(cap);
  // At the cap, a stored vote still changes, and the CSAT (one per conversation) is taken.
  expect((await store.put(vote('c', cap, 'down'), 6000, 1)).result).toBe('updated');
  expect(
    (await store.put({ kind: 'csat', value: 4, reasons: [], comment: '', conversation: 'c', origin: 'o', messageId: 'c.1.0' }, 6000, 1))
      .result,
  ).toBe('created');
  // Another conversation has its own room; a lower cap given by the caller holds too.
  expect((await store.put(vote('d', 1), 6000, 1)).result).toBe('created');
  expect((await store.put(vote('d', 2), 6000, 1, 1)).result).toBe('full');
  // Retention deleted the oldest vote of `c`: room for one more.
  expect(await store.prune(2000)).toBe(1);
  expect((await store.put(vote('c', cap + 1), 7000, 1)).result).toBe('created');
  expect((await store.put(vote('c', cap + 2), 7000, 1)).result).toBe('full');
  const summary = await store.summary(0);
  expect([summary.up, summary.down, summary.csatCount]).toEqual([cap, 1, 1]);
  expect(MAX_VOTES_PER_CONVERSATION).toBe(cap);
}
