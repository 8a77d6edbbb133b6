import { describe, expect, it } from 'vitest';
import { createRelay } from './handler.js';
import { relayConfigFromEnv } from './env.js';
import { BASE, Emitted, ORIGIN, patFragments, sseEvents } from './fake-platform.test-helper.js';
import { refuse, type UpstreamMessage, type UpstreamSpec } from './upstreams/types.js';

const SECRET = 'own-platform-key-Kx82nQvT5wLm';

/** A platform adapter written against the interface alone, as a site owner would. */
function ownPlatform(seen: UpstreamMessage[]): UpstreamSpec {
  return {
    name: 'own',
    secrets: [SECRET],
    create: ({ log }) => ({
      async send(message) {
        seen.push(message);
        log('info', `calling with ${SECRET}`);
        if (message.data.type === 'profile') return refuse(400, 'profile_not_supported', 'No profiles here.');
        if (message.data.type === 'text' && message.data.text === 'boom') return new Response(`error with ${SECRET}`, { status: 503 });
        const body = [{ type: 'processing.start' }, { type: 'text', data: { text: `<p>echo ${SECRET}</p>` } }, { type: 'processing.end' }];
        return new Response(body.map((c) => JSON.stringify(c)).join('\n'), { headers: { 'content-type': 'application/x-ndjson' } });
      },
    }),
  };
}

async function setup() {
  const emitted = new Emitted();
  const seen: UpstreamMessage[] = [];
  const relay = createRelay({ upstream: ownPlatform(seen), secret: 'interface-test-secret', allowedOrigins: [ORIGIN], log: emitted.log });
  const post = (path: string, body: unknown) =>
    relay(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
      { ip: '10.0.0.9' },
    );
  const sender = (JSON.parse((await emitted.response(await post('/api/chat/session', {}))).text) as { sender: string }).sender;
  const send = async (data: unknown, stopped?: boolean) => emitted.response(await post('/api/chat', { sender, data, stopped }));
  return { emitted, seen, sender, send };
}

describe('the upstream interface', () => {
  it('a custom adapter gets the verified sender, the rebuilt data and an abort signal; its answer is re-emitted as SSE', async () => {
    const t = await setup();
    const res = await t.send({ type: 'text', text: 'hi', extra: 'dropped' });
    expect(res.status).toBe(200);
    expect(sseEvents(res.text).map((e) => JSON.parse(e).type)).toEqual(['processing.start', 'text', 'processing.end']);
    expect(t.seen[0]).toMatchObject({ sender: t.sender, data: { type: 'text', text: 'hi' } });
    expect(Object.keys(t.seen[0]!.data)).toEqual(['type', 'text']);
    expect(t.seen[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('tells the adapter whether the visitor stopped the answer before this message', async () => {
    const t = await setup();
    await t.send({ type: 'text', text: 'hi' });
    await t.send({ type: 'text', text: 'hi' }, true);
    await t.send({ type: 'text', text: 'hi' }, false);
    expect(t.seen.map((m) => m.stopped)).toEqual([false, true, false]);
  });

  it('a refusal is answered with its status and code; a platform status is mapped', async () => {
    const t = await setup();
    const refused = await t.send({ type: 'profile', profile: { name: 'Ada' } });
    expect([refused.status, JSON.parse(refused.text)]).toEqual([
      400,
      { error: { code: 'profile_not_supported', message: 'No profiles here.' } },
    ]);
    const failed = await t.send({ type: 'text', text: 'boom' });
    expect([failed.status, JSON.parse(failed.text).error.code]).toEqual([502, 'upstream_unavailable']);
  });

  it('the adapter’s secrets never leave the relay, whole or in fragments (logs, bodies, headers)', async () => {
    const t = await setup();
    await t.send({ type: 'text', text: 'hi' });
    await t.send({ type: 'text', text: 'boom' });
    const all = t.emitted.texts.join('\n');
    expect(all).toContain('[redacted]');
    for (const fragment of patFragments(SECRET)) expect(all).not.toContain(fragment);
  });

  it('RELAY_UPSTREAM selects the adapter; indigo stays the default and needs its own settings only', () => {
    expect(relayConfigFromEnv({ RELAY_UPSTREAM: 'botpress', BOTPRESS_TOKEN: 't', BOTPRESS_BOT_ID: 'b' }).upstream?.name).toBe('botpress');
    expect(
      relayConfigFromEnv({
        RELAY_UPSTREAM: 'chat-messages',
        CHAT_MESSAGES_API_BASE: 'https://x.test',
        CHAT_MESSAGES_API_KEY: 'k',
        CHAT_MESSAGES_SENDER_ID: '3f0b5f8e-2c1d-4a8e-9b7f-6a5c4d3e2f10',
      }).upstream?.name,
    ).toBe('chat-messages');
    expect(relayConfigFromEnv({ INDIGO_PAT: 'p', INDIGO_PROJECT_TOKEN: 'x' }).upstream).toBeUndefined();
    expect(() => relayConfigFromEnv({ RELAY_UPSTREAM: 'Botpress ' })).toThrow(/BOTPRESS_TOKEN/); // case and spaces forgiven
  });
});
