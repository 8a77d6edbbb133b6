// The bot's text keeps its own direction whatever the interface language (README: "bot
// text keeps its own direction (dir="auto")"): its quick-reply and link labels and card
// titles too (a Hebrew quick reply in an English widget was laid out left to right, its
// final "?" on the wrong side for a Hebrew reader), and a queued visitor message.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import {
  $,
  $$,
  botMessages,
  carouselChunks,
  mountInlineChat,
  sseResponse,
  typeAndEnter,
  useFakeRelays,
  welcomeChunks,
} from './fake-relay.test-helper.js';

const relays = useFakeRelays('review-a11y-bidi');
const boxes: HTMLElement[] = [];
afterEach(() => {
  for (const b of boxes.splice(0)) b.remove();
});

const isRtl = (el: Element) => getComputedStyle(el).direction === 'rtl';

describe('bidi: bot-provided labels keep their own direction', () => {
  it('a Hebrew quick reply in an English widget is laid out right to left, like the Hebrew bubble above it', async () => {
    const r = relays
      .relay()
      .queue([
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>שלום! איך אפשר לעזור?</p>' } },
        { type: 'button', data: { label: 'מה שעות הפתיחה?', payload: 'hours' } },
        { type: 'link', data: { label: 'האתר שלנו', url: 'https://example.com/' } },
        ...carouselChunks(7, 1).map((c) =>
          c.type === 'carousel.card.start' ? { ...c, data: { title: 'אופניים', description: 'אופניים עירוניים', image: null } } : c,
        ),
        { type: 'processing.end' },
      ]);
    const box = document.createElement('div');
    box.style.height = '500px';
    document.body.append(box);
    boxes.push(box);
    const el = mountInlineChat(r.path, box);
    el.scrollIntoView();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await el.updateComplete;
    const bubble = $(el, '[part~="bubble"]')!;
    expect(isRtl(bubble), 'the Hebrew text bubble (dir="auto")').to.equal(true);
    const button = $$(el, '[part~="quick-replies"] [part~="button"]')[0]!;
    expect(button.textContent.trim()).to.equal('מה שעות הפתיחה?');
    expect(isRtl(button), 'the Hebrew quick-reply label keeps its own direction').to.equal(true);
    const link = $$(el, 'a[part~="link"] bdi')[0]!;
    expect([link.textContent, isRtl(link)], 'the link label').to.deep.equal(['האתר שלנו', true]);
    await waitUntil(() => $(el, '[part~="card-title"]'), 'the carousel chunk');
    expect(isRtl($(el, '[part~="card-title"]')!), 'the card title').to.equal(true);
    expect(isRtl($(el, '[part~="card-description"]')!), 'the card description').to.equal(true);
  });

  it('a Hebrew message waiting to send keeps its direction in an English widget, as once sent', async () => {
    const r = relays.relay().queue(welcomeChunks(), () => sseResponse([{ type: 'processing.start' }], { stall: true }));
    const box = document.createElement('div');
    box.style.height = '500px';
    document.body.append(box);
    boxes.push(box);
    const el = mountInlineChat(r.path, box);
    await waitUntil(() => el.conversation.transcript.status === 'idle' && botMessages(el).length === 1, 'welcome');
    await typeAndEnter(el, 'שלום');
    await waitUntil(() => el.conversation.transcript.status !== 'idle', 'the answer on its way');
    await typeAndEnter(el, 'מה נשמע?');
    await waitUntil(() => $(el, '.queued .user-bubble') !== null, 'the second message queued');
    const queued = $(el, '.queued .user-bubble')!;
    expect([queued.textContent.trim(), isRtl(queued)]).to.deep.equal(['מה נשמע?', true]);
  });

  it('the composer follows what the visitor writes (dir="auto"), and empty keeps the interface\'s direction', async () => {
    const dirs: [string, string, boolean][] = [];
    for (const [lang, text] of [
      ['en', 'שלום, מה שעות הפתיחה?'],
      ['he', 'Hello, when do you open?'],
    ] as const) {
      const r = relays.relay().queue(welcomeChunks());
      const box = document.createElement('div');
      box.style.height = '500px';
      document.body.append(box);
      boxes.push(box);
      const el = mountInlineChat(r.path, box);
      el.setAttribute('lang', lang);
      await waitUntil(() => el.conversation.transcript.status === 'idle' && botMessages(el).length === 1, 'welcome');
      await el.updateComplete;
      const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
      dirs.push([lang, 'empty', isRtl(input)]);
      input.value = '42 ';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await el.updateComplete;
      dirs.push([lang, 'digits', isRtl(input)]);
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await el.updateComplete;
      dirs.push([lang, 'typed', isRtl(input)]);
    }
    expect(dirs).to.deep.equal([
      ['en', 'empty', false],
      ['en', 'digits', false],
      ['en', 'typed', true],
      ['he', 'empty', true],
      ['he', 'digits', true],
      ['he', 'typed', false],
    ]);
  });
});
