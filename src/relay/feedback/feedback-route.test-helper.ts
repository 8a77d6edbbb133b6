/**
 * The feedback route and webhook worker alone, for the store tests (memory and SQLite in
 * feedback.test.ts, Redis in redis-store.test.ts): no server, every sender verified, no
 * rate limit, a webhook that records each body.
 */
import { expect } from 'vitest';
import { createFeedbackService } from './route.js';
import type { FeedbackStore } from './store.js';
import { createWebhookWorker } from './webhook.js';

export function feedbackService(store: FeedbackStore, now: () => number) {
  const delivered: string[] = [];
  const service = createFeedbackService(
    {
      store,
      webhookUrl: 'https://hooks.example/feedback',
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
