import { describe, expect, it } from 'vitest';
import { createRelay } from './handler.js';
import { BASE, ORIGIN, PAT, fakeUpstream, sseEvents } from './fake-platform.test-helper.js';

// Regression: JSON.parse accepts a chunk nested thousands of levels deep, but
// JSON.stringify (used to re-encode it as canonical SSE) overflows the stack on it. That
// used to error the browser stream mid-answer: no error chunk, no processing.end.
describe('sseFromUpstream re-encoding', () => {
  it('skips a chunk too deep to re-encode and still delivers the rest and processing.end', async () => {
    let deep = '1';
    for (let i = 0; i < 20_000; i++) deep = `{"d":${deep}}`;
    const body = `{"type":"processing.start"}\n{"type":"weird","v":${deep}}\n{"type":"text","data":{"text":"after"}}\n{"type":"processing.end"}\n`;
    const logs: string[] = [];
    const upstream = fakeUpstream(() => ({ body: [body], headers: { 'content-type': 'application/x-ndjson' } }));
    const relay = createRelay({
      apiBase: 'https://platform.test',
      projectToken: 'p',
      pat: PAT,
      secret: 'stream-test-secret-stream-test-secret',
      allowedOrigins: [ORIGIN],
      fetch: upstream.fetch,
      log: (_l, m) => logs.push(m),
    });
    const post = (path: string, b: unknown) =>
      relay(
        new Request(`${BASE}${path}`, {
          method: 'POST',
          headers: { origin: ORIGIN, 'content-type': 'application/json' },
          body: JSON.stringify(b),
        }),
        { ip: '10.0.0.9' },
      );
    const { sender } = (await (await post('/api/chat/session', {})).json()) as { sender: string };
    const res = await post('/api/chat', { sender, data: { type: 'text', text: 'hi' } });
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text()).map((e) => JSON.parse(e) as { type: string });
    expect(events.map((e) => e.type)).toEqual(['processing.start', 'text', 'processing.end']);
    expect(logs.some((m) => /cannot be re-encoded/.test(m))).toBe(true);
  });
});
