/**
 * Fourth review (twenty-second session): defects found by reading the element and the
 * stream's path as a site owner and a visitor meet them, each asserted in real browsers.
 */
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, typeAndEnter, useFakeRelays, userMessages, welcomeChunks, type Wire } from './fake-relay.test-helper.js';

const relays = useFakeRelays('fourth-review');
let n = 0;
const until = (check: () => unknown, what: string) => waitUntil(check, what, { timeout: 10_000 });
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;

async function inline(path: string, extra: { deltaUnit?: string } = {}): Promise<IndigoChat> {
  n++;
  const el = await fixture<IndigoChat>(
    html`<indigo-chat
      relay=${path}
      id=${`fourth-review-${n}`}
      mode="inline"
      lang="en"
      storage="none"
      delta-unit=${extra.deltaUnit ?? 'grapheme'}
    ></indigo-chat>`,
  );
  await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
  await el.updateComplete;
  return el;
}

/** An SSE answer the test writes chunk by chunk, then ends. */
function heldAnswer(): { response: Response; push(chunk: Wire): void; end(): void } {
  const enc = new TextEncoder();
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
  return {
    response: new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    push: (chunk) => ctl.enqueue(enc.encode(`data: ${JSON.stringify(chunk)}\n\n`)),
    end: () => ctl.close(),
  };
}

describe('the page moves or removes the element while an answer streams', () => {
  it('moved: the answer goes on to its end, then what the visitor queued is sent', async () => {
    const answer = heldAnswer();
    const r = relays.relay().queue(welcomeChunks(), () => answer.response);
    const el = await inline(r.path);
    await typeAndEnter(el, 'tell me');
    answer.push({ type: 'processing.start' });
    answer.push({ type: 'text', data: { text: '<p>Part one</p>' } });
    await until(() => botMessages(el).length === 2, 'the answer streaming');
    await typeAndEnter(el, 'and then?');
    await until(() => el.conversation.queued.length === 1, 'queued behind it');
    const box = document.createElement('div');
    document.body.append(box);
    box.append(el); // the page moves the widget (a layout change, a portal)
    await aTimeout(100);
    expect(el.conversation.inFlight, 'still streaming').to.equal(true);
    answer.push({ type: 'text', data: { text: '<p>Part two</p>' } });
    answer.push({ type: 'processing.end' });
    answer.end();
    await until(() => r.sent.some((b) => b.data.text === 'and then?'), 'the queued message sent');
    await until(() => botMessages(el).length === 3 && idle(el), 'its answer');
    const answer1 = el.conversation.transcript.messages.filter((m) => m.role === 'bot')[1];
    expect(answer1?.role === 'bot' && answer1.state, 'not cut off').to.equal('done');
    expect(botMessages(el)[1]!.textContent).to.contain('Part one').and.to.contain('Part two');
    expect(r.sent.map((b) => b.data.text)).to.deep.equal([undefined, 'tell me', 'and then?']);
    expect(userMessages(el)).to.have.length(2);
    box.remove();
  });

  it('removed, then put back later: the cut answer stays, and what the visitor queued is sent', async () => {
    const r = relays.relay().queue(welcomeChunks(), () => heldAnswer().response);
    const el = await inline(r.path);
    await typeAndEnter(el, 'tell me');
    await until(() => el.conversation.inFlight && r.sent.length === 2, 'asked');
    await typeAndEnter(el, 'and then?');
    await until(() => el.conversation.queued.length === 1, 'queued');
    const parent = el.parentElement!;
    el.remove();
    await aTimeout(50);
    expect(el.conversation.inFlight, 'the run ended with the element').to.equal(false);
    expect(r.sent.map((b) => b.data.text)).to.not.include('and then?');
    parent.append(el);
    await until(() => r.sent.some((b) => b.data.text === 'and then?'), 'sent once back on the page');
    await until(() => el.conversation.queued.length === 0 && idle(el), 'answered');
  });
});

