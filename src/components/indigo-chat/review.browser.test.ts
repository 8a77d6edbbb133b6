/**
 * Behaviour found missing or wrong in the review against the spec (issue #4): each test
 * here failed before its fix.
 */
import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { HttpResponse, http } from 'msw';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, $$, botMessages, type FakeRelay, sseResponse, useFakeRelays, userMessages, welcomeChunks } from './fake-relay.test-helper.js';
import type { IndigoChatErrorEvent } from '../../events/index.js';

const relays = useFakeRelays('review');
let n = 0;
function relay(): FakeRelay {
  n++; // element ids and storage keys stay distinct per test
  return relays.relay();
}
const idle = (el: IndigoChat) => el.conversation.transcript.status === 'idle' && !el.conversation.inFlight;

async function mount(r: FakeRelay, attrs: { mode?: string; lang?: string; id?: string } = {}): Promise<IndigoChat> {
  return fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${attrs.id ?? `review-${n}`}
      mode=${attrs.mode ?? 'launcher'}
      lang=${attrs.lang ?? 'en'}
    ></indigo-chat>`,
  );
}

describe('<indigo-chat> review fixes', () => {
  it('counts answers finished while closed on the launcher label and clears them on open', async () => {
    const r = relay().queue(welcomeChunks('hello'), [
      { type: 'processing.start' },
      { type: 'text', data: { text: '<p>one</p>' } },
      { type: 'processing.end' },
    ]);
    const el = await mount(r);
    el.show();
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    el.hide();
    await el.updateComplete;
    el.send('while closed');
    await waitUntil(() => botMessages(el).length === 2 && idle(el));
    await el.updateComplete;
    const launcher = $<HTMLButtonElement>(el, '[part~="launcher"]')!;
    expect($(el, '[part~="badge"]')!.textContent.trim()).to.equal('1');
    // The button's own aria-label hides its content from screen readers: the count must be in it.
    expect(launcher.getAttribute('aria-label')).to.contain('1 unread message');
    // Announced while closed as a count (the panel and its content are hidden).
    await waitUntil(() => $$(el, '[aria-live="polite"]').some((l) => l.textContent.includes('1 unread message') && !l.closest('[hidden]')));
    launcher.click();
    await el.updateComplete;
    expect($(el, '[part~="badge"]')).to.equal(null);
    expect(launcher.getAttribute('aria-label')).not.to.contain('unread');
  });

  it('shows typing while the welcome is on its way, and focuses the input on first open', async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const r = relay().queue(async () => {
      await gate;
      return welcomeChunks('Here I am');
    });
    const el = await mount(r);
    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="input"]'));
    await waitUntil(() => r.sessions === 1);
    await el.updateComplete;
    expect($(el, '[part~="typing"]'), 'typing before the welcome').to.not.equal(null);
    release();
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    await el.updateComplete;
    expect($(el, '[part~="typing"]')).to.equal(null);
  });

  it('after restart() nothing from the old stream reaches the new transcript', async () => {
    const old = sseResponse(
      [
        { type: 'processing.start' },
        { type: 'text', data: { text: '<p>OLD-1</p>' } },
        { type: 'text', data: { text: '<p>OLD-2</p>' } },
        { type: 'text', data: { text: '<p>OLD-3</p>' } },
        { type: 'processing.end' },
      ],
      { gapMs: 80 },
    );
    const r = relay().queue(welcomeChunks('first'), old, welcomeChunks('fresh'));
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    el.send('old question');
    await waitUntil(() => el.shadowRoot!.textContent.includes('OLD-1'));
    el.restart();
    await waitUntil(() => botMessages(el).length === 1 && idle(el) && r.sent.length === 3);
    await aTimeout(400); // longer than the rest of the old stream
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).not.to.contain('OLD');
    expect(JSON.stringify(el.conversation.transcript)).not.to.contain('OLD');
    expect(botMessages(el)[0]!.textContent).to.contain('fresh');
  });

  it('a relay answering /session with 404 or HTML: clear notice, retry, indigo-chat-error', async () => {
    for (const bad of [
      () => new HttpResponse('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
      () => new HttpResponse('<!doctype html><title>Shop</title>', { status: 200, headers: { 'content-type': 'text/html' } }),
    ]) {
      const path = `/review-bad-${++n}/api/chat`;
      let fixed = false;
      relays.use(
        http.post(`${path}/session`, () => (fixed ? HttpResponse.json({ sender: 'ok-sender' }) : bad())),
        http.post(path, () => sseResponse(welcomeChunks('Recovered'))),
      );
      const errors: IndigoChatErrorEvent[] = [];
      const onError = (e: Event) => errors.push(e as IndigoChatErrorEvent);
      document.addEventListener('indigo-chat-error', onError);
      const el = await fixture<IndigoChat>(html`<indigo-chat relay=${path} id=${`bad-${n}`} mode="inline"></indigo-chat>`);
      await waitUntil(() => errors.length === 1, 'indigo-chat-error');
      document.removeEventListener('indigo-chat-error', onError);
      expect(errors[0]!.detail.code).to.match(/^session-/);
      await el.updateComplete;
      const notice = $(el, '[part~="notice"]');
      expect(notice, 'notice').to.not.equal(null);
      expect(notice!.textContent.trim().length).to.be.greaterThan(10);
      expect($(el, '[part~="typing"]')).to.equal(null);
      expect(userMessages(el)).to.have.length(0);
      fixed = true;
      $<HTMLButtonElement>(el, '[part~="retry"]')!.click();
      await waitUntil(() => botMessages(el).length === 1 && idle(el), 'welcome after retry');
      await el.updateComplete;
      expect(botMessages(el)[0]!.textContent).to.contain('Recovered');
      expect($(el, '[part~="notice"]')).to.equal(null);
    }
  });

  it('a welcome cut after its first chunk offers a retry that sends the welcome again, unseen', async () => {
    const r = relay().queue([{ type: 'processing.start' }, { type: 'text', data: { text: '<p>Hel</p>' } }], welcomeChunks('Hello again'));
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${`cut-welcome-${++n}`} mode="inline"></indigo-chat>`);
    await waitUntil(() => $(el, '[part~="retry"]') !== null && idle(el), 'the notice with its retry');
    expect(botMessages(el)[0]!.textContent).to.contain('Hel');
    $<HTMLButtonElement>(el, '[part~="retry"]')!.click();
    await waitUntil(() => r.sent.length === 2 && idle(el), 'the welcome sent again');
    expect(r.sent[1]!.data).to.deep.equal(r.sent[0]!.data);
    await el.updateComplete;
    expect(userMessages(el)).to.have.length(0);
    expect(botMessages(el).at(-1)!.textContent).to.contain('Hello again');
  });

  it('a failed hidden send (profile) never marks the previous visitor message as failed', async () => {
    const r = relay().queue(
      welcomeChunks(),
      [{ type: 'processing.start' }, { type: 'text', data: { text: '<p>answer</p>' } }, { type: 'processing.end' }],
      HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 503 }),
    );
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    el.send('a question');
    await waitUntil(() => botMessages(el).length === 2 && idle(el));
    const err = oneEvent(el, 'indigo-chat-error');
    el.setProfile({ plan: 'pro' });
    await err;
    await waitUntil(() => idle(el));
    await el.updateComplete;
    expect(userMessages(el)[0]!.textContent).not.to.contain('Not sent');
    // Retry (if offered) must resend the profile, never the earlier visitor message.
    const retry = $<HTMLButtonElement>(el, '[part~="retry"]');
    if (retry) {
      retry.click();
      await waitUntil(() => r.sent.length === 4 && idle(el));
      expect(r.sent[3]!.data.type).to.equal('profile');
    }
  });

  it('shows notices in the element language', async () => {
    const r = relay().queue(welcomeChunks(), HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 500 }));
    const el = await mount(r, { mode: 'inline', lang: 'it' });
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    el.send('ciao');
    await waitUntil(() => $(el, '[part~="notice"]') !== null);
    expect($(el, '[part~="notice"]')!.textContent).not.to.contain('Your message could not be sent');
    expect($(el, '[part~="retry"]')!.textContent.trim()).to.equal('Riprova');
  });

  it('an answer cut off mid-way says so once on the message and the notice says why', async () => {
    // Content, then the body ends with no processing.end.
    const cut = [{ type: 'processing.start' }, { type: 'text', data: { text: '<p>Half an ans</p>' } }];
    const r = relay().queue(welcomeChunks(), cut);
    const el = await mount(r, { mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    el.send('tell me');
    await waitUntil(() => $(el, '[part~="notice"]') !== null && idle(el));
    // What is on screen (the polite live region re-reads the finished message, by design).
    const text = `${$(el, '[part~="transcript"]')!.textContent} ${$(el, '[part~="notice"]')!.textContent}`;
    expect(text.split('This answer may be incomplete.').length - 1).to.equal(1);
    expect($(el, '[part~="notice"]')!.textContent).to.contain('interrupted');
    expect($(el, '[part~="retry"]')).to.not.equal(null);
    expect(botMessages(el)[1]!.textContent).to.contain('Half an ans');
  });

  it('two instances without an id on the same relay do not share (and overwrite) one stored conversation', async () => {
    const r = relay().queue(welcomeChunks('A'), welcomeChunks('B'));
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <indigo-chat mode="inline" relay=${r.path}></indigo-chat>
        <indigo-chat mode="inline" relay=${r.path}></indigo-chat>
      </div>`,
    );
    const [a, b] = [...wrap.querySelectorAll('indigo-chat')] as IndigoChat[];
    await waitUntil(() => botMessages(a!).length === 1 && botMessages(b!).length === 1 && idle(a!) && idle(b!));
    a!.send('only A');
    await waitUntil(() => botMessages(a!).length === 2 && idle(a!));
    await b!.updateComplete;
    const senderA = a!.conversation.sender;
    wrap.remove();
    // Reload: the first id-less instance gets its conversation back; the second starts fresh
    // rather than adopting A's conversation (and its sender).
    const again = await fixture<HTMLDivElement>(
      html`<div>
        <indigo-chat mode="inline" relay=${r.path}></indigo-chat>
        <indigo-chat mode="inline" relay=${r.path}></indigo-chat>
      </div>`,
    );
    const [a2, b2] = [...again.querySelectorAll('indigo-chat')] as IndigoChat[];
    expect(a2!.conversation.sender).to.equal(senderA);
    expect(userMessages(a2!).map((m) => m.querySelector('.user-bubble')!.textContent)).to.deep.equal(['only A']);
    expect(b2!.conversation.sender).not.to.equal(senderA);
    expect(userMessages(b2!)).to.have.length(0);
  });

  it('two instances with different ids on the same relay keep separate storage', async () => {
    const r = relay().queue(welcomeChunks('A'), welcomeChunks('B'));
    const wrap = await fixture<HTMLDivElement>(
      html`<div>
        <indigo-chat id="sales" mode="inline" relay=${r.path}></indigo-chat>
        <indigo-chat id="support" mode="inline" relay=${r.path}></indigo-chat>
      </div>`,
    );
    const [a, b] = [...wrap.querySelectorAll('indigo-chat')] as IndigoChat[];
    await waitUntil(() => botMessages(a!).length === 1 && botMessages(b!).length === 1 && idle(a!) && idle(b!));
    a!.send('to sales');
    await waitUntil(() => botMessages(a!).length === 2 && idle(a!));
    const [sa, sb] = [a!.conversation.sender, b!.conversation.sender];
    expect(sa).not.to.equal(sb);
    wrap.remove();
    const again = await fixture<HTMLDivElement>(
      html`<div>
        <indigo-chat id="support" mode="inline" relay=${r.path}></indigo-chat>
        <indigo-chat id="sales" mode="inline" relay=${r.path}></indigo-chat>
      </div>`,
    );
    const [b2, a2] = [...again.querySelectorAll('indigo-chat')] as IndigoChat[];
    expect(a2!.conversation.sender).to.equal(sa);
    expect(b2!.conversation.sender).to.equal(sb);
    expect(userMessages(a2!)).to.have.length(1);
    expect(userMessages(b2!)).to.have.length(0);
  });

  it('passes the same media-origins array to the blocks while the attribute is unchanged', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { mode: 'inline' });
    el.mediaOrigins = 'https://cdn.example.com self';
    await el.updateComplete;
    const origins = (el as unknown as { origins: readonly string[] }).origins;
    expect(origins).to.deep.equal(['https://cdn.example.com', location.origin]);
    expect((el as unknown as { origins: readonly string[] }).origins).to.equal(origins);
    el.mediaOrigins = 'https://other.example.com';
    expect((el as unknown as { origins: readonly string[] }).origins).to.deep.equal(['https://other.example.com']);
  });

  it('picks readable text on the accent: white on a dark brand colour, dark on a light one', async () => {
    const r = relay();
    const el = await mount(r);
    const launcher = $<HTMLButtonElement>(el, '[part~="launcher"]')!;
    const lum = (c: string) => {
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = c;
      probe.fillRect(0, 0, 1, 1);
      const [R, G, B] = probe.getImageData(0, 0, 1, 1).data;
      return (0.2126 * R! + 0.7152 * G! + 0.0722 * B!) / 255;
    };
    el.style.setProperty('--indigo-chat-accent', '#4f46e5');
    expect(lum(getComputedStyle(launcher).color)).to.be.greaterThan(0.9);
    el.style.setProperty('--indigo-chat-accent', '#ffd400');
    expect(lum(getComputedStyle(launcher).color)).to.be.lessThan(0.2);
  });

  it('puts the avatar through the media URL policy', async () => {
    const r = relay();
    const el = await mount(r, { mode: 'inline' });
    // The avatar is a request: it waits, like the conversation, until the chat is seen.
    await waitUntil(() => r.sessions > 0, 'the inline chat was seen and started');
    const src = () => $<HTMLImageElement>(el, '[part~="avatar"]')?.getAttribute('src') ?? null;
    for (const bad of [
      'javascript:alert(1)',
      'data:image/svg+xml,<svg onload=alert(1)>',
      'http://tracker.example/p.png',
      '//evil.example/a.png',
      'https://user:pw@cdn.example.com/a.png',
    ]) {
      el.avatar = bad;
      await el.updateComplete;
      expect(src(), bad).to.equal(null);
    }
    el.avatar = 'https://cdn.example.com/bot.png';
    await el.updateComplete;
    expect(src()).to.equal('https://cdn.example.com/bot.png');
    el.avatar = '/bot.png'; // the site's own picture, relative to the page
    await el.updateComplete;
    expect(src()).to.equal(`${location.origin}/bot.png`);
  });

  it('keeps the unsent composer text across a reload', async () => {
    const r = relay().queue(welcomeChunks());
    const el = await mount(r, { id: 'draft-keeper', mode: 'inline' });
    await waitUntil(() => botMessages(el).length === 1 && idle(el));
    const input = $<HTMLTextAreaElement>(el, '[part~="input"]')!;
    input.value = 'half a thought';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    el.remove(); // the page goes away (pagehide / disconnect save)
    const again = await mount(r, { id: 'draft-keeper', mode: 'inline' });
    await again.updateComplete;
    expect($<HTMLTextAreaElement>(again, '[part~="input"]')!.value).to.equal('half a thought');
  });
});
