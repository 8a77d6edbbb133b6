import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import '../../define.js';
import type { IndigoChat } from '../indigo-chat/indigo-chat.js';
import {
  $,
  $$,
  botMessages,
  otherTab,
  sseResponse,
  useFakeRelays,
  userMessages,
  welcomeChunks,
  type FakeRelay,
} from '../indigo-chat/fake-relay.test-helper.js';
import type { IndigoChatFeedbackEvent } from '../../events/index.js';
import type { FeedbackDetail } from '../../core/platform/feedback.js';
import { loadAxe } from '../blocks/blocks.test-helper.js';
import { storageKey } from '../../controllers/storage.js';
import { forcedColors, forcedRule, systemColor } from '../../../test/support/forced-colors.js';

const relays = useFakeRelays('fb');
let n = 0;
const KEY = 'Qk3lVq0Yb1xR9nQ2sT8uWA';

/**
 * A relay with a well-formed sender and a `/feedback` route that records (and can fail:
 * the statuses in turn, or what `feedbackStatus()` says at each request).
 */
function relay(feedbackStatus: number[] | (() => number) = []): { r: FakeRelay; votes: (FeedbackDetail & { sender: string })[] } {
  n++;
  const r = relays.relay().queue(welcomeChunks());
  const votes: (FeedbackDetail & { sender: string })[] = [];
  relays.use(
    http.post(`${r.path}/session`, () =>
      HttpResponse.json({ sender: `${KEY}${n % 10}.${'s'.repeat(43)}`.replace(`${KEY}${n % 10}`, `${KEY.slice(0, 21)}${n % 10}`) }),
    ),
    http.post(`${r.path}/feedback`, async ({ request }) => {
      const status = typeof feedbackStatus === 'function' ? feedbackStatus() : (feedbackStatus.shift() ?? 200);
      if (status === 200) votes.push((await request.json()) as FeedbackDetail & { sender: string });
      return HttpResponse.json(status === 200 ? { ok: true } : { error: { code: 'x', message: 'x' } }, { status });
    }),
  );
  return { r, votes };
}

async function mount(r: FakeRelay, extra: { lang?: string; csat?: string; id?: string } = {}): Promise<IndigoChat> {
  const el = await fixture<IndigoChat>(
    html`<indigo-chat
      relay=${r.path}
      id=${extra.id ?? `fb-${n}`}
      mode="inline"
      lang=${extra.lang ?? 'en'}
      csat=${extra.csat ?? undefined}
    ></indigo-chat>`,
  );
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  await el.updateComplete; // its last render waits for a paced frame (scheduleUpdate)
  return el;
}

async function ask(el: IndigoChat, text: string, count: number): Promise<void> {
  el.send(text);
  await waitUntil(() => botMessages(el).length === count && el.conversation.transcript.status === 'idle', `answer ${count}`);
  await el.updateComplete;
}

const group = (m: HTMLElement) => m.querySelector<HTMLElement>('[part~="feedback"]');
const thumb = (m: HTMLElement, which: 'up' | 'down') => m.querySelector<HTMLButtonElement>(`[part~="thumb-${which}"]`)!;

