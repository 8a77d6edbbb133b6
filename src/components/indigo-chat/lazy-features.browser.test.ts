// Teaser and voice input load on demand (docs/decisions/open-time-bytes.md): an element
// without them imports nothing of theirs, and a failed import leaves the chat working.
import { aTimeout, expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, carouselChunks, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import { lazyTesting } from '../blocks/lazy-part.js';
import { createTranscript, reduce } from '../../core/index.js';

const relays = useFakeRelays('lazyfeat');
let n = 0;

async function mount(attrs: Record<string, string>): Promise<IndigoChat> {
  n++;
  const r = relays.relay().queue(welcomeChunks());
  const el = document.createElement('indigo-chat');
  el.setAttribute('relay', r.path);
  el.id = `lazyfeat-${n}`;
  el.setAttribute('storage', 'none');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** An inline element after its welcome (whose announcement would replace a later one). */
async function welcomed(): Promise<IndigoChat> {
  const el = await mount({ mode: 'inline' });
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  await el.updateComplete;
  return el;
}

const announced = (el: IndigoChat, text: string) =>
  waitUntil(() => $(el, '[aria-live="polite"]')!.textContent === text, `announced: ${text}`);

/** Counts imports of a lazy part (through the real module, or a failure). */
function counted(name: string, importer: () => Promise<unknown>): { count: number } {
  const seen = { count: 0 };
  lazyTesting.override(name, () => {
    seen.count++;
    return importer();
  });
  return seen;
}

afterEach(async () => {
  document.body.replaceChildren();
  delete (window as unknown as Record<string, unknown>).SpeechRecognition;
  await lazyTesting.restore();
});

describe('teaser on demand', () => {
  it('a launcher without `teaser` never imports it; with it, the teaser shows styled', async () => {
    const imports = counted('teaser', () => import('./teaser.js'));
    const plain = await mount({});
    await aTimeout(30);
    expect(imports.count).to.equal(0);
    expect($(plain, '[part~="teaser"]') === null).to.equal(true);
    const teased = await mount({ teaser: 'Need a hand?' });
    await waitUntil(() => $(teased, '[part~="teaser"]'), 'teaser');
    expect(imports.count).to.equal(1);
    expect(getComputedStyle($(teased, '[part~="teaser"]')!).position).to.equal('absolute');
  });

  it('a failed import shows no teaser and the launcher still opens the chat', async () => {
    lazyTesting.override('teaser', () => Promise.reject(new Error('chunk failed')));
    const el = await mount({ teaser: 'Need a hand?' });
    await aTimeout(50);
    expect($(el, '[part~="teaser"]') === null).to.equal(true);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => botMessages(el).length === 1, 'welcome');
  });
});

describe('voice input on demand', () => {
  it('the dictation code loads on the first click of the microphone, not before', async () => {
    let started = 0;
    (window as unknown as Record<string, unknown>).SpeechRecognition = class {
      lang = '';
      start() {
        started++;
      }
      stop() {}
      abort() {}
    };
    const imports = counted('voice', () => import('./voice-dictation.js'));
    const el = await mount({ mode: 'inline' });
    const mic = $<HTMLButtonElement>(el, '[part~="mic"]')!;
    expect(imports.count).to.equal(0);
    mic.click();
    await waitUntil(() => started === 1, 'recognition started');
    expect(imports.count).to.equal(1);
    await el.updateComplete;
    expect(mic.hasAttribute('data-listening')).to.equal(true);
  });

  it('a failed import is said politely and nothing else changes', async () => {
    (window as unknown as Record<string, unknown>).SpeechRecognition = class {};
    lazyTesting.override('voice', () => Promise.reject(new Error('chunk failed')));
    const el = await welcomed();
    $<HTMLButtonElement>(el, '[part~="mic"]')!.click();
    await announced(el, 'Voice input is not available');
    expect($(el, '[part~="input"]') !== null).to.equal(true);
  });
});

describe('consent notice on demand', () => {
  it('an element without consent never imports it; with consent="required" a quiet box, then the notice with focus on Accept', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const imports = counted('consent', () => gate.then(() => import('./consent.js')));
    const plain = await mount({});
    $<HTMLButtonElement>(plain, '[part~="launcher"]')!.click();
    await waitUntil(() => botMessages(plain).length === 1, 'welcome');
    expect(imports.count).to.equal(0);
    const el = await mount({ consent: 'required' });
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await el.updateComplete;
    // (Booleans: chai would format a failing element match at length.)
    expect($(el, '.consent[aria-busy="true"]') !== null, 'placeholder').to.equal(true);
    expect($(el, '[part~="consent"]') === null, 'no notice yet').to.equal(true);
    expect($(el, '[part~="composer"]')!.hidden, 'nothing to type into before the choice').to.equal(true);
    release();
    await waitUntil(
      () => $(el, '[part~="consent-accept"]') !== null && el.shadowRoot!.activeElement === $(el, '[part~="consent-accept"]'),
      'focus on Accept',
    );
    expect($(el, '.consent[aria-busy]') === null, 'placeholder gone').to.equal(true);
    // Its styles joined the shadow root with it.
    expect(getComputedStyle($(el, '[part~="consent"]')!).display).to.equal('flex');
  });

  it('a failed import still lets the visitor accept (owner text, plain buttons), and the chat starts', async () => {
    lazyTesting.override('consent', () => Promise.reject(new Error('chunk failed')));
    const el = await mount({ consent: 'required', 'consent-text': 'We use an AI provider.' });
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => $(el, '[part~="consent"]'), 'fallback notice');
    expect($(el, '[part~="consent"]')!.textContent).to.contain('We use an AI provider.');
    expect(botMessages(el)).to.have.length(0);
    $<HTMLButtonElement>(el, '[part~="consent-accept"]')!.click();
    await waitUntil(() => botMessages(el).length === 1, 'welcome after Accept');
  });

  it("the failed import's plain buttons speak the chat's language, in a named group", async () => {
    lazyTesting.override('consent', () => Promise.reject(new Error('chunk failed')));
    const el = await mount({ consent: 'required', lang: 'it' });
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await waitUntil(() => $(el, '[part~="consent-accept"]'), 'fallback notice');
    const group = $(el, '[part~="consent"]')!;
    expect([
      group.getAttribute('aria-label'),
      $(el, '[part~="consent-accept"]')!.textContent.trim(),
      $(el, '[part~="consent-decline"]')!.textContent.trim(),
    ]).to.deep.equal(['Prima di iniziare', 'Accetto', 'Rifiuto']);
  });
});

