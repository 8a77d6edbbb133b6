import { afterAll, describe, expect, it } from 'vitest';
import { encodeSSE } from '../core/protocol/encode.js';
import type { Framing } from '../core/protocol/types.js';
import { createRelay, type RelayConfig } from './handler.js';
import { relayConfigFromEnv } from './env.js';
import { positiveMs } from './ops.js';
import {
  BASE,
  Emitted,
  ORIGIN,
  OTHER_ORIGIN,
  PAT,
  SCRIPT,
  fakeUpstream,
  frame,
  patFragments,
  splitBytes,
  sseEvents,
  type Behaviour,
} from './fake-platform.test-helper.js';

// Everything any test in this file saw leave the relay: scanned for the PAT at the end.
const emitted = new Emitted();

function setup(behave: (call: number) => Behaviour = () => ({ body: [frame(SCRIPT, 'sse')] }), extra: Partial<RelayConfig> = {}) {
  const upstream = fakeUpstream(behave);
  const relay = createRelay({
    apiBase: 'https://platform.test/',
    projectToken: 'proj-1',
    pat: PAT,
    secret: 'test-secret-test-secret-test-secret',
    allowedOrigins: [ORIGIN, OTHER_ORIGIN],
    fetch: upstream.fetch,
    log: emitted.log,
    ...extra,
    limits: { firstByteMs: 300, idleMs: 200, totalMs: 5000, heartbeatMs: 10_000, ...extra.limits },
  });
  const post = (
    path: string,
    body: unknown,
    init: { origin?: string | null; headers?: Record<string, string>; signal?: AbortSignal; ip?: string } = {},
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
    return relay(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: init.signal,
      }),
      { ip: init.ip ?? '10.0.0.1' },
    );
  };
  const session = async (origin = ORIGIN) => {
    const res = await emitted.response(await post('/api/chat/session', {}, { origin }));
    expect(res.status).toBe(200);
    return (JSON.parse(res.text) as { sender: string }).sender;
  };
  const send = (sender: string, data: unknown = { type: 'payload', payload: 'init', label: 'START' }, init = {}) =>
    post('/api/chat', { sender, data }, init);
  return { relay, upstream, post, session, send };
}

const canonical = SCRIPT.map((c) => encodeSSE(c)).join('');

