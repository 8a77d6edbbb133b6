/**
 * The widget on a phone (docs/decisions/phone-review.md): touch targets, times without
 * hover, the on-screen keyboard's Enter key and visual viewport, notches and the home
 * indicator. The fullscreen panel is the phone's modal panel in every engine (no resize
 * needed, which WebKit's driver cannot do); what only a phone has (no hover, safe-area
 * insets, a finger's tap) is emulated where the driver can (Chromium over CDP,
 * test/support/phone.ts) and skipped elsewhere.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { nothing } from 'lit';
import { waitUntil } from '../../../test/support/wait-until.js';
import { resize } from '../../../test/support/resize.js';
import { safeAreaInsets, tap, touchScreen } from '../../../test/support/phone.js';
import '../../define.js';
import { mountShell } from '../../loader/shell.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, typeAndEnter, useFakeRelays, welcomeChunks, type Reply } from './fake-relay.test-helper.js';

const relays = useFakeRelays('phone');
let n = 0;
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;
/** A sender id of the relay's shape: thumbs show only for a conversation the relay signed. */
const SENDER = (i: number) => `Qk3lVq0Yb1xR9nQ2sT8uW${i % 10}.${'s'.repeat(43)}`;

async function chat(
  replies: Reply[],
  attrs: { mode?: string; teaser?: string; consent?: string; csat?: string } = {},
): Promise<IndigoChat> {
  n++;
  const r = relays.relay().queue(welcomeChunks(), ...replies);
  const sender = SENDER(n);
  relays.use(
    http.post(`${r.path}/session`, () => HttpResponse.json({ sender })),
    http.post(`${r.path}/feedback`, () => HttpResponse.json({ ok: true })),
  );
  return fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${`phone-${n}`}
      mode=${attrs.mode ?? 'fullscreen'}
      lang="en"
      storage="none"
      teaser=${attrs.teaser ?? nothing}
      consent=${attrs.consent ?? nothing}
      csat=${attrs.csat ?? nothing}
    ></indigo-chat>`,
  );
}

/**
 * The viewport controller's own event path: a visual viewport the test shrinks, pans and
 * zooms like a phone's (set the fields, dispatch `resize`/`scroll`); `restore()` puts the
 * browser's back.
 */
function fakeVisualViewport() {
  const real = Object.getOwnPropertyDescriptor(window, 'visualViewport');
  const vv = Object.assign(new EventTarget(), {
    width: innerWidth,
    height: innerHeight,
    offsetTop: 0,
    offsetLeft: 0,
    pageTop: 0,
    pageLeft: 0,
    scale: 1,
    restore() {
      if (real) Object.defineProperty(window, 'visualViewport', real);
      else delete (window as { visualViewport?: unknown }).visualViewport;
    },
  });
  Object.defineProperty(window, 'visualViewport', { configurable: true, get: () => vv });
  return vv;
}

/** The welcome received and rendered (a render during an answer waits for a paced frame). */
const welcomed = async (el: IndigoChat) => {
  await waitUntil(() => botMessages(el).length === 1 && idle(el), 'welcome');
  await el.updateComplete;
};

/**
 * Where a finger aims at `e`: its centre once its box held still for a frame. A message
 * just rendered is laid out at its placeholder size (`content-visibility: auto`, 80 x 80 px)
 * until the browser's next rendering step finds it on screen, before anything is painted:
 * read in between, the welcome's first quick reply is an 80 px wide button 66 px below
 * where it is painted, and a tap there lands on the conversation (seen in 1 of ~15 runs
 * under load).
 */
async function steadyCentre(e: Element): Promise<[number, number]> {
  let before = '';
  for (let frames = 0; frames < 600; frames++) {
    await new Promise(requestAnimationFrame);
    const r = e.getBoundingClientRect();
    const now = [r.left, r.top, r.width, r.height].join();
    if (now === before) return [r.left + r.width / 2, r.top + r.height / 2];
    before = now;
  }
  throw new Error(`${e.getAttribute('part')} never held still for a frame`);
}

/** Everything a finger can aim at (what focus-on-click.ts treats as a control). */
const CONTROLS = 'button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/**
 * WCAG 2.5.8 (target size, minimum): each target is at least 24 x 24 CSS px, or a 24 px
 * circle on its centre touches no other target. Links inside a sentence are exempt
 * (inline). Hidden targets (no box) are not aimed at.
 */
function undersized(root: ShadowRoot): string[] {
  const targets = [...root.querySelectorAll<HTMLElement>(CONTROLS)]
    .filter((e) => !e.closest('[part~="bubble"] p, [part~="bubble"] li'))
    .map((e) => ({ e, r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && r.height > 0);
  const small = targets.filter(({ r }) => r.width < 24 || r.height < 24);
  return small
    .filter(({ e, r }) => {
      const cx = r.left + r.width / 2;
      const cy = r.top + r.height / 2;
      return targets.some(({ e: o, r: b }) => {
        if (o === e || o.contains(e) || e.contains(o)) return false;
        // Distance from the centre to the other box, less than the circle's radius.
        const dx = Math.max(b.left - cx, 0, cx - b.right);
        const dy = Math.max(b.top - cy, 0, cy - b.bottom);
        return Math.hypot(dx, dy) < 12;
      });
    })
    .map(({ e, r }) => `${e.getAttribute('part') ?? e.className}: ${r.width.toFixed(1)} x ${r.height.toFixed(1)}`);
}

const richAnswer: Reply = [
  { type: 'processing.start' },
  { type: 'text', data: { text: '<p>See <a href="https://indigo.ai/">the site</a>.</p>' } },
  { type: 'link', data: { label: 'Call us', url: 'tel:+390212345678' } },
  { type: 'carousel.start', data: { carousel_id: 5 } },
  ...[1, 2, 3].flatMap((i) => [
    { type: 'carousel.card.start', card_index: i, carousel_id: 5, data: { title: `Bike ${i}`, description: 'A bike', image: null } },
    { type: 'carousel.card.button', card_index: i, carousel_id: 5, data: { label: `Pick ${i}`, payload: `p${i}` } },
    { type: 'carousel.card.end', card_index: i, carousel_id: 5 },
  ]),
  { type: 'carousel.end', data: { carousel_id: 5 } },
  { type: 'button', data: { label: 'More', payload: 'more' } },
  { type: 'processing.end' },
];

describe('on a phone', () => {
  let resized = false;
  afterEach(async () => {
    await touchScreen(false);
    await safeAreaInsets(0, 0, 0, 0);
    if (resized) await resize(800, 600);
    resized = false;
  });

  it('every control of the phone panel, the consent step and the closed launcher with its teaser is a 24 x 24 px target (WCAG 2.5.8)', async () => {
    resized = await resize(360, 740); // where the driver can (not WebKit): the fullscreen panel is the phone's either way
    const el = await chat([richAnswer], { csat: '1' });
    el.csatIdleMs = 10;
    await welcomed(el);
    el.send('show me');
    await waitUntil(() => $(el, '.carousel-strip [part~="button"]') && idle(el), 'answer');
    await el.updateComplete;
    // Thumbs down opens the reasons and the comment; the header menu its items.
    const down = () => botMessages(el)[1]!.querySelector<HTMLButtonElement>('[part~="thumb-down"]');
    await waitUntil(down, 'thumbs');
    down()!.click();
    await waitUntil(() => $(el, '[part~="feedback-reason"]'), 'reasons');
    await waitUntil(() => $(el, '[part~="csat-score"]'), 'the CSAT card');
    $(el, '[part~="menu"]')!.click();
    await waitUntil(() => $(el, '[part~="download"]')?.getBoundingClientRect().width, 'menu open');
    const parts = new Set($$(el, CONTROLS).map((e) => e.getAttribute('part')));
    for (const part of [
      'menu',
      'download',
      'restart',
      'copy',
      'thumb-up',
      'thumb-down',
      'feedback-reason',
      'carousel-prev',
      'carousel-next',
      'button',
      'link',
      'csat-score',
      'feedback-comment',
      'input',
      'send',
    ])
      expect(parts, part).to.include(part);
    expect(undersized(el.shadowRoot!)).to.deep.equal([]);
    // A quick second tap on any of them (Next, Next) is two taps, never a double-tap zoom.
    const zoomable = $$(el, 'button').filter((b) => getComputedStyle(b).touchAction !== 'manipulation');
    expect(zoomable.map((b) => b.getAttribute('part') ?? b.className)).to.deep.equal([]);

    const consent = await chat([], { mode: 'launcher', consent: 'required' });
    consent.show();
    await waitUntil(() => $(consent, '[part~="consent-decline"]'), 'consent');
    expect($(consent, '[part~="close"]')!.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(undersized(consent.shadowRoot!)).to.deep.equal([]);

    const teaser = await chat([], { mode: 'launcher', teaser: 'Need a hand?' });
    await waitUntil(() => $(teaser, '.teaser button:last-child'), 'teaser');
    expect(undersized(teaser.shadowRoot!)).to.deep.equal([]);
  });

  it("the composer's Enter key says Send on a phone keyboard, and sends", async () => {
    const el = await chat([]);
    await welcomed(el);
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    expect(input.getAttribute('enterkeyhint')).to.equal('send');
    await typeAndEnter(el, 'from the phone');
    await waitUntil(() => botMessages(el).length === 2 && idle(el), 'answer');
    expect(input.value).to.equal('');
    // Sentences are capitalized and corrected as the platform does by default: nothing turns that off.
    expect(input.hasAttribute('autocapitalize') || input.hasAttribute('autocorrect') || input.hasAttribute('spellcheck')).to.equal(false);
  });

  it('without hover (a touch screen) message times are not hidden behind hover: a tap on a message writes its relative time', async function () {
    const el = await chat([]);
    await welcomed(el);
    await el.updateComplete;
    const message = botMessages(el)[0]!;
    const time = message.querySelector<HTMLElement>('[part~="time"]')!;
    const rel = time.querySelector<HTMLElement>('.rel')!;
    // Chromium emulates a touch screen; headless Firefox reports no hover of its own; WebKit
    // (a desktop with a mouse, and no emulation) keeps times hidden until hovered.
    const touch = await touchScreen(true);
    if (!touch && matchMedia('(hover: hover)').matches) {
      expect(getComputedStyle(time).opacity).to.equal('0');
      this.skip();
    }
    expect(getComputedStyle(time).opacity).to.equal('1');
    expect(rel.textContent).to.equal('');
    if (!touch) return; // a finger's tap: Chromium only
    // A finger on the bubble: pointerover, as for a mouse, writes the relative text.
    const box = message.querySelector('[part~="bubble"]')!.getBoundingClientRect();
    expect(await tap(box.left + 10, box.top + box.height / 2)).to.equal(true);
    await waitUntil(() => rel.textContent !== '', 'relative time written by the tap');
    expect(getComputedStyle(time).opacity).to.equal('1');
  });

  it('a notch and the home indicator (viewport-fit=cover): the phone panel keeps header and composer inside the safe area, the launcher (shell and widget) clears it', async function () {
    const meta = document.createElement('meta');
    meta.name = 'viewport';
    meta.content = 'width=device-width, initial-scale=1, viewport-fit=cover';
    document.head.append(meta);
    const host = document.createElement('phone-shell-host'); // never defined: the shell stays
    try {
      if (!(await safeAreaInsets(47, 0, 34, 0))) this.skip(); // Firefox's and WebKit's drivers cannot set insets
      const el = await chat([]);
      await welcomed(el);
      const panel = $(el, '[part~="panel"]')!;
      expect(panel.getBoundingClientRect().top).to.equal(0); // the panel's surface still fills the screen
      expect($(el, '[part~="header"]')!.getBoundingClientRect().top).to.be.at.least(47);
      // The strip under the status bar has the header's colour, not the conversation's.
      expect(getComputedStyle(panel).borderTopColor).to.equal(getComputedStyle($(el, '[part~="header"]')!).backgroundColor);
      expect($(el, '[part~="composer"]')!.getBoundingClientRect().bottom).to.be.at.most(innerHeight - 34 + 0.5);
      // On its side: the notch on the left, the home indicator below.
      expect(await safeAreaInsets(0, 47, 21, 47)).to.equal(true);
      await waitUntil(() => $(el, '[part~="header"]')!.getBoundingClientRect().left >= 47, 'header clear of the notch');
      expect($(el, '[part~="composer"]')!.getBoundingClientRect().right).to.be.at.most(innerWidth - 47 + 0.5);
      expect($(el, '[part~="composer"]')!.getBoundingClientRect().bottom).to.be.at.most(innerHeight - 21 + 0.5);
      el.remove();

      expect(await safeAreaInsets(47, 0, 34, 0)).to.equal(true);
      document.body.append(host);
      const shell = mountShell(host, { lang: 'en', onIntent: () => {}, onActivate: () => {} });
      expect(shell.button.getBoundingClientRect().bottom).to.be.at.most(innerHeight - 34 - 20 + 0.5);
      const launcher = await chat([], { mode: 'launcher' });
      const button = $(launcher, '[part~="launcher"]')!;
      expect(button.getBoundingClientRect().bottom).to.be.at.most(innerHeight - 34 - 20 + 0.5);
      expect(button.getBoundingClientRect().bottom).to.be.closeTo(shell.button.getBoundingClientRect().bottom, 0.5); // no jump at the swap
    } finally {
      host.remove();
      meta.remove();
    }
  });

  it('the phone panel follows the visual viewport as the keyboard opens (iOS pans it to the composer): header on screen, composer above the keyboard, the latest message in view', async () => {
    const vv = fakeVisualViewport();
    try {
      const el = await chat([]);
      await welcomed(el);
      for (let i = 0; i < 6; i++) {
        await typeAndEnter(el, `line ${i}`);
        await waitUntil(() => botMessages(el).length === i + 2 && idle(el), `answer ${i}`);
      }
      const panel = $(el, '[part~="panel"]')!;
      const transcript = $(el, '[part~="transcript"]')!;
      const atEnd = () => transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight <= 24;
      await waitUntil(atEnd, 'at the end');
      // The keyboard takes 300 px, and the browser pans 200 px down.
      vv.height = innerHeight - 300;
      vv.dispatchEvent(new Event('resize'));
      vv.offsetTop = 200;
      vv.dispatchEvent(new Event('scroll'));
      await waitUntil(() => Math.round(panel.getBoundingClientRect().top) === 200, 'panel at the visual viewport top');
      expect(panel.getBoundingClientRect().height).to.be.closeTo(innerHeight - 300, 1);
      expect($(el, '[part~="composer"]')!.getBoundingClientRect().bottom).to.be.at.most(200 + innerHeight - 300 + 0.5);
      await waitUntil(atEnd, 'the latest message still in view');
      // The keyboard goes: back to the whole screen.
      vv.height = innerHeight;
      vv.offsetTop = 0;
      vv.dispatchEvent(new Event('resize'));
      await waitUntil(
        () => panel.getBoundingClientRect().top === 0 && Math.abs(panel.getBoundingClientRect().height - innerHeight) < 1,
        'whole screen',
      );
    } finally {
      vv.restore();
    }
  });

  it('with the keyboard up the home indicator is under it: no empty inset strip between the composer and the keyboard (a pinch zoom keeps it)', async () => {
    const meta = document.createElement('meta');
    meta.name = 'viewport';
    meta.content = 'width=device-width, initial-scale=1, viewport-fit=cover';
    document.head.append(meta);
    const vv = fakeVisualViewport();
    try {
      // Where the driver can set insets (Chromium), the geometry; elsewhere the panel's
      // inset override, which is what the stylesheet reads (every engine).
      const insets = await safeAreaInsets(0, 0, 34, 0);
      const el = await chat([]);
      await welcomed(el);
      const panel = $(el, '[part~="panel"]')!;
      const composer = $(el, '[part~="composer"]')!;
      const gap = () => Math.round(panel.getBoundingClientRect().bottom - composer.getBoundingClientRect().bottom);
      const inset = () => getComputedStyle(panel).paddingBottom;
      const viewport = async (height: number, scale: number, keyboard: boolean, what: string) => {
        Object.assign(vv, { height, scale });
        vv.dispatchEvent(new Event('resize'));
        await waitUntil(
          () =>
            Math.abs(panel.getBoundingClientRect().height - height) < 1 &&
            el.style.getPropertyValue('--indigo-chat-vvb') === (keyboard ? '0px' : '') &&
            (!insets || gap() === (keyboard ? 0 : 34)),
          what,
        );
        if (keyboard) expect(inset()).to.equal('0px');
      };
      if (insets) expect(gap()).to.equal(34);
      await viewport(innerHeight - 300, 1, true, 'keyboard up: the composer sits on it');
      await viewport(innerHeight, 1, false, 'keyboard gone: the inset is back');
      await viewport(innerHeight / 2, 2, false, 'pinch zoom: not a keyboard');
    } finally {
      vv.restore();
      meta.remove();
    }
  });

  it('a phone on its side (740 x 360): header and composer leave the conversation most of the height', async function () {
    resized = await resize(740, 360);
    if (!resized) this.skip(); // WebKit's WebDriver cannot resize
    const el = await chat([], { mode: 'launcher' });
    el.show();
    await welcomed(el);
    const panel = $(el, '[part~="panel"]')!;
    expect(panel.matches(':modal')).to.equal(true);
    const transcript = $(el, '[part~="transcript"]')!.getBoundingClientRect().height;
    expect(transcript / panel.getBoundingClientRect().height).to.be.at.least(0.6);
  });

  it("a finger's whole flow (Chromium's touch): tap the launcher, a quick reply, the composer and Send", async function () {
    resized = await resize(390, 740);
    const el = await chat([], { mode: 'launcher' });
    await el.updateComplete;
    if (!(await tap(...(await steadyCentre($(el, '[part~="launcher"]')!))))) this.skip(); // Firefox's and WebKit's drivers cannot touch
    await welcomed(el);
    expect($(el, '[part~="panel"]')!.matches(':modal')).to.equal(resized);
    const reply = $(el, '[part~="quick-replies"] [part~="button"]')!;
    expect(await tap(...(await steadyCentre(reply)))).to.equal(true);
    await waitUntil(() => botMessages(el).length === 2 && idle(el), 'the quick reply answered');
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    expect(await tap(...(await steadyCentre(input)))).to.equal(true);
    await waitUntil(() => el.shadowRoot!.activeElement === input, 'the composer focused by the tap');
    input.value = 'typed on glass';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    expect(await tap(...(await steadyCentre($(el, '[part~="send"]')!)))).to.equal(true);
    await waitUntil(() => botMessages(el).length === 3 && idle(el), 'the typed message answered');
    // Sending keeps the focus, and so the keyboard, in the composer.
    expect(el.shadowRoot!.activeElement).to.equal(input);
  });
});
