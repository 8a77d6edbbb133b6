/**
 * The relay says its text limit with each sender (`maxTextChars` in POST /session), so the
 * widget's composer counts against what the relay will take: RELAY_MAX_TEXT_CHARS, or the
 * platform's own limit when lower. Real relays over HTTP on 127.0.0.1, offline upstreams.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRelayServer, type RelayServer } from './node.js';

const relays: RelayServer[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});

async function relay(env: Record<string, string>): Promise<RelayServer> {
  const r = await startRelayServer({ port: 0, env: { RELAY_SECRET: 'text-limit-test', MOCK_REALTIME: '0', ...env }, log: () => {} });
  relays.push(r);
  return r;
}

const post = (r: RelayServer, path: string, body: unknown) =>
  fetch(`${r.url}/api/chat${path}`, {
    method: 'POST',
    headers: { origin: r.url, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function session(r: RelayServer): Promise<{ sender: string; maxTextChars: unknown }> {
  const res = await post(r, '/session', {});
  expect(res.status).toBe(200);
  return (await res.json()) as { sender: string; maxTextChars: unknown };
}

describe('the text limit, announced in /session', () => {
  it('is 4,000 by default and RELAY_MAX_TEXT_CHARS when set, and the relay takes a text of exactly that length', async () => {
    const base = await relay({ RELAY_UPSTREAM: 'botpress' });
    const first = await session(base);
    expect(first.maxTextChars).toBe(4000);
    // The longest text in 4-byte characters, with every field the widget sends, fits the
    // default body cap (security.md's 16 KB).
    const longest = await post(base, '', { sender: first.sender, data: { type: 'text', text: '😀'.repeat(4000) }, stopped: true });
    expect(longest.status).toBe(200);
    await longest.body?.cancel();
    const r = await relay({ RELAY_UPSTREAM: 'botpress', RELAY_MAX_TEXT_CHARS: '9000' });
    const { sender, maxTextChars } = await session(r);
    expect(maxTextChars).toBe(9000);
    const ok = await post(r, '', { sender, data: { type: 'text', text: '😀'.repeat(9000) } });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const over = await post(r, '', { sender, data: { type: 'text', text: 'x'.repeat(9001) } });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/at most 9000 characters/);
    // The body cap rose with it (4 bytes a character and the envelope), unless set.
    const capped = await relay({ RELAY_UPSTREAM: 'botpress', RELAY_MAX_TEXT_CHARS: '9000', RELAY_MAX_BODY_BYTES: '16384' });
    const refused = await post(capped, '', { sender: (await session(capped)).sender, data: { type: 'text', text: '😀'.repeat(9000) } });
    expect(refused.status).toBe(413);
  });

  it("is the platform's own limit when that is lower (chat-messages: 4,000)", async () => {
    const r = await relay({ RELAY_UPSTREAM: 'chat-messages', RELAY_MAX_TEXT_CHARS: '8000' });
    expect((await session(r)).maxTextChars).toBe(4000);
    const low = await relay({ RELAY_UPSTREAM: 'chat-messages', RELAY_MAX_TEXT_CHARS: '500' });
    expect((await session(low)).maxTextChars).toBe(500);
  });
});
