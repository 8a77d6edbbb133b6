/**
 * Fresh-eyes review of what a keyboard and screen-reader visitor meets: focus is never lost
 * to <body> when the focused control disappears, error states are announced and localized,
 * answers are said word by word, forced colors and right to left hold, and nothing
 * overflows at 320 px.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { nothing } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import { HttpResponse } from 'msw';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, type FakeRelay, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import type { Wire } from './fake-relay.test-helper.js';

const relays = useFakeRelays('focus');
let n = 0;
function relay(): FakeRelay {
  n++;
  return relays.relay();
}
/** waitUntil with room for a loaded machine (the default second is not always enough). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, { timeout: 10_000 });
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;
const live = (el: IndigoChat) => $(el, '[aria-live="polite"]')!.textContent ?? '';
/** Where focus is, as text (chai's diff of two elements can hang the runner). */
const focusedPart = (el: IndigoChat) =>
  document.activeElement === el
    ? (el.shadowRoot!.activeElement?.getAttribute('part') ?? 'none')
    : (document.activeElement?.tagName ?? 'none');

async function mount(r: FakeRelay, attrs: { mode?: string; teaser?: string } = {}): Promise<IndigoChat> {
  return fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${`focus-${n}`}
      mode=${attrs.mode ?? 'launcher'}
      lang="en"
      teaser=${attrs.teaser ?? nothing}
    ></indigo-chat>`,
  );
}

async function opened(el: IndigoChat): Promise<void> {
  el.show();
  await until(() => botMessages(el).length >= 1 && idle(el), 'welcome');
  await el.updateComplete;
}

describe('focus and announcements (review)', () => {
  it('a quick reply pressed from the keyboard leaves focus in the chat, not on <body>', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await opened(el);
    const button = $<HTMLButtonElement>(el, '[part~="quick-replies"] [part~="button"]')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => botMessages(el).length === 2 && idle(el), 'answer');
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('transcript');
  });

  it('retry pressed from the keyboard leaves focus in the chat', async () => {
    const r = relay().queue(welcomeChunks(), HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 500 }));
    const el = await mount(r);
    await opened(el);
    el.send('please work');
    await until(() => $(el, '[part~="retry"]') !== null, 'retry shown');
    await el.updateComplete;
    expect(live(el)).to.contain('could not be sent');
    $<HTMLButtonElement>(el, '[part~="retry"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => botMessages(el).length === 2 && idle(el), 'answer after retry');
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('transcript');
  });

  it('the teaser dismissed from the keyboard gives focus to the launcher', async () => {
    const r = relay();
    const el = await mount(r, { teaser: 'Hi there' });
    await until(() => $(el, '[part~="teaser-close"]') !== null, 'teaser');
    $<HTMLButtonElement>(el, '[part~="teaser-close"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('launcher');
  });

  it('hide() while focus is in the panel gives focus to the launcher', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await opened(el);
    $<HTMLTextAreaElement>(el, '[part~="input"]')!.focus();
    el.hide();
    await el.updateComplete;
    expect(focusedPart(el)).to.equal('launcher');
  });

  it('going offline is said by the live region, in the element’s language', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    el.lang = 'it';
    await opened(el);
    window.dispatchEvent(new Event('offline'));
    await el.updateComplete;
    expect(live(el)).to.contain('Sei offline');
    window.dispatchEvent(new Event('online'));
    await el.updateComplete;
  });
});

describe('error text (review)', () => {
  const cut = (message: string) => [
    { type: 'processing.start' },
    { type: 'text', data: { text: '<p>Half an ans</p>' } },
    { type: 'error', error: { code: 'upstream_failed', message } },
    { type: 'processing.end' },
  ];
  for (const [lang, expected] of [
    ['it', "L'assistente non ha potuto rispondere."],
    ['en', 'The connection to the assistant was lost.'],
  ] as const) {
    it(`an answer cut by the relay says so in the visitor's language, keeps what was shown and offers retry (${lang})`, async () => {
      const r = relay().queue(welcomeChunks(), cut('The connection to the assistant was lost.'));
      const el = await mount(r);
      el.lang = lang;
      await opened(el);
      el.send('question');
      await until(() => $(el, '[part~="retry"]') !== null && idle(el), 'notice');
      await el.updateComplete;
      expect($(el, '[part~="notice"] span')!.textContent).to.equal(expected);
      expect(live(el)).to.contain(expected);
      expect(botMessages(el)[1]!.textContent).to.contain('Half an ans');
    });
  }
});

