import { describe, expect, it } from 'vitest';
import { createRelay } from './handler.js';
import { BASE, ORIGIN, PAT, fakeUpstream, sseEvents } from './fake-platform.test-helper.js';

/** One visitor message through a relay whose platform answers `body` (NDJSON); the events and logs. */
async function answer(body: string): Promise<{ events: { type: string; error?: { code: string } }[]; logs: string[] }> {
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
  return { events: sseEvents(await res.text()).map((e) => JSON.parse(e) as { type: string }), logs };
}

function tooDeep(): string {
  let deep = '1';
  for (let i = 0; i < 20_000; i++) deep = `{"d":${deep}}`;
  return deep;
}

// Regression: JSON.parse accepts a chunk nested thousands of levels deep, but
// JSON.stringify (used to re-encode it as canonical SSE) overflows the stack on it. That
// used to error the browser stream mid-answer: no error chunk, no processing.end.
describe('sseFromUpstream re-encoding', () => {
  it('skips a chunk too deep to re-encode and still delivers the rest and processing.end', async () => {
    const { events, logs } = await answer(
      `{"type":"processing.start"}\n{"type":"weird","v":${tooDeep()}}\n{"type":"text","data":{"text":"after"}}\n{"type":"processing.end"}\n`,
    );
    expect(events.map((e) => e.type)).toEqual(['processing.start', 'text', 'processing.end']);
    expect(logs.some((m) => /cannot be re-encoded/.test(m))).toBe(true);
  });

  it('an answer made only of such a chunk ends with upstream_invalid, like any unreadable answer', async () => {
    const { events } = await answer(`{"type":"processing.start"}\n{"type":"text","data":${tooDeep()}}\n{"type":"processing.end"}\n`);
    expect(events.map((e) => e.error?.code ?? e.type)).toEqual(['processing.start', 'upstream_invalid', 'processing.end']);
  });
});
