/**
 * Forced colors (Windows High Contrast): the system palette replaces the page's colours and
 * drops backgrounds' tints and shadows, so whatever only a background or a shadow drew must
 * get an edge or a system colour. Chromium renders forced colors for real here and each
 * test checks the computed styles there; Firefox's and WebKit's drivers cannot turn them on,
 * so there each test checks what the stylesheet declares for them (WebKit has no forced
 * colors at all: it must only be unaffected, which every test checks first, in every engine).
 * Thumbs, reasons and CSAT: feedback.browser.test.ts.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nothing } from 'lit';
import { waitUntil } from '../../../test/support/wait-until.js';
import { forcedColors, forcedRule, opaque, systemColor } from '../../../test/support/forced-colors.js';
import '../../define.js';
import { mountShell } from '../../loader/shell.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, carouselChunks, sseResponse, useFakeRelays, welcomeChunks, type Reply } from './fake-relay.test-helper.js';

const relays = useFakeRelays('forced');
let n = 0;
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;
const TRANSPARENT = 'rgba(0, 0, 0, 0)';

afterEach(async () => {
  await forcedColors(false);
});

async function chat(replies: Reply[], attrs: { mode?: string; teaser?: string } = {}): Promise<IndigoChat> {
  n++;
  const r = relays.relay().queue(welcomeChunks(), ...replies);
  const el = await fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${`forced-${n}`}
      mode=${attrs.mode ?? 'inline'}
      lang="en"
      storage="none"
      teaser=${attrs.teaser ?? nothing}
    ></indigo-chat>`,
  );
  if (attrs.mode === 'launcher' && !attrs.teaser) el.show();
  if (!attrs.teaser) await waitUntil(() => botMessages(el).length === 1 && idle(el), 'welcome');
  await el.updateComplete;
  return el;
}

/** A box's edge as drawn by an outline or a border: style, and whether it is painted. */
function edge(e: Element, side: 'outline' | 'border-top' | 'border-bottom'): string {
  const s = getComputedStyle(e);
  const style = s.getPropertyValue(`${side}-style`);
  const width = parseFloat(s.getPropertyValue(`${side}-width`));
  const color = s.getPropertyValue(`${side}-color`);
  return `${style} ${width >= 1 ? 'wide' : 'thin'} ${color === TRANSPARENT ? 'transparent' : opaque(color) ? 'painted' : color}`;
}

