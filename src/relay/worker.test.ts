import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../test/support/bundle.js';
import { eventually, startMockUpstream, type MockUpstream } from '../../test/support/mock-upstream.js';
import { startWorkerd, type Workerd } from '../../test/support/workerd.js';

/**
 * The Worker entry (indigo-chat-widget/relay/worker) under workerd, Cloudflare's runtime,
 * configured by bindings, in front of the mock platform on its own loopback port.
 */
const SITE = 'https://shop.example';
let upstream: MockUpstream;
let worker: Workerd;

/** The bindings every Worker here needs: the mock platform, a secret, the site's origin. */
const platform = () => ({
  INDIGO_API_BASE: upstream.apiBase,
  INDIGO_PAT: upstream.pat,
  INDIGO_PROJECT_TOKEN: upstream.projectToken,
  RELAY_SECRET: 'worker-test-secret-0123456789abcdef',
  ALLOWED_ORIGINS: SITE,
});

beforeAll(async () => {
  upstream = await startMockUpstream({ realtime: false });
  const file = await bundle('src/relay/worker.ts', 'neutral');
  worker = await startWorkerd(file, {
    ...platform(),
    // No idle or total timeout within the test: only the disconnect can end the upstream.
    // Frequent heartbeats: workerd may notice a gone client only when it writes to it
    // (request.signal does not always fire first), as a real Worker would.
    RELAY_HEARTBEAT_MS: '250',
    RELAY_IDLE_TIMEOUT_MS: '600000',
    RELAY_TOTAL_TIMEOUT_MS: '600000',
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await upstream?.close();
});

/** A POST from the site to a Worker (`to`, the first one by default). */
const post = (path: string, body: unknown, init: RequestInit = {}, to: Workerd = worker) =>
  fetch(`${to.url}${path}`, {
    method: 'POST',
    headers: { origin: SITE, 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.5' },
    body: JSON.stringify(body),
    ...init,
  });

async function session(): Promise<string> {
  const res = await post('/api/chat/session', {});
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
  return ((await res.json()) as { sender: string }).sender;
}

describe('the Worker entry under workerd', () => {
  it('serves /session and a streamed answer from the mock platform', async () => {
    expect(await (await fetch(`${worker.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const sender = await session();
    const res = await post('/api/chat', { sender, data: { type: 'payload', payload: 'llm' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = (await res.text())
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => JSON.parse(e.slice(6)) as { type: string });
    expect(events[0]).toEqual({ type: 'processing.start' });
    expect(events.filter((e) => e.type === 'generation.chunk').length).toBeGreaterThan(3);
    expect(events.at(-1)).toEqual({ type: 'processing.end' });
    expect(upstream.completed).toBeGreaterThanOrEqual(1);
    // Refusals work the same as on Node.
    expect((await post('/api/chat', { sender: 'forged', data: { type: 'text', text: 'x' } })).status).toBe(400);
    expect(
      (await post('/api/chat/session', {}, { headers: { origin: 'https://evil.example', 'content-type': 'application/json' } })).status,
    ).toBe(403);
  });

  it('aborts the upstream request when the browser disconnects mid-answer', async () => {
    const sender = await session();
    const before = upstream.aborted;
    const controller = new AbortController();
    // The platform sends two chunks and then stalls: only a disconnect can end it early.
    const res = await post('/api/chat', { sender, data: { type: 'payload', payload: 'fault:stall:2' } }, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('data: ')) text += new TextDecoder().decode((await reader.read()).value);
    expect(upstream.open).toBe(1);
    controller.abort();
    await eventually(() => upstream.aborted === before + 1 && upstream.open === 0, 15_000, 'the upstream request aborted');
  });
});

describe('the feedback webhook under workerd (no timer between requests)', () => {
  let hooked: Workerd;
  let receiver: http.Server;
  const got: { body: string; signature: string | undefined; timestamp: string | undefined }[] = [];
  const HOOK_SECRET = 'worker-webhook-key-0123456789abcdefghij';

  beforeAll(async () => {
    // The first delivery is refused (503), the retry accepted.
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push({
          body,
          signature: req.headers['x-indigo-signature'] as string | undefined,
          timestamp: req.headers['x-indigo-timestamp'] as string | undefined,
        });
        res.writeHead(got.length === 1 ? 503 : 204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const file = await bundle('src/relay/worker.ts', 'neutral');
    hooked = await startWorkerd(file, {
      ...platform(),
      FEEDBACK_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      FEEDBACK_WEBHOOK_SECRET: HOOK_SECRET,
    });
  }, 60_000);

  afterAll(async () => {
    await hooked?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('a vote reaches the webhook after its response, and a refused delivery is retried with a later request', async () => {
    const at = (path: string, body: unknown) => post(path, body, {}, hooked);
    const { sender } = (await (await at('/api/chat/session', {})).json()) as { sender: string };
    const vote = { sender, kind: 'thumbs', value: 'down', reasons: ['wrong'], comment: '', messageId: `${sender.split('.')[0]}.1.0` };
    expect(await (await at('/api/chat/feedback', vote)).json()).toEqual({ ok: true, result: 'created' });
    // Delivered in the request's waitUntil: without it the runtime may end the fetch with the response.
    await eventually(() => got.length === 1, 10_000, 'the first delivery');
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'indigo-chat-feedback', kind: 'thumbs', value: 'down', reasons: ['wrong'] });
    // Signed with the webhook's own key (the receiver's), not RELAY_SECRET.
    const signature = async (key: string) => {
      const k = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(`${got[0]!.timestamp}.${got[0]!.body}`)));
      return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    };
    expect(got[0]!.signature).toBe(await signature(HOOK_SECRET));
    expect(got[0]!.signature).not.toBe(await signature(platform().RELAY_SECRET));
    // Refused: due again after the backoff (2 s, +-20 %). The next request of this isolate delivers it.
    await new Promise((r) => setTimeout(r, 2_600));
    expect(got.length).toBe(1);
    expect((await at('/api/chat/session', {})).status).toBe(200);
    await eventually(() => got.length === 2, 10_000, 'the retry');
    expect(got[1]!.body).toBe(got[0]!.body);
  });
});
