// Issue 7 in the real element: nothing before the visitor acts, consent, the AI disclosure,
// and hostile bot HTML that must not make a request on render. Requests are watched at
// the service worker (msw sees every request the page makes) and storage writes by
// wrapping the Storage and cookie setters.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { http, HttpResponse, passthrough } from 'msw';
import { setupWorker, type SetupWorker } from 'msw/browser';
import { streamsThroughWorker } from '../../mock-platform/msw.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import type { FakeRelay, Wire } from './fake-relay.test-helper.js';
import {
  ALLOWED,
  appendOnlyGeneration,
  ATTACKER,
  editedGeneration,
  editStates,
  PNG,
  REVIEW_PAYLOADS,
  VECTORS,
} from '../../html/hostile-html.test-helper.js';
import { ALLOWED_ATTR, ALLOWED_TAGS } from '../../html/sanitize-policy.js';
import { safeUrl } from '../../html/url-policy.js';
import { buildTranscript } from './transcript-export.js';

const relays = useFakeRelays('privacy');
let n = 0;

const PLATFORM_MEDIA = 'https://platform-media.example';

/**
 * Where request handlers go so that they see image requests too: the fake relay's service
 * worker, or (WebKit, where the fake relay answers inside the page and so has no worker) a
 * worker of this file's own, for the media hosts and the catch-all monitor.
 */
let mediaWorker: SetupWorker | null = null;
before(async () => {
  if (streamsThroughWorker()) return;
  mediaWorker = setupWorker();
  await mediaWorker.start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass' });
});
after(() => mediaWorker?.stop());
afterEach(() => mediaWorker?.resetHandlers());
const useMonitor = (...handlers: Parameters<SetupWorker['use']>) => (mediaWorker ? mediaWorker.use(...handlers) : relays.use(...handlers));

/** Every request the page makes from now on (service worker), and the media hosts answered. */
function watchRequests(): string[] {
  const seen: string[] = [];
  useMonitor(
    http.all(`${ATTACKER}/*`, ({ request }) => {
      seen.push(request.url);
      return new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } });
    }),
    http.get(`${ALLOWED}/*`, ({ request }) => {
      seen.push(request.url);
      return new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } });
    }),
    http.get(`${PLATFORM_MEDIA}/*`, ({ request }) => {
      seen.push(request.url);
      return new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } });
    }),
    http.all('*', ({ request }) => {
      seen.push(request.url);
      return passthrough();
    }),
  );
  return seen;
}

/** Counts writes to localStorage, sessionStorage and cookies until `stop()`. */
function watchStorageWrites(): { writes: string[]; stop(): void } {
  const writes: string[] = [];
  const proto = Storage.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back by stop()
  const original = { setItem: proto.setItem, removeItem: proto.removeItem, clear: proto.clear };
  proto.setItem = function (key: string, value: string) {
    writes.push(`setItem ${key}`);
    return original.setItem.call(this, key, value);
  };
  proto.removeItem = function (key: string) {
    writes.push(`removeItem ${key}`);
    return original.removeItem.call(this, key);
  };
  proto.clear = function () {
    writes.push('clear');
    return original.clear.call(this);
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => cookie.get!.call(document) as string,
    set: (v: string) => {
      writes.push(`cookie ${v}`);
      cookie.set!.call(document, v);
    },
  });
  return {
    writes,
    stop: () => {
      Object.assign(proto, original);
      delete (document as { cookie?: unknown }).cookie;
    },
  };
}

const frames = (k = 3) =>
  new Promise<void>((r) => {
    const step = (i: number) => (i === 0 ? r() : requestAnimationFrame(() => step(i - 1)));
    step(k);
  });

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

/** Every attribute is in place before the element connects, as in a page's HTML. */
async function mount(r: FakeRelay, attrs: Record<string, string> = {}): Promise<IndigoChat> {
  n++;
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', r.path);
  el.setAttribute('id', `privacy-${n}`);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  return el;
}

const openLauncher = async (el: IndigoChat) => {
  $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
  await el.updateComplete;
  // The consent notice loads on demand (consent.ts): wait for it, not for its placeholder.
  await waitUntil(() => !$(el, '.consent[aria-busy]'), 'consent notice loaded');
};