describe('relay handler (called directly, as an edge runtime would)', () => {
  it('issues a signed sender and streams the answer as canonical SSE', async () => {
    const t = setup();
    const sender = await t.session();
    expect(sender).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const res = await t.send(sender, { type: 'payload', payload: 'init', label: 'START', extra: 'dropped' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const out = await emitted.response(res);
    expect(out.text).toBe(canonical);
    expect(t.upstream.calls).toHaveLength(1);
    const call = t.upstream.calls[0]!;
    expect(call.request.url).toBe('https://platform.test/chat/proj-1/send');
    expect(call.request.headers.get('authorization')).toBe(`Bearer pat-${PAT}`);
    expect(call.request.headers.get('content-type')).toBe('application/json');
    expect(call.body).toEqual({ sender: sender.split('.')[0], source: 'web', data: { type: 'payload', payload: 'init', label: 'START' } });
  });

  it('uses a PAT that already starts with pat- as is, and the configured source', async () => {
    const t = setup(undefined, { pat: `pat-${PAT}`, source: 'kiosk' });
    await emitted.response(await t.send(await t.session(), { type: 'text', text: 'hi', junk: 1 }));
    expect(t.upstream.calls[0]!.request.headers.get('authorization')).toBe(`Bearer pat-${PAT}`);
    expect(t.upstream.calls[0]!.body).toEqual({ sender: expect.any(String), source: 'kiosk', data: { type: 'text', text: 'hi' } });
  });

  it('a send after Stop (`stopped: true`) reaches the indigo.ai platform unchanged', async () => {
    const t = setup();
    const sender = await t.session();
    const res = await emitted.response(await t.post('/api/chat', { sender, data: { type: 'text', text: 'hi' }, stopped: true }));
    expect(res.status).toBe(200);
    expect(t.upstream.calls[0]!.body).toEqual({ sender: sender.split('.')[0], source: 'web', data: { type: 'text', text: 'hi' } });
  });

  it('the platform gets the conversation part of the sender, never its signature (the bearer secret)', async () => {
    const t = setup();
    const sender = await t.session();
    const [id, sig] = sender.split('.');
    await emitted.response(await t.send(sender, { type: 'text', text: 'hi' }));
    const sent = JSON.stringify(t.upstream.calls[0]!.body);
    expect(t.upstream.calls[0]!.body).toMatchObject({ sender: id });
    expect(sent).not.toContain(sig);
  });

  for (const framing of ['sse', 'ndjson', 'concatenated', 'array'] as Framing[]) {
    it(`re-emits ${framing} upstream framing as byte-identical canonical SSE, split at awkward places`, async () => {
      for (const size of [1, 3, 7, 64, 100_000]) {
        const t = setup(() => ({ body: splitBytes(frame(SCRIPT, framing), size), headers: { 'content-type': 'application/json' } }));
        const out = await emitted.response(await t.send(await t.session()));
        expect(out.text).toBe(canonical);
      }
    });
  }

  it('skips malformed upstream frames without forwarding them', async () => {
    const text = { type: 'text', data: { text: '<p>ok</p>' } };
    const t = setup(() => ({ body: [`{"type":"processing.start"}\n{not json\n${JSON.stringify(text)}\n`, '{"type":"processing.end"}\n'] }));
    const out = await emitted.response(await t.send(await t.session()));
    expect(out.text).toBe(encodeSSE({ type: 'processing.start' }) + encodeSSE(text) + encodeSSE({ type: 'processing.end' }));
  });

  it('an answer of malformed frames only ends with upstream_invalid (the visitor is told, not shown nothing)', async () => {
    const t = setup(() => ({ body: ['{"type":"processing.start"}\n{not json\n', '{"type":"processing.end"}\n'] }));
    const out = await emitted.response(await t.send(await t.session()));
    expect(out.text).toBe(
      encodeSSE({ type: 'processing.start' }) +
        encodeSSE({ type: 'error', error: { code: 'upstream_invalid', message: 'The answer could not be read.' } }) +
        encodeSSE({ type: 'processing.end' }),
    );
  });

  it('refuses forged, absent and other-origin senders with no upstream call', async () => {
    const t = setup();
    const good = await t.session(ORIGIN);
    const flipped = good.slice(0, -2) + (good.at(-2) === 'A' ? 'B' : 'A') + good.at(-1);
    const foreign = await t.session(OTHER_ORIGIN);
    const madeUp = `${'a'.repeat(22)}.${'b'.repeat(43)}`;
    for (const sender of [flipped, foreign, madeUp]) {
      const res = await emitted.response(await t.send(sender));
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text)).toEqual({ error: { code: 'invalid_sender', message: expect.any(String) } });
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    }
    for (const body of [
      { data: { type: 'text', text: 'x' } },
      { sender: 42, data: { type: 'text', text: 'x' } },
      { sender: 'short', data: { type: 'text', text: 'x' } },
    ]) {
      const res = await emitted.response(await t.post('/api/chat', body));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe('invalid_request');
    }
    expect(t.upstream.calls).toHaveLength(0);
  });

  it('refuses a wrong or missing Origin with 403 and no upstream call', async () => {
    const t = setup();
    const sender = await t.session();
    for (const origin of [
      null,
      'https://evil.example',
      'https://shop.example.evil.example',
      'null',
      'https://SHOP.example',
      'http://shop.example',
    ]) {
      for (const path of ['/api/chat', '/api/chat/session']) {
        const res = await emitted.response(await t.post(path, { sender, data: { type: 'text', text: 'x' } }, { origin }));
        expect(res.status).toBe(403);
        expect(JSON.parse(res.text).error.code).toBe('origin_not_allowed');
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
    }
    expect(t.upstream.calls).toHaveLength(0);
  });

  it('allows its own origin (from selfOrigin, else the request URL)', async () => {
    const a = setup();
    expect((await emitted.response(await a.post('/api/chat/session', {}, { origin: BASE }))).status).toBe(200);
    const b = setup(undefined, { selfOrigin: 'https://me.example' });
    expect((await emitted.response(await b.post('/api/chat/session', {}, { origin: BASE }))).status).toBe(403);
    expect((await emitted.response(await b.post('/api/chat/session', {}, { origin: 'https://me.example' }))).status).toBe(200);
  });

  it('answers the CORS preflight exactly', async () => {
    const t = setup();
    const preflight = (origin: string, method = 'POST') =>
      t.relay(
        new Request(`${BASE}/api/chat`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
        }),
      );
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(Object.fromEntries(ok.headers)).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    const bad = await emitted.response(await preflight('https://evil.example'));
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    expect((await emitted.response(await preflight(ORIGIN, 'DELETE'))).status).toBe(403);
    expect(t.upstream.calls).toHaveLength(0);
  });

  it('refuses other methods and paths with JSON errors', async () => {
    const t = setup();
    const get = await emitted.response(await t.relay(new Request(`${BASE}/api/chat`, { headers: { origin: ORIGIN } })));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const other = await emitted.response(await t.post('/api/chatter', {}));
    expect(other.status).toBe(404);
    expect(JSON.parse(other.text).error.code).toBe('not_found');
  });

  it('refuses oversize, malformed and invalid bodies with no upstream call', async () => {
    const t = setup();
    const sender = await t.session();
    const cases: [unknown, Record<string, string> | undefined, number, string][] = [
      [{ sender, data: { type: 'text', text: 'x'.repeat(20_000) } }, undefined, 413, 'body_too_large'],
      ['{"sender":', undefined, 400, 'invalid_json'],
      [{ sender, data: { type: 'text', text: 'hi' } }, { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      [{ sender, data: { type: 'text', text: 'x'.repeat(4001) } }, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'text', text: '' } }, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'image', src: 'x' } }, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'payload', payload: 'p'.repeat(1001) } }, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'payload', payload: 'p', label: 5 } }, undefined, 400, 'invalid_request'],
      [`{"sender":"${sender}","data":{"type":"profile","profile":{"__proto__":"x"}}}`, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'profile', profile: { constructor: 'x' } } }, undefined, 400, 'invalid_request'],
      [
        { sender, data: { type: 'profile', profile: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) } },
        undefined,
        400,
        'invalid_request',
      ],
      [{ sender, data: { type: 'profile', profile: { a: 1 } } }, undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'profile', profile: ['a'] } }, undefined, 400, 'invalid_request'],
      [[1, 2], undefined, 400, 'invalid_request'],
      [{ sender, data: { type: 'text', text: 'hi' }, stopped: 'yes' }, undefined, 400, 'invalid_request'],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await emitted.response(await t.post('/api/chat', body, { headers }));
      expect([res.status, JSON.parse(res.text).error.code]).toEqual([status, code]);
    }
    // Text limit counts characters, not UTF-16 units: 4000 emoji are fine.
    const emoji = await emitted.response(await t.send(sender, { type: 'text', text: '😀'.repeat(3000) }));
    expect(emoji.status).toBe(200);
    expect(t.upstream.calls).toHaveLength(1);
    const ok = await emitted.response(await t.send(sender, { type: 'profile', profile: { name: 'Ada', city: 'Milano' } }));
    expect(ok.status).toBe(200);
    expect(t.upstream.calls[1]!.body).toMatchObject({ data: { type: 'profile', profile: { name: 'Ada', city: 'Milano' } } });
  });

  it('reads an oversize body without a content-length only up to the cap', async () => {
    const t = setup();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulled += 1024;
          c.enqueue(new Uint8Array(1024).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    const res = await t.relay(
      new Request(`${BASE}/api/chat`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(16384 + 2 * 1024);
  });

  it('rate-limits per IP, per sender and per session, with Retry-After', async () => {
    let clock = 1_000_000;
    const t = setup(undefined, { now: () => clock, limits: { perIpPerMinute: 3, perSenderPerMinute: 2, sessionsPerIpPerHour: 2 } });
    const a = await t.session();
    const b = await t.session();
    const s3 = await emitted.response(await t.post('/api/chat/session', {}));
    expect(s3.status).toBe(429);
    expect(Number(s3.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(s3.headers.get('access-control-expose-headers')).toContain('retry-after');
    expect((await emitted.response(await t.send(a))).status).toBe(200);
    expect((await emitted.response(await t.send(a))).status).toBe(200);
    const perSender = await emitted.response(await t.send(a));
    expect(perSender.status).toBe(429);
    expect(JSON.parse(perSender.text).error.code).toBe('rate_limited');
    expect(Number(perSender.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(perSender.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const perIp = await emitted.response(await t.send(b)); // 4th from this IP
    expect(perIp.status).toBe(429);
    expect((await emitted.response(await t.send(b, undefined, { ip: '10.0.0.2' }))).status).toBe(200);
    expect(t.upstream.calls).toHaveLength(3);
    clock += 61_000;
    expect((await emitted.response(await t.send(a))).status).toBe(200);
  });

  it('maps upstream refusals to fixed error shapes without forwarding their bodies', async () => {
    const table: [Behaviour, number, string, string | RegExp | null][] = [
      [{ status: 401, body: [`bad token pat-${PAT}`] }, 502, 'upstream_auth', null],
      [{ status: 403, body: ['nope'] }, 502, 'upstream_auth', null],
      [{ status: 404, body: ['no project'] }, 502, 'upstream_not_found', null],
      [{ status: 413, body: ['too big'] }, 413, 'message_too_large', null],
      [{ status: 422, body: ['stack trace at x.ex:12'] }, 502, 'upstream_rejected', null],
      [{ status: 429, headers: { 'retry-after': '7' } }, 503, 'upstream_rate_limited', '7'],
      [{ status: 429 }, 503, 'upstream_rate_limited', '30'],
      [{ status: 429, headers: { 'x-ratelimit-reset': '9' } }, 503, 'upstream_rate_limited', '9'],
      [
        { status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } },
        503,
        'upstream_rate_limited',
        /^1[12]\d$/,
      ],
      [{ status: 500, body: ['Internal error at Elixir.Foo'] }, 502, 'upstream_unavailable', null],
      [{ networkError: `connect ECONNREFUSED with pat-${PAT}` }, 502, 'upstream_unavailable', null],
      [
        { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: ['<html>Login to Wi-Fi</html>'] },
        502,
        'upstream_invalid',
        null,
      ],
      [
        { status: 200, headers: { 'content-type': 'application/json' }, body: ['  <!doctype html><html>portal</html>'] },
        502,
        'upstream_invalid',
        null,
      ],
      [{ status: 200, body: [] }, 502, 'upstream_invalid', null],
      [{ hang: true }, 504, 'upstream_timeout', null],
      [{ body: ['stall'] }, 504, 'upstream_timeout', null],
    ];
    for (const [behaviour, status, code, retry] of table) {
      const t = setup(() => behaviour);
      const res = await emitted.response(await t.send(await t.session()));
      expect([res.status, res.headers.get('content-type'), JSON.parse(res.text)]).toEqual([
        status,
        'application/json; charset=utf-8',
        { error: { code, message: expect.any(String) } },
      ]);
      if (retry instanceof RegExp) expect(res.headers.get('retry-after')).toMatch(retry);
      else expect(res.headers.get('retry-after')).toBe(retry);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(res.text).not.toMatch(/Elixir|stack|portal|Wi-Fi|no project|nope|too big/);
      if (behaviour.hang || behaviour.body?.[0] === 'stall') expect(t.upstream.calls[0]!.aborted()).toBe(true);
    }
  });

  const midStream: [string, Behaviour, string][] = [
    ['an idle stall', { body: ['data: {"type":"processing.start"}\n\n', 'stall'] }, 'upstream_timeout'],
    ['a reset', { body: ['data: {"type":"processing.start"}\n\n', 'data: {"type":"text","data":{"te', 'reset'] }, 'upstream_failed'],
    [
      'an end without processing.end',
      { body: ['data: {"type":"processing.start"}\n\n', 'data: {"type":"text","data":{"text":"x"}}\n\n'] },
      'upstream_incomplete',
    ],
  ];
  for (const [name, behaviour, code] of midStream) {
    it(`turns ${name} mid-stream into an error chunk and processing.end`, async () => {
      const t = setup(() => behaviour);
      const started = Date.now();
      const out = await emitted.response(await t.send(await t.session()));
      const events = sseEvents(out.text).map((e) => JSON.parse(e) as { type: string; error?: { code: string } });
      expect(events[0]).toEqual({ type: 'processing.start' });
      expect(events.at(-2)).toEqual({ type: 'error', error: { code, message: expect.any(String) } });
      expect(events.at(-1)).toEqual({ type: 'processing.end' });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  }

  it("the platform's own error chunk reaches the visitor as the relay's fixed one, never in its words", async () => {
    const leak = { type: 'error', error: { code: 'db_down', message: 'db01.internal:5432 connection refused at Pool.query' } };
    const t = setup(() => ({
      body: ['data: {"type":"processing.start"}\n\n', `data: ${JSON.stringify(leak)}\n\n`, 'data: {"type":"processing.end"}\n\n'],
    }));
    const out = await emitted.response(await t.send(await t.session()));
    expect(out.text).not.toContain('db01');
    expect(out.text).not.toContain('db_down');
    expect(sseEvents(out.text).map((e) => JSON.parse(e) as unknown)).toEqual([
      { type: 'processing.start' },
      { type: 'error', error: { code: 'upstream_error', message: 'The assistant could not answer.' } },
      { type: 'processing.end' },
    ]);
  });

  it('enforces the total timeout even when the upstream keeps trickling', async () => {
    const trickle: Behaviour['body'] = ['data: {"type":"processing.start"}\n\n'];
    for (let i = 0; i < 200; i++) trickle.push(50, `data: {"type":"text","data":{"text":"${i}"}}\n\n`);
    const t = setup(() => ({ body: trickle }), { limits: { totalMs: 400, idleMs: 300 } });
    const out = await emitted.response(await t.send(await t.session()));
    const events = sseEvents(out.text).map((e) => JSON.parse(e) as { type: string; error?: { code: string } });
    expect(events.at(-2)?.error?.code).toBe('upstream_timeout');
    expect(events.length).toBeLessThan(100);
    expect(t.upstream.calls[0]!.aborted()).toBe(true);
  });

  it('caps the reply size', async () => {
    const t = setup(() => ({ endless: 1000 }), { limits: { replyBytes: 20_000 } });
    const out = await emitted.response(await t.send(await t.session()));
    const events = sseEvents(out.text).map((e) => JSON.parse(e) as { type: string; error?: { code: string } });
    expect(events.at(-2)?.error?.code).toBe('reply_too_large');
    expect(events.at(-1)).toEqual({ type: 'processing.end' });
    expect(t.upstream.calls[0]!.pulledBytes()).toBeLessThan(30_000);
  });

  it('sends a : ping comment after heartbeatMs of silence', async () => {
    const t = setup(() => ({ body: ['data: {"type":"processing.start"}\n\n', 250, 'data: {"type":"processing.end"}\n\n'] }), {
      limits: { heartbeatMs: 40, idleMs: 2000 },
    });
    const out = await emitted.response(await t.send(await t.session()));
    expect(out.text).toContain(': ping\n\n');
    expect(sseEvents(out.text)).toEqual(['{"type":"processing.start"}', '{"type":"processing.end"}']);
  });

  it('aborts the upstream when the browser goes away (request signal)', async () => {
    const t = setup(() => ({ body: ['data: {"type":"processing.start"}\n\n', 'stall'] }), { limits: { idleMs: 60_000 } });
    const sender = await t.session();
    const browser = new AbortController();
    const res = await t.send(sender, undefined, { signal: browser.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(t.upstream.calls[0]!.aborted()).toBe(false);
    browser.abort();
    await expect.poll(() => t.upstream.calls[0]!.aborted() && t.upstream.calls[0]!.cancelled(), { timeout: 2000 }).toBe(true);
  });

  it('aborts the upstream when the response stream is cancelled', async () => {
    const t = setup(() => ({ endless: 100 }), { limits: { idleMs: 60_000 } });
    const res = await t.send(await t.session());
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => t.upstream.calls[0]!.aborted() && t.upstream.calls[0]!.cancelled(), { timeout: 2000 }).toBe(true);
  });

  it('does not buffer the upstream for a slow reader (backpressure)', async () => {
    const t = setup(() => ({ endless: 1000 }), { limits: { idleMs: 60_000 } });
    const res = await t.send(await t.session());
    const reader = res.body!.getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    await new Promise((r) => setTimeout(r, 200));
    const pulledAfterPause = t.upstream.calls[0]!.pulledBytes();
    // Five chunks read; a couple more may sit in the pipeline, never an unbounded amount.
    expect(pulledAfterPause).toBeLessThan(12 * 1100);
    for (let i = 0; i < 5; i++) await reader.read();
    expect(t.upstream.calls[0]!.pulledBytes()).toBeGreaterThan(pulledAfterPause);
    await reader.cancel();
  });

  it('never echoes the PAT even if the upstream sends it', async () => {
    const t = setup(() => ({
      body: [
        `data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"pat-${PAT} ${PAT}"}}\n\ndata: {"type":"processing.end"}\n\n`,
      ],
    }));
    const out = await emitted.response(await t.send(await t.session()));
    expect(out.text).toContain('[redacted]');
    expect(out.text).not.toContain(PAT);
  });

  it('redacts the PAT and its fragments from log lines', async () => {
    const lines: string[] = [];
    const t = setup(() => ({ networkError: `fetch failed: Bearer pat-${PAT} and half ${PAT.slice(4, 16)}` }), {
      log: (level, message, fields) => lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
    });
    await emitted.response(await t.send(await t.session()));
    expect(lines.join('\n')).toContain('[redacted]');
    emitted.texts.push(...lines);
    for (const fragment of patFragments(PAT)) expect(lines.join('\n')).not.toContain(fragment);
  });

  it('with allowRandomSecret (the mock), warns when RELAY_SECRET is missing and still signs senders', async () => {
    const lines: string[] = [];
    const t = setup(undefined, { secret: undefined, allowRandomSecret: true, log: (_l, m) => lines.push(m) });
    expect(lines.join('\n')).toMatch(/RELAY_SECRET/);
    const res = await emitted.response(await t.send(await t.session()));
    expect(res.status).toBe(200);
  });

  afterAll(() => {
    // The scan: nothing that left the relay in this file holds the PAT or a fragment of it.
    const all = emitted.texts.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const fragment of patFragments(PAT)) expect(all).not.toContain(fragment);
  });
});

describe('relayConfigFromEnv', () => {
  it('reads every variable', () => {
    const config = relayConfigFromEnv({
      INDIGO_API_BASE: 'https://eu.platform.test',
      INDIGO_PROJECT_TOKEN: 'proj',
      INDIGO_PAT: 'abc',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example/',
      RELAY_SECRET: 's3cret',
      RELAY_BASE_PATH: '/chat',
      RELAY_SOURCE: 'kiosk',
      RELAY_MAX_BODY_BYTES: '8000',
      RELAY_RATE_PER_MINUTE: '10',
      RELAY_TRUST_PROXY: 'true',
    });
    expect(config).toEqual({
      apiBase: 'https://eu.platform.test',
      projectToken: 'proj',
      pat: 'abc',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      secret: 's3cret',
      basePath: '/chat',
      source: 'kiosk',
      limits: { bodyBytes: 8000, perIpPerMinute: 10 },
      trustProxy: 1,
    });
  });

  it('takes counts and durations in decimal digits only, never past what a timer can wait (else a 504 at once)', () => {
    const base = { INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p' };
    const refused: [string, string][] = [
      ['RELAY_FIRST_BYTE_TIMEOUT_MS', '3000000000'], // Node fires a timer over 2^31-1 ms after 1 ms
      ['RELAY_TOTAL_TIMEOUT_MS', '2147483648'],
      ['RELAY_MAX_TEXT_CHARS', '0x10'],
      ['RELAY_RATE_PER_MINUTE', '1e3'],
      ['RELAY_HEARTBEAT_MS', '0b11'],
      ['RELAY_IDLE_TIMEOUT_MS', '10abc'],
      ['RELAY_SESSIONS_PER_HOUR', '0'],
      ['RELAY_TRUST_PROXY', '0x2'],
    ];
    for (const [name, value] of refused)
      expect(() => relayConfigFromEnv({ ...base, [name]: value }), `${name}=${value}`).toThrow(new RegExp(`^${name} must be`));
    const upstream = { RELAY_UPSTREAM: 'botpress', BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b', BOTPRESS_INTEGRATION_ID: 'i' };
    expect(() => relayConfigFromEnv({ ...upstream, BOTPRESS_REPLY_MAX_MS: '3000000000' })).toThrow(/^BOTPRESS_REPLY_MAX_MS must be/);
    expect(() => positiveMs('1e3', 'RELAY_DRAIN_MS', 30_000)).toThrow(/^RELAY_DRAIN_MS must be/);
    expect(positiveMs(' 0 ', 'RELAY_DRAIN_MS', 30_000)).toBe(0);
    const ok = relayConfigFromEnv({
      ...base,
      RELAY_TOTAL_TIMEOUT_MS: '2147483647',
      RELAY_MAX_TEXT_CHARS: ' 2000 ',
      RELAY_TRUST_PROXY: '2',
    });
    expect([ok.limits?.totalMs, ok.limits?.textChars, ok.trustProxy]).toEqual([2147483647, 2000, 2]);
  });

  it('names missing or malformed variables without echoing values', () => {
    expect(() => relayConfigFromEnv({ INDIGO_PROJECT_TOKEN: 'p' })).toThrow(/INDIGO_PAT/);
    expect(() => relayConfigFromEnv({ INDIGO_PAT: 'x' })).toThrow(/INDIGO_PROJECT_TOKEN/);
    expect(() => relayConfigFromEnv({ INDIGO_PAT: 'x', INDIGO_PROJECT_TOKEN: 'p', RELAY_IDLE_TIMEOUT_MS: 'soon' })).toThrow(
      /RELAY_IDLE_TIMEOUT_MS/,
    );
    expect(() => createRelay({ apiBase: 'nope', projectToken: 'p', pat: PAT, secret: 's' })).toThrow(/INDIGO_API_BASE/);
  });

  it('mounts at RELAY_BASE_PATH and takes the IP from x-forwarded-for only when trusted', async () => {
    const upstream = fakeUpstream(() => ({ body: [frame(SCRIPT, 'sse')] }));
    const mk = (trustProxy: boolean) =>
      createRelay({
        apiBase: 'https://p.test',
        projectToken: 'p',
        pat: PAT,
        secret: 's',
        basePath: '/chat/',
        trustProxy,
        fetch: upstream.fetch,
        log: emitted.log,
        limits: { sessionsPerIpPerHour: 1 },
      });
    const ask = (relay: ReturnType<typeof mk>, xff: string) =>
      relay(new Request(`${BASE}/chat/session`, { method: 'POST', headers: { origin: BASE, 'x-forwarded-for': xff } }), {
        ip: '127.0.0.1',
      });
    const trusted = mk(true);
    expect(trusted.basePath).toBe('/chat');
    expect((await ask(trusted, '1.1.1.1, 2.2.2.2')).status).toBe(200);
    expect((await ask(trusted, '9.9.9.9, 3.3.3.3')).status).toBe(200);
    expect((await ask(trusted, '3.3.3.3')).status).toBe(429);
    const untrusted = mk(false);
    expect((await ask(untrusted, '1.1.1.1')).status).toBe(200);
    expect((await ask(untrusted, '2.2.2.2')).status).toBe(429);
    // A proxy that writes the client's port too: one client, whatever port it came from.
    const ported = mk(true);
    expect((await ask(ported, '4.4.4.4:50123')).status).toBe(200);
    expect((await ask(ported, '4.4.4.4:50124')).status).toBe(429);
  });

  it('counts an IPv6 /64 as one client and takes the entry RELAY_TRUST_PROXY hops from the right', async () => {
    const upstream = fakeUpstream(() => ({ body: [frame(SCRIPT, 'sse')] }));
    const relay = createRelay({
      apiBase: 'https://p.test',
      projectToken: 'p',
      pat: PAT,
      secret: 's',
      trustProxy: 2,
      fetch: upstream.fetch,
      log: emitted.log,
      limits: { sessionsPerIpPerHour: 1 },
    });
    const ask = (xff: string) =>
      relay(new Request(`${BASE}/api/chat/session`, { method: 'POST', headers: { origin: BASE, 'x-forwarded-for': xff } }), {
        ip: '10.0.0.1',
      });
    // CDN appended the client, the load balancer appended the CDN: client is 2 from the right.
    expect((await ask('forged, 2001:db8:1:2::10, 10.9.9.9')).status).toBe(200);
    expect((await ask('other, 2001:db8:1:2:ffff::99, 10.9.9.9')).status).toBe(429);
    expect((await ask('forged, 2001:db8:1:3::10, 10.9.9.9')).status).toBe(200);
  });
});
