import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { HttpResponse } from 'msw';
import { sendKeys } from '@web/test-runner-commands';
import { resize } from '../../../test/support/resize.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import {
  $,
  $$,
  botMessages,
  type FakeRelay,
  sseResponse,
  typeAndEnter,
  useFakeRelays,
  userMessages,
  welcomeChunks,
} from './fake-relay.test-helper.js';
import type { Wire } from './fake-relay.test-helper.js';
import type { IndigoChatErrorEvent, IndigoChatMessageEvent, IndigoChatWarningEvent } from '../../events/index.js';

const relays = useFakeRelays('t');
let n = 0;
function relay(): FakeRelay {
  n++; // element ids and storage keys stay distinct per test
  return relays.relay();
}

async function mount(r: FakeRelay, attrs: { mode?: string; lang?: string; id?: string; storage?: string } = {}): Promise<IndigoChat> {
  return fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${attrs.id ?? `chat-${n}`}
      mode=${attrs.mode ?? 'launcher'}
      lang=${attrs.lang ?? 'en'}
      storage=${attrs.storage ?? 'local'}
    ></indigo-chat>`,
  );
}

async function openAndWelcome(el: IndigoChat): Promise<void> {
  $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome answer rendered');
  await el.updateComplete;
}

/** A generation streaming `words` as appends (utf16 deltas are equal to graphemes for ASCII). */
function generation(id: string, words: readonly string[]): Wire[] {
  const out: Wire[] = [{ type: 'processing.start' }, { type: 'generation.start', data: { generation_id: id } }];
  let html = '';
  for (const [i, w] of words.entries()) {
    const next = `<p>${words.slice(0, i + 1).join(' ')}</p>`;
    // Keep everything up to the closing tag, insert the new word.
    const keep = html === '' ? 0 : html.length - 4;
    const ins = html === '' ? next : next.slice(keep, next.length - 4);
    const deltas =
      html === ''
        ? [{ command: 'ins', value: ins }]
        : [
            { command: 'mov', value: keep },
            { command: 'ins', value: ins },
          ];
    out.push({ type: 'generation.chunk', data: { generation_id: id, chunk: `${w} `, deltas } });
    html = next;
  }
  out.push({ type: 'generation.end', data: { generation_id: id } }, { type: 'processing.end' });
  return out;
}

describe('<indigo-chat>', () => {
  it('is closed at first, opens from the launcher, gets a session and renders the hidden welcome answer', async () => {
    const r = relay().queue(welcomeChunks('Welcome aboard'));
    const el = await mount(r);
    const launcher = $<HTMLButtonElement>(el, '[part~="launcher"]')!;
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect($(el, '[part~="panel"]')!.hidden).to.equal(true);
    expect(r.sessions).to.equal(0);

    const opened = oneEvent(el, 'indigo-chat-open');
    launcher.click();
    await opened;
    await waitUntil(() => botMessages(el).length === 1, 'bot message');
    await waitUntil(() => el.conversation.transcript.status === 'idle');
    await el.updateComplete;
    expect(r.sessions).to.equal(1);
    expect(r.sent[0]?.data).to.deep.equal({ type: 'payload', payload: 'init', label: 'START' });
    expect(r.sent[0]?.sender).to.equal(`sender-${r.path}-1`);
    expect(userMessages(el)).to.have.length(0); // the welcome payload shows no visitor bubble
    expect(botMessages(el)[0]!.textContent).to.contain('Welcome aboard');
    expect($$(el, '[part~="button"]').length).to.equal(2);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="input"]'));
  });

  it('sends typed text on Enter and streams an LLM answer to its final HTML', async () => {
    const r = relay().queue(welcomeChunks(), generation('g1', ['Streaming', 'answers', 'are', 'smooth']));
    const el = await mount(r);
    await openAndWelcome(el);
    const events: IndigoChatMessageEvent[] = [];
    el.addEventListener('indigo-chat-message', (ev) => events.push(ev));
    await typeAndEnter(el, 'tell me something');
    // The welcome's request may still be closing (status idle before its body ends): the
    // send is then queued and goes out, with its event, a moment later.
    await waitUntil(() => events.length >= 1, 'outgoing message event');
    const e = events[0]!;
    expect(e.detail.direction).to.equal('out');
    expect(e.detail.message.role).to.equal('user');
    expect($<HTMLTextAreaElement>(el, '[part~="input"]')!.value).to.equal('');
    await waitUntil(() => r.sent.length === 2);
    expect(r.sent[1]?.data).to.deep.equal({ type: 'text', text: 'tell me something' });
    await waitUntil(() => events.length === 2, 'answer finished');
    expect(events[1]!.detail.direction).to.equal('in');
    expect(events[1]!.detail.message.role).to.equal('bot');
    await el.updateComplete;
    await aTimeout(50); // the generation-view directive commits on the next frame
    expect(userMessages(el)[0]!.querySelector('.user-bubble')!.textContent).to.equal('tell me something');
    const last = botMessages(el).at(-1)!;
    await waitUntil(() => last.querySelector('p')?.textContent === 'Streaming answers are smooth', 'final generation HTML');
    // The finished answer is announced once through the polite live region.
    await waitUntil(() => $(el, '[aria-live="polite"]')!.textContent.includes('Streaming answers are smooth'));
  });

  it('sends a quick reply payload, shows its label as the visitor message and disables the old replies', async () => {
    const r = relay().queue(welcomeChunks(), [
      { type: 'processing.start' },
      { type: 'text', data: { text: '<p>Here is a picture</p>' } },
      { type: 'button', data: { label: 'Again', payload: 'again' } },
      { type: 'processing.end' },
    ]);
    const el = await mount(r);
    await openAndWelcome(el);
    const first = $$(el, '[part~="button"]')[0] as HTMLButtonElement;
    expect(first.disabled).to.equal(false);
    first.click();
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'second answer');
    await el.updateComplete;
    expect(r.sent[1]?.data).to.deep.equal({ type: 'payload', payload: 'image', label: 'Show me a picture' });
    expect(userMessages(el)[0]!.querySelector('.user-bubble')!.textContent).to.equal('Show me a picture');
    const oldButtons = botMessages(el)[0]!.querySelectorAll<HTMLButtonElement>('[part~="button"]');
    expect([...oldButtons].every((b) => b.disabled || b.getAttribute('aria-disabled') === 'true')).to.equal(true);
    const newButton = botMessages(el)[1]!.querySelector<HTMLButtonElement>('[part~="button"]')!;
    expect(newButton.disabled).to.equal(false);
  });

  it('fires ready, open, close, message and warning events with their details', async () => {
    const r = relay().queue(welcomeChunks(), [
      { type: 'processing.start' },
      { type: 'generation.chunk', data: { generation_id: 'nope', chunk: 'x', deltas: [] } },
      { type: 'text', data: { text: '<p>ok</p>' } },
      { type: 'processing.end' },
    ]);
    const el = document.createElement('indigo-chat');
    el.relay = r.path;
    el.id = `chat-events-${n}`;
    const ready = oneEvent(el, 'indigo-chat-ready');
    document.body.append(el);
    await ready;
    const log: string[] = [];
    for (const t of ['indigo-chat-open', 'indigo-chat-close', 'indigo-chat-message', 'indigo-chat-warning'] as const) {
      document.addEventListener(t, (e) => {
        const d = (e as IndigoChatMessageEvent).detail;
        log.push(t === 'indigo-chat-message' ? `${t}:${d.direction}:${d.message.role}` : t);
      });
    }
    try {
      const warning = oneEvent<IndigoChatWarningEvent>(document, 'indigo-chat-warning');
      el.show();
      await waitUntil(() => log.includes('indigo-chat-message:in:bot'));
      el.send('hi');
      const w = await warning;
      expect(w.detail.code).to.equal('ignored-chunk');
      await waitUntil(() => log.filter((x) => x === 'indigo-chat-message:in:bot').length === 2);
      el.hide();
      await el.updateComplete;
      expect(log).to.deep.equal([
        'indigo-chat-open',
        'indigo-chat-message:in:bot',
        'indigo-chat-message:out:user',
        'indigo-chat-warning',
        'indigo-chat-message:in:bot',
        'indigo-chat-close',
      ]);
    } finally {
      el.remove();
    }
  });

  it('restores transcript, sender and open state after a reload without a new session', async () => {
    const r = relay().queue(welcomeChunks('Persist me'));
    const el = await mount(r, { id: 'persisted' });
    await openAndWelcome(el);
    el.send('remember this');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle');
    const sender = el.conversation.sender;
    el.remove(); // the page goes away

    const again = await mount(r, { id: 'persisted' });
    expect(again.open).to.equal(true);
    expect(again.conversation.sender).to.equal(sender);
    expect(botMessages(again)[0]!.textContent).to.contain('Persist me');
    expect(userMessages(again)[0]!.textContent).to.contain('remember this');
    expect(r.sessions).to.equal(1);
    expect(r.sent).to.have.length(2); // no new welcome

    again.send('still here');
    await waitUntil(() => r.sent.length === 3);
    expect(r.sent[2]?.sender).to.equal(sender);
    // A different id on the same relay is a different conversation.
    const other = await mount(r, { id: 'someone-else' });
    expect(other.conversation.transcript.messages).to.have.length(0);
  });

  it('keeps a failed message with its text, reports the error, and retry sends it again', async () => {
    const r = relay().queue(welcomeChunks(), HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 500 }));
    const el = await mount(r);
    await openAndWelcome(el);
    const err = oneEvent<IndigoChatErrorEvent>(el, 'indigo-chat-error');
    el.send('please work');
    expect((await err).detail.code).to.equal('unavailable');
    await el.updateComplete;
    expect(userMessages(el)[0]!.querySelector('.user-bubble')!.textContent).to.equal('please work');
    expect(userMessages(el)[0]!.textContent).to.contain('Not sent');
    const retry = $<HTMLButtonElement>(el, '[part~="notice"] [part~="retry"]')!;
    expect(retry).to.not.equal(null);
    retry.click();
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer after retry');
    await el.updateComplete;
    expect(r.sent.at(-1)?.data).to.deep.equal({ type: 'text', text: 'please work' });
    expect(userMessages(el)).to.have.length(1); // the same bubble, not a duplicate
    expect(userMessages(el)[0]!.textContent).not.to.contain('Not sent');
    expect($(el, '[part~="retry"]')).to.equal(null);
  });

  it('gets a new session and retries once when the relay refuses the sender', async () => {
    const r = relay().queue(welcomeChunks(), HttpResponse.json({ error: { code: 'sender', message: 'bad sender' } }, { status: 403 }));
    const el = await mount(r);
    await openAndWelcome(el);
    el.send('hello again');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle');
    expect(r.sessions).to.equal(2);
    expect(r.sent.at(-1)?.sender).to.equal(`sender-${r.path}-2`);
    expect(r.sent.at(-1)?.data).to.deep.equal({ type: 'text', text: 'hello again' });
  });

  it('times out with tiny timeouts and offers a retry', async () => {
    const r = relay().queue(welcomeChunks(), sseResponse([{ type: 'processing.start' }], { stall: true }));
    const el = await mount(r);
    el.timeouts = { firstByteMs: 2000, idleMs: 80 };
    await openAndWelcome(el);
    const err = oneEvent<IndigoChatErrorEvent>(el, 'indigo-chat-error');
    el.send('slow one');
    expect((await err).detail.code).to.equal('timeout');
    await el.updateComplete;
    expect(el.conversation.transcript.notice?.kind).to.equal('timeout');
    expect($(el, '[part~="notice"]')).to.not.equal(null);
    expect($(el, '[part~="retry"]')).to.not.equal(null);
    expect($<HTMLTextAreaElement>(el, '[part~="input"]')!.disabled).to.equal(false);
  });

  it('shows an offline notice while offline', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1);
    window.dispatchEvent(new Event('offline'));
    await el.updateComplete;
    expect($(el, '[part~="notice"].offline')!.textContent).to.contain('offline');
    window.dispatchEvent(new Event('online'));
    await el.updateComplete;
    expect($(el, '[part~="notice"].offline')).to.equal(null);
  });

  it('runs two instances on one page without interference', async () => {
    const a = relay().queue(welcomeChunks('From A'));
    const b = relay().queue(welcomeChunks('From B'));
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <indigo-chat id="a" mode="inline" relay=${a.path}></indigo-chat>
        <indigo-chat id="b" mode="inline" relay=${b.path}></indigo-chat>
      </div>`,
    );
    const [ea, eb] = [...wrap.querySelectorAll('indigo-chat')] as IndigoChat[];
    await waitUntil(() => botMessages(ea!).length === 1 && botMessages(eb!).length === 1);
    ea!.send('only for A');
    await waitUntil(() => botMessages(ea!).length === 2 && ea!.conversation.transcript.status === 'idle');
    await eb!.updateComplete;
    expect(botMessages(ea!)[0]!.textContent).to.contain('From A');
    expect(botMessages(eb!)[0]!.textContent).to.contain('From B');
    expect(userMessages(eb!)).to.have.length(0);
    expect(a.sent).to.have.length(2);
    expect(b.sent).to.have.length(1);
    const ids = [...wrap.querySelectorAll('indigo-chat')].map((e) => e.shadowRoot!.querySelector('[part~="input"]')!.id);
    expect(ids[0]).not.to.equal(ids[1]);
  });

  it('closes on Escape and returns focus to the launcher', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await openAndWelcome(el);
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    const closed = oneEvent(el, 'indigo-chat-close');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await closed;
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect($(el, '[part~="panel"]')!.hidden).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="launcher"]'));
  });

  it('Escape on the launcher of an open panel closes it, focus stays on the launcher, and the page hears no Escape', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r);
    await openAndWelcome(el);
    const launcher = $<HTMLButtonElement>(el, '[part~="launcher"]')!;
    launcher.focus();
    const heard: string[] = [];
    const listen = (e: KeyboardEvent) => heard.push(e.key);
    document.addEventListener('keydown', listen);
    try {
      const closed = oneEvent(el, 'indigo-chat-close');
      await sendKeys({ press: 'Escape' });
      await closed;
      await el.updateComplete;
      expect(el.open).to.equal(false);
      expect($(el, '[part~="panel"]')!.hidden).to.equal(true);
      expect(el.shadowRoot!.activeElement).to.equal(launcher);
      expect(heard).to.deep.equal([]);
      // Closed, Escape on the launcher is the page's again (nothing of ours to close).
      await sendKeys({ press: 'Escape' });
      expect(heard).to.deep.equal(['Escape']);
      expect(el.open).to.equal(false);
    } finally {
      document.removeEventListener('keydown', listen);
    }
  });

  it("closed, Escape on the launcher is the page's, also on a phone (where the panel is a modal)", async function () {
    if (!(await resize(390, 740))) this.skip(); // WebKit's WebDriver cannot resize
    try {
      const el = await mount(relay().queue(welcomeChunks()));
      await el.updateComplete;
      const key = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true, cancelable: true });
      $(el, '[part~="launcher"]')!.dispatchEvent(key);
      expect([el.open, key.defaultPrevented]).to.deep.equal([false, false]);
    } finally {
      await resize(800, 600);
    }
  });

  it('a clicked control holds focus in every engine (WebKit focuses nothing on click), so Escape still closes', async () => {
    const r = relay().queue(welcomeChunks()).queue(welcomeChunks());
    const el = await mount(r);
    await openAndWelcome(el);
    // A synthetic click focuses nothing in any engine, like a real click in WebKit.
    (document.activeElement as HTMLElement | null)?.blur();
    const restart = $<HTMLButtonElement>(el, '[part~="restart"]')!;
    restart.click();
    await el.updateComplete;
    const active = el.shadowRoot!.activeElement as HTMLElement | null;
    expect(active, 'focus inside the panel').to.not.equal(null);
    expect($(el, '[part~="panel"]')!.contains(active)).to.equal(true);
    const closed = oneEvent(el, 'indigo-chat-close');
    active!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await closed;
    expect(el.open).to.equal(false);
  });

  it('shows Italian strings with lang="it" and English for unknown languages', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { lang: 'it', mode: 'inline' });
    expect($(el, '[part~="send"]')!.getAttribute('aria-label')).to.equal('Invia');
    expect($(el, 'label')!.textContent).to.equal('Il tuo messaggio');
    el.lang = 'xx';
    await el.updateComplete;
    expect($(el, '[part~="send"]')!.getAttribute('aria-label')).to.equal('Send');
  });

  it('restart() aborts, gets a new sender, empties the transcript and sends the welcome again', async () => {
    const r = relay().queue(welcomeChunks('first'), sseResponse([{ type: 'processing.start' }], { stall: true }), welcomeChunks('second'));
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle');
    el.send('never answered');
    await waitUntil(() => r.sent.length === 2);
    el.restart();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle' && r.sent.length === 3);
    await el.updateComplete;
    expect(botMessages(el)[0]!.textContent).to.contain('second');
    expect(userMessages(el)).to.have.length(0);
    expect(r.sessions).to.equal(2);
    expect(r.sent[2]?.data).to.deep.equal({ type: 'payload', payload: 'init', label: 'START' });
  });

  it('queues a send made while an answer streams and sends it after', async () => {
    const r = relay().queue(welcomeChunks(), sseResponse(welcomeChunks('slow'), { gapMs: 60 }));
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => el.conversation.transcript.status === 'idle' && botMessages(el).length === 1);
    el.send('one');
    await waitUntil(() => r.sent.length === 2);
    expect(el.send('two')).to.equal(true);
    await el.updateComplete;
    expect($$(el, '[part~="message-user"].queued').length).to.equal(1);
    // Two paced streams: on a loaded machine that outlasts open-wc's 1 s default wait.
    await waitUntil(
      () => r.sent.length === 3 && el.conversation.transcript.status === 'idle' && botMessages(el).length === 3,
      'both answers',
      { timeout: 10000 },
    );
    expect(r.sent[2]?.data).to.deep.equal({ type: 'text', text: 'two' });
    expect(botMessages(el)[1]!.textContent).to.contain('slow');
  });

  it('a double submit (Enter twice, or Enter then the send button, in one task) sends once, idle or while an answer streams', async () => {
    const r = relay().queue(welcomeChunks(), sseResponse([{ type: 'processing.start' }], { stall: true }));
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => el.conversation.transcript.status === 'idle' && botMessages(el).length === 1, 'welcome');
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    const form = $<HTMLFormElement>(el, 'form[part~="composer"]')!;
    const twice = (text: string) => {
      input.value = text;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }));
      form.requestSubmit();
    };
    twice('once');
    await waitUntil(() => r.sent.length === 2, 'the send');
    await aTimeout(100);
    await el.updateComplete; // its render waits for a paced frame (slow on a loaded machine)
    expect(r.sent.length).to.equal(2);
    expect(userMessages(el).length).to.equal(1);
    expect(userMessages(el)[0]!.textContent).to.contain('once');
    // The answer stalls: the next one is queued, once.
    twice('queued once');
    await el.updateComplete;
    expect($$(el, '[part~="message-user"].queued').length).to.equal(1);
    expect(input.value).to.equal('');
  });

  it('renders at most once per frame while chunks stream in', async () => {
    const chunks = generation(
      'g2',
      Array.from({ length: 300 }, (_, i) => `w${i}`),
    );
    const r = relay().queue(welcomeChunks(), sseResponse(chunks, { onePiece: true }));
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => el.conversation.transcript.status === 'idle' && botMessages(el).length === 1);
    let renders = 0;
    const orig = (el as unknown as { render(): unknown }).render.bind(el);
    (el as unknown as { render(): unknown }).render = () => {
      renders++;
      return orig();
    };
    el.send('long');
    await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle');
    await el.updateComplete;
    // 300+ chunks arrived in one read: without frame batching Lit renders once per chunk.
    expect(renders).to.be.lessThan(60);
    await waitUntil(() => botMessages(el)[1]!.textContent.includes('w299'));
  });
});
