/**
 * The feedback store on Redis (REDIS_URL), so every relay instance sees the same votes and
 * shares one webhook outbox. The merge rule stays in JavaScript (store.ts): a write is a
 * compare-and-set in Lua (it lands only if the item is still what was read), retried on a
 * race. Outbox items are claimed with a lease by pushing their due time forward in one
 * script, so two instances never deliver the same item at once and a crashed worker's
 * claim expires.
 *
 * Keys (prefix default `indigo:`): `fb:item:<key>` (JSON), `fb:time` (zset by updatedAt),
 * `fb:conv:<conversation>` (set of that conversation's thumbs keys, for the per-conversation
 * cap), `fb:out:<id>` (JSON), `fb:due` (zset by due time), `fb:failed`, `fb:done` (zsets by time).
 */
import { Redis } from 'ioredis';
import {
  feedbackKey,
  MAX_VOTES_PER_CONVERSATION,
  mergeFeedback,
  SummaryTally,
  thumbsConversation,
  type FeedbackStore,
  type OutboxItem,
  type StoredFeedback,
} from './store.js';

// ARGV[5]: the cap of thumbs votes in the conversation (0: no cap, a CSAT). A new vote past it
// is -1, in the same step as the write, so instances racing on one conversation cannot pass
// it. A vote already stored joins the set when written again (one stored before the set existed).
const CAS = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
local cap = tonumber(ARGV[5])
if cap > 0 and redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 0 then
  if ARGV[1] == '' and redis.call('SCARD', KEYS[3]) >= cap then return -1 end
  redis.call('SADD', KEYS[3], ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1`;

/** Votes read per round trip for the console's summary (a page at a time, never all at once). */
const SUMMARY_PAGE = 1000;
/** The summary counts at most this many votes, the newest (as before paging). */
const SUMMARY_MAX = 1_000_000;

const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[3], id) end
return ids`;

export interface RedisFeedbackOptions {
  prefix?: string;
  /** An existing connection to reuse (it is not closed by `close()`). */
  client?: Redis;
}

export function openRedisFeedbackStore(url: string, options: RedisFeedbackOptions = {}): FeedbackStore {
  const own = !options.client;
  const redis = options.client ?? new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const p = options.prefix ?? 'indigo:';
  const k = {
    item: (key: string) => `${p}fb:item:${key}`,
    time: `${p}fb:time`,
    conv: (conversation: string) => `${p}fb:conv:${conversation}`,
    out: (id: string) => `${p}fb:out:${id}`,
    due: `${p}fb:due`,
    failed: `${p}fb:failed`,
    done: `${p}fb:done`,
  };

  const list = async (since: number, limit: number): Promise<StoredFeedback[]> => {
    const keys = await redis.zrevrangebyscore(k.time, '+inf', since, 'LIMIT', 0, limit);
    if (keys.length === 0) return [];
    const raws = await redis.mget(keys.map((key) => k.item(key)));
    return raws.flatMap((r) => (r ? [JSON.parse(r) as StoredFeedback] : []));
  };

  return {
    async put(item, now, maxChanges, maxPerConversation = MAX_VOTES_PER_CONVERSATION) {
      const key = feedbackKey(item);
      const cap = item.kind === 'thumbs' ? Math.max(1, maxPerConversation) : 0;
      for (let attempt = 0; attempt < 50; attempt++) {
        // Lost a race: wait a random moment so concurrent writers spread out.
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
        const raw = await redis.get(k.item(key));
        const merged = mergeFeedback(raw ? (JSON.parse(raw) as StoredFeedback) : undefined, item, now, maxChanges);
        if (merged.result !== 'created' && merged.result !== 'updated') return merged;
        const ok = await redis.eval(
          CAS,
          3,
          k.item(key),
          k.time,
          k.conv(item.conversation),
          raw ?? '',
          JSON.stringify(merged.stored),
          merged.stored.updatedAt,
          key,
          cap,
        );
        if (ok === 1) return merged;
        if (ok === -1) return { result: 'full' as const, stored: merged.stored };
      }
      throw new Error('feedback store: too much contention on one vote');
    },
    list: ({ since = 0, limit = 1000 }) => list(since, limit),
    async summary(since, commentLimit) {
      const [pending, failed] = await Promise.all([redis.zcard(k.due), redis.zcard(k.failed)]);
      // The keys once (a vote written meanwhile moves to the head of the set: pages read by
      // offset counted one twice and skipped another), then the votes a page at a time:
      // memory stays the keys, one page and the newest comments, and the event loop runs
      // between pages. The work still grows with the votes (no aggregate in Redis).
      const tally = new SummaryTally(commentLimit);
      const keys = await redis.zrevrangebyscore(k.time, '+inf', since, 'LIMIT', 0, SUMMARY_MAX);
      for (let at = 0; at < keys.length; at += SUMMARY_PAGE) {
        const page = keys.slice(at, at + SUMMARY_PAGE);
        for (const r of await redis.mget(page.map((key) => k.item(key)))) if (r) tally.add(JSON.parse(r) as StoredFeedback);
      }
      return tally.result({ pending, failed });
    },
    async prune(before) {
      const old = await redis.zrangebyscore(k.time, '-inf', `(${before}`);
      const deadOut = [
        ...(await redis.zrangebyscore(k.done, '-inf', `(${before}`)),
        ...(await redis.zrangebyscore(k.failed, '-inf', `(${before}`)),
      ];
      const m = redis.multi();
      if (old.length) m.del(...old.map(k.item)).zrem(k.time, ...old);
      for (const key of old) {
        const conversation = thumbsConversation(key);
        if (conversation !== null) m.srem(k.conv(conversation), key);
      }
      if (deadOut.length)
        m.del(...deadOut.map(k.out))
          .zrem(k.done, ...deadOut)
          .zrem(k.failed, ...deadOut);
      await m.exec();
      return old.length;
    },
    async enqueue(item) {
      const set = await redis.set(k.out(item.id), JSON.stringify({ id: item.id, body: item.body, attempts: item.attempts }), 'NX');
      if (set === 'OK') await redis.zadd(k.due, item.dueAt, item.id);
    },
    async claimDue(now, limit, leaseMs) {
      const ids = (await redis.eval(CLAIM, 1, k.due, now, limit, now + leaseMs)) as string[];
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map(k.out));
      return raws.flatMap((r) => {
        if (!r) return [];
        const o = JSON.parse(r) as OutboxItem;
        return [
          {
            id: o.id,
            body: o.body,
            attempts: o.attempts,
            dueAt: now,
            ...(o.lastError ? { lastError: o.lastError } : {}),
            ...(o.firstAttemptAt !== undefined ? { firstAttemptAt: o.firstAttemptAt } : {}),
          },
        ];
      });
    },
    async complete(id) {
      await redis.multi().zrem(k.due, id).zadd(k.done, Date.now(), id).exec();
    },
    async retry(id, attempts, dueAt, error, firstAttemptAt) {
      const raw = await redis.get(k.out(id));
      if (!raw) return;
      const o = { ...(JSON.parse(raw) as OutboxItem), attempts, lastError: error.slice(0, 300), firstAttemptAt };
      const m = redis.multi().set(k.out(id), JSON.stringify(o));
      if (dueAt === null) m.zrem(k.due, id).zadd(k.failed, Date.now(), id);
      else m.zadd(k.due, dueAt, id);
      await m.exec();
    },
    async close() {
      if (own) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