describe('nothing before the visitor acts', () => {
  it('launcher untouched: no request and no storage write, even on pagehide and removal', async () => {
    const requests = watchRequests();
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks());
      const el = await mount(r, { avatar: `${ALLOWED}/avatar.png`, title: 'Shop' });
      await frames(5);
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      el.remove();
      await frames(2);
      expect(requests).to.deep.equal([]);
      expect(storage.writes).to.deep.equal([]);
      expect(r.sessions).to.equal(0);
    } finally {
      storage.stop();
    }
  });

  it('the first open starts the conversation and saving', async () => {
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks());
      const el = await mount(r);
      expect(storage.writes).to.deep.equal([]);
      await openLauncher(el);
      await waitUntil(() => botMessages(el).length === 1, 'welcome rendered');
      expect(r.sessions).to.equal(1);
      await waitUntil(() => storage.writes.length > 0, 'saved after the visitor acted');
    } finally {
      storage.stop();
    }
  });

  it('a teaser of the welcome (teaser=""): the welcome is fetched, nothing is stored until the visitor opens', async () => {
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks('Hi! Questions about your order?'));
      const el = await mount(r, { teaser: '', 'teaser-delay': '0' });
      await waitUntil(() => $(el, '[part~="teaser"]')?.textContent?.includes('Questions about your order'), 'teaser shown');
      await new Promise((r) => setTimeout(r, 300));
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      // (An earlier test's element may still finish its own save: only this element's keys count.)
      const mine = () => storage.writes.filter((w) => w.includes(`${r.path}#${el.id}`));
      expect(mine(), 'nothing stored for a welcome nobody asked for').to.deep.equal([]);
      await openLauncher(el);
      await waitUntil(() => storage.writes.some((w) => w === `setItem indigo-chat:v1:${r.path}#${el.id}`), 'saved once the visitor opened');
    } finally {
      storage.stop();
    }
  });

  it('inline below the fold: nothing until it scrolls into view (IntersectionObserver)', async () => {
    const r = relays.relay().queue(welcomeChunks());
    const spacer = document.createElement('div');
    spacer.style.height = '4000px';
    document.body.prepend(spacer);
    try {
      const el = await mount(r, { mode: 'inline' });
      el.style.height = '400px';
      await frames(5);
      expect(r.sessions).to.equal(0);
      el.scrollIntoView();
      await waitUntil(() => botMessages(el).length === 1, 'started once visible');
      expect(r.sessions).to.equal(1);
    } finally {
      spacer.remove();
      window.scrollTo(0, 0);
    }
  });
});

