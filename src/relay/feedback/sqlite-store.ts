/**
 * The relay's default feedback store on Node: one SQLite file (`<RELAY_DATA_DIR>/feedback.sqlite`)
 * in WAL mode, so a restart loses nothing and the outbox survives crashes. better-sqlite3
 * is synchronous; each call is a few microseconds on an indexed table, well below a
 * request's own cost, so it is wrapped in promises rather than moved to a worker. The one
 * call that reads every vote (the console's summary) aggregates in SQL, a slice at a time.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type DatabaseConstructor from 'better-sqlite3';
import {
  feedbackKey,
  MAX_VOTES_PER_CONVERSATION,
  mergeFeedback,
  thumbsKeyRange,
  type FeedbackInput,
  type FeedbackStore,
  type OutboxItem,
  type StoredFeedback,
} from './store.js';

interface Row {
  data: string;
}

/** Rows (by rowid) the console's summary aggregates between two turns of the event loop (~10 ms each). */
const SUMMARY_SLICE = 5000;

/**
 * better-sqlite3 is a native module, so it is an optional peer dependency of the package
 * (a browser-only user never builds it): loaded on first use, with a clear error if absent.
 */
export function loadSqlite(load: (id: string) => unknown = createRequire(import.meta.url)): typeof DatabaseConstructor {
  try {
    return load('better-sqlite3') as typeof DatabaseConstructor;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      "The relay's feedback store needs better-sqlite3: run `npm install better-sqlite3`, or set REDIS_URL to keep feedback in Redis.",
      { cause: error },
    );
  }
}

/** Whether better-sqlite3 can be found from here (resolved, not loaded: no native code runs). */
export function sqliteInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('better-sqlite3');
    return true;
  } catch {
    return false;
  }
}