describe('forced colors (review)', () => {
  // Windows High Contrast replaces backgrounds with the system's: a button drawn only by
  // its background (launcher, send, header icons) would lose its outline there. A
  // transparent border is invisible until forced colors paint it. This checks the border
  // every such button carries, in every engine; forced-colors.browser.test.ts and
  // test/e2e/forced-colors.e2e.test.ts see them painted (Chromium, and Firefox end to end).
  it('buttons drawn by their background carry a border forced colors can paint', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await opened(el);
    for (const part of ['launcher', 'close', 'restart', 'menu', 'copy', 'send']) {
      const b = $(el, `[part~="${part}"]`)!;
      const style = getComputedStyle(b);
      expect(`${part} ${style.borderTopStyle} ${style.borderBottomStyle} ${parseFloat(style.borderTopWidth) >= 1}`).to.equal(
        `${part} solid solid true`,
      );
    }
  });
});

describe('what the live region says (review)', () => {
  it('paragraphs and list items of an answer are said as separate words, not run together', async () => {
    const r = relay().queue(welcomeChunks(), [
      { type: 'processing.start' },
      { type: 'text', data: { text: '<p>First.</p><p>Second</p><ul><li>one</li><li>two</li></ul>' } },
      { type: 'processing.end' },
    ]);
    const el = await mount(r);
    await opened(el);
    el.send('list please');
    await until(() => live(el).includes('First.'), 'announced');
    expect(live(el)).to.equal('Assistant: First. Second one two');
  });
});

describe('right to left (review)', () => {
  it('the send arrow points the way the text runs', async () => {
    const seen: string[] = [];
    for (const lang of ['en', 'he']) {
      const el = await mount(relay().queue(welcomeChunks()));
      el.lang = lang;
      await opened(el);
      await waitUntil(() => $(el, '.root')!.getAttribute('dir') === (lang === 'he' ? 'rtl' : 'ltr'), 'direction');
      const svg = $(el, '[part~="send"] svg')!;
      // Whether the icon is drawn mirrored: its painted box flipped (scale or transform).
      const style = getComputedStyle(svg);
      seen.push(
        `${lang} ${style.scale !== 'none' && style.scale.startsWith('-1') ? 'mirrored' : style.transform.startsWith('matrix(-1') ? 'mirrored' : 'plain'}`,
      );
    }
    expect(seen).to.deep.equal(['en plain', 'he mirrored']);
  });
});

/*
 * Reflow at 320 CSS px (WCAG 1.4.10, what 400% zoom of a 1280 px window gives): nothing a
 * bot or visitor sends makes the conversation scroll sideways or pushes a control out of
 * the panel. Inline mode in a 320 px box, so every engine runs it (WebKit's driver cannot
 * resize the window).
 */
const long = 'Supercalifragilisticexpialidocious'.repeat(8);
const url = `https://example.com/${'path/'.repeat(30)}?q=${'x'.repeat(80)}`;

async function mountNarrow(r: FakeRelay, lang: string): Promise<IndigoChat> {
  const wrap = await fixture<HTMLDivElement>(
    html`<div style="width: 320px"><indigo-chat relay=${r.path} id=${`reflow-${n}`} mode="inline" lang=${lang}></indigo-chat></div>`,
  );
  const el = wrap.querySelector('indigo-chat') as IndigoChat;
  el.scrollIntoView();
  await until(() => botMessages(el).length >= 1 && idle(el), 'welcome');
  await el.updateComplete;
  return el;
}

/** Elements of the panel whose right or left edge leaves the panel's box. */
function sticksOut(el: IndigoChat): string[] {
  const panel = $(el, '[part~="panel"]')!.getBoundingClientRect();
  const out: string[] = [];
  for (const node of $$(el, '[part~="panel"] *')) {
    const r = node.getBoundingClientRect();
    if (r.width === 0 || node.closest('.visually-hidden, pre, table, [part~="carousel"]') !== null) continue;
    if (r.right > panel.right + 1 || r.left < panel.left - 1)
      out.push(
        `${node.tagName.toLowerCase()}.${node.className || node.getAttribute('part')} ${Math.round(r.left)}..${Math.round(r.right)}`,
      );
  }
  return out;
}