describe('consent="required"', () => {
  it('shows the notice first; nothing is sent or stored before Accept; Accept starts and is remembered', async () => {
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks(), welcomeChunks('Welcome back'));
      const el = await mount(r, {
        consent: 'required',
        'consent-text': 'We use an AI provider.',
        'privacy-url': '/privacy.html',
        id: 'consent-keeper',
      });
      await openLauncher(el);
      const notice = $(el, '[part~="consent"]')!;
      expect(notice).to.not.equal(null);
      expect(notice.textContent).to.contain('We use an AI provider.');
      expect($<HTMLAnchorElement>(el, '[part~="consent"] a')!.href).to.equal(`${location.origin}/privacy.html`);
      const accept = $<HTMLButtonElement>(el, '[part~="consent-accept"]')!;
      expect(accept.textContent.trim()).to.equal('Accept');
      expect($(el, '[part~="consent-decline"]')!.textContent.trim()).to.equal('Decline');
      expect(el.shadowRoot!.activeElement).to.equal(accept);
      expect($(el, '[part~="composer"]')!.hidden).to.equal(true);
      expect(el.send('hello?')).to.equal(false);
      el.restart(); // the header's restart button is there too: it must not start anything
      $<HTMLButtonElement>(el, '[part~="restart"]')!.click();
      await frames(3);
      expect(r.sessions).to.equal(0);
      // This chat's writes (and any cookie): an earlier test's chat may still flush its own
      // (the save throttle, its stored format arriving after removal), which is not this one.
      expect(storage.writes.filter((w) => !w.startsWith('setItem indigo-chat:') || w.includes(`${r.path}#`))).to.deep.equal([]);

      accept.click();
      // The whole welcome, not its first chunk: processing.start alone makes an empty bot
      // message, and a page left then saves no welcome to restore (Chromium under load: the
      // reload below showed 0 messages).
      await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'started after Accept');
      expect($(el, '[part~="consent"]')).to.equal(null);
      await waitUntil(() => storage.writes.some((w) => w.includes('consent-keeper')), 'remembered');
      expect(localStorage.getItem(`indigo-chat:v1:${r.path}#consent-keeper`)).to.contain('"consent":true');

      // A reload remembers the choice: no notice.
      el.remove();
      const again = await mount(r, { consent: 'required', id: 'consent-keeper' });
      await openLauncher(again);
      expect($(again, '[part~="consent"]')).to.equal(null);
      expect(botMessages(again).length).to.equal(1);
    } finally {
      storage.stop();
    }
  });

  it('is read as HTML reads its own keywords: consent=" Required ", storage="NONE" and mode="Inline" are not the defaults', async () => {
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks());
      const el = await mount(r, { consent: ' Required ' });
      await openLauncher(el);
      expect($(el, '[part~="consent"]')).to.not.equal(null);
      await frames(3);
      expect(r.sessions).to.equal(0);

      const r2 = relays.relay().queue(welcomeChunks('Inline, kept in memory'));
      const inline = await mount(r2, { storage: 'NONE', mode: 'Inline', style: 'display:block;height:400px' });
      expect($(inline, '[part~="launcher"]')).to.equal(null);
      await waitUntil(() => botMessages(inline).length === 1 && inline.conversation.transcript.status === 'idle', 'inline welcome');
      inline.send('stored nowhere');
      await waitUntil(() => botMessages(inline).length === 2 && inline.conversation.transcript.status === 'idle', 'answer');
      inline.remove();
      window.dispatchEvent(new Event('pagehide'));
      expect(storage.writes).to.deep.equal([]);
    } finally {
      storage.stop();
    }
  });

  it('Decline (memory, the default): the chat works, nothing is stored on the device', async () => {
    const storage = watchStorageWrites();
    try {
      const r = relays.relay().queue(welcomeChunks());
      const el = await mount(r, { consent: 'required', lang: 'it' });
      await openLauncher(el);
      const decline = $<HTMLButtonElement>(el, '[part~="consent-decline"]')!;
      expect(decline.textContent.trim()).to.equal('Rifiuto');
      decline.click();
      await waitUntil(() => botMessages(el).length === 1, 'the chat works in memory');
      expect(el.shadowRoot!.querySelector('.memory-only')!.textContent).to.contain('Niente viene salvato');
      expect(el.send('ciao')).to.equal(true);
      await waitUntil(() => botMessages(el).length === 2, 'answered');
      // A vote is kept in memory too (the feedback's own key is storage like the rest).
      await waitUntil(() => botMessages(el)[1]!.querySelector('[part~="thumb-up"]'), 'thumbs');
      const up = botMessages(el)[1]!.querySelector<HTMLButtonElement>('[part~="thumb-up"]')!;
      up.click();
      await waitUntil(() => up.getAttribute('aria-pressed') === 'true', 'vote taken');
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      el.remove();
      expect(storage.writes).to.deep.equal([]);
    } finally {
      storage.stop();
    }
  });

  it("a second chat on the same key (kept in memory only) stores no votes over the first one's", async () => {
    const storage = watchStorageWrites();
    const warn = console.warn;
    console.warn = () => {}; // the second element's "kept in memory only" warning
    try {
      const r = relays.relay().queue(welcomeChunks(), welcomeChunks(), welcomeChunks('An answer'));
      const [first, second] = [0, 1].map(() => {
        const el = document.createElement('indigo-chat');
        el.setAttribute('relay', r.path);
        el.setAttribute('mode', 'inline');
        document.body.append(el);
        mounted.push(el);
        return el;
      });
      await waitUntil(() => botMessages(first!).length === 1 && botMessages(second!).length === 1, 'both welcomed');
      second!.send('hi');
      await waitUntil(() => second!.shadowRoot!.querySelectorAll('[part~="thumb-up"]').length > 0, 'thumbs');
      const up = botMessages(second!).at(-1)!.querySelector<HTMLButtonElement>('[part~="thumb-up"]')!;
      up.click();
      await waitUntil(() => up.getAttribute('aria-pressed') === 'true', 'vote taken');
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(storage.writes.filter((w) => w.endsWith(`${r.path}#:feedback`))).to.deep.equal([]);
    } finally {
      console.warn = warn;
      storage.stop();
    }
  });

  it('Decline with decline-action="close": the panel closes, nothing is sent, the notice returns', async () => {
    const r = relays.relay().queue(welcomeChunks());
    const el = await mount(r, { consent: 'required', 'decline-action': 'close' });
    await openLauncher(el);
    $<HTMLButtonElement>(el, '[part~="consent-decline"]')!.click();
    await el.updateComplete;
    expect(el.open).to.equal(false);
    await openLauncher(el);
    expect($(el, '[part~="consent"]')).to.not.equal(null);
    expect(r.sessions).to.equal(0);
  });
});