describe('forced colors', () => {
  it("the loader's launcher, its unread badge and its failure mark keep their edges (first load)", async () => {
    // A host whose name is never defined: the shell stays (it steps aside when the widget is).
    const host = document.createElement('forced-shell-host');
    document.body.append(host);
    const shell = mountShell(host, { lang: 'en', onIntent: () => {}, onActivate: () => {} });
    shell.unread(3);
    shell.failed();
    const root = host.shadowRoot!;
    const parts = { launcher: shell.button, badge: root.querySelector('[part~="badge"]')!, mark: root.querySelector('.x')! };
    try {
      // Unaffected without forced colors: invisible edges.
      expect(edge(parts.launcher, 'border-top')).to.equal('solid wide transparent');
      expect(edge(parts.badge, 'outline')).to.equal('solid wide transparent');
      expect(edge(parts.mark, 'outline')).to.equal('solid wide transparent');
      if (await forcedColors(true)) {
        expect(edge(parts.launcher, 'border-top')).to.equal('solid wide painted');
        expect(edge(parts.badge, 'outline')).to.equal('solid wide painted');
        expect(edge(parts.mark, 'outline')).to.equal('solid wide painted');
      }
    } finally {
      host.remove();
    }
  });

  it('the typing indicator keeps its dots and its edge', async () => {
    const el = await chat([sseResponse([{ type: 'processing.start' }], { stall: true })]);
    el.send('hello?');
    await waitUntil(() => $(el, '[part~="typing"] span'), 'typing');
    const typing = $(el, '[part~="typing"]')!;
    const dot = $(el, '[part~="typing"] span')!;
    expect(edge(typing, 'outline')).to.equal('solid wide transparent');
    expect(getComputedStyle(dot).backgroundColor).to.not.equal(systemColor('CanvasText'));
    if (await forcedColors(true)) {
      expect(edge(typing, 'outline')).to.equal('solid wide painted');
      expect(getComputedStyle(dot).backgroundColor).to.equal(systemColor('CanvasText'));
      expect(getComputedStyle(dot).backgroundColor).to.not.equal(getComputedStyle($(el, '[part~="transcript"]')!).backgroundColor);
    } else {
      expect(forcedRule(el.shadowRoot!, "[part~='typing'] span", 'background-color')).to.equal('canvastext');
    }
  });

  it('the header keeps its edge over the conversation; a notice and the unread badge keep theirs', async () => {
    const el = await chat([], { mode: 'launcher' });
    const header = $(el, '[part~="header"]')!;
    expect(getComputedStyle(header).borderBottomStyle).to.equal('none');
    window.dispatchEvent(new Event('offline'));
    await el.updateComplete;
    const notice = $(el, '[part~="notice"]')!;
    expect(edge(notice, 'outline')).to.equal('solid wide transparent');
    const forced = await forcedColors(true);
    try {
      if (forced) {
        expect(edge(header, 'border-bottom')).to.equal('solid wide painted');
        expect(edge(notice, 'outline')).to.equal('solid wide painted');
      } else {
        expect(forcedRule(el.shadowRoot!, "[part~='header']", 'border-bottom-style')).to.equal('solid');
      }
    } finally {
      window.dispatchEvent(new Event('online'));
    }
    // An answer that lands while the panel is closed: the badge.
    el.hide();
    el.send('while closed');
    await waitUntil(() => $(el, '[part~="badge"]'), 'unread badge');
    expect(edge($(el, '[part~="badge"]')!, 'outline')).to.equal(`solid wide ${forced ? 'painted' : 'transparent'}`);
  });

  it('the listening microphone and a copy button that just copied are filled with the selection colours', async () => {
    const el = await chat([[{ type: 'processing.start' }, { type: 'text', data: { text: '<p>Copy me</p>' } }, { type: 'processing.end' }]]);
    el.send('answer');
    await waitUntil(() => botMessages(el).length === 2 && idle(el), 'answer');
    await el.updateComplete;
    const states: [Element | null, string, string][] = [
      // Chromium and WebKit have the Web Speech API; without it there is no microphone.
      [$(el, '[part~="mic"]'), 'data-listening', "[part~='mic'][data-listening]"],
      [botMessages(el)[1]!.querySelector('[part~="copy"]'), 'data-copied', "[part~='copy'][data-copied]"],
    ];
    // Their look only: the attributes the element sets while dictating and for 2 s after a copy.
    for (const [button, attr] of states) button?.toggleAttribute(attr, true);
    const shown = states.filter(([b]) => b !== null).map(([b]) => b!);
    expect(shown.length).to.be.greaterThan(0);
    for (const b of shown) expect(getComputedStyle(b).backgroundColor).to.not.equal(systemColor('Highlight'));
    if (await forcedColors(true)) {
      for (const b of shown) {
        expect(getComputedStyle(b).backgroundColor).to.equal(systemColor('Highlight'));
        expect(getComputedStyle(b).color).to.equal(systemColor('HighlightText'));
      }
    } else {
      for (const [, , sel] of states) expect(forcedRule(el.shadowRoot!, sel, 'background-color'), sel).to.equal('highlight');
    }
  });

  it('used quick replies are greyed like disabled controls; a tel: button and live buttons keep painted edges', async () => {
    const el = await chat([
      [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>Call us</p>' } },
        { type: 'link', data: { label: 'Call us', url: 'tel:+390212345678' } },
        { type: 'button', data: { label: 'More', payload: 'more' } },
        { type: 'processing.end' },
      ],
    ]);
    const [used] = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="quick-replies"] [part~="button"]')];
    used!.click();
    await waitUntil(() => botMessages(el).length === 2 && idle(el), 'answer');
    await el.updateComplete;
    expect(used!.disabled).to.equal(true);
    const answer = botMessages(el)[1]!;
    const tel = answer.querySelector('a.tel')!;
    const live = answer.querySelector<HTMLButtonElement>('[part~="button"]')!;
    expect(live.disabled).to.equal(false);
    const send = $(el, '[part~="send"]')!;
    if (await forcedColors(true)) {
      expect(getComputedStyle(used!).color).to.equal(systemColor('GrayText'));
      expect(getComputedStyle(used!).borderTopColor).to.equal(systemColor('GrayText'));
      expect(getComputedStyle(tel).borderTopColor).to.equal(systemColor('LinkText'));
      expect(getComputedStyle(live).borderTopColor).to.equal(systemColor('ButtonText'));
      expect(edge(send, 'border-top')).to.equal('solid wide painted');
    } else {
      expect(edge(send, 'border-top')).to.equal('solid wide transparent');
      expect(edge(tel, 'border-top')).to.equal('solid wide painted');
    }
  });

  it('a code block keeps an edge where its tint goes', async () => {
    const el = await chat([
      [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>Run:</p><pre><code>npm start</code></pre>' } },
        { type: 'processing.end' },
      ],
    ]);
    el.send('how?');
    await waitUntil(() => botMessages(el).length === 2 && idle(el), 'answer');
    await el.updateComplete;
    const pre = botMessages(el)[1]!.querySelector('pre')!;
    expect(pre.textContent).to.equal('npm start');
    expect(edge(pre, 'border-top')).to.equal('solid wide transparent');
    expect(getComputedStyle(pre).backgroundColor).to.not.equal(TRANSPARENT);
    if (await forcedColors(true)) expect(edge(pre, 'border-top')).to.equal('solid wide painted');
  });

  it('a click-to-load video keeps the edge of its button', async () => {
    const el = await chat([
      [
        { type: 'processing.start' },
        { type: 'video', data: { src: 'https://youtu.be/dQw4w9WgXcQ', alt: 'Song' } },
        { type: 'processing.end' },
      ],
    ]);
    el.send('video');
    await waitUntil(() => $(el, '.video-placeholder'), 'placeholder');
    const button = $(el, '.video-placeholder')!;
    expect(edge(button, 'border-top')).to.equal('solid wide transparent');
    if (await forcedColors(true)) expect(edge(button, 'border-top')).to.equal('solid wide painted');
  });

  it('the teaser keeps its edge when its shadow and background go', async () => {
    const el = await chat([], { mode: 'launcher', teaser: 'Need a hand?' });
    await waitUntil(() => $(el, '.teaser'), 'teaser');
    const teaser = $(el, '.teaser')!;
    expect(edge(teaser, 'outline')).to.equal('solid wide transparent');
    if (await forcedColors(true)) {
      expect(getComputedStyle(teaser).boxShadow).to.equal('none');
      expect(edge(teaser, 'outline')).to.equal('solid wide painted');
    }
  });

  it("the header's buttons ring in the header's text colour when focused from the keyboard (the accent ring on the accent header was invisible)", async () => {
    const el = await chat([], { mode: 'launcher' }); // open: menu, restart and close
    const header = $(el, '[part~="header"]')!;
    const rings: string[] = [];
    $(el, '[part~="menu"]')!.focus();
    for (const part of ['menu', 'restart', 'close']) {
      await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('part') === part, `${part} focused`);
      const s = getComputedStyle(el.shadowRoot!.activeElement!);
      rings.push(
        `${part}: ${s.outlineStyle} ${s.outlineColor === getComputedStyle(header).color ? "the header's text colour" : s.outlineColor}`,
      );
      await sendKeys({ press: 'Tab' });
    }
    expect(rings).to.deep.equal(['menu', 'restart', 'close'].map((p) => `${p}: solid the header's text colour`));
  });

  it('every control reached with Tab shows a focus ring that forced colors keep (an outline, not a shadow)', async () => {
    const el = await chat([
      [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>See <a href="https://indigo.ai/">the site</a>.</p>' } },
        { type: 'link', data: { label: 'Call us', url: 'tel:+390212345678' } },
        ...carouselChunks(5),
        { type: 'processing.end' },
      ],
    ]);
    el.send('show me');
    await waitUntil(() => $(el, '.carousel-strip') && idle(el), 'answer');
    await el.updateComplete;
    const forced = await forcedColors(true);
    // Forced colors paint a focused control's ring in the system's Highlight (translucent in
    // Chromium's emulated palette) or text colours: never the page's.
    const system = ['Highlight', 'CanvasText', 'ButtonText', 'LinkText'].map(systemColor);
    const seen: string[] = [];
    const check = () => {
      const at = el.shadowRoot!.activeElement;
      if (document.activeElement !== el || !at) return false;
      const s = getComputedStyle(at);
      const name = at.getAttribute('part') ?? at.className;
      seen.push(name);
      const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 && (!forced || system.includes(s.outlineColor));
      expect(`${name}: ${ring ? 'ring' : `no ring (${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor})`}`).to.equal(`${name}: ring`);
      return true;
    };
    // The header menu's items, opened from the keyboard (focus lands on the first).
    $(el, '[part~="menu"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('part') === 'download', 'menu item focused');
    check();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('part') === 'menu', 'back on the menu button');
    check();
    // Then every Tab stop from the header to the end of the composer, onto a button after the
    // chat (past the page's last stop, Firefox would move focus to its own toolbar and keep
    // it there for the next test files).
    const after = document.createElement('button');
    after.textContent = 'after the chat';
    el.after(after);
    try {
      for (let i = 0; i < 40; i++) {
        await sendKeys({ press: 'Tab' });
        if (!check()) break;
      }
      expect(document.activeElement === after, 'the walk ended after the chat').to.equal(true);
    } finally {
      after.remove();
    }
    // The walk went through the header, the answer's controls and on to the composer.
    expect(seen.some((p) => p.includes('carousel-strip'))).to.equal(true);
    expect(seen).to.include.members(['download', 'menu', 'restart', 'transcript', 'input']);
  });
});