export function openSqliteFeedbackStore(dir: string): FeedbackStore {
  const Database = loadSqlite();
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'feedback.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS feedback (key TEXT PRIMARY KEY, updated_at INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS feedback_updated ON feedback(updated_at);
    CREATE TABLE IF NOT EXISTS outbox (
      id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL,
      lease_until INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT, done_at INTEGER,
      first_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, due_at);
  `);
  // A file from before first_at (the webhook's 24 h budget) gets the column; another process
  // opening the same file may have added it in between.
  if (!(db.pragma('table_info(outbox)') as { name: string }[]).some((c) => c.name === 'first_at')) {
    try {
      db.exec('ALTER TABLE outbox ADD COLUMN first_at INTEGER');
    } catch (error) {
      if (!/duplicate column/i.test(String(error))) throw error;
    }
  }
  const get = db.prepare<[string], Row>('SELECT data FROM feedback WHERE key = ?');
  const upsert = db.prepare(
    'INSERT INTO feedback (key, updated_at, data) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET updated_at = excluded.updated_at, data = excluded.data',
  );
  const since = db.prepare<[number, number], Row>('SELECT data FROM feedback WHERE updated_at >= ? ORDER BY updated_at DESC LIMIT ?');
  // At most `limit` rows read: a range of the primary key (one conversation's thumbs).
  const votesIn = db.prepare<[string, string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM (SELECT 1 FROM feedback WHERE key >= ? AND key < ? LIMIT ?)',
  );
  // The console's summary, aggregated in SQLite (no vote becomes a JavaScript object), a slice
  // of rows at a time with the event loop free in between: it parsed every vote since `from`
  // in one go before (200,000 votes held the event loop for 2.3 s).
  const rowids = db.prepare<[], { lo: number | null; hi: number | null }>('SELECT MIN(rowid) AS lo, MAX(rowid) AS hi FROM feedback');
  const totals = db.prepare<[number, number, number], { up: number; down: number; csat_count: number; csat_sum: number }>(`
    SELECT COALESCE(SUM(k = 'thumbs' AND v = 'up'), 0) AS up,
           COALESCE(SUM(k = 'thumbs' AND v IS NOT 'up'), 0) AS down,
           COALESCE(SUM(k IS NOT 'thumbs' AND t IN ('integer', 'real')), 0) AS csat_count,
           TOTAL(CASE WHEN k IS NOT 'thumbs' AND t IN ('integer', 'real') THEN v END) AS csat_sum
    FROM (SELECT json_extract(data, '$.kind') AS k, json_extract(data, '$.value') AS v, json_type(data, '$.value') AS t
          FROM feedback WHERE rowid >= ? AND rowid < ? AND updated_at >= ?)`);
  // Reasons come only with a thumbs-down; the LIKE skips parsing the votes without any (a
  // comment's quotes are escaped in the JSON, so it cannot spell the key).
  const reasonCounts = db.prepare<[number, number, number], { reason: string; n: number }>(`
    SELECT r.value AS reason, COUNT(*) AS n FROM feedback, json_each(feedback.data, '$.reasons') AS r
    WHERE feedback.rowid >= ? AND feedback.rowid < ? AND feedback.updated_at >= ? AND feedback.data LIKE '%"reasons":["%'
      AND json_extract(feedback.data, '$.kind') = 'thumbs'
    GROUP BY r.value`);
  // The newest comments of a slice; the NOT LIKE skips parsing the votes without one.
  const newestComments = db.prepare<[number, number, number, number], Row & { at: number }>(`
    SELECT data, updated_at AS at FROM feedback
    WHERE rowid >= ? AND rowid < ? AND updated_at >= ? AND data NOT LIKE '%"comment":""%' AND json_extract(data, '$.comment') != ''
    ORDER BY updated_at DESC LIMIT ?`);
  const pruneFeedback = db.prepare('DELETE FROM feedback WHERE updated_at < ?');
  const pruneOutbox = db.prepare("DELETE FROM outbox WHERE (state = 'done' AND done_at < ?) OR (state = 'failed' AND due_at < ?)");
  const insertOutbox = db.prepare('INSERT OR IGNORE INTO outbox (id, body, attempts, due_at) VALUES (?, ?, ?, ?)');
  const due = db.prepare<
    [number, number, number],
    { id: string; body: string; attempts: number; due_at: number; last_error: string | null; first_at: number | null }
  >(
    "SELECT id, body, attempts, due_at, last_error, first_at FROM outbox WHERE state = 'pending' AND due_at <= ? AND lease_until <= ? ORDER BY due_at LIMIT ?",
  );
  const lease = db.prepare('UPDATE outbox SET lease_until = ? WHERE id = ?');
  const done = db.prepare("UPDATE outbox SET state = 'done', done_at = ? WHERE id = ?");
  const retry = db.prepare(
    'UPDATE outbox SET attempts = ?, due_at = COALESCE(?, due_at), state = ?, last_error = ?, first_at = ?, lease_until = 0 WHERE id = ?',
  );
  const counts = db.prepare<[], { state: string; n: number }>(
    "SELECT state, COUNT(*) AS n FROM outbox WHERE state != 'done' GROUP BY state",
  );

  const put = db.transaction((item: FeedbackInput, now: number, maxChanges: number, maxPerConversation: number) => {
    const key = feedbackKey(item);
    const row = get.get(key);
    const merged = mergeFeedback(row ? (JSON.parse(row.data) as StoredFeedback) : undefined, item, now, maxChanges);
    if (merged.result === 'created' && item.kind === 'thumbs') {
      const { from, to } = thumbsKeyRange(item.conversation);
      if (votesIn.get(from, to, maxPerConversation)!.n >= maxPerConversation) return { result: 'full' as const, stored: merged.stored };
    }
    if (merged.result === 'created' || merged.result === 'updated') upsert.run(key, merged.stored.updatedAt, JSON.stringify(merged.stored));
    return merged;
  });
  const claim = db.transaction((now: number, limit: number, leaseMs: number): OutboxItem[] => {
    const rows = due.all(now, now, limit);
    for (const r of rows) lease.run(now + leaseMs, r.id);
    return rows.map((r) => ({
      id: r.id,
      body: r.body,
      attempts: r.attempts,
      dueAt: r.due_at,
      ...(r.last_error ? { lastError: r.last_error } : {}),
      ...(r.first_at !== null ? { firstAttemptAt: r.first_at } : {}),
    }));
  });
  const list = (from: number, limit: number) => since.all(from, limit).map((r) => JSON.parse(r.data) as StoredFeedback);

  return {
    async put(item, now, maxChanges, maxPerConversation = MAX_VOTES_PER_CONVERSATION) {
      return put(item, now, maxChanges, maxPerConversation);
    },
    async list({ since: from = 0, limit = 1000 }) {
      return list(from, limit);
    },
    async summary(from, commentLimit = 20) {
      const c = Object.fromEntries(counts.all().map((r) => [r.state, r.n]));
      const t = { up: 0, down: 0, csatCount: 0, csatSum: 0 };
      const reasons: Record<string, number> = {};
      const limit = Math.max(0, commentLimit);
      let newest: { data: string; at: number }[] = [];
      const { lo, hi } = rowids.get()!;
      if (lo !== null && hi !== null)
        for (let start = lo; start <= hi; start += SUMMARY_SLICE) {
          if (start > lo) await new Promise((r) => setImmediate(r));
          const end = start + SUMMARY_SLICE;
          const slice = totals.get(start, end, from)!;
          t.up += slice.up;
          t.down += slice.down;
          t.csatCount += slice.csat_count;
          t.csatSum += slice.csat_sum;
          for (const r of reasonCounts.all(start, end, from)) reasons[r.reason] = (reasons[r.reason] ?? 0) + r.n;
          if (limit > 0) newest = [...newest, ...newestComments.all(start, end, from, limit)].sort((a, b) => b.at - a.at).slice(0, limit);
        }
      const comments = newest.map((r) => {
        const f = JSON.parse(r.data) as StoredFeedback;
        return { messageId: f.messageId, kind: f.kind, value: f.value, comment: f.comment, at: f.updatedAt };
      });
      return {
        up: t.up,
        down: t.down,
        csatCount: t.csatCount,
        csatAverage: t.csatCount ? Math.round((t.csatSum / t.csatCount) * 100) / 100 : null,
        reasons,
        comments,
        outbox: { pending: c['pending'] ?? 0, failed: c['failed'] ?? 0 },
      };
    },
    async prune(before) {
      pruneOutbox.run(before, before);
      return pruneFeedback.run(before).changes;
    },
    async enqueue(item) {
      insertOutbox.run(item.id, item.body, item.attempts, item.dueAt);
    },
    async claimDue(now, limit, leaseMs) {
      return claim(now, limit, leaseMs);
    },
    async complete(id) {
      done.run(Date.now(), id);
    },
    async retry(id, attempts, dueAt, error, firstAttemptAt) {
      retry.run(attempts, dueAt, dueAt === null ? 'failed' : 'pending', error.slice(0, 300), firstAttemptAt, id);
    },
    async close() {
      db.close();
    },
  };
}