describe('the AI disclosure', () => {
  it('opens every conversation, localized, replaceable, or off', async () => {
    const r = relays.relay().queue(welcomeChunks(), welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1);
    const line = () => $(el, '[part~="disclosure"]');
    const transcript = $(el, '[part~="transcript"]')!;
    expect(transcript.firstElementChild).to.equal(line());
    expect(line()!.textContent).to.contain("You're chatting with an AI assistant");
    expect(line()!.getAttribute('role')).to.equal('listitem');
    el.restart();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle');
    expect(line()).to.not.equal(null);
    el.lang = 'it';
    await el.updateComplete;
    expect(line()!.textContent).to.contain('intelligenza artificiale');
    el.disclosure = 'Risponde Ada, un assistente virtuale (IA).';
    await el.updateComplete;
    expect(line()!.textContent).to.equal('Risponde Ada, un assistente virtuale (IA).');
    el.disclosure = 'off';
    await el.updateComplete;
    expect(line()).to.equal(null);
  });

  it('marks generated answers as AI-generated for assistive technology, and only those', async () => {
    const gen: Wire[] = [
      { type: 'processing.start' },
      { type: 'generation.start', data: { generation_id: 'g1' } },
      { type: 'generation.chunk', data: { generation_id: 'g1', chunk: 'Hi', deltas: [{ command: 'ins', value: '<p>Hi</p>' }] } },
      { type: 'generation.end', data: { generation_id: 'g1' } },
      { type: 'processing.end' },
    ];
    const generatedText: Wire[] = [
      { type: 'processing.start' },
      { type: 'text', is_generated: true, data: { text: '<p>An answer the model wrote.</p>' } },
      { type: 'processing.end' },
    ];
    const r = relays.relay().queue(welcomeChunks(), gen, generatedText);
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle');
    el.send('a');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle');
    el.send('b');
    await waitUntil(() => botMessages(el).length === 3 && el.conversation.transcript.status === 'idle');
    await el.updateComplete; // the last render may still be waiting for its animation frame
    const labels = botMessages(el).map((m) => m.querySelector('.visually-hidden')!.textContent);
    expect(labels).to.deep.equal(['Assistant:', 'Assistant (AI-generated):', 'Assistant (AI-generated):']);
  });
});

