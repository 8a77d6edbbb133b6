// Found by the twenty-second session's review: what the next page (or route) gets back.
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import '../define.js';
import type { IndigoChat } from '../components/indigo-chat/indigo-chat.js';
import {
  $,
  botMessages,
  sseResponse,
  typeAndEnter,
  useFakeRelays,
  welcomeChunks,
} from '../components/indigo-chat/fake-relay.test-helper.js';
import { launcherKey, storageKey } from './storage.js';

const relays = useFakeRelays('persistence-review');
let n = 0;

const stalled = () => sseResponse([{ type: 'processing.start' }, { type: 'text', data: { text: '<p>long answer…</p>' } }], { stall: true });

describe('what a reload keeps (fourth review)', () => {
  it('a chat removed while an answer streams lets go of its key: the chat mounted in its place restores the conversation', async () => {
    const r = relays.relay().queue(welcomeChunks('Hi'), stalled);
    const id = `spa-${++n}`;
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await typeAndEnter(el, 'first question');
    await waitUntil(() => el.conversation.inFlight && botMessages(el).at(-1)!.textContent.includes('long answer'), 'streaming');
    // A single-page app navigates: the route's chat is removed and the next route mounts its own.
    el.remove();
    await aTimeout(100);
    const next = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
    await next.updateComplete;
    expect(
      next.conversation.transcript.messages.some((m) => m.role === 'user' && m.text === 'first question'),
      'restored',
    ).to.equal(true);
    expect(next.open).to.equal(true);
    next.remove();
  });

  it('a message sent while an answer streams ("Waiting to send") is saved when the page goes away', async () => {
    const r = relays.relay().queue(welcomeChunks('Hi'), stalled);
    const id = `queued-${++n}`;
    const key = storageKey(r.path, id);
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} open></indigo-chat>`);
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await typeAndEnter(el, 'first question');
    await waitUntil(() => el.conversation.inFlight && botMessages(el).at(-1)!.textContent.includes('long answer'), 'streaming');
    await typeAndEnter(el, 'my follow-up I typed carefully');
    expect(el.conversation.queued).to.have.length(1);
    expect($<HTMLTextAreaElement>(el, '[part~="input"]')!.value).to.equal(''); // taken from the composer
    // The visitor leaves the page (a link, a reload): what is saved is all the next page has.
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const stored = localStorage.getItem(key)!;
    expect(stored, 'the follow-up is in the saved transcript or draft').to.contain('my follow-up I typed carefully');
    el.remove();
  });

  it('a conversation too big for the storage quota: the panel the visitor closed does not reopen on the next page', async () => {
    const r = relays.relay().queue(welcomeChunks('Hi'));
    const id = `quota-${++n}`;
    const key = storageKey(r.path, id);
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await typeAndEnter(el, 'hello');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    expect(JSON.parse(localStorage.getItem(launcherKey(r.path, id))!).open).to.equal(true);
    // From now on the conversation no longer fits in the origin's quota (a long transcript, a
    // site that uses most of localStorage): its setItem throws, as browsers do.
    const proto = Storage.prototype;
    const setItem = Object.getOwnPropertyDescriptor(proto, 'setItem')!;
    Object.defineProperty(proto, 'setItem', {
      ...setItem,
      value(this: Storage, k: string, v: string) {
        if (k === key) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        (setItem.value as (this: Storage, k: string, v: string) => void).call(this, k, v);
      },
    });
    try {
      // The visitor closes the chat and goes to another page.
      $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
      await el.updateComplete;
      expect(el.open).to.equal(false);
      el.remove();
    } finally {
      Object.defineProperty(proto, 'setItem', setItem);
    }
    const next = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id}></indigo-chat>`);
    await next.updateComplete;
    expect(next.open, 'the next page opens the panel the visitor closed').to.equal(false);
    next.remove();
    expect(JSON.parse(localStorage.getItem(launcherKey(r.path, id))!).open, 'launcher state the loader reads').to.equal(false);
  });

  it('two chats on one key: only the first restores the saved conversation, the second starts its own in memory', async () => {
    const r = relays.relay().queue(welcomeChunks('Hi'), () => sseResponse(welcomeChunks('The answer')), welcomeChunks('Second chat'));
    const id = `shared-${++n}`;
    const first = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(first).length === 1 && first.conversation.transcript.status === 'idle', 'welcome');
    await typeAndEnter(first, 'saved question');
    await waitUntil(() => botMessages(first).length === 2 && first.conversation.transcript.status === 'idle', 'answer');
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    first.remove();
    const warn = console.warn;
    const warned: unknown[] = [];
    console.warn = (...args: unknown[]) => void warned.push(args[0]);
    try {
      // The next page has two elements on that key, in its markup (connected in one task).
      const box = await fixture<HTMLElement>(
        html`<div>
          <indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat
          ><indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>
        </div>`,
      );
      const [a, b] = [...box.querySelectorAll('indigo-chat')] as [IndigoChat, IndigoChat];
      await Promise.all([a.updateComplete, b.updateComplete]);
      const asked = (el: IndigoChat) => el.conversation.transcript.messages.some((m) => m.role === 'user' && m.text === 'saved question');
      expect([asked(a), asked(b)]).to.deep.equal([true, false]);
      expect(String(warned[0])).to.contain('kept in memory only');
      box.remove();
    } finally {
      console.warn = warn;
    }
  });
});