describe('reflow at 320 px (review)', () => {
  for (const lang of ['en', 'he']) {
    it(`long unbroken words, URLs and quick-reply labels wrap: no sideways scroll, nothing cut off (${lang})`, async () => {
      const welcome: Wire[] = [
        { type: 'processing.start' },
        { type: 'text', data: { text: `<p>${long}</p><p><a href="${url}">${url}</a></p>` } },
        { type: 'button', data: { label: `${long} and a very long label with spaces in it that goes on and on`, payload: 'a' } },
        { type: 'link', data: { label: url, url } },
        { type: 'processing.end' },
      ];
      const r = relay().queue(welcome);
      const el = await mountNarrow(r, lang);
      el.send(long);
      await until(() => botMessages(el).length === 2 && idle(el), 'echo');
      await el.updateComplete;
      const transcript = $(el, '[part~="transcript"]')!;
      expect(sticksOut(el)).to.deep.equal([]);
      expect(transcript.scrollWidth).to.be.at.most(transcript.clientWidth + 1);
      const composer = $(el, '[part~="send"]')!.getBoundingClientRect();
      expect(composer.right).to.be.at.most($(el, '[part~="panel"]')!.getBoundingClientRect().right + 1);
    });
  }

  it('a teaser with a long unbroken word stays inside its bubble, close button included', async () => {
    n++;
    const el = await fixture<IndigoChat>(
      html`<indigo-chat relay=${relay().path} id=${`reflow-${n}`} teaser=${`See ${url}`}></indigo-chat>`,
    );
    await until(() => $(el, '[part~="teaser-close"]') !== null, 'teaser');
    const bubble = $(el, '[part~="teaser"]')!.getBoundingClientRect();
    const edges = ['.teaser-text', '[part~="teaser-close"]'].map((sel) => {
      const r = $(el, sel)!.getBoundingClientRect();
      return `${sel} ${r.left >= bubble.left - 1 && r.right <= bubble.right + 1 ? 'inside' : 'out'}`;
    });
    expect(edges).to.deep.equal(['.teaser-text inside', '[part~="teaser-close"] inside']);
  });

  it('a carousel card with a long unbroken title and description shows all of it (the card clips what overflows)', async () => {
    const r = relay().queue([
      { type: 'processing.start' },
      { type: 'carousel.start', data: { carousel_id: 3 } },
      { type: 'carousel.card.start', card_index: 1, carousel_id: 3, data: { title: long, description: url, image: null } },
      { type: 'carousel.card.end', card_index: 1, carousel_id: 3 },
      { type: 'carousel.end', data: { carousel_id: 3 } },
      { type: 'processing.end' },
    ]);
    const el = await mountNarrow(r, 'en');
    await until(() => $(el, '[part~="card-title"]') !== null, 'card');
    const clipped = ['card-title', 'card-description'].map((part) => {
      // Its text runs past its own box when it does not wrap.
      const node = $(el, `[part~="${part}"]`)!;
      return `${part} ${node.scrollWidth <= node.clientWidth + 1 ? 'whole' : 'clipped'}`;
    });
    expect(clipped).to.deep.equal(['card-title whole', 'card-description whole']);
  });

  it('a consent text with a long unbroken word wraps: no sideways scroll', async () => {
    n++;
    const wrap = await fixture<HTMLDivElement>(
      html`<div style="width: 320px">
        <indigo-chat relay=${relay().path} id=${`reflow-${n}`} mode="inline" consent="required" consent-text=${`Read ${url}`}></indigo-chat>
      </div>`,
    );
    const el = wrap.querySelector('indigo-chat') as IndigoChat;
    el.scrollIntoView();
    await until(() => $(el, '.consent-text') !== null, 'consent notice');
    const notice = $(el, '[part~="consent"]')!;
    expect(notice.scrollWidth).to.be.at.most(notice.clientWidth + 1);
  });

  it('an audio clip with a long unbroken title wraps it', async () => {
    const r = relay().queue([
      { type: 'processing.start' },
      { type: 'audio', data: { src: 'https://example.com/clip.mp3', title: long } },
      { type: 'processing.end' },
    ]);
    const el = await mountNarrow(r, 'en');
    await until(() => $(el, '.ext-title') !== null, 'audio');
    const title = $(el, '.ext-title')!;
    expect(title.scrollWidth).to.be.at.most(title.clientWidth + 1);
  });
});
