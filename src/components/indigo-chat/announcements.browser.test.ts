// What the live region says, and where it is, in the cases a review of the element's
// focus and announcement paths found wrong: a modal panel (fullscreen, phones) made the
// region inert, a modal moved in the page stopped being modal, repeats and joint
// announcements were lost, offline went unsaid beside an error, and the jump button
// outlived what it jumped to.
import { aTimeout, expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, mountInlineChat, sseResponse, typeAndEnter, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import type { FakeRelay, Wire } from './fake-relay.test-helper.js';

const relays = useFakeRelays('announce');
const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

function mount(r: FakeRelay, attrs: Record<string, string>): IndigoChat {
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', r.path);
  el.setAttribute('lang', 'en');
  el.setAttribute('storage', 'none');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  mounted.push(el);
  return el;
}

const region = (el: IndigoChat) => $(el, '[aria-live="polite"]')!;
const idleWith = (el: IndigoChat, bots: number) => botMessages(el).length === bots && el.conversation.transcript.status === 'idle';
const answer = (text: string): Wire[] => [
  { type: 'processing.start' },
  { type: 'text', data: { text: `<p>${text}</p>` } },
  { type: 'processing.end' },
];

/** Every text the live region takes from now on. */
function said(el: IndigoChat): string[] {
  const texts: string[] = [];
  const target = () => region(el);
  let observed = target();
  const mo = new MutationObserver(() => texts.push(observed.textContent.trim()));
  mo.observe(observed, { childList: true, characterData: true, subtree: true });
  // The region may be re-created (moved into or out of a modal): follow it.
  const follow = setInterval(() => {
    if (target() !== observed) {
      observed = target();
      mo.observe(observed, { childList: true, characterData: true, subtree: true });
      texts.push(observed.textContent.trim());
    }
  }, 20);
  mounted.push({ remove: () => (mo.disconnect(), clearInterval(follow)) } as unknown as HTMLElement);
  return texts;
}

describe('the live region of a modal panel', () => {
  it('fullscreen: inside the modal dialog (not inert), and the welcome is said', async () => {
    const r = relays.relay().queue(welcomeChunks('Fullscreen welcome'));
    const el = mount(r, { mode: 'fullscreen' });
    await waitUntil(() => idleWith(el, 1), 'welcome');
    await el.updateComplete;
    const live = region(el);
    expect(live.closest('dialog')?.matches(':modal'), 'in the open modal').to.equal(true);
    await waitUntil(() => live.textContent.includes('Fullscreen welcome'), 'the welcome said');
  });

  it('a modal panel moved in the page is modal again, and the page scroll locked', async () => {
    const r = relays.relay().queue(welcomeChunks());
    const el = mount(r, { mode: 'fullscreen' });
    await waitUntil(() => idleWith(el, 1), 'welcome');
    const other = document.createElement('div');
    document.body.append(other);
    mounted.push(other);
    other.append(el);
    await el.updateComplete;
    expect($(el, 'dialog[part~="panel"]')!.matches(':modal')).to.equal(true);
    expect(getComputedStyle(document.documentElement).overflow).to.equal('hidden');
  });
});

describe('what the live region says', () => {
  it('the same answer twice is said twice', async () => {
    const r = relays.relay().queue(welcomeChunks(), answer('Sorry, I did not understand.'), answer('Sorry, I did not understand.'));
    const el = mount(r, { mode: 'launcher', open: '' });
    await waitUntil(() => idleWith(el, 1), 'welcome');
    await typeAndEnter(el, 'a');
    await waitUntil(() => idleWith(el, 2) && region(el).textContent.includes('Sorry'), 'first said');
    const texts = said(el);
    await typeAndEnter(el, 'b');
    await waitUntil(() => idleWith(el, 3), 'second answer');
    await waitUntil(() => texts.some((t) => t.includes('Sorry')), 'second said', { timeout: 2000 });
  });

  it('a teaser of the welcome (teaser="") is said with the unread count it brings, not replaced by it', async () => {
    const r = relays.relay().queue(welcomeChunks('Spring sale on every bike.'));
    const el = mount(r, { mode: 'launcher', id: 'announce-teaser' });
    await el.updateComplete;
    const texts = said(el);
    el.setAttribute('teaser', '');
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    await aTimeout(500);
    expect(texts.join(' | ')).to.contain('Spring sale on every bike.');
    expect(texts.join(' | ')).to.contain('1 unread message');
  });

  it('a message sent while an answer is on its way is said to wait, as its bubble shows', async () => {
    const r = relays.relay().queue(welcomeChunks(), () => sseResponse([{ type: 'processing.start' }], { stall: true }));
    const el = mount(r, { mode: 'launcher', open: '' });
    await waitUntil(() => idleWith(el, 1), 'welcome');
    await typeAndEnter(el, 'first');
    await waitUntil(() => el.conversation.transcript.status !== 'idle', 'the answer on its way');
    const texts = said(el);
    await typeAndEnter(el, 'second');
    await waitUntil(() => $(el, '.queued') !== null, 'the second message queued');
    await waitUntil(() => texts.some((t) => t.includes('Waiting to send')), 'queued said');
  });

  it('going offline is said when an error notice is already up', async () => {
    const r = relays.relay().queue(welcomeChunks(), new Response('', { status: 500 }));
    const el = mount(r, { mode: 'launcher', open: '' });
    await waitUntil(() => idleWith(el, 1), 'welcome');
    await typeAndEnter(el, 'hello?');
    await waitUntil(() => region(el).textContent.includes('could not be sent'), 'the failure said');
    window.dispatchEvent(new Event('offline'));
    try {
      await waitUntil(() => region(el).textContent.includes('offline'), 'offline said');
    } finally {
      window.dispatchEvent(new Event('online'));
    }
  });
});

describe('the jump button', () => {
  it('is gone after a restart leaves nothing below (the reader had scrolled to the top)', async () => {
    const long = `<p>${'A long answer line. '.repeat(60)}</p>`;
    const r = relays.relay().queue(welcomeChunks(), answer(long), answer(long), welcomeChunks('Fresh start'));
    const box = document.createElement('div');
    document.body.append(box);
    mounted.push(box);
    const el = mountInlineChat(r.path, box, 'display:block;width:320px;height:400px');
    el.scrollIntoView();
    await waitUntil(() => idleWith(el, 1), 'welcome');
    await typeAndEnter(el, 'one');
    await waitUntil(() => idleWith(el, 2), 'first');
    await typeAndEnter(el, 'two');
    await waitUntil(() => idleWith(el, 3), 'second');
    const transcript = $(el, '[part~="transcript"]')!;
    transcript.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, bubbles: true }));
    transcript.scrollTop = 0;
    await waitUntil(() => $(el, '[part~="jump"]') !== null, 'the jump button, scrolled up');
    el.restart();
    await waitUntil(() => idleWith(el, 1) && botMessages(el)[0]!.textContent.includes('Fresh start'), 'the new welcome');
    await aTimeout(200);
    expect($(el, '[part~="jump"]')).to.equal(null);
  });
});
