// Before color-mix() (Chrome 111, Safari 16.2; the floor is Chrome 93 and Safari 15.4) every
// theme colour mixed from the owner's variables is invalid where it is used: no bubble tint,
// no lines, no typing dots, no focus ring. The engines here all know color-mix(), so these
// tests make them forget it: the element's own sheets, re-read with the function renamed to
// one no engine knows. Exactly as in an old engine, each mix is then invalid at computed
// time, and `@supports not (color: color-mix(…))` holds, so the fallbacks apply.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import { mountShell } from '../../loader/shell.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, mountInlineChat, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('color-floor');

/**
 * The shadow root's sheets as an engine without color-mix() reads them. `withFallbacks:
 * false` also turns the `@supports not (color: color-mix(…))` blocks off: what the widget
 * looked like before they existed (the control that shows the rename bites).
 */
function forgetColorMix(root: ShadowRoot, withFallbacks = true): void {
  root.adoptedStyleSheets = root.adoptedStyleSheets.map((sheet) => {
    let text = [...sheet.cssRules].map((rule) => rule.cssText).join('\n');
    if (!text.includes('color-mix(')) return sheet;
    if (!withFallbacks) text = text.replace(/@supports\s+not\s*\(\s*color:\s*color-mix\(/g, '@supports (color: color-mix(');
    const copy = new CSSStyleSheet();
    copy.replaceSync(text.replaceAll('color-mix(', 'color-unknown-mix('));
    return copy;
  });
}

/** [r, g, b, alpha] of a computed colour. */
function rgba(color: string): number[] {
  if (color === 'transparent') return [0, 0, 0, 0];
  const nums = (color.match(/-?[\d.]+/g) ?? []).map(Number);
  return nums.length === 3 ? [...nums, 1] : nums;
}
const alpha = (color: string) => rgba(color)[3]!;
/** The colour at the end of `style width colour`. */
const colorIn = (s: string) => s.slice(s.search(/rgba?\(|color\(|transparent/));

async function mountWithTyping(): Promise<{ el: IndigoChat; release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const relay = relays.relay().queue(async () => {
    await gate;
    return [
      ...welcomeChunks('Hello').slice(0, 2),
      { type: 'text', data: { text: '<blockquote>quoted</blockquote><pre><code>code</code></pre>' } },
      { type: 'processing.end' },
    ];
  });
  const el = mountInlineChat(relay.path, await fixture(html`<div style="height:500px"></div>`));
  await waitUntil(() => $(el, '[part~="typing"] span') !== null, 'typing shown');
  return { el, release };
}

/** What the visitor sees of the mixed colours, read from the rendered parts. */
async function paint(el: IndigoChat, release: () => void) {
  const dot = getComputedStyle($(el, '[part~="typing"] span')!).backgroundColor;
  release();
  // The bot HTML is sanitized and committed after the message itself renders: wait for it.
  await waitUntil(
    () =>
      botMessages(el).length === 1 &&
      $(el, '[part~="typing"]') === null &&
      $(el, '.bubble blockquote') !== null &&
      $(el, '.bubble pre') !== null,
    'welcome rendered with its quote and code',
  );
  const bubble = getComputedStyle($(el, '[part~="message-bot"] [part~="bubble"]')!);
  const composer = getComputedStyle($(el, '[part~="composer"]')!);
  const quote = getComputedStyle($(el, '.bubble blockquote')!);
  const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
  await sendKeys({ press: 'Shift' }); // keyboard modality: programmatic focus is :focus-visible
  input.focus();
  expect(input.matches(':focus-visible'), 'input focused from the keyboard').to.equal(true);
  const ring = getComputedStyle(input);
  return {
    dot,
    bubble: bubble.backgroundColor,
    panel: getComputedStyle($(el, '[part~="panel"]')!).backgroundColor,
    composerLine: `${composer.borderTopStyle} ${composer.borderTopWidth} ${composer.borderTopColor}`,
    quoteLine: `${quote.borderInlineStartStyle} ${quote.borderInlineStartColor}`,
    code: getComputedStyle($(el, '.bubble pre')!).backgroundColor,
    ring: `${ring.outlineStyle} ${ring.outlineColor}`,
    accent: getComputedStyle($(el, '[part~="header"]')!).backgroundColor,
  };
}

describe('colours without color-mix() (Chrome 93–110, Safari 15.4–16.1)', () => {
  it('the rename bites: without the fallbacks the tints, lines, typing dots and ring are gone', async () => {
    const { el, release } = await mountWithTyping();
    forgetColorMix(el.shadowRoot!, false);
    const p = await paint(el, release);
    expect(alpha(p.dot), `typing dot ${p.dot}`).to.equal(0);
    expect(alpha(p.bubble), `bubble ${p.bubble}`).to.equal(0);
    expect(alpha(p.code), `code block ${p.code}`).to.equal(0);
    expect(p.composerLine, 'composer line').to.match(/^none /);
    expect(p.quoteLine, 'quote line').to.match(/^none /);
    expect(p.ring, 'focus ring').to.match(/^none /);
  });

  it('the fallbacks give the bubble a tint, lines, typing dots and a focus ring in the accent', async () => {
    const { el, release } = await mountWithTyping();
    forgetColorMix(el.shadowRoot!);
    const p = await paint(el, release);
    expect(alpha(p.dot), `typing dot ${p.dot}`).to.equal(1);
    expect(alpha(p.bubble), `bubble ${p.bubble}`).to.be.above(0);
    expect(p.bubble, 'bubble tinted, not the panel').to.not.equal(p.panel);
    expect(alpha(p.code), `code block ${p.code}`).to.be.above(0);
    for (const line of [p.composerLine, p.quoteLine]) {
      expect(line, 'a solid line').to.match(/^solid /);
      expect(alpha(colorIn(line)), line).to.be.above(0);
    }
    expect(p.ring, 'focus ring').to.equal(`solid ${p.accent}`);
  });

  it('engines with color-mix() keep the mixes (the fallbacks stay out of their way)', async () => {
    const { el, release } = await mountWithTyping();
    const p = await paint(el, release);
    // The mixes are opaque (mixed into the surface): the translucent greys are not used.
    expect(alpha(p.bubble), `bubble ${p.bubble}`).to.equal(1);
    expect(alpha(colorIn(p.composerLine)), p.composerLine).to.equal(1);
    // The ring: the accent at 60%.
    expect(p.ring).to.match(/^solid /);
    expect(alpha(colorIn(p.ring)), p.ring).to.be.closeTo(0.6, 0.01);
  });
});

describe('the launcher shell without color-mix()', () => {
  async function focusedShellRing(forget: boolean): Promise<{ ring: string; accent: string }> {
    const host = await fixture<HTMLElement>(html`<shell-probe style="--indigo-chat-accent: rgb(200, 30, 90)"></shell-probe>`);
    const shell = mountShell(host, { lang: 'en', onIntent: () => {}, onActivate: () => {} });
    if (forget) forgetColorMix(host.shadowRoot!);
    await sendKeys({ press: 'Shift' });
    shell.button.focus();
    expect(shell.button.matches(':focus-visible')).to.equal(true);
    const style = getComputedStyle(shell.button);
    return { ring: `${style.outlineStyle} ${style.outlineColor}`, accent: style.backgroundColor };
  }

  it('rings the focused launcher in the accent', async () => {
    const { ring, accent } = await focusedShellRing(true);
    expect(accent).to.equal('rgb(200, 30, 90)');
    expect(ring).to.equal(`solid ${accent}`);
  });

  it('softens the ring where color-mix() is known', async () => {
    const { ring } = await focusedShellRing(false);
    expect(ring).to.match(/^solid /);
    expect(alpha(colorIn(ring)), ring).to.be.closeTo(0.6, 0.01);
  });
});