describe('delta-unit on the element', () => {
  // "<p>😀 hi" is 8 UTF-16 code units but 7 graphemes.
  const gen = (id: string): Wire[] => [
    { type: 'processing.start' },
    { type: 'generation.start', data: { generation_id: id } },
    { type: 'generation.chunk', data: { generation_id: id, chunk: '😀 hi', deltas: [{ command: 'ins', value: '<p>😀 hi</p>' }] } },
    {
      type: 'generation.chunk',
      data: {
        generation_id: id,
        chunk: '!',
        deltas: [
          { command: 'mov', value: 8 },
          { command: 'ins', value: '!' },
        ],
      },
    },
    { type: 'generation.end', data: { generation_id: id } },
    { type: 'processing.end' },
  ];

  it('delta-unit="utf16" counts the first conversation’s deltas in UTF-16 code units (not only after a restart)', async () => {
    const r = relays.relay().queue(welcomeChunks(), gen('g1'), welcomeChunks(), gen('g2'));
    const el = await inline(r.path, { deltaUnit: 'utf16' });
    const last = () => botMessages(el).at(-1)!.querySelector('.generation-body')?.textContent;
    await typeAndEnter(el, 'hi');
    await until(() => botMessages(el).length === 2 && idle(el), 'the answer');
    await aTimeout(50); // the generation view commits on the next frame
    expect([el.conversation.transcript.deltaUnit, last()]).to.deep.equal(['utf16', '😀 hi!']);
    el.restart();
    await until(() => botMessages(el).length === 1 && idle(el), 'restarted');
    await typeAndEnter(el, 'again');
    await until(() => botMessages(el).length === 2 && idle(el), 'the answer after the restart');
    await aTimeout(50);
    expect(last()).to.equal('😀 hi!');
  });
});

describe('the element as a site owner drives it', () => {
  function make(path: string, attrs: Record<string, string> = {}): IndigoChat {
    const el = document.createElement('indigo-chat');
    el.id = `fourth-review-${++n}`;
    el.setAttribute('relay', path);
    el.setAttribute('lang', 'en');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }

  it('show() right after the element is added fires indigo-chat-open and focuses the composer; a panel written open does neither', async () => {
    const r = relays.relay().queue(welcomeChunks(), welcomeChunks());
    const el = make(r.path, { storage: 'none' });
    let opens = 0;
    el.addEventListener('indigo-chat-open', () => opens++);
    document.body.append(el);
    el.show();
    await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
    await el.updateComplete;
    expect([el.open, opens, el.shadowRoot!.activeElement?.getAttribute('part')]).to.deep.equal([true, 1, 'input']);
    el.remove();
    // Written open by the owner: shown, but no focus taken from the page and no event.
    const written = make(r.path, { storage: 'none', open: '' });
    let writtenOpens = 0;
    written.addEventListener('indigo-chat-open', () => writtenOpens++);
    document.body.append(written);
    await until(() => botMessages(written).length === 1 && idle(written), 'welcome');
    await written.updateComplete;
    expect([written.open, writtenOpens, written.shadowRoot!.activeElement]).to.deep.equal([true, 0, null]);
    written.remove();
  });

  it('two chats on one page: the second one’s character count is styled like the first one’s', async () => {
    const mount = () => {
      const r = relays.relay().queue(welcomeChunks());
      const el = make(r.path, { mode: 'inline', storage: 'none' });
      el.style.height = '400px';
      document.body.append(el);
      return el;
    };
    const over = async (el: IndigoChat) => {
      await until(() => botMessages(el).length === 1 && idle(el), 'welcome');
      await el.updateComplete;
      const field = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
      field.value = 'x'.repeat(4100);
      field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await until(() => $(el, '[part~="char-count"]')?.textContent?.includes('too many'), 'over the limit');
      return getComputedStyle($(el, '[part~="char-count"]')!);
    };
    const [a, b] = [mount(), mount()];
    const first = await over(a);
    const second = await over(b);
    expect([second.color, second.textAlign]).to.deep.equal([first.color, first.textAlign]);
    expect(first.color).to.not.equal(getComputedStyle($(a, '[part~="input"]')!).color);
    a.remove();
    b.remove();
  });

  it('an unknown mode ("popup") is the default launcher: closed until opened, nothing sent before', async () => {
    const r = relays.relay().queue(welcomeChunks());
    const el = make(r.path, { mode: 'popup', storage: 'none' });
    document.body.append(el);
    await el.updateComplete;
    expect([el.mode, el.getAttribute('mode'), $(el, '[part~="panel"]')!.hidden]).to.deep.equal(['launcher', 'launcher', true]);
    expect($(el, '[part~="launcher"]'), 'a launcher to open and close it').to.not.equal(null);
    await aTimeout(100);
    expect(r.sessions, 'nothing sent before the visitor acts').to.equal(0);
    // Changed later, the same.
    el.setAttribute('mode', 'inline');
    await el.updateComplete;
    el.setAttribute('mode', 'sidebar');
    await el.updateComplete;
    expect(el.mode).to.equal('launcher');
    el.remove();
  });
});
