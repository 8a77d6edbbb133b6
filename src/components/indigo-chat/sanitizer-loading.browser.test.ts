import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, sseResponse, useFakeRelays, welcomeChunks, type Wire } from './fake-relay.test-helper.js';
import { ensureSanitizer, resetSanitizerForTests, sanitizerEngine, sanitizerStatus } from '../../html/sanitize.js';

/**
 * The element with the DOMPurify fallback (the path WebKit/Safari take; forced here in
 * every engine): bot HTML is held until the sanitizer chunk has loaded, and a failed load
 * shows plain text with a notice, never unsanitized HTML (docs/decisions/native-sanitizer.md).
 */
const relays = useFakeRelays('sanitizer-loading');
let n = 0;
const hostile = 'Hi <b>there</b><img src=x onerror="window.__pwned=1"> &amp; welcome';

async function mount(path: string, teaser?: string): Promise<IndigoChat> {
  n++;
  if (teaser !== undefined) {
    return fixture<IndigoChat>(
      html`<indigo-chat relay=${path} id=${`sanitizer-loading-${n}`} storage="none" teaser=${teaser} teaser-delay="0"></indigo-chat>`,
    );
  }
  return fixture<IndigoChat>(html`<indigo-chat relay=${path} id=${`sanitizer-loading-${n}`} mode="inline" storage="none"></indigo-chat>`);
}

