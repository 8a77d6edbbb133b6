/**
 * The relay's default feedback store on Node: one SQLite file (`<RELAY_DATA_DIR>/feedback.sqlite`)
 * in WAL mode, so a restart loses nothing and the outbox survives crashes. better-sqlite3
 * is synchronous; each call is a few microseconds on an indexed table, well below a
 * request's own cost, so it is wrapped in promises rather than moved to a worker.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type DatabaseConstructor from 'better-sqlite3';
import {
  feedbackKey,
  mergeFeedback,
  summarize,
  type FeedbackInput,
  type FeedbackStore,
  type OutboxItem,
  type StoredFeedback,
} from './store.js';

interface Row {
  data: string;
}

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

  const put = db.transaction((item: FeedbackInput, now: number, maxChanges: number) => {
    const key = feedbackKey(item);
    const row = get.get(key);
    const merged = mergeFeedback(row ? (JSON.parse(row.data) as StoredFeedback) : undefined, item, now, maxChanges);
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
    async put(item, now, maxChanges) {
      return put(item, now, maxChanges);
    },
    async list({ since: from = 0, limit = 1000 }) {
      return list(from, limit);
    },
    async summary(from, commentLimit) {
      const c = Object.fromEntries(counts.all().map((r) => [r.state, r.n]));
      return summarize(list(from, 1_000_000), { pending: c['pending'] ?? 0, failed: c['failed'] ?? 0 }, commentLimit);
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
