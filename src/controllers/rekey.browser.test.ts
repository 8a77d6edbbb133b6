// A connected <indigo-chat> given another `id` or `relay` (a framework reusing the element
// across routes) is in another conversation. It used to keep the one it showed, save it
// over the new key's and restore nothing from it.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import '../define.js';
import type { IndigoChat } from '../components/indigo-chat/indigo-chat.js';
import { botMessages, sseResponse, typeAndEnter, useFakeRelays, welcomeChunks } from '../components/indigo-chat/fake-relay.test-helper.js';
import { launcherKey, storageKey, teaserKey, type StorageKind } from './storage.js';
import { PersistenceController } from './persistence-controller.js';

const relays = useFakeRelays('rekey');
let n = 0;
const texts = (el: IndigoChat) =>
  el.conversation.transcript.messages.map((m) => (m.role === 'user' ? m.text : m.blocks.map((b) => ('html' in b ? b.html : '')).join('')));
const idle = (el: IndigoChat, bots: number) => botMessages(el).length === bots && el.conversation.transcript.status === 'idle';

describe('another id or relay on a connected element', () => {
  it('another id: the conversation shown is saved under its own key, the new key starts its own; back again, the first is restored', async () => {
    const r = relays
      .relay()
      .queue(welcomeChunks('Hi A'), [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>Answer for A</p>' } },
        { type: 'processing.end' },
      ]);
    r.queue(welcomeChunks('Hi B'));
    const [a, b] = [`route-a-${++n}`, `route-b-${n}`];
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${a} open></indigo-chat>`);
    await waitUntil(() => idle(el, 1), 'welcome A');
    await typeAndEnter(el, 'question for A');
    await waitUntil(() => idle(el, 2), 'answer A');

    el.id = b;
    await waitUntil(() => idle(el, 1) && texts(el).join(' ').includes('Hi B'), 'welcome B');
    expect(texts(el).join(' ')).not.to.contain('question for A');
    expect(localStorage.getItem(storageKey(r.path, a))).to.contain('question for A');
    await waitUntil(() => localStorage.getItem(storageKey(r.path, b))?.includes('Hi B'), 'B saved');
    expect(localStorage.getItem(storageKey(r.path, b))).not.to.contain('question for A');

    const sent = r.sent.length;
    el.id = a;
    await waitUntil(() => texts(el).join(' ').includes('question for A'), 'A restored');
    await el.updateComplete;
    expect(texts(el).join(' ')).not.to.contain('Hi B');
    expect(r.sent.length, 'nothing sent: A goes on where it was').to.equal(sent);
    expect(localStorage.getItem(storageKey(r.path, b))).to.contain('Hi B');
    el.remove();
  });

  it('another relay mid-answer: the answer ends, nothing queued is sent to the new relay, and the new relay gets its own session', async () => {
    const r1 = relays
      .relay()
      .queue(welcomeChunks('Hi one'), () =>
        sseResponse([{ type: 'processing.start' }, { type: 'text', data: { text: '<p>long answer…</p>' } }], { stall: true }),
      );
    const r2 = relays.relay().queue(welcomeChunks('Hi two'));
    const id = `relay-move-${++n}`;
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r1.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => idle(el, 1), 'welcome one');
    await typeAndEnter(el, 'first question');
    await waitUntil(() => el.conversation.inFlight && texts(el).join(' ').includes('long answer'), 'streaming');
    await typeAndEnter(el, 'queued follow-up');
    expect(el.conversation.queued).to.have.length(1);

    el.relay = r2.path;
    await waitUntil(() => idle(el, 1) && texts(el).join(' ').includes('Hi two'), 'welcome two');
    expect([el.conversation.inFlight, el.conversation.queued.length, r2.sessions]).to.deep.equal([false, 0, 1]);
    expect(r2.sent.map((s) => s.data.text ?? s.data.payload)).to.deep.equal(['init']);
    expect(r1.sent.map((s) => s.data.text ?? s.data.payload)).to.deep.equal(['init', 'first question']);
    // What relay one's conversation had is saved under its key, the follow-up in its draft.
    const saved = localStorage.getItem(storageKey(r1.path, id))!;
    expect([saved.includes('long answer'), saved.includes('queued follow-up')]).to.deep.equal([true, true]);
    el.remove();
  });

  it('another storage: what is kept moves there, and nothing stays behind (`none` after a withdrawal), also a copy an earlier page wrote', async () => {
    const r = relays
      .relay()
      .queue(welcomeChunks('Hi kept'), [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>Answer after the switch</p>' } },
        { type: 'processing.end' },
      ]);
    const id = `storage-move-${++n}`;
    const key = storageKey(r.path, id);
    const first = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => idle(first, 1), 'welcome');
    first.remove(); // flushes; the next page restores it
    expect(localStorage.getItem(key)).to.contain('Hi kept');

    // The votes an earlier page kept beside it (feedback-controller.ts's key).
    localStorage.setItem(`${key}:feedback`, JSON.stringify({ v: 1, sender: null, votes: {}, csat: { state: 'done' }, outbox: [] }));
    localStorage.setItem(teaserKey(r.path, id), '2026-12-03'); // and the teaser's day

    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => idle(el, 1), 'restored');
    el.setAttribute('storage', 'none');
    await el.updateComplete;
    expect(
      Object.keys(localStorage).filter((k) => k.startsWith(key)),
      'the conversation, its launcher state and its votes',
    ).to.deep.equal([]);
    expect(localStorage.getItem(teaserKey(r.path, id)), 'the teaser’s day').to.equal(null);
    await typeAndEnter(el, 'asked after the switch');
    await waitUntil(() => idle(el, 2), 'answer');
    globalThis.dispatchEvent(new Event('pagehide'));
    expect(localStorage.getItem(key), 'nothing written while `none`').to.equal(null);
    expect(texts(el).join(' '), 'the chat keeps what it shows').to.contain('Hi kept');

    el.setAttribute('storage', 'session');
    await el.updateComplete;
    expect(sessionStorage.getItem(key)).to.contain('asked after the switch');
    expect(localStorage.getItem(key)).to.equal(null);
    el.remove();
    const next = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} storage="session" open></indigo-chat>`);
    await waitUntil(() => texts(next).join(' ').includes('Answer after the switch'), 'restored from the session store');
    expect(r.sessions, 'one conversation throughout').to.equal(1);
    next.remove();
    sessionStorage.removeItem(key);
  });

  it('another storage: the votes kept beside the conversation move with it', async () => {
    const r = relays.relay().queue(welcomeChunks('Votes move'));
    const id = `storage-votes-${++n}`;
    const key = storageKey(r.path, id);
    const votes = JSON.stringify({ v: 1, sender: null, votes: {}, csat: { state: 'done' }, outbox: [] });
    localStorage.setItem(`${key}:feedback`, votes);
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => idle(el, 1), 'welcome');
    el.setAttribute('storage', 'session');
    await el.updateComplete;
    try {
      expect(localStorage.getItem(`${key}:feedback`)).to.equal(null);
      expect(sessionStorage.getItem(`${key}:feedback`)).to.equal(votes);
      expect(sessionStorage.getItem(key)).to.contain('Votes move');
    } finally {
      el.remove();
      for (const k of [key, `${key}:feedback`, launcherKey(r.path, id)]) sessionStorage.removeItem(k);
    }
  });

  it('another storage when this page cannot write it again (the stored format failed to load): the saved copy stays, unless the move is to `none`', () => {
    const host = {
      storage: 'local' as StorageKind,
      relay: '/moving/api/chat',
      id: `failed-move-${++n}`,
      deltaUnit: 'grapheme' as const,
      addController: () => {},
      removeController: () => {},
      requestUpdate: () => {},
      updateComplete: Promise.resolve(true),
    };
    const controller = new PersistenceController(
      host,
      () => {
        throw new Error('nothing is written');
      },
      () => {},
    );
    const key = storageKey(host.relay, host.id);
    localStorage.setItem(key, 'what an earlier page saved');
    controller.failed = true;
    try {
      host.storage = 'session';
      controller.move('local', host.relay, host.id);
      expect(localStorage.getItem(key), 'kept: this page could not write it anywhere else').to.equal('what an earlier page saved');
      host.storage = 'none';
      controller.move('local', host.relay, host.id);
      expect(localStorage.getItem(key), 'a withdrawal removes it all the same').to.equal(null);
    } finally {
      localStorage.removeItem(key);
    }
  });
});
