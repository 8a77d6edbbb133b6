import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRelayServer, type RelayServer } from '../node.js';
import { loadSqlite, openSqliteFeedbackStore } from './sqlite-store.js';
import {
  MAX_VOTES_PER_CONVERSATION,
  MEMORY_MAX_VOTES,
  MemoryFeedbackStore,
  summarize,
  type FeedbackInput,
  type FeedbackStore,
} from './store.js';

/** The documented bounds, written out (the constants are checked against them). */
const VOTES_PER_CONVERSATION = 200;
const MEMORY_VOTES = 10_000;
import { createWebhookWorker, signWebhook } from './webhook.js';
import { validateFeedbackBody } from './validate.js';
import { relayConfigFromEnv } from '../env.js';
import { createRelay, type RelayRequestInfo } from '../handler.js';
import { PAT } from '../fake-platform.test-helper.js';
import { toBase64Url } from '../sender.js';
import {
  expectRetriedForADay,
  expectSameMillisecondChangesDelivered,
  expectVotesCappedPerConversation,
  feedbackService,
  SENDER,
  WEBHOOK_SECRET,
} from './feedback-route.test-helper.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('feedback validation', () => {
  const ok = {
    sender: SENDER,
    kind: 'thumbs',
    value: 'down',
    reasons: ['wrong'],
    comment: ' meh ',
    messageId: 'AAAAAAAAAAAAAAAAAAAAAA.2.0',
  };
  it('accepts a well-formed vote and rebuilds it', () => {
    const v = validateFeedbackBody(ok);
    expect(v).toEqual({
      ok: true,
      sender: SENDER,
      conversation: 'AAAAAAAAAAAAAAAAAAAAAA',
      detail: { kind: 'thumbs', value: 'down', reasons: ['wrong'], comment: 'meh', messageId: ok.messageId },
    });
  });
  it.each([
    [{ ...ok, extra: 1 }, /Unknown field/],
    [{ ...ok, kind: 'stars' }, /kind/],
    [{ ...ok, value: 'sideways' }, /value/],
    [{ ...ok, kind: 'csat', value: 6, reasons: [] }, /integer from 1 to 5/],
    [{ ...ok, kind: 'csat', value: 2.5, reasons: [] }, /integer/],
    [{ ...ok, reasons: ['rude'] }, /reasons/],
    [{ ...ok, value: 'up' }, /thumbs-down only/],
    [{ ...ok, comment: 'x'.repeat(501) }, /500/],
    [{ ...ok, comment: 'a\u0000b' }, /control/],
    [{ ...ok, messageId: 'CCCCCCCCCCCCCCCCCCCCCC.2.0' }, /another conversation/],
    [{ ...ok, messageId: '../../etc' }, /messageId/],
    [{ ...ok, messageId: 'AAAAAAAAAAAAAAAAAAAAAA.2.1' }, /messageId/],
    [{ ...ok, sender: 'forged' }, /sender/],
    [JSON.parse('{"__proto__": {"x": 1}}'), /Unknown field|sender/],
    [[], /object/],
  ])('refuses %j', (body, message) => {
    const v = validateFeedbackBody(body);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toMatch(message);
  });
  it('never echoes an unknown key in its message', () => {
    const v = validateFeedbackBody({ ...ok, '<img src=x onerror=alert(1)>': 1 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).not.toMatch(/img|onerror|</);
  });
  it('counts a 500-character comment of emoji as 500 characters', () => {
    expect(validateFeedbackBody({ ...ok, comment: '👍'.repeat(500) }).ok).toBe(true);
  });
});