describe('hostile bot HTML through the element', () => {
  /** A welcome of static text holding every vector, then a generation holding them all. */
  function hostileReplies(): Wire[][] {
    const all = VECTORS.map((v) => v.html).join('');
    return [
      [{ type: 'processing.start' }, { type: 'text', data: { text: all } }, { type: 'processing.end' }],
      appendOnlyGeneration('h1', all) as Wire[],
    ];
  }

  it('no request to a host nobody allowed, in static text or a generation; a click loads one image', async () => {
    const requests = watchRequests();
    const r = relays.relay().queue(...hostileReplies());
    const el = await mount(r, { mode: 'inline', 'delta-unit': 'utf16' });
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'static hostile text');
    el.send('more');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'hostile generation');
    await frames(4);
    // Control: an allowed image loads, so requests made on render have had their chance.
    const control = document.createElement('img');
    control.src = `${ALLOWED}/control.png`;
    document.body.append(control);
    await waitUntil(() => requests.includes(`${ALLOWED}/control.png`) && control.complete);
    control.remove();
    expect(requests.filter((u) => u.startsWith(ATTACKER))).to.deep.equal([]);
    const placeholders = $$(el, '[part~="blocked-media"]');
    const expected = VECTORS.filter((v) => v.img).length * 2;
    expect(placeholders.length).to.be.at.least(expected);
    expect(placeholders[0]!.textContent).to.contain('attacker.example');
    const button = placeholders[0]!.querySelector('button')!;
    button.click();
    await waitUntil(() => requests.filter((u) => u.startsWith(ATTACKER)).length === 1, 'exactly the clicked image loads');
    expect(requests.find((u) => u.startsWith(ATTACKER))).to.equal(`${ATTACKER}/p.gif?d=secret`);
  });

  it('the platform media origin announced in /session and media-origins load at once; `*` opts out', async () => {
    const requests = watchRequests();
    const r = relays.relay();
    relays.use(http.post(`${r.path}/session`, () => HttpResponse.json({ sender: 's-platform', mediaOrigins: [PLATFORM_MEDIA] })));
    const text = `<p><img src="${PLATFORM_MEDIA}/a.png" alt="platform"> <img src="${ALLOWED}/b.png" alt="owner"> <img src="${ATTACKER}/c.png" alt="other"></p>`;
    r.queue([{ type: 'processing.start' }, { type: 'text', data: { text } }, { type: 'processing.end' }]);
    const el = await mount(r, { mode: 'inline', 'media-origins': ALLOWED });
    await waitUntil(() => botMessages(el).length === 1);
    await waitUntil(() => requests.includes(`${PLATFORM_MEDIA}/a.png`) && requests.includes(`${ALLOWED}/b.png`), 'allowed images load');
    expect($$(el, '[part~="blocked-media"]').map((p) => p.textContent.trim())).to.deep.equal(['Show image “other” from attacker.example']);
    el.mediaOrigins = '*';
    await waitUntil(() => requests.includes(`${ATTACKER}/c.png`), '`*` lets it load');
    expect($$(el, '[part~="blocked-media"]').length).to.equal(0);
  });
});

/** Attributes we add to bot content (never the bot's: theirs are in ALLOWED_ATTR or gone). */
const OUR_ATTR = new Set(['target', 'rel', 'loading', 'decoding', 'referrerpolicy', 'tabindex']);

/**
 * What is wrong with the bot content on screen: an element outside the policy's allowlist
 * (bar our segment groups and click-to-load placeholders), an attribute outside it, a link
 * the URL policy would refuse, an image from a host nobody allowed, a comment.
 */
function auditBotContent(el: HTMLElement): string[] {
  const problems: string[] = [];
  const tags = new Set(ALLOWED_TAGS);
  const attrs = new Set(ALLOWED_ATTR);
  for (const box of $$(el, '[part~="message-bot"] .bubble:not(.generation), [part~="message-bot"] .generation-body')) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.COMMENT_NODE) {
        problems.push(`comment ${node.nodeValue}`);
        continue;
      }
      const e = node as Element;
      const what = `<${e.localName}>`;
      if (e.matches('[data-segment-group]')) {
        if (e.getAttributeNames().some((a) => a !== 'data-segment-group' && a !== 'style')) problems.push(`${what} group attrs`);
        continue;
      }
      const placeholder = e.closest('[part~="blocked-media"]');
      if (placeholder) {
        const ok = e === placeholder ? e.localName === 'span' : e.localName === 'button' && e.parentElement === placeholder;
        if (!ok || e.getAttributeNames().some((a) => !['part', 'class', 'type'].includes(a))) problems.push(`${what} in placeholder`);
        continue;
      }
      if (e.namespaceURI !== 'http://www.w3.org/1999/xhtml' || !tags.has(e.localName)) problems.push(what);
      for (const a of e.getAttributeNames()) if (!attrs.has(a) && !OUR_ATTR.has(a)) problems.push(`${what} ${a}=${e.getAttribute(a)}`);
      const href = e.getAttribute('href');
      if (href !== null && (e.localName !== 'a' || safeUrl(href, 'link') !== href)) problems.push(`${what} href=${href}`);
      const src = e.getAttribute('src');
      if (src !== null && (e.localName !== 'img' || !src.startsWith(`${ALLOWED}/`))) problems.push(`${what} src=${src}`);
    }
  }
  return problems;
}

