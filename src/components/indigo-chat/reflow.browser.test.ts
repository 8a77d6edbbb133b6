/**
 * Reflow at 320 CSS px (WCAG 1.4.10, what 400% zoom of a 1280 px window gives): nothing a
 * bot or visitor sends makes the conversation scroll sideways or pushes a control out of
 * the panel. Inline mode in a 320 px box, so every engine runs it (WebKit's driver cannot
 * resize the window).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, type FakeRelay, useFakeRelays } from './fake-relay.test-helper.js';
import type { Wire } from './fake-relay.test-helper.js';

const relays = useFakeRelays('reflow');
let n = 0;
function relay(): FakeRelay {
  n++;
  return relays.relay();
}
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;
const long = 'Supercalifragilisticexpialidocious'.repeat(8);
const url = `https://example.com/${'path/'.repeat(30)}?q=${'x'.repeat(80)}`;

async function mount(r: FakeRelay, lang: string): Promise<IndigoChat> {
  const wrap = await fixture<HTMLDivElement>(
    html`<div style="width: 320px"><indigo-chat relay=${r.path} id=${`reflow-${n}`} mode="inline" lang=${lang}></indigo-chat></div>`,
  );
  const el = wrap.querySelector('indigo-chat') as IndigoChat;
  el.scrollIntoView();
  await waitUntil(() => botMessages(el).length >= 1 && idle(el), 'welcome');
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
      const el = await mount(r, lang);
      el.send(long);
      await waitUntil(() => botMessages(el).length === 2 && idle(el), 'echo');
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
    await waitUntil(() => $(el, '[part~="teaser-close"]') !== null, 'teaser');
    const bubble = $(el, '[part~="teaser"]')!.getBoundingClientRect();
    const edges = ['.teaser-text', '[part~="teaser-close"]'].map((sel) => {
      const r = $(el, sel)!.getBoundingClientRect();
      return `${sel} ${r.left >= bubble.left - 1 && r.right <= bubble.right + 1 ? 'inside' : 'out'}`;
    });
    expect(edges).to.deep.equal(['.teaser-text inside', '[part~="teaser-close"] inside']);
  });
});