describe('thumbs feedback', () => {
  it('shows thumbs only on finished answers, not on the welcome and not while streaming', async () => {
    const { r } = relay();
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const enc = new TextEncoder();
    r.queue(
      () =>
        new Response(
          new ReadableStream({
            async start(c) {
              c.enqueue(enc.encode('data: {"type":"processing.start"}\n\ndata: {"type":"text","data":{"text":"<p>part</p>"}}\n\n'));
              await gate;
              c.enqueue(enc.encode('data: {"type":"processing.end"}\n\n'));
              c.close();
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    const el = await mount(r);
    expect(group(botMessages(el)[0]!)).to.equal(null);
    el.send('hi');
    await waitUntil(() => botMessages(el).length === 2 && botMessages(el)[1]!.textContent.includes('part'), 'streaming');
    await el.updateComplete;
    expect(group(botMessages(el)[1]!)).to.equal(null);
    release();
    await waitUntil(() => el.conversation.transcript.status === 'idle');
    await el.updateComplete;
    const g = group(botMessages(el)[1]!)!;
    expect(g.getAttribute('role')).to.equal('group');
    expect(g.getAttribute('aria-label')).to.equal('Rate this answer');
    expect(thumb(botMessages(el)[1]!, 'up').getAttribute('aria-pressed')).to.equal('false');
  });

  it('a thumb up fires indigo-chat-feedback and reaches the relay with the stable id', async () => {
    const { r, votes } = relay();
    const el = await mount(r);
    await ask(el, 'hello', 2);
    const events: FeedbackDetail[] = [];
    el.addEventListener('indigo-chat-feedback', (e: IndigoChatFeedbackEvent) => events.push(e.detail));
    thumb(botMessages(el)[1]!, 'up').click();
    await el.updateComplete;
    const sender = el.conversation.sender!;
    const id = `${sender.split('.')[0]}.2.0`;
    expect(events).to.deep.equal([{ kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId: id }]);
    expect(group(botMessages(el)[1]!)!.dataset['answerId']).to.equal(id);
    expect(thumb(botMessages(el)[1]!, 'up').getAttribute('aria-pressed')).to.equal('true');
    await waitUntil(() => votes.length === 1, 'sent to the relay');
    expect(votes[0]).to.deep.equal({ sender, kind: 'thumbs', value: 'up', reasons: [], comment: '', messageId: id });
    expect($(el, '[part~="feedback"] [role="status"]')!.textContent).to.contain('Thanks');
  });

  it('thumbs keep a 24 px target on a page whose root font is small (html { font-size: 62.5% })', async () => {
    const root = document.documentElement.style.fontSize;
    document.documentElement.style.fontSize = '62.5%';
    try {
      const { r } = relay();
      const el = await mount(r);
      await ask(el, 'hello', 2);
      const sizes = (['up', 'down'] as const).map((w) => thumb(botMessages(el)[1]!, w).getBoundingClientRect());
      expect(sizes.map((b) => Math.min(b.width, b.height) >= 24)).to.deep.equal([true, true]);
    } finally {
      document.documentElement.style.fontSize = root;
    }
  });

  it('a thumb down opens reasons and a comment; the choice can change once; all survives a reload', async () => {
    const { r, votes } = relay();
    const el = await mount(r, { id: `reload-${n}` });
    await ask(el, 'hello', 2);
    const msg = () => botMessages(el)[1]!;
    const events: FeedbackDetail[] = [];
    el.addEventListener('indigo-chat-feedback', (e: IndigoChatFeedbackEvent) => events.push(e.detail));
    thumb(msg(), 'up').click();
    await el.updateComplete;
    thumb(msg(), 'down').click(); // the one change
    await el.updateComplete;
    const chips = [...msg().querySelectorAll<HTMLButtonElement>('[part~="feedback-reason"]')];
    expect(chips.map((c) => c.textContent.trim())).to.deep.equal(['Wrong', 'Didn’t answer my question', 'Unsafe', 'Other']);
    chips[2]!.click();
    chips[0]!.click();
    await el.updateComplete;
    expect(chips[0]!.getAttribute('aria-pressed')).to.equal('true');
    const comment = msg().querySelector<HTMLTextAreaElement>('[part~="feedback-comment"]')!;
    expect(comment.maxLength).to.equal(500);
    comment.value = 'It made things up';
    comment.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    msg().querySelector<HTMLButtonElement>('.feedback-submit')!.click();
    await el.updateComplete;
    expect(events.map((e) => [e.value, e.reasons, e.comment])).to.deep.equal([
      ['up', [], ''],
      ['down', [], ''],
      ['down', ['unsafe', 'wrong'], 'It made things up'],
    ]);
    // Changed once: going back is refused.
    expect(thumb(msg(), 'up').getAttribute('aria-disabled')).to.equal('true');
    thumb(msg(), 'up').click();
    await el.updateComplete;
    expect(events).to.have.length(3);
    await waitUntil(() => votes.at(-1)?.comment === 'It made things up', 'last vote sent');

    // Reload: the same element id and relay restore the transcript and the vote.
    const id = el.id;
    el.remove();
    const again = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(again).length === 2);
    const restored = botMessages(again)[1]!;
    expect(thumb(restored, 'down').getAttribute('aria-pressed')).to.equal('true');
    expect(thumb(restored, 'up').getAttribute('aria-disabled')).to.equal('true');
  });

  it('saved feedback edited by another script is rebuilt from valid fields: the thumbs still render, nothing throws', async () => {
    const { r } = relay();
    const el = await mount(r, { id: `tampered-${n}` });
    await ask(el, 'hello', 2);
    thumb(botMessages(el)[1]!, 'down').click();
    await el.updateComplete;
    const id = el.id;
    el.remove();
    const key = Object.keys(localStorage).find((k) => k.endsWith(`#${id}:feedback`))!;
    const saved = JSON.parse(localStorage.getItem(key)!) as {
      votes: Record<string, Record<string, unknown>>;
      csat: unknown;
      outbox: unknown;
    };
    for (const vote of Object.values(saved.votes)) {
      delete vote['reasons'];
      vote['comment'] = { toString: 1 };
      vote['first'] = 'sideways';
    }
    saved.csat = { state: 'asking', score: 'x', comment: 7 };
    saved.outbox = [null, 5];
    localStorage.setItem(key, JSON.stringify(saved));
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    const again = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(again).length === 2 && group(botMessages(again)[1]!) !== null, 'thumbs shown');
    await again.updateComplete;
    window.removeEventListener('error', onError);
    const restored = botMessages(again)[1]!;
    expect(thumb(restored, 'down').getAttribute('aria-pressed')).to.equal('true');
    const chips = [...restored.querySelectorAll('[part~="feedback-reason"]')];
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).to.deep.equal(['false', 'false', 'false', 'false']);
    expect(restored.querySelector<HTMLTextAreaElement>('[part~="feedback-comment"]')!.value).to.equal('');
    expect(errors).to.deep.equal([]);
  });

  it('retries a failed send in the background and shows the visitor no error', async () => {
    const { r, votes } = relay([503]);
    const el = await mount(r);
    await ask(el, 'hello', 2);
    const errors: Event[] = [];
    el.addEventListener('indigo-chat-error', (e) => errors.push(e));
    thumb(botMessages(el)[1]!, 'down').click();
    await waitUntil(() => votes.length === 1, 'delivered on retry');
    expect(errors).to.have.length(0);
    expect($$(el, '[part~="notice"]')).to.have.length(0);
  });

  it('works from the keyboard and is labelled in Italian', async () => {
    const { r } = relay();
    const el = await mount(r, { lang: 'it' });
    await ask(el, 'ciao', 2);
    const up = thumb(botMessages(el)[1]!, 'up');
    expect(up.getAttribute('aria-label')).to.equal('Utile');
    expect(group(botMessages(el)[1]!)!.getAttribute('aria-label')).to.equal('Valuta questa risposta');
    thumb(botMessages(el)[1]!, 'down').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(thumb(botMessages(el)[1]!, 'down').getAttribute('aria-pressed')).to.equal('true');
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('feedback-reason');
    await sendKeys({ press: ' ' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-pressed')).to.equal('true');
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Sbagliata');
  });

  it('is axe-clean with thumbs, reasons and CSAT shown', async () => {
    const { r } = relay();
    const el = await mount(r, { csat: '1' });
    el.csatIdleMs = 10;
    await ask(el, 'hello', 2);
    thumb(botMessages(el)[1]!, 'down').click();
    // Its chunk loads on demand: give a loaded machine's dev server time (waitUntil's default is 1 s).
    await waitUntil(() => $(el, '[part~="csat"]'), 'csat asked when idle');
    // The clicked message's time fades in (a 0.15 s opacity transition on focus-within):
    // axe measures contrast mid-fade as a violation, so let running transitions end first.
    await Promise.all([...el.shadowRoot!.querySelectorAll('*')].flatMap((e) => e.getAnimations()).map((a) => a.finished));
    const result = await (await loadAxe()).run(el, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => v.id)).to.deep.equal([]);
  });

  it('the reason beside the thumbs-down has a name of its own, and still sends not-helpful', async () => {
    const { r, votes } = relay();
    const el = await mount(r);
    await ask(el, 'hello', 2);
    const msg = () => botMessages(el)[1]!;
    const reasons = () => [...msg().querySelectorAll<HTMLButtonElement>('[part~="feedback-reason"]')];
    thumb(msg(), 'down').click();
    await waitUntil(() => reasons().length === 4, 'reasons');
    // Accessible names: the thumbs' aria-label, the reasons' text.
    const thumbs = [thumb(msg(), 'up'), thumb(msg(), 'down')].map((b) => b.getAttribute('aria-label'));
    expect(
      reasons()
        .map((b) => b.textContent.trim())
        .filter((name) => thumbs.includes(name)),
    ).to.deep.equal([]);
    reasons()[1]!.click();
    await waitUntil(() => reasons()[1]!.getAttribute('aria-pressed') === 'true', 'reason chosen');
    msg().querySelector<HTMLButtonElement>('.feedback-submit')!.click();
    await waitUntil(() => votes.some((v) => v.reasons.length > 0), 'reason sent');
    expect(votes.at(-1)!.reasons).to.deep.equal(['not-helpful']);
  });
});

describe('feedback under forced colors', () => {
  afterEach(async () => {
    await forcedColors(false);
  });

  // Forced colors drop the accent: a pressed thumb, a chosen reason and a chosen score were
  // told from the others only by a tint (and the thumbs by opacity). Chromium renders forced
  // colors here; Firefox and WebKit check the declared rule.
  it('a pressed thumb, a chosen reason and a chosen score are filled; a locked thumb is greyed', async () => {
    const { r } = relay();
    const el = await mount(r, { csat: '1' });
    el.csatIdleMs = 10;
    await ask(el, 'hello', 2);
    const msg = botMessages(el)[1]!;
    thumb(msg, 'up').click();
    await el.updateComplete;
    thumb(msg, 'down').click(); // the one change: up is locked now
    await waitUntil(() => msg.querySelector('[part~="feedback-reason"]') && $(el, '[part~="csat-score"]'), 'reasons and CSAT');
    const reasons = [...msg.querySelectorAll<HTMLButtonElement>('[part~="feedback-reason"]')];
    reasons[0]!.click();
    const scores = $$(el, '[part~="csat-score"]');
    scores[3]!.click();
    await el.updateComplete;
    const chosen = { thumb: thumb(msg, 'down'), reason: reasons[0]!, score: scores[3]! };
    const other = { thumb: thumb(msg, 'up'), reason: reasons[1]!, score: scores[2]! };
    expect(Object.values(chosen).map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['true', 'true', 'true']);
    const fill = (b: Element) => getComputedStyle(b).backgroundColor;
    // Unaffected without forced colors: the pressed thumb is not filled.
    expect(fill(chosen.thumb)).to.equal('rgba(0, 0, 0, 0)');
    if (await forcedColors(true)) {
      const highlight = systemColor('Highlight');
      expect(Object.values(chosen).map(fill)).to.deep.equal([highlight, highlight, highlight]);
      expect(Object.values(other).map(fill)).to.not.include(highlight);
      expect(getComputedStyle(chosen.thumb).color).to.equal(systemColor('HighlightText'));
      expect(getComputedStyle(other.thumb).color).to.equal(systemColor('GrayText'));
    } else {
      for (const sel of [
        ".thumb[aria-pressed='true']",
        "[part~='feedback-reason'][aria-pressed='true']",
        "[part~='csat-score'][aria-pressed='true']",
      ])
        expect(forcedRule(el.shadowRoot!, sel, 'background-color'), sel).to.equal('highlight');
      expect(forcedRule(el.shadowRoot!, ".thumb[aria-disabled='true']", 'color')).to.equal('graytext');
    }
  });
});

describe('CSAT', () => {
  it('is off without the attribute', async () => {
    const { r } = relay();
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id="nocsat-${n}"></indigo-chat>`);
    el.csatIdleMs = 10;
    el.show();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle');
    await ask(el, 'a', 2);
    el.hide();
    await new Promise((res) => setTimeout(res, 50));
    expect($(el, '[part~="csat"]')).to.equal(null);
  });

  it('asks once after N answers when the panel closes, sends the score, never asks again', async () => {
    const { r, votes } = relay();
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id="csat-${n}" csat="2"></indigo-chat>`);
    el.show();
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle');
    await ask(el, 'one', 2);
    el.hide();
    await el.updateComplete;
    el.show();
    await new Promise((res) => setTimeout(res, 50));
    expect($(el, '[part~="csat"]'), 'one answer is not enough').to.equal(null);
    await ask(el, 'two', 3);
    const events: FeedbackDetail[] = [];
    el.addEventListener('indigo-chat-feedback', (e: IndigoChatFeedbackEvent) => events.push(e.detail));
    el.hide();
    await waitUntil(() => $(el, '[part~="csat"]'), 'asked on close');
    el.show();
    await el.updateComplete;
    const scores = $$(el, '[part~="csat-score"]');
    expect(scores.map((s) => s.getAttribute('aria-label'))).to.deep.equal([
      '1 of 5: very poor',
      '2 of 5: poor',
      '3 of 5: okay',
      '4 of 5: good',
      '5 of 5: excellent',
    ]);
    // The chat stays usable while the card is shown.
    expect($<HTMLTextAreaElement>(el, '[part~="input"]')!.disabled).to.equal(false);
    scores[3]!.click();
    await el.updateComplete;
    const comment = $<HTMLTextAreaElement>(el, '[part~="csat"] [part~="feedback-comment"]')!;
    comment.value = 'Quick and clear';
    comment.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    $<HTMLButtonElement>(el, '[part~="csat"] .feedback-submit')!.click();
    await el.updateComplete;
    const last = `${el.conversation.sender!.split('.')[0]}.3.0`;
    expect(events).to.deep.equal([{ kind: 'csat', value: 4, reasons: [], comment: 'Quick and clear', messageId: last }]);
    await waitUntil(() => votes.some((v) => v.kind === 'csat'), 'csat sent');
    el.hide();
    await el.updateComplete;
    el.show();
    await el.updateComplete;
    expect($$(el, 'form[part~="csat"]')).to.have.length(0);
    expect(events).to.have.length(1);
  });

  it('asked after idle in a chat in sight, its question is said; asked as a launcher closes, it is not', async () => {
    const live = (el: IndigoChat) => $(el, '[aria-live="polite"]')!.textContent;
    const { r } = relay();
    const el = await mount(r, { csat: '1' });
    // Everything the live region says, in order (the answer's own text may come after).
    const said: string[] = [];
    const region = $(el, '[aria-live="polite"]')!;
    new MutationObserver(() => said.push(region.textContent)).observe(region, { childList: true, subtree: true, characterData: true });
    el.csatIdleMs = 10;
    await ask(el, 'one', 2);
    await waitUntil(() => $(el, '[part~="csat-score"]'), 'asked after idle');
    await waitUntil(() => said.some((t) => t.includes('How would you rate this conversation?')), 'the question is said');

    const other = relay();
    const closed = await fixture<IndigoChat>(html`<indigo-chat relay=${other.r.path} id="csat-closed-${n}" csat="1"></indigo-chat>`);
    closed.show();
    await waitUntil(() => botMessages(closed).length === 1 && closed.conversation.transcript.status === 'idle');
    await ask(closed, 'one', 2);
    closed.hide();
    await waitUntil(() => $(closed, '[part~="csat"]'), 'asked on close');
    await el.updateComplete;
    expect(live(closed)).to.not.contain('How would you rate');
  });

  it('sent from the keyboard, its thanks lands in a status already there, said once (third review)', async () => {
    const { r, votes } = relay();
    const el = await mount(r, { csat: '1' });
    el.csatIdleMs = 10;
    await ask(el, 'one', 2);
    await waitUntil(() => $(el, '[part~="csat-score"]'), 'asked after idle');
    await el.updateComplete;
    // A status inserted with its text is not read by every screen reader: the one that will
    // say the thanks is there, empty, while the question is asked.
    const statusesBefore = $$(el, '[role="status"]');
    $<HTMLButtonElement>(el, '[part~="csat-score"]:nth-child(5)')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    $<HTMLButtonElement>(el, '[part~="csat"] .feedback-submit')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => votes.some((v) => v.kind === 'csat'), 'csat sent');
    await el.updateComplete;
    const saying = $$(el, '[role="status"], [aria-live]').filter((s) => s.textContent.includes('Thank you for rating'));
    expect(saying).to.have.length(1);
    expect(statusesBefore.includes(saying[0]!)).to.equal(true);
    expect(saying[0]!.getAttribute('part')).to.equal('csat');
    // Focus stays in the chat, not on <body>.
    expect(document.activeElement).to.equal(el);
  });
});

describe('feedback, from the review of its paths', () => {
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

  /** `/feedback` answering the first request after `delayMs` (with `status`), then at once. */
  function slowFirst(r: FakeRelay, delayMs: number, status = 200): (FeedbackDetail & { sender: string })[] {
    const got: (FeedbackDetail & { sender: string })[] = [];
    let first = true;
    relays.use(
      http.post(`${r.path}/feedback`, async ({ request }) => {
        const body = (await request.json()) as FeedbackDetail & { sender: string };
        const wait = first;
        first = false;
        if (wait) await sleep(delayMs);
        got.push(body);
        const s = wait ? status : 200;
        return HttpResponse.json(s === 200 ? { ok: true } : { error: { code: 'x', message: 'x' } }, { status: s });
      }),
    );
    return got;
  }

  it('a vote changed while the first is on its way reaches the relay too', async () => {
    const { r } = relay();
    const got = slowFirst(r, 400);
    const el = await mount(r);
    await ask(el, 'hello', 2);
    thumb(botMessages(el)[1]!, 'up').click();
    await sleep(100);
    thumb(botMessages(el)[1]!, 'down').click();
    await waitUntil(() => got.length === 2, 'both sent');
    await sleep(200);
    expect(got.map((v) => v.value)).to.deep.equal(['up', 'down']);
  });

  it('a failed send for an element removed meanwhile is not retried from the removed element', async () => {
    const { r } = relay();
    const got = slowFirst(r, 300, 503);
    const el = await mount(r);
    await ask(el, 'hello', 2);
    thumb(botMessages(el)[1]!, 'up').click();
    await sleep(50);
    el.remove();
    await sleep(3500);
    expect(got).to.have.length(1);
  });

  it('a vote left undelivered, then a restart and a reload: it goes out when the chat shows, before the visitor writes', async () => {
    let up = false;
    const { r, votes: got } = relay(() => (up ? 200 : 503));
    const id = `fb-outbox-${n}`;
    const el = await mount(r, { id });
    await ask(el, 'hello', 2);
    const sender = el.conversation.sender!;
    thumb(botMessages(el)[1]!, 'up').click();
    const saved = () => JSON.parse(localStorage.getItem(`${storageKey(r.path, id)}:feedback`) ?? '{}') as { outbox?: unknown[] };
    await waitUntil(() => saved().outbox?.length === 1, 'the vote waits in the outbox');
    el.restart();
    await waitUntil(() => el.conversation.sender !== sender && el.conversation.transcript.status === 'idle', 'a new conversation');
    el.remove();
    up = true;
    // Without `csat` (nothing else loads the feedback chunk before the visitor writes).
    const again = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => botMessages(again).length === 1 && again.conversation.transcript.status === 'idle', 'restored');
    expect([again.csat, userMessages(again).length]).to.deep.equal([null, 0]);
    await waitUntil(() => got.length === 1, 'delivered after the reload');
    expect([got[0]!.value, got[0]!.sender]).to.deep.equal(['up', sender]);
    await waitUntil(() => saved().outbox?.length === 0, 'and no longer kept');
  });

  it('sending reasons keeps focus on the rated answer (its thumb), not the whole transcript', async () => {
    const { r } = relay();
    const el = await mount(r);
    await ask(el, 'hello', 2);
    const answer = botMessages(el)[1]!;
    thumb(answer, 'down').click();
    await el.updateComplete;
    answer.querySelector<HTMLButtonElement>('[part~="feedback-reason"]')!.click();
    await el.updateComplete;
    const submit = answer.querySelector<HTMLButtonElement>('.feedback-submit')!;
    submit.focus();
    submit.click();
    await el.updateComplete;
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(thumb(answer, 'down'));
  });

  it('a comment pasted with bidi isolates or control characters goes out without them, with its reasons', async () => {
    const { r, votes } = relay();
    const el = await mount(r);
    await ask(el, 'hello', 2);
    const answer = botMessages(el)[1]!;
    thumb(answer, 'down').click();
    await el.updateComplete;
    answer.querySelector<HTMLButtonElement>('[part~="feedback-reason"]')!.click();
    const comment = answer.querySelector<HTMLTextAreaElement>('[part~="feedback-comment"]')!;
    comment.value = 'Il nome \u2067محمد\u2069 era\u000b sbagliato';
    comment.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    answer.querySelector<HTMLButtonElement>('.feedback-submit')!.click();
    await waitUntil(() => votes.some((v) => v.comment !== ''), 'the details sent');
    const details = votes.find((v) => v.comment !== '')!;
    expect(details.comment).to.equal('Il nome محمد era sbagliato');
    expect(details.reasons).to.have.length(1);
  });
});

