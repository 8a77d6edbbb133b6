// The relay's outgoing calls with a time limit (console GraphQL and Analytics, the
// feedback webhook) against a platform that accepts the request and never answers, with
// garbage collection running all along: `AbortSignal.timeout` handed to `new Request`
// lost its link to the request there and the call hung for good (deadline.ts). Real HTTP
// on 127.0.0.1; each test fails by its own timeout if a call hangs.
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';
import { createGraphqlClient, MESSAGES_QUERY, type GraphqlError } from './console/graphql-client.js';
import { AnalyticsError, createAnalyticsClient } from './console/analytics-client.js';
import { createWebhookWorker } from './feedback/webhook.js';
import { MemoryFeedbackStore } from './feedback/store.js';
import { DEFAULT_ANALYTICS_PATHS } from '../core/platform/analytics.js';
import { listenOnLoopback } from './fake-platform.test-helper.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A platform that reads each request and never answers; counts what arrived. */
async function silentPlatform(): Promise<{ url: string; received: () => number }> {
  let received = 0;
  const server = http.createServer(() => received++);
  const url = await listenOnLoopback(server, closers);
  return { url, received: () => received };
}

/** Full garbage collections every few ms for the rest of the test. */
function collectGarbage(): void {
  const timer = setInterval(gc, 5);
  closers.push(async () => clearInterval(timer));
}

describe('time limits that hold under garbage collection', () => {
  it('withDeadline: the work’s value, and its signal never aborted afterwards', async () => {
    let seen: AbortSignal | undefined;
    const value = await withDeadline(50, async (signal) => ((seen = signal), 'done'));
    expect(value).toBe('done');
    await new Promise((r) => setTimeout(r, 80));
    expect(seen?.aborted).toBe(false);
  });

  // The deadlines where the platform must have received the request are 1 s: with GC every
  // 5 ms and the full suite on two cores, 150 ms was not always enough to connect.
  it('withDeadline: a request to a silent platform rejects with TimeoutError, its signal aborted', { timeout: 10_000 }, async () => {
    const platform = await silentPlatform();
    collectGarbage();
    let seen: AbortSignal | undefined;
    const error = await withDeadline(
      1000,
      (signal) => ((seen = signal), fetch(new Request(platform.url, { method: 'POST', body: '{}', signal }))),
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(seen?.aborted).toBe(true);
    expect(platform.received()).toBe(1);
  });

  it('the console’s GraphQL client reports a timeout', { timeout: 5000 }, async () => {
    const platform = await silentPlatform();
    collectGarbage();
    const client = createGraphqlClient({ endpoint: `${platform.url}/graphql`, pat: 'pat-x', timeoutMs: 150 });
    const kind = await client.request(MESSAGES_QUERY, { conversationId: 'c', before: null, last: 5 }).catch((e: GraphqlError) => e.kind);
    expect(kind).toBe('timeout');
  });

  it('the console’s Analytics client gives up after its retries', { timeout: 10_000 }, async () => {
    const platform = await silentPlatform();
    collectGarbage();
    const client = createAnalyticsClient({
      base: platform.url,
      projectId: '39',
      pat: 'pat-x',
      paths: DEFAULT_ANALYTICS_PATHS,
      retries: 1,
      timeoutMs: 1000,
      sleep: async () => {},
    });
    const error = await client.daily('messages', '2026-11-01', '2026-11-02').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnalyticsError);
    expect((error as AnalyticsError).status).toBe(0);
    expect(platform.received()).toBe(2);
  });

  it('a webhook round ends and schedules the delivery again', { timeout: 5000 }, async () => {
    const platform = await silentPlatform();
    collectGarbage();
    const store = new MemoryFeedbackStore();
    closers.push(() => store.close());
    const warnings: unknown[] = [];
    const worker = createWebhookWorker({
      store,
      url: platform.url,
      secret: 's',
      timeoutMs: 150,
      log: (_level, _m, fields) => warnings.push(fields),
    });
    await store.enqueue({ id: 'a', body: '{"n":1}', attempts: 0, dueAt: 0 });
    expect(await worker.tick()).toBe(1);
    expect(warnings).toEqual([{ attempts: 1, error: 'TimeoutError' }]);
    expect((await store.summary(0)).outbox).toEqual({ pending: 1, failed: 0 });
  });
});