async function server(env: Record<string, string> = {}) {
  const dir = env['RELAY_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'relay-fb-'));
  const s = await startRelayServer({
    port: 0,
    env: { RELAY_SECRET: 'fb-secret,older-secret', RELAY_DATA_DIR: dir, ...env },
    log: () => {},
    mock: { realtime: false, seed: 3 },
  });
  closers.push(() => s.close());
  return { s, dir };
}

async function session(s: RelayServer): Promise<string> {
  const res = await fetch(`${s.url}/api/chat/session`, {
    method: 'POST',
    headers: { origin: s.url, 'content-type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { sender: string }).sender;
}

function vote(s: RelayServer, body: unknown, origin = s.url) {
  return fetch(`${s.url}/api/chat/feedback`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST {relay}/feedback', () => {
  it('stores a vote, replaces it when changed once, refuses a second change, survives a restart', async () => {
    const { s, dir } = await server();
    const sender = await session(s);
    const messageId = `${sender.split('.')[0]}.1.0`;
    const base = { sender, kind: 'thumbs', reasons: [], comment: '', messageId };
    expect(await (await vote(s, { ...base, value: 'up' })).json()).toEqual({ ok: true, result: 'created' });
    expect(await (await vote(s, { ...base, value: 'up' })).json()).toEqual({ ok: true, result: 'unchanged' });
    expect(await (await vote(s, { ...base, value: 'down', reasons: ['wrong'], comment: 'no' })).json()).toEqual({
      ok: true,
      result: 'updated',
    });
    const locked = await vote(s, { ...base, value: 'up' });
    expect(locked.status).toBe(409);
    expect(await (await vote(s, { ...base, value: 'down', reasons: ['wrong', 'unsafe'], comment: 'worse' })).json()).toMatchObject({
      result: 'updated',
    });
    await s.close();
    closers.length = 0;
    const store = openSqliteFeedbackStore(dir);
    closers.push(() => store.close());
    const [stored] = await store.list({});
    expect(stored).toMatchObject({ value: 'down', reasons: ['unsafe', 'wrong'], comment: 'worse', changes: 1, messageId });
  });

  it('refuses foreign origins, forged senders, bad bodies and floods', async () => {
    const { s } = await server({ RELAY_SENDER_RATE_PER_MINUTE: '3' });
    const sender = await session(s);
    const messageId = `${sender.split('.')[0]}.1.0`;
    const body = { sender, kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId };
    expect((await vote(s, body, 'https://evil.example')).status).toBe(403);
    const forged = `${sender.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await vote(s, { ...body, sender: forged })).status).toBe(403);
    expect((await vote(s, { ...body, value: 'meh' })).status).toBe(400);
    const big = await fetch(`${s.url}/api/chat/feedback`, {
      method: 'POST',
      headers: { origin: s.url, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, comment: 'x'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await vote(s, { ...body, messageId: `${sender.split('.')[0]}.${i + 1}.0` })).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses[3]).toBe(429);
  });

  it('tells the mock platform, whose GraphQL then shows the feedback on that answer', async () => {
    const { s } = await server();
    const sender = await session(s);
    const chat = await fetch(`${s.url}/api/chat`, {
      method: 'POST',
      headers: { origin: s.url, 'content-type': 'application/json' },
      body: JSON.stringify({ sender, data: { type: 'payload', payload: 'init' } }),
    });
    await chat.text();
    const messageId = `${sender.split('.')[0]}.1.0`;
    expect((await vote(s, { sender, kind: 'thumbs', value: 'down', reasons: ['not-helpful'], comment: 'hm', messageId })).status).toBe(200);
    const gql = async (query: string, variables: unknown) =>
      (await (
        await fetch(`${s.url}/mock-platform/graphql`, {
          method: 'POST',
          headers: { authorization: 'Bearer pat-mock-pat', 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as { data: Record<string, { edges: { node: Record<string, unknown> }[] }> };
    const list = await gql('query($p: Int_ID!) { conversations(projectId: $p, first: 1) { edges { node { conversationId } } } }', {
      p: 39,
    });
    const id = list.data['conversations']!.edges[0]!.node['conversationId'];
    const msgs = await gql(
      'query($id: Int_ID!) { messages(conversationId: $id, showFeedback: true, last: 5) { edges { node { feedback sender { id } } } } }',
      { id },
    );
    expect(msgs.data['messages']!.edges[0]!.node).toMatchObject({
      sender: null,
      feedback: { value: 'negative', reasons: ['not-helpful'], comment: 'hm' },
    });
  });

  it('forwards to FEEDBACK_WEBHOOK_URL signed with FEEDBACK_WEBHOOK_SECRET, never RELAY_SECRET: the receiver cannot mint the sender', async () => {
    const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(got.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => hook.close(r)));
    const port = (hook.address() as { port: number }).port;
    const { s } = await server({ FEEDBACK_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, FEEDBACK_WEBHOOK_SECRET: WEBHOOK_SECRET });
    const sender = await session(s);
    const res = await vote(s, { sender, kind: 'csat', value: 4, reasons: [], comment: 'good', messageId: `${sender.split('.')[0]}.1.0` });
    expect(res.status).toBe(200);
    // The first delivery fails (503); the visitor's answer did not wait for it.
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    const first = got[0]!;
    const ts = Number(first.headers['x-indigo-timestamp']);
    expect(first.headers['x-indigo-signature']).toBe(await signWebhook(WEBHOOK_SECRET, ts, first.body));
    for (const relaySecret of ['fb-secret', 'older-secret'])
      expect(first.headers['x-indigo-signature']).not.toBe(await signWebhook(relaySecret, ts, first.body));
    const payload = JSON.parse(first.body) as { conversation: string; origin: string };
    expect(payload).toMatchObject({ type: 'indigo-chat-feedback', kind: 'csat', value: 4, comment: 'good' });
    expect(first.body).not.toContain(sender.split('.')[1]!);
    // The body names the conversation and origin: with RELAY_SECRET, that is the sender id
    // (what a receiver holding the signing key could compute before). With the key the
    // receiver holds now, it is a forgery the relay refuses.
    const mint = async (key: string) => {
      const hmac = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const sig = await crypto.subtle.sign(
        'HMAC',
        hmac,
        new TextEncoder().encode(`indigo-sender\n${payload.conversation}\n${payload.origin}`),
      );
      return `${payload.conversation}.${toBase64Url(new Uint8Array(sig))}`;
    };
    expect(await mint('fb-secret')).toBe(sender);
    const forged = await mint(WEBHOOK_SECRET);
    expect(forged).not.toBe(sender);
    const attempt = await vote(s, {
      sender: forged,
      kind: 'csat',
      value: 1,
      reasons: [],
      comment: '',
      messageId: `${payload.conversation}.1.0`,
    });
    expect(attempt.status).toBe(403);
  });

  it('keeps 200 votes per conversation: a vote on one more answer is 409 too_many_votes, a change still works', async () => {
    const { s } = await server({ RELAY_SENDER_RATE_PER_MINUTE: '1000' });
    const sender = await session(s);
    const conversation = sender.split('.')[0]!;
    const thumbs = (turn: number, value = 'up') =>
      vote(s, { sender, kind: 'thumbs', value, reasons: [], comment: '', messageId: `${conversation}.${turn}.0` });
    const statuses = new Set<number>();
    for (let turn = 1; turn <= VOTES_PER_CONVERSATION; turn++) statuses.add((await thumbs(turn)).status);
    expect([...statuses]).toEqual([200]);
    const refused = await thumbs(999_999);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_votes');
    expect(await (await thumbs(7, 'down')).json()).toEqual({ ok: true, result: 'updated' });
    expect((await vote(s, { sender, kind: 'csat', value: 5, reasons: [], comment: '', messageId: `${conversation}.1.0` })).status).toBe(
      200,
    );
    // Another visitor is not affected.
    const other = await session(s);
    expect(
      (await vote(s, { sender: other, kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId: `${other.split('.')[0]}.1.0` }))
        .status,
    ).toBe(200);
  });
});

const stores: [string, () => FeedbackStore][] = [
  ['memory', () => new MemoryFeedbackStore()],
  ['sqlite', () => openSqliteFeedbackStore(mkdtempSync(join(tmpdir(), 'outbox-')))],
];

describe('feedback route', () => {
  const conversation = SENDER.split('.')[0]!;
  const base = { sender: SENDER, kind: 'thumbs', reasons: [], comment: '' };

  it.each(stores)('%s: every change stored in the same millisecond reaches the webhook', async (_name, make) => {
    const store = make();
    closers.push(() => store.close());
    await expectSameMillisecondChangesDelivered(store);
  });

  it.each(stores)('%s: enqueueing an id again keeps the first item (as every store does)', async (_name, make) => {
    const store = make();
    closers.push(() => store.close());
    await store.enqueue({ id: 'a', body: '{"n":1}', attempts: 0, dueAt: 0 });
    await store.enqueue({ id: 'a', body: '{"n":2}', attempts: 0, dueAt: 0 });
    expect((await store.claimDue(0, 10, 1000)).map((o) => o.body)).toEqual(['{"n":1}']);
  });

  it.each(stores)(
    '%s: a conversation keeps at most MAX_VOTES_PER_CONVERSATION votes (new answers past it are full)',
    async (_name, make) => {
      const store = make();
      closers.push(() => store.close());
      await expectVotesCappedPerConversation(store);
    },
  );

  it('the route answers a vote past the cap 409 too_many_votes, and stores nothing for it', async () => {
    const store = new MemoryFeedbackStore();
    const { service, post, delivered } = feedbackService(store, Date.now);
    expect((await post({ ...base, value: 'up', messageId: `${conversation}.1.0` })).status).toBe(200);
    for (let turn = 2; turn <= VOTES_PER_CONVERSATION; turn++) await post({ ...base, value: 'up', messageId: `${conversation}.${turn}.0` });
    const res = await post({ ...base, value: 'up', messageId: `${conversation}.${VOTES_PER_CONVERSATION + 1}.0` });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'too_many_votes', message: expect.stringMatching(/200 answers/) });
    await service.webhook!.tick();
    expect(delivered).toHaveLength(VOTES_PER_CONVERSATION);
    expect((await store.summary(0)).up).toBe(VOTES_PER_CONVERSATION);
    expect(MAX_VOTES_PER_CONVERSATION).toBe(VOTES_PER_CONVERSATION);
  });

  it('one vote per answer: a block other than 0 is refused, not a second vote on the same answer', async () => {
    const store = new MemoryFeedbackStore();
    const { post } = feedbackService(store, Date.now);
    const statuses: number[] = [];
    const errors: unknown[] = [];
    // Block 0 spelled `.00` or `.000` too: the same answer under another key.
    for (const block of ['0', '1', '2', '3', '4', '00', '000']) {
      const res = await post({ ...base, value: 'down', messageId: `${conversation}.2.${block}` });
      statuses.push(res.status);
      if (res.status !== 200) errors.push(((await res.json()) as { error: string }).error);
    }
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400]);
    expect(new Set(errors)).toEqual(new Set(['invalid_request']));
    expect((await store.summary(0)).down).toBe(1);
  });
});

describe('webhook outbox', () => {
  async function receiver(statuses: number[]) {
    const got: string[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push(body);
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => hook.close(r)));
    return { got, url: `http://127.0.0.1:${(hook.address() as { port: number }).port}/` };
  }

  it.each([
    ['memory', () => new MemoryFeedbackStore() as FeedbackStore],
    ['sqlite', () => openSqliteFeedbackStore(mkdtempSync(join(tmpdir(), 'outbox-')))],
  ])('%s: retries with exponential backoff until delivered, then stops', async (_name, make) => {
    const store = make();
    closers.push(() => store.close());
    const { got, url } = await receiver([500, 500, 200]);
    let t = 1_000_000;
    const worker = createWebhookWorker({ store, url, secret: 's', now: () => t, baseDelayMs: 1000, random: () => 0.5 });
    await store.enqueue({ id: 'a', body: '{"n":1}', attempts: 0, dueAt: t });
    expect(await worker.tick()).toBe(1);
    expect(got).toHaveLength(1);
    expect(await worker.tick()).toBe(0); // not due yet
    t += 999;
    expect(await worker.tick()).toBe(0);
    t += 1;
    expect(await worker.tick()).toBe(1); // 1 s after the first failure
    t += 1999;
    expect(await worker.tick()).toBe(0);
    t += 1;
    expect(await worker.tick()).toBe(1); // 2 s after the second
    expect(got).toHaveLength(3);
    t += 10_000_000;
    expect(await worker.tick()).toBe(0); // delivered: never again
    expect((await store.summary(0)).outbox).toEqual({ pending: 0, failed: 0 });
  });

  it('the outbox survives a restart (SQLite): an item enqueued before is delivered after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const first = openSqliteFeedbackStore(dir);
    await first.enqueue({ id: 'x', body: '{"kept":true}', attempts: 0, dueAt: 0 });
    await first.close();
    const store = openSqliteFeedbackStore(dir);
    closers.push(() => store.close());
    const { got, url } = await receiver([]);
    await createWebhookWorker({ store, url, secret: 's' }).tick();
    expect(got).toEqual(['{"kept":true}']);
  });

  it.each(stores)('%s: a receiver down for more than a day: retried for 24 h after the first attempt, then failed', async (_name, make) => {
    const store = make();
    closers.push(() => store.close());
    await expectRetriedForADay(store, 60_000);
  });

  it('an outbox file from before the 24 h budget gets the column on open, and keeps the first attempt from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const Database = loadSqlite();
    const old = new Database(join(dir, 'feedback.sqlite'));
    old.exec(`CREATE TABLE outbox (
      id TEXT PRIMARY KEY, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL,
      lease_until INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending', last_error TEXT, done_at INTEGER)`);
    old.prepare('INSERT INTO outbox (id, body, attempts, due_at) VALUES (?, ?, ?, ?)').run('old', '{}', 3, 0);
    old.close();
    const store = openSqliteFeedbackStore(dir);
    closers.push(() => store.close());
    expect(await store.claimDue(0, 10, 1000)).toEqual([{ id: 'old', body: '{}', attempts: 3, dueAt: 0 }]);
    await store.retry('old', 4, 5000, 'HTTP 503', 1000);
    expect(await store.claimDue(5000, 10, 1000)).toEqual([
      { id: 'old', body: '{}', attempts: 4, dueAt: 5000, lastError: 'HTTP 503', firstAttemptAt: 1000 },
    ]);
  });

  it('gives up after maxAttempts and reports the item as failed', async () => {
    const store = new MemoryFeedbackStore();
    const { url } = await receiver([500, 500]);
    let t = 0;
    const worker = createWebhookWorker({ store, url, secret: 's', now: () => t, baseDelayMs: 10, maxAttempts: 2 });
    await store.enqueue({ id: 'a', body: '{}', attempts: 0, dueAt: 0 });
    await worker.tick();
    t += 1000;
    await worker.tick();
    expect((await store.summary(0)).outbox).toEqual({ pending: 0, failed: 1 });
  });

  it('a store that fails in a round asked for during another is logged, not an unhandled rejection', async () => {
    const store = new MemoryFeedbackStore();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let calls = 0;
    store.claimDue = async () => {
      if (++calls === 1) {
        await gate;
        return [];
      }
      throw new Error('store down');
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    closers.push(async () => void process.off('unhandledRejection', onUnhandled));
    const logged: [string, string, Record<string, unknown>?][] = [];
    const worker = createWebhookWorker({ store, url: 'http://127.0.0.1:9/', secret: 's', log: (...a) => void logged.push(a) });
    void worker.kick(); // a round starts and waits on the store
    const second = worker.kick(); // asked again meanwhile: another round follows the first
    open();
    // What a Worker hands to waitUntil: it ends with the round after, and never rejects.
    await second;
    expect(calls).toBe(2);
    expect(logged.length).toBe(1);
    await new Promise((r) => setTimeout(r, 20)); // a rejection is reported after a macrotask
    expect(unhandled).toEqual([]);
    expect(calls).toBe(2);
    expect(logged[0]![0]).toBe('error');
    expect(logged[0]![2]).toEqual({ error: 'store down' });
  });

  it('where requests drive the retries (waitUntil), they read the due items at most once a second', async () => {
    const store = new MemoryFeedbackStore();
    let reads = 0;
    const claimDue = store.claimDue.bind(store);
    store.claimDue = (...args) => {
      reads++;
      return claimDue(...args);
    };
    let t = 1_000_000;
    const relay = createRelay({
      apiBase: 'https://platform.test/',
      projectToken: 'proj-1',
      pat: PAT,
      secret: 'test-secret-test-secret-test-secret',
      now: () => t,
      feedback: {
        store,
        webhookUrl: 'https://hooks.example/feedback',
        webhookSecret: WEBHOOK_SECRET,
        webhookFetch: async () => new Response(null, { status: 204 }),
      },
    });
    const handed: Promise<unknown>[] = [];
    const info: RelayRequestInfo = { waitUntil: (work) => void handed.push(work) };
    const request = () => relay(new Request('https://relay.example/elsewhere'), info);
    for (let i = 0; i < 5; i++) expect((await request()).status).toBe(404);
    await Promise.all(handed);
    expect([handed.length, reads]).toEqual([1, 1]);
    t += 999;
    await request();
    expect(handed.length).toBe(1);
    t += 1;
    await request();
    await Promise.all(handed);
    expect([handed.length, reads]).toEqual([2, 2]);
  });

  it('retention deletes feedback older than the limit', async () => {
    const store = openSqliteFeedbackStore(mkdtempSync(join(tmpdir(), 'ret-')));
    closers.push(() => store.close());
    const item = { kind: 'thumbs' as const, value: 'up' as const, reasons: [], comment: '', conversation: 'c', origin: 'o' };
    await store.put({ ...item, messageId: 'c.1.0' }, 1000, 1);
    await store.put({ ...item, messageId: 'c.2.0' }, 5000, 1);
    expect(await store.prune(3000)).toBe(1);
    expect((await store.list({})).map((f) => f.messageId)).toEqual(['c.2.0']);
  });
});

describe('feedback settings from the environment', () => {
  const base = { INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p' };
  it('reads FEEDBACK_WEBHOOK_URL, FEEDBACK_WEBHOOK_SECRET and RELAY_FEEDBACK_DAYS, refusing bad values by name', () => {
    expect(relayConfigFromEnv({ ...base, FEEDBACK_WEBHOOK_URL: 'https://hooks.example/x', RELAY_FEEDBACK_DAYS: '30' }).feedback).toEqual({
      webhookUrl: 'https://hooks.example/x',
      retentionDays: 30,
    });
    expect(
      relayConfigFromEnv({ ...base, FEEDBACK_WEBHOOK_URL: 'https://hooks.example/x', FEEDBACK_WEBHOOK_SECRET: ` ${WEBHOOK_SECRET} ` })
        .feedback,
    ).toEqual({ webhookUrl: 'https://hooks.example/x', webhookSecret: WEBHOOK_SECRET });
    expect(relayConfigFromEnv(base).feedback).toBeUndefined();
    expect(() => relayConfigFromEnv({ ...base, RELAY_FEEDBACK_DAYS: '0' })).toThrow(/RELAY_FEEDBACK_DAYS/);
    expect(() => relayConfigFromEnv({ ...base, FEEDBACK_WEBHOOK_URL: 'ftp://x' })).toThrow(/FEEDBACK_WEBHOOK_URL/);
    expect(() => relayConfigFromEnv({ ...base, FEEDBACK_WEBHOOK_URL: 'not a url' })).toThrow(/FEEDBACK_WEBHOOK_URL/);
  });
});

describe('bounded storage', () => {
  const vote = (conversation: string, turn: number, comment = ''): FeedbackInput => ({
    kind: 'thumbs',
    value: turn % 3 ? 'up' : 'down',
    reasons: turn % 3 ? [] : ['wrong'],
    comment,
    conversation,
    origin: 'https://shop.example',
    messageId: `${conversation}.${turn}.0`,
  });

  it('MemoryFeedbackStore keeps at most maxVotes votes in all (default MEMORY_MAX_VOTES): the least recently stored go first', async () => {
    const store = new MemoryFeedbackStore({ maxVotes: 5 });
    for (let i = 1; i <= 5; i++) await store.put(vote(`c${i}`, 1), i, 1);
    // c1's vote changes: stored again, so it is now the newest.
    expect((await store.put({ ...vote('c1', 1), value: 'down' }, 6, 1)).result).toBe('updated');
    for (let i = 6; i <= 8; i++) await store.put(vote(`c${i}`, 1), i + 1, 1);
    expect((await store.list({})).map((f) => f.conversation).sort()).toEqual(['c1', 'c5', 'c6', 'c7', 'c8']);
    // A dropped vote no longer counts against its conversation's cap.
    const capped = new MemoryFeedbackStore({ maxVotes: 3 });
    await capped.put(vote('a', 1), 1, 1, 2);
    await capped.put(vote('a', 2), 2, 1, 2);
    expect((await capped.put(vote('a', 3), 3, 1, 2)).result).toBe('full');
    for (let i = 1; i <= 3; i++) await capped.put(vote(`b${i}`, 1), 3 + i, 1);
    expect((await capped.put(vote('a', 3), 7, 1, 2)).result).toBe('created');
  });

  it('the default bound holds against a flood of fabricated conversations', async () => {
    const store = new MemoryFeedbackStore();
    for (let i = 0; i < MEMORY_VOTES + 500; i++) await store.put(vote(`f${i}`, 1), i, 1);
    const kept = await store.list({ limit: Number.MAX_SAFE_INTEGER });
    expect(kept).toHaveLength(MEMORY_VOTES);
    expect(kept.at(-1)!.conversation).toBe('f500'); // the 500 oldest went
    expect(MEMORY_MAX_VOTES).toBe(MEMORY_VOTES);
  });

  it('MemoryFeedbackStore keeps at most maxOutbox webhook items: a delivered one leaves at once, then the oldest failed, then the oldest pending', async () => {
    const dropped: boolean[] = [];
    const store = new MemoryFeedbackStore({ maxOutbox: 3, onOutboxDrop: (failed) => dropped.push(failed) });
    const item = (id: string) => ({ id, body: `{"id":"${id}"}`, attempts: 0, dueAt: 0 });
    for (const id of ['a', 'b', 'c']) await store.enqueue(item(id));
    await store.complete('a');
    await store.retry('b', 1, null, 'HTTP 500', 0); // given up
    await store.enqueue(item('d'));
    expect((await store.summary(0)).outbox).toEqual({ pending: 2, failed: 1 });
    await store.enqueue(item('e')); // full: the failed `b` goes
    expect((await store.summary(0)).outbox).toEqual({ pending: 3, failed: 0 });
    await store.enqueue(item('f')); // full, nothing failed: the oldest pending `c` goes
    expect((await store.claimDue(0, 10, 1000)).map((o) => o.id)).toEqual(['d', 'e', 'f']);
    expect(dropped, 'each drop told (the relay logs it)').toEqual([true, false]);
  });

  it('SQLite: the console summary is aggregated in SQL, not one parsed object per vote, and says what summarize says', async () => {
    const store = openSqliteFeedbackStore(mkdtempSync(join(tmpdir(), 'sum-')));
    closers.push(() => store.close());
    let t = 1000;
    for (let c = 0; c < 25; c++) {
      for (let turn = 1; turn <= 120; turn++) await store.put(vote(`c${c}`, turn, turn % 40 === 0 ? `note ${c}.${turn}` : ''), t++, 1);
      await store.put(
        {
          kind: 'csat',
          value: (c % 5) + 1,
          reasons: [],
          comment: c === 3 ? 'csat note' : '',
          conversation: `c${c}`,
          origin: 'o',
          messageId: `c${c}.1.0`,
        },
        t++,
        1,
      );
    }
    const all = await store.list({ limit: 1_000_000 });
    expect(all).toHaveLength(25 * 121);
    for (const since of [0, 2000]) {
      const parse = vi.spyOn(JSON, 'parse');
      let summary;
      let parsed: number;
      try {
        summary = await store.summary(since, 7);
        parsed = parse.mock.calls.length;
      } finally {
        parse.mockRestore();
      }
      // Only the comments shown are read back as objects.
      expect(parsed).toBeLessThanOrEqual(7);
      const expected = summarize(
        all.filter((f) => f.updatedAt >= since),
        summary.outbox,
        7,
      );
      expect(summary).toEqual(expected);
    }
  });

  it('SQLite: a summary over many votes lets the event loop run while it is computed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sum-'));
    const store = openSqliteFeedbackStore(dir);
    closers.push(() => store.close());
    await store.list({}); // the table exists
    // Written in one transaction beside the store (12,000 puts would take seconds).
    const Database = loadSqlite();
    const db = new Database(join(dir, 'feedback.sqlite'));
    const insert = db.prepare('INSERT INTO feedback (key, updated_at, data) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 12_000; i++) {
        const comment = i % 997 === 0 ? `note ${i}` : '';
        const v = { ...vote(`v${Math.floor(i / 100)}`, (i % 100) + 1, comment), createdAt: i, updatedAt: i, changes: 0, revision: 1 };
        insert.run(`${v.conversation}|thumbs|${v.messageId}`, i, JSON.stringify(v));
      }
    })();
    db.close();
    let ran = false;
    setImmediate(() => (ran = true));
    const summary = await store.summary(0, 5);
    // Computed in one synchronous go, the summary would resolve before any timer ran.
    expect(ran).toBe(true);
    // Slice by slice, it adds up to the same (the newest comments across slices too).
    expect(summary.up + summary.down).toBe(12_000);
    expect(summary).toEqual(summarize(await store.list({ limit: 1_000_000 }), summary.outbox, 5));
    expect(summary.comments.map((c) => c.comment)).toEqual(['note 11964', 'note 10967', 'note 9970', 'note 8973', 'note 7976']);
  });
});
