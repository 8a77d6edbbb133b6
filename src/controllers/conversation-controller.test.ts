// The session controller over a fake host and a fake fetch, in Node (no DOM).
import { describe, expect, it } from 'vitest';
import type { ReactiveController } from 'lit';
import { ConversationController } from './conversation-controller.js';
import type { ConversationHost } from './conversation-controller.js';
import type { FetchLike } from '../transport/transport.js';

const enc = new TextEncoder();

interface Pending {
  body: { sender: string; data: { type: string; text?: string }; stopped?: boolean };
  push(c: object): void;
  end(): void;
  signal: AbortSignal | null | undefined;
}

/** A relay whose answers stay open until the test pushes chunks and ends them. */
function fakeRelay() {
  const pending: Pending[] = [];
  let sessions = 0;
  const fetch: FetchLike = async (url, init) => {
    if (url.endsWith('/session')) return Response.json({ sender: `s${++sessions}` });
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
    pending.push({
      body: JSON.parse(init.body as string) as Pending['body'],
      push: (c) => ctl.enqueue(enc.encode(`data: ${JSON.stringify(c)}\n\n`)),
      end: () => ctl.close(),
      signal: init.signal,
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, pending, sessions: () => sessions };
}

function host(fetchImpl: FetchLike): ConversationHost & { updates: number } {
  const controllers: ReactiveController[] = [];
  const h = {
    relay: '/api/chat',
    welcome: 'init',
    deltaUnit: 'grapheme' as const,
    fetchImpl,
    updates: 0,
    addController: (c: ReactiveController) => void controllers.push(c),
    removeController: () => {},
    requestUpdate: () => void h.updates++,
    updateComplete: Promise.resolve(true),
  };
  return h;
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
async function until(f: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !f(); i++) await tick();
  expect(f()).toBe(true);
}

/** Starts the controller and answers its hidden welcome in full. */
async function welcomed(relay: ReturnType<typeof fakeRelay>, s: ConversationController): Promise<void> {
  s.start();
  await until(() => relay.pending.length === 1);
  relay.pending[0]!.push({ type: 'processing.start' });
  relay.pending[0]!.push({ type: 'text', data: { text: '<p>hi</p>' } });
  relay.pending[0]!.push({ type: 'processing.end' });
  relay.pending[0]!.end();
  await until(() => !s.inFlight);
}

/** Welcomed, then `one` sent and its answer streaming, `<p>${shown}</p>` shown so far. */
async function midAnswer(shown = 'answer') {
  const relay = fakeRelay();
  const s = new ConversationController(host(relay.fetch));
  await welcomed(relay, s);
  s.send({ type: 'text', text: 'one' });
  await until(() => relay.pending.length === 2);
  relay.pending[1]!.push({ type: 'processing.start' });
  relay.pending[1]!.push({ type: 'text', data: { text: `<p>${shown}</p>` } });
  await until(() => s.transcript.messages.at(-1)?.role === 'bot');
  return { relay, s };
}

describe('ConversationController', () => {
  it('sends the welcome hidden, then queues a send made while the answer streams', async () => {
    const relay = fakeRelay();
    const s = new ConversationController(host(relay.fetch));
    s.start();
    s.start(); // idempotent
    await until(() => relay.pending.length === 1);
    expect(relay.pending[0]!.body).toEqual({ sender: 's1', data: { type: 'payload', payload: 'init', label: 'START' } });
    expect(s.hiddenPending).toBe(true);
    relay.pending[0]!.push({ type: 'processing.start' });
    relay.pending[0]!.push({ type: 'text', data: { text: '<p>hi</p>' } });
    await until(() => s.transcript.messages.length === 1);
    expect(s.send({ type: 'text', text: 'next' })).toBe('queued');
    expect(s.queued).toHaveLength(1);
    expect(relay.pending).toHaveLength(1); // nothing sent while the answer streams
    relay.pending[0]!.push({ type: 'processing.end' });
    relay.pending[0]!.end();
    await until(() => relay.pending.length === 2);
    expect(relay.pending[1]!.body.data).toEqual({ type: 'text', text: 'next' });
    expect(s.queued).toHaveLength(0);
    expect(s.transcript.messages.map((m) => m.role)).toEqual(['bot', 'user']);
    expect(relay.sessions()).toBe(1);
  });

  it('stop aborts the stream, keeps what was shown, marks it stopped, then sends the queued message', async () => {
    const relay = fakeRelay();
    const s = new ConversationController(host(relay.fetch));
    s.start();
    await until(() => relay.pending.length === 1);
    relay.pending[0]!.push({ type: 'processing.start' });
    relay.pending[0]!.push({ type: 'processing.end' });
    relay.pending[0]!.end();
    await until(() => !s.inFlight);
    expect(s.stop()).toBe(false); // nothing in flight
    expect(s.send({ type: 'text', text: 'tell me a story' })).toBe('sent');
    await until(() => relay.pending.length === 2);
    const live = relay.pending[1]!;
    live.push({ type: 'processing.start' });
    live.push({ type: 'text', data: { text: '<p>Once upon</p>' } });
    await until(() => s.transcript.messages.at(-1)?.role === 'bot');
    const count = s.transcript.messages.length;
    expect(s.send({ type: 'text', text: 'next' })).toBe('queued');
    expect(s.stop()).toBe(true);
    expect(live.signal?.aborted).toBe(true);
    const bot = s.transcript.messages[count - 1]!;
    expect(bot).toMatchObject({ role: 'bot', state: 'incomplete', stopped: true });
    expect(s.transcript.notice).toBeNull();
    try {
      live.push({ type: 'text', data: { text: '<p>late</p>' } });
    } catch {
      // already closed by the abort
    }
    // The queued message goes out; the stopped answer stays as it was.
    await until(() => relay.pending.length === 3);
    expect(relay.pending[2]!.body.data).toEqual({ type: 'text', text: 'next' });
    expect(s.transcript.messages[count - 1]).toBe(bot);
  });

  it('the send after a stopped answer says so (`stopped: true`), the sends before and after it do not', async () => {
    const relay = fakeRelay();
    const s = new ConversationController(host(relay.fetch));
    await welcomed(relay, s);
    const answer = async (i: number) => {
      await until(() => relay.pending.length === i + 1);
      relay.pending[i]!.push({ type: 'processing.start' });
      relay.pending[i]!.push({ type: 'text', data: { text: `<p>answer ${i}</p>` } });
    };
    s.send({ type: 'text', text: 'one' });
    await answer(1);
    await until(() => s.transcript.messages.at(-1)?.role === 'bot');
    s.stop();
    s.send({ type: 'text', text: 'two' });
    await answer(2);
    relay.pending[2]!.push({ type: 'processing.end' });
    relay.pending[2]!.end();
    await until(() => !s.inFlight);
    s.send({ type: 'text', text: 'three' });
    await until(() => relay.pending.length === 4);
    expect(relay.pending.map((p) => p.body.stopped)).toEqual([undefined, undefined, true, undefined]);
    expect(Object.keys(relay.pending[3]!.body)).toEqual(['sender', 'data']);
  });

  it('a send that adds no visitor message (a profile) right after a stop says `stopped: true` too', async () => {
    const { relay, s } = await midAnswer();
    s.stop();
    s.send({ type: 'profile', profile: { plan: 'pro' } });
    await until(() => relay.pending.length === 3);
    expect(relay.pending[2]!.body).toMatchObject({ data: { type: 'profile' }, stopped: true });
    expect(s.transcript.messages.at(-1)).toMatchObject({ role: 'bot', stopped: true });
  });

  it('restart aborts the run; its late chunks never reach the new transcript', async () => {
    const relay = fakeRelay();
    const s = new ConversationController(host(relay.fetch));
    s.start();
    await until(() => relay.pending.length === 1);
    const stale = relay.pending[0]!;
    s.restart();
    expect(stale.signal?.aborted).toBe(true);
    await until(() => relay.pending.length === 2);
    expect(relay.pending[1]!.body.sender).toBe('s2');
    try {
      stale.push({ type: 'processing.start' });
      stale.push({ type: 'text', data: { text: '<p>stale</p>' } });
    } catch {
      // The aborted stream may already be closed: either way nothing may arrive.
    }
    await tick(30);
    expect(s.transcript.messages).toHaveLength(0);
  });

  it('moved in the page mid-answer (disconnected and connected in one task): the answer goes on, then the queued send', async () => {
    const { relay, s } = await midAnswer('part one');
    expect(s.send({ type: 'text', text: 'two' })).toBe('queued');
    s.hostDisconnected();
    s.hostConnected();
    s.start();
    await tick(20);
    expect([s.inFlight, relay.pending[1]!.signal?.aborted]).toEqual([true, false]);
    relay.pending[1]!.push({ type: 'text', data: { text: '<p>part two</p>' } });
    relay.pending[1]!.push({ type: 'processing.end' });
    relay.pending[1]!.end();
    await until(() => relay.pending.length === 3);
    expect(relay.pending[2]!.body.data.text).toBe('two');
    const answer = s.transcript.messages.filter((m) => m.role === 'bot')[1];
    expect(answer?.role === 'bot' && [answer.state, answer.blocks.length]).toEqual(['done', 2]);
  });

  it('removed mid-answer: the run ends (what was shown kept) and nothing is sent until it is back and started', async () => {
    const { relay, s } = await midAnswer('part one');
    s.send({ type: 'text', text: 'two' });
    s.hostDisconnected();
    await tick(20);
    expect([s.inFlight, relay.pending[1]!.signal?.aborted, s.queued.length]).toEqual([false, true, 1]);
    s.start(); // a removed element still updates: nothing goes out
    await tick(20);
    expect(relay.pending).toHaveLength(2);
    s.hostConnected();
    s.start();
    await until(() => relay.pending.length === 3);
    expect([relay.pending[2]!.body.data.text, s.queued.length]).toEqual(['two', 0]);
  });

  it('rejects empty text without touching the transcript', () => {
    const relay = fakeRelay();
    const s = new ConversationController(host(relay.fetch));
    const before = s.transcript;
    expect(s.send({ type: 'text', text: '   ' })).toBe('rejected');
    expect(s.transcript).toBe(before);
  });

  it('reports an answer cut off mid-stream (no processing.end) as an error, and a clean end as none', async () => {
    const relay = fakeRelay();
    const errors: string[] = [];
    const s = new ConversationController(host(relay.fetch), { onError: (code) => errors.push(code) });
    await welcomed(relay, s);
    expect(errors).toEqual([]);
    s.send({ type: 'text', text: 'tell me' });
    await until(() => relay.pending.length === 2);
    relay.pending[1]!.push({ type: 'processing.start' });
    relay.pending[1]!.push({ type: 'text', data: { text: '<p>half</p>' } });
    relay.pending[1]!.end(); // the connection dies: no processing.end
    await until(() => !s.inFlight);
    expect(s.transcript.notice?.kind).toBe('incomplete');
    expect(errors).toEqual(['incomplete']);
    // The next (hidden) run ending cleanly does not report the old notice again.
    s.send({ type: 'payload', payload: 'init' }, true);
    await until(() => relay.pending.length === 3);
    relay.pending[2]!.push({ type: 'processing.start' });
    relay.pending[2]!.push({ type: 'processing.end' });
    relay.pending[2]!.end();
    await until(() => !s.inFlight);
    expect(errors).toEqual(['incomplete']);
  });

  it('a body left open after processing.end is no timeout: nothing reported, the next send goes out', async () => {
    // WebKit on loaded cores (browser suite, 2026-11-30): the welcome's EOF came after its
    // 80 ms idle time; the page heard indigo-chat-error "timeout" for an answer that was whole.
    // The transport now ends the stream at processing.end, so the body is not waited for.
    const relay = fakeRelay();
    const errors: string[] = [];
    const s = new ConversationController(
      { ...host(relay.fetch), timeouts: { firstByteMs: 5000, idleMs: 30 } },
      {
        onError: (code) => errors.push(code),
      },
    );
    s.start();
    await until(() => relay.pending.length === 1);
    relay.pending[0]!.push({ type: 'processing.start' });
    relay.pending[0]!.push({ type: 'text', data: { text: '<p>hi</p>' } });
    relay.pending[0]!.push({ type: 'processing.end' });
    // No end(): the stream ends at processing.end and the body is cancelled.
    await until(() => !s.inFlight);
    expect(relay.pending[0]!.signal?.aborted).toBe(true);
    expect(s.transcript.notice).toBeNull();
    expect(errors).toEqual([]);
    s.send({ type: 'text', text: 'next' });
    await until(() => relay.pending.length === 2);
    // An answer that does stall mid-way still is one.
    relay.pending[1]!.push({ type: 'processing.start' });
    relay.pending[1]!.push({ type: 'text', data: { text: '<p>half</p>' } });
    await until(() => !s.inFlight);
    expect(s.transcript.notice?.kind).toBe('timeout');
    expect(errors).toEqual(['timeout']);
  });
});

describe('ConversationController against the real relay (HTTP on 127.0.0.1)', () => {
  it('a stored sender the relay finds malformed (400 invalid_request) is replaced once and the message still goes out', async () => {
    const { startRelayServer } = await import('../relay/node.js');
    const relay = await startRelayServer({ port: 0, host: '127.0.0.1', env: {}, log: () => {}, mock: { realtime: false } });
    try {
      const origin = relay.url;
      // The relay checks Origin: send the page's, as a browser on the relay's own origin would.
      const viaPage: FetchLike = (url, init) =>
        fetch(new URL(url, origin), { ...init, headers: { ...(init.headers as Record<string, string>), origin } });
      const s = new ConversationController({ ...host(viaPage), relay: `${origin}/api/chat` });
      // A conversation restored from storage whose sender was edited into junk.
      s.restore(s.transcript, 'not-a-relay-sender');
      expect(s.send({ type: 'text', text: 'hello' })).toBe('sent');
      await until(() => !s.inFlight && s.transcript.status === 'idle');
      expect(s.transcript.notice).toBeNull();
      expect(s.sender).not.toBe('not-a-relay-sender');
      const [user, bot] = s.transcript.messages;
      expect(user).toMatchObject({ role: 'user', text: 'hello', status: 'sent' });
      expect(bot?.role).toBe('bot');
    } finally {
      await relay.close();
    }
  });

  it('a send whose data has the wrong types (a page calling sendPayload with a numeric label) is refused before the relay: the message before it stays sent', async () => {
    const { startRelayServer } = await import('../relay/node.js');
    const relay = await startRelayServer({ port: 0, host: '127.0.0.1', env: {}, log: () => {}, mock: { realtime: false } });
    try {
      const origin = relay.url;
      const posted: string[] = [];
      const viaPage: FetchLike = (url, init) => {
        posted.push(init.body as string);
        return fetch(new URL(url, origin), { ...init, headers: { ...(init.headers as Record<string, string>), origin } });
      };
      const errors: string[] = [];
      const s = new ConversationController({ ...host(viaPage), relay: `${origin}/api/chat` }, { onError: (code) => errors.push(code) });
      expect(s.send({ type: 'text', text: 'hello' })).toBe('sent');
      await until(() => !s.inFlight && s.transcript.status === 'idle');
      const before = s.transcript;
      const sent = posted.length;
      // What page scripts pass through IndigoChat.sendPayload / el.conversation.send, untyped.
      const wrong = [
        { type: 'payload', payload: 'menu', label: 42 },
        { type: 'payload', payload: 'menu', label: null },
        { type: 'payload', payload: { toString: () => 'menu' } },
        { type: 'text', text: ['hi'] },
        { type: 'profile', profile: { name: 7 } },
        { type: 'shout', text: 'hi' },
        null,
      ];
      for (const data of wrong) expect([data, s.send(data as never)]).toEqual([data, 'rejected']);
      await tick(50);
      expect(posted.length).toBe(sent);
      expect(s.transcript).toBe(before);
      expect(s.transcript.notice).toBeNull();
      expect(s.transcript.messages.find((m) => m.role === 'user')).toMatchObject({ text: 'hello', status: 'sent' });
      expect(errors).toEqual([]);
    } finally {
      await relay.close();
    }
  });
});
