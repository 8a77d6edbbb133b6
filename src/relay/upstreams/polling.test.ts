import { describe, expect, it } from 'vitest';
import { pollingAnswer, retryAfterMs, type PollResult, type PollTiming } from './polling.js';
import { chunksOf, quietLog } from './answers.test-helper.js';

/** A fake clock: sleep advances it, so timing rules are checked without real waits. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const text = (n: string) => ({ type: 'text', data: { text: n } });
const types = (chunks: { type: string }[]) => chunks.map((c) => c.type);

function run(
  script: (t: number, call: number) => PollResult,
  timing: PollTiming,
  signal = new AbortController().signal,
  onPoll?: (call: number) => void,
) {
  const c = clock();
  const { log, lines } = quietLog();
  let calls = 0;
  const answer = pollingAnswer({
    poll: async () => {
      onPoll?.(calls);
      return script(c.now(), calls++);
    },
    timing,
    signal,
    log,
    now: c.now,
    sleep: c.sleep,
  });
  return { answer, c, lines, calls: () => calls };
}

describe('polling answer', () => {
  it('starts with processing.start, emits each message once across polls, ends after the quiet time', async () => {
    const { answer, calls } = run(
      (t) => ({
        ok: true,
        items:
          t >= 200
            ? [
                { id: 'a', chunks: [text('A')] },
                { id: 'b', chunks: [text('B')] },
              ]
            : t >= 100
              ? [{ id: 'a', chunks: [text('A')] }]
              : [],
      }),
      { quietMs: 1000, maxMs: 30_000 },
    );
    const chunks = await chunksOf(answer);
    expect(chunks).toEqual([{ type: 'processing.start' }, text('A'), text('B'), { type: 'processing.end' }]);
    // Polled until 1000 ms after B (t=200) and no further.
    expect(calls()).toBeGreaterThan(3);
    expect(calls()).toBeLessThan(20);
  });

  it('does not apply the quiet time before the first message (a slow bot is not cut off)', async () => {
    const { answer } = run((t) => ({ ok: true, items: t >= 5000 ? [{ id: 'late', chunks: [text('late')] }] : [] }), {
      quietMs: 500,
      maxMs: 30_000,
    });
    expect(types(await chunksOf(answer))).toEqual(['processing.start', 'text', 'processing.end']);
  });

  it('a carried message (late from the previous answer) does not start the quiet time: a slow reply still comes', async () => {
    const { answer } = run(
      (t) => ({
        ok: true,
        items: [{ id: 'late', chunks: [text('late')], carried: true }, ...(t >= 3000 ? [{ id: 'reply', chunks: [text('reply')] }] : [])],
      }),
      { quietMs: 500, maxMs: 30_000 },
    );
    expect((await chunksOf(answer)).filter((c) => c.type === 'text')).toEqual([text('late'), text('reply')]);
  });

  it('stops at the max time even while messages keep coming, and never emits past it', async () => {
    const { answer, c } = run((t, call) => ({ ok: true, items: [{ id: `m${call}`, chunks: [text(String(t))] }] }), {
      quietMs: 1000,
      maxMs: 3000,
    });
    const chunks = await chunksOf(answer);
    const times = chunks.filter((x) => x.type === 'text').map((x) => Number((x['data'] as { text: string }).text));
    expect(times.length).toBeGreaterThan(3);
    expect(Math.max(...times)).toBeLessThanOrEqual(3000);
    expect(c.now()).toBeLessThanOrEqual(3000);
    expect(chunks.at(-1)).toEqual({ type: 'processing.end' });
  });

  it('a message that lands during the last wait before the quiet end is still emitted', async () => {
    const { answer } = run(
      (t) => ({ ok: true, items: [{ id: 'a', chunks: [text('A')] }, ...(t >= 1000 ? [{ id: 'b', chunks: [text('B')] }] : [])] }),
      { quietMs: 1000, maxMs: 30_000 },
    );
    expect(types(await chunksOf(answer))).toEqual(['processing.start', 'text', 'text', 'processing.end']);
  });

  it('keeps the relay’s idle timer alive with blank lines while the bot is silent', async () => {
    const { answer } = run((t) => ({ ok: true, items: t >= 600 ? [{ id: 'a', chunks: [text('A')] }] : [] }), {
      quietMs: 400,
      maxMs: 30_000,
    });
    if (!(answer instanceof Response)) throw new Error('refused');
    const raw = await answer.text();
    expect(raw.split('\n').filter((l) => l === '').length).toBeGreaterThan(2);
    expect(
      raw
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).type),
    ).toEqual(['processing.start', 'text', 'processing.end']);
  });

  it('backs off on 429 as Retry-After says, then carries on', async () => {
    const { answer, c } = run(
      (_t, call) =>
        call === 0
          ? { ok: false, status: 429, headers: new Headers({ 'retry-after': '4' }) }
          : { ok: true, items: [{ id: 'a', chunks: [text('A')] }] },
      { quietMs: 1000, maxMs: 30_000 },
    );
    expect(types(await chunksOf(answer))).toEqual(['processing.start', 'text', 'processing.end']);
    expect(c.sleeps[0]).toBe(4000);
  });

  it.each([
    ['Retry-After: 0', { 'retry-after': '0' }],
    ['a Retry-After date already past', { 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }],
  ])('a 429 that says to retry now (%s) backs off all the same, never a tight loop', async (_name, headers) => {
    const { answer, c, calls } = run(
      (_t, call) =>
        call < 50 ? { ok: false, status: 429, headers: new Headers(headers) } : { ok: true, items: [{ id: 'a', chunks: [text('A')] }] },
      { quietMs: 1000, maxMs: 10_000 },
    );
    await chunksOf(answer);
    // Interval 250 ms, doubled from 500 ms per 429 (capped): a handful of polls in 10 s, not 50.
    expect(c.sleeps.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    expect(calls()).toBeLessThan(10);
  });

  it('still rate limited (or failing) when the max time comes: an error chunk, not a silent empty answer', async () => {
    const limited = run(() => ({ ok: false, status: 429, headers: new Headers({ 'retry-after': '60' }) }), { quietMs: 500, maxMs: 5000 });
    expect(await chunksOf(limited.answer)).toEqual([
      { type: 'processing.start' },
      { type: 'error', error: { code: 'upstream_rate_limited', message: expect.any(String) } },
      { type: 'processing.end' },
    ]);
    const failing = run((_, call) => (call === 0 ? { ok: true, items: [] } : { ok: false, status: 503 }), { quietMs: 500, maxMs: 300 });
    expect(types(await chunksOf(failing.answer))).toEqual(['processing.start', 'error', 'processing.end']);
  });

  it('reads a Retry-After date and rate-limit reset headers', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'ratelimit-reset': String(now / 1000 + 2) }), now)).toBe(2000);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it.each([
    [401, 'upstream_auth'],
    [403, 'upstream_auth'],
    [404, 'upstream_not_found'],
    [400, 'upstream_rejected'],
  ])('ends with an error chunk on %i', async (status, code) => {
    const { answer } = run(() => ({ ok: false, status }), { quietMs: 1000, maxMs: 30_000 });
    const chunks = await chunksOf(answer);
    expect(chunks).toEqual([
      { type: 'processing.start' },
      { type: 'error', error: { code, message: expect.any(String) } },
      { type: 'processing.end' },
    ]);
  });

  it('retries 5xx and network errors, and gives up after three in a row', async () => {
    let n = 0;
    const { answer } = run(
      () => {
        n++;
        if (n === 1) throw new TypeError('socket hang up');
        return { ok: false, status: 503 };
      },
      { quietMs: 1000, maxMs: 30_000 },
    );
    const chunks = await chunksOf(answer);
    expect(n).toBe(3);
    expect(chunks[1]).toEqual({ type: 'error', error: { code: 'upstream_unavailable', message: expect.any(String) } });
  });

  it('a poll that hangs is given up and retried, and its request is aborted', async () => {
    const c = clock();
    const { log } = quietLog();
    const signals: AbortSignal[] = [];
    let calls = 0;
    const answer = pollingAnswer({
      poll: (signal) => {
        signals.push(signal);
        return calls++ === 0 ? new Promise<PollResult>(() => {}) : Promise.resolve({ ok: true, items: [{ id: 'a', chunks: [text('A')] }] });
      },
      timing: { quietMs: 1000, maxMs: 30_000 },
      signal: new AbortController().signal,
      log,
      pollTimeoutMs: 20,
      now: c.now,
      sleep: c.sleep,
    });
    expect(types(await chunksOf(answer))).toEqual(['processing.start', 'text', 'processing.end']);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('abort stops polling at once: no further poll, no processing.end', async () => {
    const abort = new AbortController();
    const { answer, calls } = run(
      () => ({ ok: true, items: [] }),
      { quietMs: 1000, maxMs: 30_000 },
      abort.signal,
      (call) => {
        if (call === 2) abort.abort();
      },
    );
    const chunks = await chunksOf(answer);
    expect(types(chunks)).toEqual(['processing.start']);
    expect(calls()).toBe(3);
  });

  it('cancelling the body stops polling too', async () => {
    const abort = new AbortController();
    const { answer, calls } = run(() => ({ ok: true, items: [] }), { quietMs: 1000, maxMs: 30_000 }, abort.signal);
    if (!(answer instanceof Response) || !answer.body) throw new Error('no body');
    const reader = answer.body.getReader();
    await reader.read(); // processing.start
    await reader.cancel();
    const after = calls();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls()).toBe(after);
  });
});