describe('the security review’s payload table through the element', () => {
  it('whole, appended in odd slices and edited in place: nothing runs, nothing outside the policy shows, no request to a host nobody allowed', async () => {
    const w = window as { __pwned?: number };
    delete w.__pwned;
    const requests = watchRequests();
    const all = REVIEW_PAYLOADS.join('');
    const r = relays
      .relay()
      .queue(
        [{ type: 'processing.start' }, { type: 'text', data: { text: all } }, { type: 'processing.end' }],
        appendOnlyGeneration('review-1', all, 7) as Wire[],
        editedGeneration('review-2', editStates(all)) as Wire[],
      );
    const el = await mount(r, { mode: 'inline', 'delta-unit': 'utf16', 'media-origins': ALLOWED });
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'whole');
    for (const [k, text] of [
      [2, 'slices'],
      [3, 'edits'],
    ] as const) {
      el.send(text);
      await waitUntil(() => botMessages(el).length === k && el.conversation.transcript.status === 'idle', text);
      await el.updateComplete; // audit the answer's last render, not the frame before it
      expect(auditBotContent(el), text).to.deep.equal([]);
    }
    await frames(4);
    const control = document.createElement('img');
    control.src = `${ALLOWED}/review-control.png`;
    document.body.append(control);
    await waitUntil(() => requests.includes(`${ALLOWED}/review-control.png`) && control.complete, 'control image');
    control.remove();
    expect(el.conversation.transcript.messages.filter((m) => m.role === 'bot').map((m) => m.state)).to.deep.equal(['done', 'done', 'done']);
    expect(auditBotContent(el)).to.deep.equal([]);
    expect(w.__pwned).to.equal(undefined);
    expect(requests.filter((u) => u.startsWith(ATTACKER))).to.deep.equal([]);
    // The attacker's images wait behind click-to-load placeholders in all three renderings.
    const held = botMessages(el).map((m) => m.querySelectorAll('[part~="blocked-media"]').length);
    expect(held.every((k) => k > 0)).to.equal(true);

    // The downloaded file is that sanitized DOM serialized: parsed again as the visitor's
    // browser opens it, it holds only the policy's elements (images as links) and ours.
    const file = buildTranscript(el.conversation.transcript, {
      format: 'html',
      title: 'Shop',
      siteTitle: 'Shop',
      lang: 'en',
      dir: 'ltr',
      mediaOrigins: [ALLOWED],
      now: Date.now(),
      you: 'You',
      assistant: 'Assistant',
      heading: (t) => t,
    });
    const doc = new DOMParser().parseFromString(file.content, 'text/html');
    const fileTags = new Set([...ALLOWED_TAGS, 'h1', 'ol', 'li', 'time']);
    const fileAttrs = new Set([...ALLOWED_ATTR, 'target', 'rel', 'class']);
    const outside = [...doc.body.querySelectorAll('*')].flatMap((e) => [
      ...(fileTags.has(e.localName) && e.localName !== 'img' ? [] : [`<${e.localName}>`]),
      ...e
        .getAttributeNames()
        .filter((a) => !fileAttrs.has(a))
        .map((a) => `<${e.localName}> ${a}`),
    ]);
    expect(outside).to.deep.equal([]);
    expect([...doc.head.children].map((e) => e.localName)).to.deep.equal(['meta', 'meta', 'meta', 'meta', 'title', 'style']);
  });
});