describe('CSAT, from the review of its paths', () => {
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
  const card = (el: IndigoChat) => $(el, '[part~="csat"]');

  it('"Not now" after picking a score sends no score', async () => {
    const { r, votes } = relay();
    const el = await mount(r, { csat: '1' });
    el.csatIdleMs = 30;
    await ask(el, 'one', 2);
    await waitUntil(() => card(el), 'asked after idle');
    const events: FeedbackDetail[] = [];
    el.addEventListener('indigo-chat-feedback', (e: IndigoChatFeedbackEvent) => events.push(e.detail));
    $$(el, '[part~="csat-score"]')[1]!.click();
    await el.updateComplete;
    $<HTMLButtonElement>(el, '.csat-later')!.click();
    await el.updateComplete;
    await sleep(300);
    expect(card(el)).to.equal(null);
    expect(events).to.deep.equal([]);
    expect(votes.filter((v) => v.kind === 'csat')).to.deep.equal([]);
  });

  it('is not asked while an answer streams (the idle timer of the last answer is cancelled)', async () => {
    const { r } = relay();
    const el = await mount(r, { csat: '1' });
    el.csatIdleMs = 600;
    await ask(el, 'one', 2);
    await sleep(300);
    r.queue(() => sseResponse([{ type: 'processing.start' }, { type: 'text', data: { text: '<p>still going</p>' } }], { stall: true }));
    el.send('two');
    await waitUntil(() => el.conversation.transcript.status === 'streaming', 'streaming');
    await sleep(700);
    expect(el.conversation.transcript.status).to.equal('streaming');
    expect(card(el)).to.equal(null);
    el.conversation.stop();
  });

  it('csat="10abc" is not 10: another value means the default, 2', async () => {
    const { r } = relay();
    const el = await mount(r, { csat: '10abc' });
    el.csatIdleMs = 30;
    await ask(el, 'one', 2);
    await sleep(150);
    expect(card(el), 'one answer is not enough').to.equal(null);
    await ask(el, 'two', 3);
    await waitUntil(() => card(el), 'asked after two answers');
  });

  it('a second chat on the same key keeps its own CSAT (not the first one’s dismissal)', async () => {
    const { r } = relay();
    r.queue(welcomeChunks());
    const first = await mount(r, { csat: '1', id: 'csat-shared' });
    first.csatIdleMs = 30;
    await ask(first, 'one', 2);
    await waitUntil(() => card(first), 'first asked');
    $<HTMLButtonElement>(first, '.csat-later')!.click();
    await first.updateComplete;
    const second = await mount(r, { csat: '1', id: 'csat-shared' });
    second.csatIdleMs = 30;
    await ask(second, 'uno', 2);
    await waitUntil(() => card(second), 'the second chat asked too');
  });
});