describe('<indigo-chat> with the DOMPurify fallback', () => {
  afterEach(async () => {
    resetSanitizerForTests('auto');
    await ensureSanitizer();
  });

  it('holds bot HTML until the chunk has loaded, then renders it sanitized', async () => {
    let finishLoad!: () => void;
    const gate = new Promise<void>((resolve) => (finishLoad = resolve));
    resetSanitizerForTests('dompurify', async () => {
      await gate;
      return import('../../html/sanitize-dompurify.js');
    });
    const r = relays.relay().queue(welcomeChunks(hostile));
    const el = await mount(r.path);
    // The conversation started (the session request went out) while the chunk loads...
    await waitUntil(
      () => el.conversation.transcript.messages.length === 1 && el.conversation.transcript.status === 'idle',
      'welcome received',
    );
    expect(sanitizerStatus()).to.equal('loading');
    // ...and nothing of the answer is shown yet, sanitized or not.
    expect(botMessages(el)).to.have.length(0);
    expect(el.shadowRoot!.innerHTML).to.not.include('there');
    finishLoad();
    await el.updateComplete;
    expect(sanitizerEngine()).to.equal('dompurify');
    const bubble = botMessages(el)[0]!.querySelector('[part~="bubble"]')!;
    expect(bubble.innerHTML).to.equal('<p>Hi <b>there</b> &amp; welcome</p>');
    expect($(el, '.plain-text')).to.equal(null);
  });

  it('a failed load shows the text as plain text and says so; nothing unsanitized', async () => {
    resetSanitizerForTests('dompurify', () => Promise.reject(new Error('chunk unreachable')));
    const r = relays.relay().queue(welcomeChunks(hostile));
    const el = await mount(r.path);
    await waitUntil(() => botMessages(el)[0]?.querySelector('[part~="bubble"]'), 'welcome shown as text');
    expect(sanitizerStatus()).to.equal('failed');
    const bubble = botMessages(el)[0]!.querySelector('[part~="bubble"]')!;
    expect(bubble.querySelector('b, img')).to.equal(null);
    expect(bubble.textContent).to.equal('Hi there & welcome');
    const notice = $(el, '[part~="notice"].plain-text');
    expect(notice?.textContent).to.equal('Shown as plain text: the formatting could not be applied.');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('after a failed load, the connection coming back loads it: every answer is formatted, nothing shown disappears meanwhile', async () => {
    let fail = true;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    resetSanitizerForTests('dompurify', async () => {
      if (fail) throw new Error('chunk unreachable');
      await gate;
      return import('../../html/sanitize-dompurify.js');
    });
    const r = relays.relay().queue(welcomeChunks(hostile), welcomeChunks('Now <b>bold</b>'));
    const el = await mount(r.path);
    await waitUntil(() => botMessages(el)[0]?.querySelector('[part~="bubble"]'), 'welcome shown as text');
    expect(sanitizerStatus()).to.equal('failed');
    fail = false;
    window.dispatchEvent(new Event('online'));
    // Loading again: the plain-text answer and its notice stay on screen.
    await el.updateComplete;
    expect(sanitizerStatus()).to.equal('failed');
    expect(botMessages(el)[0]!.querySelector('[part~="bubble"]')!.textContent).to.equal('Hi there & welcome');
    expect($(el, '.plain-text')).not.to.equal(null);
    release();
    await waitUntil(() => sanitizerStatus() === 'ready', 'loaded');
    await el.updateComplete;
    expect($(el, '.plain-text'), 'the notice goes').to.equal(null);
    // The answer shown as plain text is formatted now, sanitized (no handler, no image).
    expect(botMessages(el)[0]!.querySelector('[part~="bubble"]')!.innerHTML).to.equal('<p>Hi <b>there</b> &amp; welcome</p>');
    el.send('more');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'the next answer');
    await el.updateComplete;
    expect(botMessages(el)[1]!.querySelector('[part~="bubble"]')!.innerHTML).to.equal('<p>Now <b>bold</b></p>');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('a generation shown as plain text (finished, then one still streaming) is rendered as HTML once the chunk loads', async () => {
    let fail = true;
    resetSanitizerForTests('dompurify', async () => {
      if (fail) throw new Error('chunk unreachable');
      return import('../../html/sanitize-dompurify.js');
    });
    const gen = (id: string, first: string, rest: string, end: boolean): Wire[] => [
      { type: 'processing.start' },
      { type: 'generation.start', data: { generation_id: id } },
      { type: 'generation.chunk', data: { generation_id: id, chunk: first, deltas: [{ command: 'ins', value: first }] } },
      {
        type: 'generation.chunk',
        data: {
          generation_id: id,
          chunk: rest,
          deltas: [
            { command: 'mov', value: first.length },
            { command: 'ins', value: rest },
          ],
        },
      },
      ...(end ? [{ type: 'generation.end', data: { generation_id: id } }, { type: 'processing.end' }] : []),
    ];
    const r = relays.relay().queue(gen('g1', '<p>One <em>done</em>', '</p>', true));
    const el = await mount(r.path);
    const bubble = (i: number) => botMessages(el)[i]?.querySelector('.generation-body');
    await waitUntil(() => bubble(0)?.textContent === 'One done', 'the finished generation as text');
    expect(bubble(0)!.querySelector('em')).to.equal(null);
    r.queue(sseResponse(gen('g2', '<p>Two <strong>live', '</strong>', false), { stall: true }));
    el.send('more');
    await waitUntil(() => bubble(1)?.textContent === 'Two live', 'the streaming generation as text');
    expect(bubble(1)!.querySelector('strong')).to.equal(null);
    fail = false;
    window.dispatchEvent(new Event('online'));
    await waitUntil(() => bubble(0)?.querySelector('em') && bubble(1)?.querySelector('strong'), 'both formatted');
    // Each in place of its text, once (the view's segment wrappers aside).
    expect([bubble(0)!.textContent, bubble(0)!.querySelector('p')!.outerHTML]).to.deep.equal(['One done', '<p>One <em>done</em></p>']);
    expect([bubble(1)!.textContent, bubble(1)!.querySelector('p')!.outerHTML]).to.deep.equal([
      'Two live',
      '<p>Two <strong>live</strong></p>',
    ]);
    expect($(el, '.plain-text')).to.equal(null);
  });

  it('a welcome teaser (closed launcher) loads the sanitizer with the conversation and shows the text', async () => {
    resetSanitizerForTests('dompurify');
    const r = relays.relay().queue(welcomeChunks('Spring <b>sale</b> on every bike.'));
    const el = await mount(r.path, '');
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    expect(sanitizerEngine()).to.equal('dompurify');
    expect($(el, '.teaser-text')!.textContent.trim()).to.equal('Spring sale on every bike.');
    expect(el.open).to.equal(false);
  });

  it('nothing loads before the visitor acts: a closed launcher leaves the fallback idle', async () => {
    resetSanitizerForTests('dompurify');
    const r = relays.relay().queue(welcomeChunks());
    const el = await mount(r.path, 'A text teaser');
    await waitUntil(() => $(el, '[part~="teaser"]') !== null, 'teaser shown');
    expect(sanitizerStatus()).to.equal('idle');
    expect(r.sessions).to.equal(0);
  });
});
