import { describe, expect, it, vi } from 'vitest';
import type { Chunk } from '../core/protocol/types.js';
import { createSession, DEFAULT_TIMEOUTS, retryAfterOf, sessionUrl, streamReply, TransportError } from './transport.js';
import { DEFAULT_RELAY_LIMITS } from '../relay/handler.js';
import type { FetchLike } from './transport.js';

const enc = new TextEncoder();

/** A body that emits the given pieces, then stays open (stall) or closes. */
function body(pieces: readonly string[], opts: { stall?: boolean; gapMs?: number } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      const p = pieces[i++];
      if (p !== undefined) ctl.enqueue(enc.encode(p));
      else if (!opts.stall) ctl.close();
      else await new Promise(() => {}); // never resolves: a stalled upstream
    },
  });
}

const sse = (...chunks: object[]) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);

function respond(res: () => Response): { fetch: FetchLike; calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return res();
    },
  };
}

const sseHeaders = { 'content-type': 'text/event-stream' };

describe('createSession', () => {
  it('posts an empty JSON body to {relay}/session and returns the sender', async () => {
    const f = respond(() => Response.json({ sender: 's-1' }));
    await expect(createSession('/api/chat/', { fetch: f.fetch })).resolves.toBe('s-1');
    expect(f.calls[0]?.url).toBe('/api/chat/session');
    expect(f.calls[0]?.init.method).toBe('POST');
    expect(f.calls[0]?.init.body).toBe('{}');
    expect(sessionUrl('https://x.example/api/chat')).toBe('https://x.example/api/chat/session');
  });

  it('hands over what the relay announced: exact http(s) origins and a whole positive text limit', async () => {
    const heard: unknown[] = [];
    const onAnnounced = (origins: readonly string[], max: number | undefined) => heard.push([origins, max]);
    const answer = (body: object) => respond(() => Response.json({ sender: 's', ...body })).fetch;
    await createSession('/r', {
      fetch: answer({ mediaOrigins: ['https://cdn.example', 'https://a.example/path', 'ftp://x.example', 7], maxTextChars: 9000 }),
      onAnnounced,
    });
    for (const max of [0, -5, 12.5, '9000', null, 1e300]) await createSession('/r', { fetch: answer({ maxTextChars: max }), onAnnounced });
    expect(heard).toEqual([[['https://cdn.example'], 9000], ...Array.from({ length: 6 }, () => [[], undefined])]);
  });

  it("reports the relay's error code and the status", async () => {
    const f = respond(() => Response.json({ error: { code: 'origin', message: 'Origin not allowed' } }, { status: 403 }));
    const err = await createSession('/r', { fetch: f.fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('origin');
    expect((err as TransportError).status).toBe(403);
  });

  it('rejects an answer without a sender', async () => {
    const f = respond(() => Response.json({ nope: 1 }));
    await expect(createSession('/r', { fetch: f.fetch })).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('maps a network failure to code network', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(createSession('/r', { fetch })).rejects.toMatchObject({ code: 'network' });
  });
});

describe('streamReply', () => {
  it('posts {sender, data} and feeds every parsed chunk in order', async () => {
    const f = respond(
      () =>
        new Response(body(sse({ type: 'processing.start' }, { type: 'text', data: { text: '<p>Hi</p>' } }, { type: 'processing.end' })), {
          headers: sseHeaders,
        }),
    );
    const got: Chunk[] = [];
    const out = await streamReply('/api/chat', 's-1', { type: 'text', text: 'hello' }, { fetch: f.fetch, onChunk: (c) => got.push(c) });
    expect(out).toEqual({ kind: 'ended', chunks: 3 });
    expect(got.map((c) => c.type)).toEqual(['processing.start', 'text', 'processing.end']);
    expect(JSON.parse(f.calls[0]?.init.body as string)).toEqual({ sender: 's-1', data: { type: 'text', text: 'hello' } });
  });

  it('slices a huge read: timers and input get a turn while hundreds of chunks are handled', async () => {
    // One read with 400 chunks, each taking ~0.2 ms to handle: ~80 ms of work. Without
    // slicing the timer below could only fire after the last chunk.
    const frames = Array.from({ length: 400 }, (_, i) => ({ type: 'text', data: { text: `<p>${i}</p>` } }));
    const f = respond(() => new Response(body([sse(...frames).join('')]), { headers: sseHeaders }));
    let handled = 0;
    let handledWhenTimerFired = -1;
    setTimeout(() => {
      handledWhenTimerFired = handled;
    }, 0);
    const out = await streamReply(
      '/r',
      's',
      { type: 'text', text: 'x' },
      {
        fetch: f.fetch,
        onChunk: () => {
          const until = performance.now() + 0.2;
          while (performance.now() < until) {
            // busy: a slow device handling a chunk
          }
          handled++;
        },
      },
    );
    expect(out).toEqual({ kind: 'ended', chunks: 400 });
    expect(handled).toBe(400);
    expect(handledWhenTimerFired).toBeGreaterThan(0);
    expect(handledWhenTimerFired).toBeLessThan(400);
  });

  it('treats an HTTP error as failed, with the relay code and status', async () => {
    const f = respond(() => Response.json({ error: { code: 'sender', message: 'Unknown sender' } }, { status: 403 }));
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: f.fetch, onChunk: () => {} });
    expect(out).toMatchObject({ kind: 'failed', code: 'sender', status: 403 });
  });

  it("a 429 or 503 carries the relay's Retry-After as retryAfter seconds", async () => {
    const limited = respond(() =>
      Response.json({ error: { code: 'rate_limited', message: 'slow down' } }, { status: 429, headers: { 'retry-after': '17' } }),
    );
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: limited.fetch, onChunk: () => {} });
    expect(out).toEqual({ kind: 'failed', chunks: 0, code: 'rate_limited', message: 'slow down', status: 429, retryAfter: 17 });
    const busy = respond(() => new Response('', { status: 503, headers: { 'retry-after': '5' } }));
    expect(await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: busy.fetch, onChunk: () => {} })).toMatchObject({
      retryAfter: 5,
    });
    const plain = respond(() => new Response('', { status: 500, headers: { 'retry-after': '5' } }));
    expect(await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: plain.fetch, onChunk: () => {} })).not.toHaveProperty(
      'retryAfter',
    );
  });

  it('treats a 500 without a JSON body as failed http-500', async () => {
    const f = respond(() => new Response('boom', { status: 500 }));
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: f.fetch, onChunk: () => {} });
    expect(out).toMatchObject({ kind: 'failed', code: 'http-500', status: 500 });
  });

  it('never renders a 200 text/html answer (captive portal)', async () => {
    const got: Chunk[] = [];
    const f = respond(() => new Response('<html>{"type":"text"}</html>', { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: f.fetch, onChunk: (c) => got.push(c) });
    expect(out).toMatchObject({ kind: 'failed', code: 'bad-content-type' });
    expect(got).toEqual([]);
  });

  it('maps a network error to failed network', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch, onChunk: () => {} });
    expect(out).toMatchObject({ kind: 'failed', code: 'network' });
  });

  it('times out when no byte arrives (fetch hangs until aborted)', async () => {
    const fetch: FetchLike = (_u, init) =>
      new Promise((_res, rej) => init.signal?.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))));
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch, onChunk: () => {}, timeouts: { firstByteMs: 30 } });
    expect(out).toEqual({ kind: 'timeout', chunks: 0 });
  });

  it('waits for a first byte longer than the relay does (its 20 s), so an answer the platform starts late is read, not cut', async () => {
    const relayWaits = DEFAULT_RELAY_LIMITS.firstByteMs;
    expect(DEFAULT_TIMEOUTS.firstByteMs).toBeGreaterThan(relayWaits);
    vi.useFakeTimers();
    try {
      // The relay forwards the platform's first byte just inside its own limit.
      const fetch: FetchLike = (_u, init) =>
        new Promise((res, rej) => {
          const t = setTimeout(
            () => res(new Response(body(sse({ type: 'processing.start' }, { type: 'processing.end' })), { headers: sseHeaders })),
            relayWaits + 500,
          );
          init.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            rej(new DOMException('aborted', 'AbortError'));
          });
        });
      const out = streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch, onChunk: () => {} });
      await vi.advanceTimersByTimeAsync(relayWaits + 1000);
      expect(await out).toEqual({ kind: 'ended', chunks: 2 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('times out when the body stalls after some chunks, keeping what arrived', async () => {
    const got: Chunk[] = [];
    const f = respond(() => new Response(body(sse({ type: 'processing.start' }), { stall: true }), { headers: sseHeaders }));
    const out = await streamReply(
      '/r',
      's',
      { type: 'text', text: 'x' },
      {
        fetch: f.fetch,
        onChunk: (c) => got.push(c),
        timeouts: { firstByteMs: 1000, idleMs: 40 },
      },
    );
    expect(out).toEqual({ kind: 'timeout', chunks: 1 });
    expect(got.map((c) => c.type)).toEqual(['processing.start']);
  });

  it('ends at processing.end even when the body stays open (a proxy holding the connection): no idle wait, the body cancelled', async () => {
    let cancelled = false;
    let sent = false;
    const open = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (sent) return new Promise<void>(() => {}); // nothing more, never closed
        sent = true;
        ctl.enqueue(
          enc.encode(sse({ type: 'processing.start' }, { type: 'text', data: { text: '<p>Hi</p>' } }, { type: 'processing.end' }).join('')),
        );
      },
      cancel() {
        cancelled = true;
      },
    });
    const f = respond(() => new Response(open, { headers: sseHeaders }));
    const got: string[] = [];
    // Without the end at processing.end this would be 'timeout' after the idle time.
    const out = await streamReply(
      '/r',
      's',
      { type: 'text', text: 'x' },
      { fetch: f.fetch, onChunk: (c) => got.push(c.type), timeouts: { idleMs: 3000 } },
    );
    expect(out).toEqual({ kind: 'ended', chunks: 3 });
    expect(got).toEqual(['processing.start', 'text', 'processing.end']);
    expect(cancelled).toBe(true);
  });

  it('keeps the idle timer alive on keep-alive comments', async () => {
    const pings = Array.from({ length: 8 }, () => ': ping\n\n');
    const f = respond(() => new Response(body([...pings, ...sse({ type: 'processing.end' })], { gapMs: 25 }), { headers: sseHeaders }));
    const out = await streamReply('/r', 's', { type: 'text', text: 'x' }, { fetch: f.fetch, onChunk: () => {}, timeouts: { idleMs: 400 } });
    expect(out).toEqual({ kind: 'ended', chunks: 1 });
  });

  it("reports aborted when the caller's signal fires mid-stream", async () => {
    const ctl = new AbortController();
    const f = respond(() => new Response(body(sse({ type: 'processing.start' }), { stall: true }), { headers: sseHeaders }));
    const out = await streamReply(
      '/r',
      's',
      { type: 'text', text: 'x' },
      {
        fetch: f.fetch,
        signal: ctl.signal,
        onChunk: () => ctl.abort(),
      },
    );
    expect(out).toEqual({ kind: 'aborted', chunks: 1 });
  });

  it('survives a throwing onChunk and reports decode errors without stopping', async () => {
    const errors: string[] = [];
    let n = 0;
    const f = respond(
      () =>
        new Response(body(['data: {oops\n\n', ...sse({ type: 'processing.start' }, { type: 'processing.end' })]), { headers: sseHeaders }),
    );
    const out = await streamReply(
      '/r',
      's',
      { type: 'text', text: 'x' },
      {
        fetch: f.fetch,
        onChunk: () => {
          n++;
          throw new Error('consumer bug');
        },
        onDecodeError: (code) => errors.push(code),
      },
    );
    expect(out).toEqual({ kind: 'ended', chunks: 2 });
    expect(n).toBe(2);
    expect(errors).toEqual(['invalid-json']);
  });
});

describe('retryAfterOf', () => {
  const res = (status: number, value?: string) =>
    new Response(null, { status, headers: value === undefined ? {} : { 'retry-after': value } });
  it('reads the delay-seconds of a 429/503, at most a day', () => {
    expect(retryAfterOf(res(429, '30'))).toBe(30);
    expect(retryAfterOf(res(503, ' 2 '))).toBe(2);
    expect(retryAfterOf(res(429, '999999'))).toBe(86_400);
  });
  it('is undefined for other statuses, no header, zero and junk (dates included: the relay sends seconds)', () => {
    expect(retryAfterOf(res(500, '30'))).toBeUndefined();
    expect(retryAfterOf(res(403, '30'))).toBeUndefined();
    expect(retryAfterOf(res(429))).toBeUndefined();
    expect(retryAfterOf(res(429, '0'))).toBeUndefined();
    expect(retryAfterOf(res(429, '-5'))).toBeUndefined();
    expect(retryAfterOf(res(429, '1.5'))).toBeUndefined();
    expect(retryAfterOf(res(429, 'soon'))).toBeUndefined();
    expect(retryAfterOf(res(429, 'Sun, 29 Nov 2026 12:00:00 GMT'))).toBeUndefined();
  });
});
