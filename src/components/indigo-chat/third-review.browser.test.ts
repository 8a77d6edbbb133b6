/**
 * Third keyboard and screen-reader review (docs/decisions/focus-and-status-announcements.md):
 * what the live region says for an answer with media, and the defects found in real
 * browsers, each asserted as a visitor meets it.
 */
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { resize } from '../../../test/support/resize.js';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { prefetchParts } from '../blocks/lazy-part.js';
import { $, $$, botMessages, typeAndEnter, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('third-review');
let n = 0;
const until = (check: () => boolean, what: string) => waitUntil(check, what, { timeout: 10_000 });
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;

async function inline(path: string): Promise<IndigoChat> {
  n++;
  const el = await fixture<IndigoChat>(
    html`<indigo-chat relay=${path} id=${`third-review-${n}`} mode="inline" lang="en" storage="none" media-origins="self"></indigo-chat>`,
  );
  await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
  await el.updateComplete;
  return el;
}

describe('what the live region says for an answer with media (third review)', () => {
  it('says an image’s alt, never the fallback text a playing <video>/<audio> hides', async () => {
    // The video and audio renderers load on demand: loaded first, the answer renders them at once.
    await prefetchParts(true);
    const r = relays
      .relay()
      .queue(welcomeChunks(), [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>Here it is.</p>' } },
        { type: 'image', data: { src: `${location.origin}/red-bike.png`, alt: 'A red city bike' } },
        { type: 'video', data: { src: `${location.origin}/clip.mp4`, alt: 'Assembling the bike' } },
        { type: 'audio', data: { src: `${location.origin}/tour.mp3`, title: 'Shop tour' } },
        { type: 'processing.end' },
      ]);
    const el = await inline(r.path);
    const region = $(el, '[aria-live="polite"]')!;
    await typeAndEnter(el, 'show me');
    await until(() => region.textContent.includes('Here it is.'), 'answer announced');
    const said = region.textContent.replace(/\s+/g, ' ').trim();
    // Both render, with no fallback text inside (every browser of the floor plays them).
    const answer = botMessages(el)[1]!;
    // (clip.mp4 is a 404 here: once its error arrives the player becomes a link to it, video.ts.)
    expect(answer.querySelector('video')?.textContent?.trim() ?? '').to.equal('');
    expect(answer.querySelector('audio')?.textContent?.trim()).to.equal('');
    expect(said).to.contain('A red city bike');
    expect(said).to.contain('Shop tour');
    expect(said).to.not.contain('cannot play');
    expect(said.match(/Shop tour/g)?.length).to.equal(1);
  });
});

describe('reflow at 320 px (third review)', () => {
  afterEach(() => resize(800, 600));

  it('the header menu opens inside a 320 px wide phone panel (launcher), every item whole', async function () {
    if (!(await resize(320, 568))) this.skip(); // WebKit's WebDriver cannot resize
    const r = relays.relay().queue(welcomeChunks());
    n++;
    const el = await fixture<IndigoChat>(
      html`<indigo-chat relay=${r.path} id=${`third-review-${n}`} lang="en" storage="none"></indigo-chat>`,
    );
    el.show();
    await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
    $<HTMLButtonElement>(el, '[part~="menu"]')!.click();
    await until(
      () => $(el, '[role="menu"]:not([hidden])') !== null && $(el, '[role="menu"]')!.getBoundingClientRect().width > 0,
      'menu open',
    );
    const panel = $(el, '[part~="panel"]')!.getBoundingClientRect();
    expect(Math.round(panel.width)).to.equal(320);
    const menu = $(el, '[role="menu"]')!.getBoundingClientRect();
    expect(Math.round(menu.left), 'menu left').to.be.at.least(Math.round(panel.left));
    expect(Math.round(menu.right), 'menu right').to.be.at.most(Math.round(panel.right));
    for (const item of $$(el, '[role="menuitem"]')) {
      const r = item.getBoundingClientRect();
      expect(item.scrollWidth, item.textContent).to.be.at.most(item.clientWidth + 1);
      expect(r.left >= panel.left - 1 && r.right <= panel.right + 1, item.textContent).to.equal(true);
    }
    el.hide();
  });
});

describe('focus when Stop goes away (third review)', () => {
  it('focus on Stop when the answer ends moves to Send, in the same place, not to the conversation', async () => {
    const r = relays.relay().queue(welcomeChunks());
    const el = await inline(r.path);
    // The answer streams from the page itself (WebKit cannot stream a body through msw's
    // worker) and ends when the test says so.
    let end = () => {};
    el.fetchImpl = async (url, init) => {
      if (typeof init.body !== 'string' || !init.body.includes('a story')) return fetch(url, init);
      const enc = new TextEncoder();
      const line = (w: object) => enc.encode(`data: ${JSON.stringify(w)}\n\n`);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(line({ type: 'processing.start' }));
          c.enqueue(line({ type: 'text', data: { text: '<p>Once upon a time</p>' } }));
          end = () => {
            c.enqueue(line({ type: 'processing.end' }));
            c.close();
          };
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    };
    await typeAndEnter(el, 'tell me a story');
    await until(() => $(el, '[part~="stop"]') !== null && botMessages(el).length === 2, 'answer streaming');
    $<HTMLButtonElement>(el, '[part~="stop"]')!.focus();
    end();
    await until(() => idle(el) && $(el, '[part~="send"]') !== null, 'answer ended');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('send');
  });
});

describe('carousel announcements (third review)', () => {
  it('arrow keys focus a card, which says its own position: the live region does not say it again; Next still says it', async () => {
    await prefetchParts(true);
    const cardOf = (i: number) => [
      { type: 'carousel.card.start', card_index: i, carousel_id: 7, data: { title: `Bike ${i}`, description: 'A bike', image: null } },
      { type: 'carousel.card.end', card_index: i, carousel_id: 7 },
    ];
    const r = relays
      .relay()
      .queue([
        { type: 'processing.start' },
        { type: 'carousel.start', data: { carousel_id: 7 } },
        ...cardOf(1),
        ...cardOf(2),
        ...cardOf(3),
        { type: 'carousel.end', data: { carousel_id: 7 } },
        { type: 'processing.end' },
      ]);
    const el = await inline(r.path);
    const strip = $(el, '.carousel-strip')!;
    const status = $(el, '.carousel-status')!;
    const heard: string[] = [];
    new MutationObserver(() => heard.push(status.textContent)).observe(status, { childList: true, subtree: true, characterData: true });
    strip.focus();
    await sendKeys({ press: 'ArrowRight' });
    const card = $$(el, '[part~="card"]')[1]!;
    await until(() => el.shadowRoot!.activeElement === card, 'card 2 focused');
    expect(card.getAttribute('aria-label')).to.equal('Card 2 of 3: Bike 2');
    // Longer than the region's delay (400 ms): it stays silent.
    await aTimeout(900);
    expect(heard).to.deep.equal([]);
    // Next leaves focus on itself: the region says where the strip went.
    $<HTMLButtonElement>(el, '[part~="carousel-next"]')!.click();
    await until(() => status.textContent === 'Card 3 of 3', 'card 3 said');
    expect(heard).to.deep.equal(['Card 3 of 3']);
  });
});

describe('an inline chat’s welcome and the live region', () => {
  const frames = async () => {
    for (let i = 0; i < 4; i++) await new Promise((r) => requestAnimationFrame(r));
    await aTimeout(150);
  };

  async function held(mode: string): Promise<{ el: IndigoChat; release: () => void }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = relays.relay().queue(async () => {
      await gate;
      return welcomeChunks('Welcome to the shop!');
    }, [{ type: 'processing.start' }, { type: 'text', data: { text: '<p>Opening hours: 9 to 18.</p>' } }, { type: 'processing.end' }]);
    n++;
    const wrap = await fixture<HTMLDivElement>(html`<div><button id="elsewhere">A page button</button></div>`);
    const el = document.createElement('indigo-chat');
    Object.assign(el, { id: `third-review-${n}` });
    for (const [k, v] of Object.entries({ relay: r.path, mode, lang: 'en', storage: 'none' })) el.setAttribute(k, v);
    wrap.append(el);
    await el.updateComplete;
    return { el, release };
  }

  it('is not said while the visitor is elsewhere on the page; their first answer is', async () => {
    const { el, release } = await held('inline');
    wrap(el).querySelector<HTMLButtonElement>('#elsewhere')!.focus();
    release();
    await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
    await frames();
    const region = $(el, '[aria-live="polite"]')!;
    expect(region.textContent.trim()).to.equal('');
    await typeAndEnter(el, 'hours?');
    await until(() => region.textContent.includes('Opening hours'), 'the answer is said');
    expect(region.textContent).to.not.contain('Welcome to the shop');
  });

  it('is said when the visitor is in the chat as it arrives, and in a launcher they opened', async () => {
    const inl = await held('inline');
    $<HTMLTextAreaElement>(inl.el, '[part~="input"]')!.focus();
    inl.release();
    await until(() => $(inl.el, '[aria-live="polite"]')!.textContent.includes('Welcome to the shop'), 'said inside');

    const launcher = await held('launcher');
    launcher.el.show();
    launcher.release();
    await until(() => $(launcher.el, '[aria-live="polite"]')!.textContent.includes('Welcome to the shop'), 'said on open');
  });
});

const wrap = (el: HTMLElement) => el.parentElement!;