describe('feedback in two tabs of one conversation', () => {
  const vote = (value: 'up' | 'down', changes: number, done: boolean, reasons: string[] = []) => ({
    value,
    first: value,
    changes,
    reasons,
    comment: '',
    details: value === 'down' && !done,
    done,
  });

  it('shows a vote or a CSAT answer given in the other tab; an older or another conversation’s save changes nothing', async () => {
    const { r } = relay();
    const el = await mount(r, { id: `tabs-${n}`, csat: '2' });
    el.csatIdleMs = 10;
    await ask(el, 'one', 2);
    await ask(el, 'two', 3);
    await waitUntil(() => $(el, 'form[part~="csat"]'), 'CSAT asked here');
    const key = `${storageKey(r.path, el.id)}:feedback`;
    const sender = el.conversation.sender!;
    const [a2, a3] = [2, 3].map((t) => `${sender.split('.')[0]}.${t}.0`) as [string, string];
    const answer = (i: number) => botMessages(el)[i]!;
    // Here: answer 3 up, then changed to down (its reasons form open).
    thumb(answer(2), 'up').click();
    await el.updateComplete;
    thumb(answer(2), 'down').click();
    await el.updateComplete;
    const csatDone = { state: 'done', score: 4, comment: '' };
    const tab = otherTab();
    try {
      // Another conversation's save (another sender): nothing of it here.
      await tab.set(key, { v: 1, sender: `${sender}x`, votes: { [a2]: vote('up', 0, true) }, csat: csatDone, outbox: [] });
      await el.updateComplete;
      expect(thumb(answer(1), 'up').getAttribute('aria-pressed')).to.equal('false');
      expect($(el, 'form[part~="csat"]'), 'CSAT still asked').not.to.equal(null);
      // This conversation: answer 2 voted down there, CSAT answered there; its copy of answer 3 is older.
      await tab.set(key, {
        v: 1,
        sender,
        votes: { [a2]: vote('down', 0, true, ['wrong']), [a3]: vote('up', 0, true) },
        csat: csatDone,
        outbox: [],
      });
      await el.updateComplete;
      expect(thumb(answer(1), 'down').getAttribute('aria-pressed')).to.equal('true');
      expect(thumb(answer(2), 'down').getAttribute('aria-pressed'), 'the change made here stays').to.equal('true');
      expect(answer(2).querySelector('[part~="feedback-reason"]'), 'its reasons still open').not.to.equal(null);
      expect($(el, 'form[part~="csat"]'), 'answered there: not asked here any more').to.equal(null);
      // This tab's next save keeps what the other tab did.
      answer(2).querySelector<HTMLButtonElement>('[part~="feedback-reason"]')!.click();
      await el.updateComplete;
      const saved = JSON.parse(localStorage.getItem(key)!) as {
        sender: string;
        votes: Record<string, { value: string }>;
        csat: { state: string };
      };
      expect(saved.sender).to.equal(sender);
      expect(saved.votes[a2]!.value).to.equal('down');
      expect(saved.votes[a3]!.value).to.equal('down');
      expect(saved.csat.state).to.equal('done');
    } finally {
      tab.close();
    }
  });

  it('following the new conversation another tab started, CSAT is asked for it (not carried from the old one)', async () => {
    const { r } = relay();
    const el = await mount(r, { id: `follow-${n}`, csat: '2' });
    el.csatIdleMs = 10;
    await ask(el, 'one', 2);
    await ask(el, 'two', 3);
    await waitUntil(() => $(el, 'form[part~="csat"]'), 'asked');
    $<HTMLButtonElement>(el, '.csat-later')!.click();
    await el.updateComplete;
    expect($(el, 'form[part~="csat"]'), 'dismissed').to.equal(null);
    // The other tab restarted: a new conversation (another sender) with one exchange, saved.
    const other = relay();
    const started = await mount(other.r, { id: el.id });
    await ask(started, 'elsewhere', 2);
    started.remove();
    const raw = localStorage.getItem(storageKey(other.r.path, el.id))!;
    const firstSender = el.conversation.sender;
    const tab = otherTab();
    try {
      await tab.set(storageKey(r.path, el.id), raw);
      await waitUntil(() => userMessages(el).length === 1 && el.conversation.sender !== firstSender, 'the new conversation followed');
      await ask(el, 'three', 3);
      await waitUntil(() => $(el, 'form[part~="csat"]'), 'asked in the new conversation');
    } finally {
      tab.close();
    }
  });

  it('a vote the other tab saved but could not deliver stays saved when this tab saves, and the next page sends it', async () => {
    let up = false;
    const { r, votes: got } = relay(() => (up ? 200 : 503));
    const id = `tabs-outbox-${n}`;
    const el = await mount(r, { id });
    await ask(el, 'one', 2);
    await ask(el, 'two', 3);
    const key = `${storageKey(r.path, id)}:feedback`;
    const sender = el.conversation.sender!;
    const [a2, a3] = [2, 3].map((t) => `${sender.split('.')[0]}.${t}.0`) as [string, string];
    thumb(botMessages(el)[1]!, 'up').click(); // here: answer 2 up, not delivered (503)
    await waitUntil(() => (JSON.parse(localStorage.getItem(key)!) as { outbox: unknown[] }).outbox.length === 1, 'saved here');
    const theirs = { detail: { kind: 'thumbs', value: 'down', reasons: [], comment: '', messageId: a3 }, sender };
    const tab = otherTab();
    try {
      // The other tab voted answer 3 down, could not deliver it either, saved, and closes.
      await tab.set(key, { v: 1, sender, votes: { [a3]: vote('down', 0, false) }, csat: { state: 'none' }, outbox: [theirs] });
    } finally {
      tab.close();
    }
    up = true; // this tab's retry delivers its own vote and saves
    await waitUntil(() => got.length === 1, 'this tab’s vote delivered');
    await el.updateComplete;
    const saved = () => JSON.parse(localStorage.getItem(key)!) as { outbox: { detail: FeedbackDetail }[] };
    await waitUntil(() => saved().outbox.every((o) => o.detail.messageId !== a2), 'saved after delivery');
    expect(
      saved().outbox.map((o) => o.detail.messageId),
      'the other tab’s vote still saved',
    ).to.deep.equal([a3]);
    el.remove();
    const next = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline"></indigo-chat>`);
    await waitUntil(() => got.length === 2, 'the next page sends it');
    expect(got.map((v) => [v.messageId, v.value])).to.deep.equal([
      [a2, 'up'],
      [a3, 'down'],
    ]);
    await waitUntil(() => saved().outbox.length === 0, 'and keeps nothing');
    next.remove();
  });
});