describe('copy on demand', () => {
  it('a failed answer-content import says the copy failed; the answer stays', async () => {
    lazyTesting.override('answer-content', () => Promise.reject(new Error('chunk failed')));
    const el = await welcomed();
    $<HTMLButtonElement>(el, '[part~="copy"]')!.click();
    await announced(el, 'The answer could not be copied');
    expect(botMessages(el)[0]!.textContent).to.contain('Hello! How can I help?');
  });
});

describe('a restored conversation ending in a lazy block', () => {
  it('shows the placeholder, then the carousel, and stays on the latest message', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    lazyTesting.override('carousel', () => gate.then(() => import('../blocks/carousel.js')));
    const at = Date.now();
    let t = createTranscript();
    const answer = (chunks: object[]) => {
      for (const c of [{ type: 'processing.start' }, ...chunks, { type: 'processing.end' }])
        t = reduce(t, { type: 'chunk', chunk: c as never, at });
      t = reduce(t, { type: 'stream-ended', at });
    };
    for (let i = 0; i < 8; i++) {
      t = reduce(t, { type: 'send', data: { type: 'text', text: `question ${i}` }, at });
      answer([{ type: 'text', text: `<p>answer ${i}</p>`, isCaption: false, isGenerated: false }]);
    }
    t = reduce(t, { type: 'send', data: { type: 'text', text: 'bikes?' }, at });
    answer([
      { type: 'carousel.start', carouselId: '7' },
      ...[1, 2, 3].flatMap((i) => [
        { type: 'carousel.card.start', carouselId: '7', cardIndex: i, title: `Bike ${i}`, description: 'A bike', image: null },
        { type: 'carousel.card.end', carouselId: '7', cardIndex: i },
      ]),
      { type: 'carousel.end', carouselId: '7' },
    ]);
    const el = await mount({ mode: 'inline' });
    el.style.height = '320px';
    el.conversation.restore(t, 'sender-x');
    el.requestUpdate();
    await waitUntil(() => $(el, '.lazy-part.carousel') !== null, 'placeholder');
    const list = $(el, '[part~="transcript"]')!;
    release();
    await waitUntil(() => $(el, '[part~="carousel"] [part~="card"]') !== null, 'carousel');
    await waitUntil(() => list.scrollHeight - list.clientHeight - list.scrollTop <= 2, 'on the latest message');
    expect(list.scrollHeight > list.clientHeight, 'the transcript scrolls').to.equal(true);
  });
});

describe('header menu behaviour on demand', () => {
  it('loads once (idle prefetch or the first click) and the menu opens on its first item', async () => {
    const imports = counted('header-menu', () => import('./header-menu-keys.js'));
    const el = await mount({ mode: 'inline' });
    const button = $<HTMLButtonElement>(el, '[part~="menu"]')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect($(el, '[role="menu"]')!.hidden).to.equal(true);
    button.click();
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('data-format') === 'txt', 'focus on the first item');
    expect(imports.count).to.equal(1);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
  });
});

describe('a part whose import failed', () => {
  const bikes = [{ type: 'processing.start' }, ...carouselChunks(5), { type: 'processing.end' }];

  it('is fetched again when the chat opens again and when the connection comes back; the carousel replaces its fallback', async () => {
    let fail = true;
    const imports = counted('carousel', () => (fail ? Promise.reject(new Error('chunk failed')) : import('../blocks/carousel.js')));
    const r = relays.relay().queue(welcomeChunks()).queue(bikes);
    const el = document.createElement('indigo-chat');
    el.setAttribute('relay', r.path);
    el.setAttribute('storage', 'none');
    el.id = `lazyfeat-retry-${++n}`;
    document.body.append(el);
    el.show();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    el.send('bikes');
    await waitUntil(
      () => botMessages(el)[1]?.textContent.includes('Bike 2') && el.conversation.transcript.status === 'idle',
      'the fallback',
    );
    await aTimeout(50);
    expect($(el, '[part~="carousel"]')).to.equal(null);
    const tried = imports.count;
    // Renders meanwhile fetch nothing; opening the chat again tries once more (still failing: the fallback stays).
    el.hide();
    await el.updateComplete;
    expect(imports.count).to.equal(tried);
    el.show();
    await waitUntil(() => imports.count === tried + 1, 'tried again on open');
    await aTimeout(20);
    expect(botMessages(el)[1]!.textContent).to.contain('Bike 2');
    expect($(el, '.lazy-part')).to.equal(null);
    fail = false;
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => $(el, '[part~="carousel"]'), 'the carousel once the connection is back');
    expect(imports.count).to.equal(tried + 2);
  });
});
