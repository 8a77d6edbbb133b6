/**
 * The conversation controller against the real relay and the mock platform over HTTP on
 * 127.0.0.1 (no DOM): what the platform receives when the relay refuses a sender.
 */
import http from 'node:http';
import type { ReactiveController } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationKey } from '../core/platform/message-id.js';
import { createMockPlatform } from '../mock-platform/index.js';
import { serveWebHandler, startRelayServer } from '../relay/node.js';
import { eventually } from '../../test/support/mock-upstream.js';
import { listenOnLoopback } from '../relay/fake-platform.test-helper.js';
import { ConversationController, type ConversationHost } from './conversation-controller.js';

const SITE = 'https://shop.test';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** The mock platform on its own port, recording every send it receives. */
async function platform() {
  const mock = createMockPlatform({ realtime: false, seed: 3 });
  const received: { sender: string; data: { type: string; text?: string; payload?: string } }[] = [];
  const base = await listenOnLoopback(
    http.createServer((req, res) =>
      serveWebHandler(
        async (r) => {
          if (r.method === 'POST' && r.url.endsWith('/send')) received.push(await r.clone().json());
          return mock.fetch(r);
        },
        req,
        res,
        () => {},
      ),
    ),
    closers,
  );
  return { mock, received, base };
}

async function relay(p: Awaited<ReturnType<typeof platform>> | null, secret: string, env: Record<string, string> = {}): Promise<string> {
  const server = await startRelayServer({
    port: 0,
    env: {
      RELAY_SECRET: secret,
      ALLOWED_ORIGINS: SITE,
      MOCK_REALTIME: '0',
      ...(p ? { INDIGO_API_BASE: p.base, INDIGO_PAT: p.mock.pat, INDIGO_PROJECT_TOKEN: p.mock.projectToken } : {}),
      ...env,
    },
    log: () => {},
  });
  closers.push(() => server.close());
  return `${server.url}/api/chat`;
}

function host(relayUrl: string): ConversationHost & { relay: string } {
  const h = {
    relay: relayUrl,
    welcome: 'init',
    deltaUnit: 'grapheme' as const,
    // A page on SITE: the browser would send its Origin.
    fetchImpl: (url: string, init: RequestInit) => fetch(url, { ...init, headers: { ...(init.headers as object), origin: SITE } }),
    addController: (_: ReactiveController) => {},
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  return h;
}

describe('a sender the relay no longer accepts (its secret changed)', () => {
  it('the new conversation upstream starts with the welcome payload; the visitor sees no second welcome', async () => {
    const p = await platform();
    const h = host(await relay(p, 'the-first-secret-of-this-relay-0123456789'));
    const c = new ConversationController(h);
    c.start();
    await eventually(() => c.transcript.messages.length === 1 && !c.inFlight, 10_000, 'the welcome');
    c.send({ type: 'text', text: 'hello' });
    await eventually(() => c.transcript.messages.length === 3 && !c.inFlight, 10_000, 'the first answer');
    const firstSender = c.sender;
    // The owner rotates RELAY_SECRET without keeping the old one.
    h.relay = await relay(p, 'a-new-secret-that-signs-nothing-old-9876543');
    c.send({ type: 'text', text: 'still there?' });
    await eventually(() => c.transcript.messages.length === 5 && !c.inFlight, 10_000, 'the answer after the new session');
    expect(c.sender).not.toBe(firstSender);
    // The platform: the new conversation starts with init (chat-api seed), then the visitor's text.
    // It knows the conversation by the sender's id part, never the signature (upstream-adapters.md).
    expect(conversationKey(c.sender!)).not.toBe(conversationKey(firstSender!));
    const ofNew = p.received.filter((r) => r.sender === conversationKey(c.sender!)).map((r) => r.data);
    expect(ofNew).toEqual([
      { type: 'payload', payload: 'init', label: 'START' },
      { type: 'text', text: 'still there?' },
    ]);
    // The visitor: one welcome, two questions, two answers; no notice.
    expect(c.transcript.messages.map((m) => m.role)).toEqual(['bot', 'user', 'bot', 'user', 'bot']);
    expect(c.transcript.messages.map((m) => (m.role === 'user' ? m.status : m.state))).toEqual(['done', 'sent', 'done', 'sent', 'done']);
    expect(c.transcript.notice).toBeNull();
  });
});

describe('a profile the platform has no place for', () => {
  it('chat-messages refuses setProfile: the page hears the error, the visitor gets no notice and no retry', async () => {
    // The built-in chat-messages mock (offline): its adapter refuses profiles (400 profile_not_supported).
    const h = host(await relay(null, 'profile-refusal-secret-0123456789abcdef', { RELAY_UPSTREAM: 'chat-messages' }));
    const errors: string[] = [];
    const c = new ConversationController(h, { onError: (code) => errors.push(code) });
    c.start();
    await eventually(() => c.transcript.messages.length === 1 && !c.inFlight, 10_000, 'the welcome');
    const shown = c.transcript.messages;
    expect(c.send({ type: 'profile', profile: { name: 'Ada' } })).toBe('sent');
    await eventually(() => !c.inFlight, 10_000, 'the profile answer');
    expect(errors).toEqual(['profile_not_supported']);
    expect(c.transcript.notice).toBeNull();
    expect(c.retryData).toBeNull();
    expect(c.transcript.messages).toEqual(shown);
    expect(c.transcript.status).toBe('idle');
  });
});
