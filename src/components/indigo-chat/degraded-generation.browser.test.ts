import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import type { IndigoChatWarningEvent } from '../../events/index.js';
import { $, $$, botMessages, type FakeRelay, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';
import type { Wire } from './fake-relay.test-helper.js';

/**
 * A generation that degrades (a delta the applier refuses) as a visitor sees it through the
 * element: one warning per cause, a short notice while it shows plain text, and the
 * platform's is_generated text replacing it (not shown a second time).
 */
const relays = useFakeRelays('degraded');
let n = 0;

async function mount(r: FakeRelay, lang = 'en'): Promise<IndigoChat> {
  n++;
  return fixture<IndigoChat>(
    html`<indigo-chat relay=${r.path} id=${`degraded-${n}`} mode="inline" lang=${lang} storage="none"></indigo-chat>`,
  );
}

const gid = { generation_id: 'g1' };
/** Streams "<p>Hello</p>", then a delta past the end, more markdown, the end. */
const degradedAnswer = (extra: Wire[] = []): Wire[] => [
  { type: 'processing.start' },
  { type: 'generation.start', data: gid },
  { type: 'generation.chunk', data: { ...gid, chunk: 'Hello', deltas: [{ command: 'ins', value: '<p>Hello</p>' }] } },
  {
    type: 'generation.chunk',
    data: {
      ...gid,
      chunk: ' **world**',
      deltas: [
        { command: 'mov', value: 9999 },
        { command: 'ins', value: 'x' },
      ],
    },
  },
  { type: 'generation.end', data: gid },
  ...extra,
  { type: 'processing.end' },
];

/** An SSE response sending `first`, then `rest` only once `release` is called. */
function heldResponse(first: Wire[], rest: Wire[]): { response: Response; release: () => void } {
  const enc = new TextEncoder();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const frame = (c: Wire) => enc.encode(`data: ${JSON.stringify(c)}\n\n`);
  const stream = new ReadableStream<Uint8Array>({
    async start(ctl) {
      for (const c of first) ctl.enqueue(frame(c));
      await released;
      for (const c of rest) ctl.enqueue(frame(c));
      ctl.close();
    },
  });
  return { response: new Response(stream, { headers: { 'content-type': 'text/event-stream' } }), release };
}

async function ask(el: IndigoChat, r: FakeRelay): Promise<HTMLElement> {
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  const before = r.sent.length;
  el.send('Say hello');
  await waitUntil(
    () => r.sent.length === before + 1 && botMessages(el).length === 2 && el.conversation.transcript.status === 'idle',
    'answer',
  );
  await el.updateComplete;
  await aTimeout(50); // the generation view commits on the next frame
  return botMessages(el)[1]!;
}

function degradedWarnings(el: IndigoChat): IndigoChatWarningEvent['detail'][] {
  const seen: IndigoChatWarningEvent['detail'][] = [];
  el.addEventListener('indigo-chat-warning', (e) => {
    if (e.detail.code === 'degraded-generation') seen.push(e.detail);
  });
  return seen;
}

describe('<indigo-chat> degraded generation', () => {
  it('fires indigo-chat-warning once for one degraded generation, and tells the visitor it is plain text', async () => {
    const r = relays.relay().queue(welcomeChunks(), degradedAnswer());
    const el = await mount(r);
    const warnings = degradedWarnings(el);
    const answer = await ask(el, r);
    // Re-rendering (other state changes) must not warn again.
    el.requestUpdate();
    await el.updateComplete;
    await aTimeout(20);
    expect(warnings).to.have.length(1);
    expect(answer.querySelector('[part~="bubble"]')!.textContent).to.contain('**world**');
    const notice = answer.querySelector('[part~="plain-text-notice"]');
    expect(notice, 'plain-text notice').to.not.equal(null);
    expect(notice!.textContent.trim()).to.equal('Shown as plain text: the formatting could not be applied.');
  });

  it('the notice is localized', async () => {
    const r = relays.relay().queue(welcomeChunks(), degradedAnswer());
    const el = await mount(r, 'it');
    const answer = await ask(el, r);
    expect(answer.querySelector('[part~="plain-text-notice"]')!.textContent.trim()).to.equal(
      'Mostrata come testo semplice: non è stato possibile applicare la formattazione.',
    );
  });

  it('the is_generated text that follows replaces it: shown once, as rendered HTML, without the notice', async () => {
    const final = { type: 'text', data: { text: '<p>Hello <strong>world</strong></p>' }, is_generated: true };
    const all = degradedAnswer();
    // Held after generation.end, so the degraded bubble is on screen before the final text.
    const held = heldResponse(all.slice(0, -1), [final, { type: 'processing.end' }]);
    const r = relays.relay().queue(welcomeChunks(), held.response);
    const el = await mount(r);
    const warnings = degradedWarnings(el);
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    el.send('Say hello');
    await waitUntil(() => botMessages(el)[1]?.querySelector('[part~="plain-text-notice"]'), 'degraded bubble shown');
    const answer = botMessages(el)[1]!;
    expect(answer.querySelector('[part~="bubble"]')!.textContent).to.contain('**world**');
    held.release();
    await waitUntil(() => el.conversation.transcript.status === 'idle', 'answer ended');
    await el.updateComplete;
    await aTimeout(50);
    const bubbles = [...answer.querySelectorAll('[part~="bubble"]')];
    expect(bubbles).to.have.length(1);
    expect(bubbles[0]!.querySelector('strong')?.textContent).to.equal('world');
    expect(answer.textContent.match(/Hello/g)).to.have.length(1);
    expect(answer.textContent).to.not.contain('**');
    expect(answer.querySelector('[part~="plain-text-notice"]')).to.equal(null);
    // It did degrade on the way: that is reported, once.
    expect(warnings).to.have.length(1);
    expect($$(el, '[part~="message-bot"]')).to.have.length(2);
    expect($(el, '[part~="notice"]')).to.equal(null);
  });
});
