// The transcript paints the panel's surface colour itself: an opaque scroller is one
// Chromium scrolls on the compositor even at 1x device pixels (a transparent one repaints
// and re-layerizes on every scroll of a streaming answer; bench/README.md has the figures).
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, mountInlineChat, useFakeRelays } from './fake-relay.test-helper.js';

const relays = useFakeRelays('surface');

async function mountInline(style = ''): Promise<IndigoChat> {
  const el = mountInlineChat(relays.relay().path, await fixture(html`<div style="height:400px"></div>`), style);
  el.scrollIntoView();
  await waitUntil(() => botMessages(el).length >= 1, 'welcome rendered');
  return el;
}

/** [r, g, b, alpha] of a computed colour (rgb()/rgba()/color(srgb …)). */
function channels(color: string): number[] {
  const nums = (color.match(/-?[\d.]+/g) ?? []).map(Number);
  if (color === 'transparent') return [0, 0, 0, 0];
  return nums.length === 3 ? [...nums, 1] : nums;
}

function surfaces(el: IndigoChat): { transcript: string; panel: string } {
  const transcript = $(el, '[part~="transcript"]')!;
  const panel = $(el, '[part~="panel"]')!;
  return { transcript: getComputedStyle(transcript).backgroundColor, panel: getComputedStyle(panel).backgroundColor };
}

describe('transcript surface', () => {
  it('is opaque and the panel’s colour, light and dark', async () => {
    const current: 'dark' | 'light' = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    // Emulation needs CDP (Chromium); other engines check the scheme they run with.
    const emulated = await emulateMedia({ colorScheme: 'light' }).then(
      () => true,
      () => false,
    );
    try {
      for (const colorScheme of emulated ? (['light', 'dark'] as const) : [current]) {
        if (emulated) await emulateMedia({ colorScheme });
        const el = await mountInline();
        const { transcript, panel } = surfaces(el);
        expect(channels(transcript).at(-1), `${colorScheme}: ${transcript}`).to.equal(1);
        expect(transcript, colorScheme).to.equal(panel);
        el.remove();
      }
    } finally {
      if (emulated) await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('follows --indigo-chat-surface', async () => {
    const el = await mountInline('--indigo-chat-surface: rgb(10, 20, 30)');
    expect(channels(surfaces(el).transcript)).to.deep.equal([10, 20, 30, 1]);
  });

  it('shows a focus ring of ours when focused from the keyboard, inside its box (the panel clips its sides)', async () => {
    const el = await mountInline();
    const transcript = $(el, '[part~="transcript"]')!;
    await sendKeys({ press: 'Shift' }); // keyboard modality: programmatic focus is then :focus-visible
    transcript.focus();
    expect(transcript.matches(':focus-visible')).to.equal(true);
    const style = getComputedStyle(transcript);
    expect(style.outlineStyle).to.equal('solid');
    const width = parseFloat(style.outlineWidth);
    expect(width).to.be.at.least(2);
    expect(parseFloat(style.outlineOffset)).to.be.at.most(-width);
  });
});
