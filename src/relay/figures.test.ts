import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelay } from './handler.js';
import { relayConfigFromEnv } from './env.js';
import { createRelayMiddleware } from './node.js';
import { BASE, ORIGIN, PAT, fakeUpstream, frame } from './fake-platform.test-helper.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** An answer of one generation: `text` inserted as `html`, then "!" edited in with `deltas`. */
const generation = (id: number, text: string, html: string, deltas: { command: string; value: number | string }[]) => [
  { type: 'processing.start' },
  { type: 'generation.start', data: { generation_id: id } },
  { type: 'generation.chunk', data: { chunk: text, deltas: [{ command: 'ins', value: html }], generation_id: id } },
  { type: 'generation.chunk', data: { chunk: '!', deltas, generation_id: id } },
  { type: 'generation.end', data: { generation_id: id } },
  { type: 'processing.end' },
];
const GOOD = generation(1, 'Hi', '<p>Hi</p>', [
  { command: 'mov', value: 5 },
  { command: 'ins', value: '!' },
]);
const BAD = [
  { type: 'processing.start' },
  { type: 'generation.start', data: { generation_id: 2 } },
  {
    type: 'generation.chunk',
    data: {
      chunk: 'x',
      deltas: [
        { command: 'mov', value: 50 },
        { command: 'ins', value: 'x' },
      ],
      generation_id: 2,
    },
  },
  { type: 'generation.chunk', data: { chunk: 'y', deltas: [{ command: 'mov', value: 60 }], generation_id: 2 } },
  { type: 'processing.end' },
];

describe('relay figures', () => {
  it('counts replies by outcome and code, first-chunk times and degraded generations', async () => {
    const upstream = fakeUpstream((call) =>
      call === 0 ? { body: [frame(GOOD, 'sse')] } : call === 1 ? { body: [frame(BAD, 'sse')] } : { status: 401 },
    );
    const relay = createRelay({
      apiBase: BASE,
      projectToken: 'p',
      pat: PAT,
      secret: 's',
      allowedOrigins: [ORIGIN],
      fetch: upstream.fetch,
      log: () => {},
    });
    const middleware = createRelayMiddleware(relay);
    const server = http.createServer((req, res) => middleware(req, res));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/chat`;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.text();
      return res.status;
    };
    const res = await fetch(`${url}/session`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    const { sender } = (await res.json()) as { sender: string };
    const send = { sender, data: { type: 'text', text: 'hi' } };
    expect([await post('', send), await post('', send), await post('', send), await post('', { sender: 'forged', data: {} })]).toEqual([
      200, 200, 502, 400,
    ]);
    const f = relay.figures.snapshot();
    expect(f.replies).toEqual({ total: 4, ok: 2, failed: 2, byCode: { upstream_auth: 1, invalid_request: 1 } });
    expect(f.firstChunkMs.count).toBe(2);
    expect(f.firstChunkMs.p50).toBeGreaterThanOrEqual(0);
    expect(f.degradedGenerations).toBe(1);
  });

  it('applies deltas in the platform unit the owner set (RELAY_DELTA_UNIT), as the widget with that delta-unit does', async () => {
    // "👍" is 2 UTF-16 units and 1 grapheme: a move of 5 after "<p>👍" is its end in utf16, past it in graphemes.
    const emoji = generation(3, '👍', '<p>👍</p>', [
      { command: 'mov', value: 5 },
      { command: 'ins', value: '!' },
      { command: 'mov', value: 4 },
    ]);
    const degraded = async (env: Record<string, string>) => {
      const relay = createRelay({
        ...relayConfigFromEnv({ INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'p', RELAY_SECRET: 's', ...env }),
        allowedOrigins: [ORIGIN],
        fetch: fakeUpstream(() => ({ body: [frame(emoji, 'sse')] })).fetch,
        log: () => {},
      });
      const request = (path: string, body: unknown) =>
        relay(
          new Request(`https://relay.test/api/chat${path}`, {
            method: 'POST',
            headers: { origin: ORIGIN, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
          { ip: '10.0.0.1' },
        );
      const { sender } = (await (await request('/session', {})).json()) as { sender: string };
      await (await request('', { sender, data: { type: 'text', text: 'hi' } })).text();
      return relay.figures.snapshot().degradedGenerations;
    };
    expect(await degraded({ RELAY_DELTA_UNIT: 'utf16' })).toBe(0);
    expect(await degraded({})).toBe(1); // graphemes: the move goes past the end
    expect(() => relayConfigFromEnv({ INDIGO_PAT: PAT, INDIGO_PROJECT_TOKEN: 'p', RELAY_DELTA_UNIT: 'bytes' })).toThrow(
      'RELAY_DELTA_UNIT must be one of grapheme, codepoint, utf16.',
    );
  });
});
