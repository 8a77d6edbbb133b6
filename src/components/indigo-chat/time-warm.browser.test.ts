// The date formatter is built at idle once the visitor focuses the composer (opening the
// launcher focuses it), never on a page where nobody chats, and the first message's time
// then reuses it (the first Intl.DateTimeFormat loads ICU's date data: an INP cost).
// Its own file: a fresh page, so no other test has built the formatter yet.
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import { $, botMessages, sseResponse, typeAndEnter, useFakeRelays, userMessages, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('warm');
const idle = () => new Promise((r) => (globalThis.requestIdleCallback ?? setTimeout)(r));

describe('date formatter warm-up', () => {
  const Original = Intl.DateTimeFormat;
  const fullDate: unknown[][] = [];
  // What the element under test was doing when a full-date formatter was built.
  let watched: HTMLElement | null = null;
  let inUpdate = false;
  const builtWhile: { lang: unknown; inUpdate: boolean; timeShown: boolean }[] = [];
  before(() => {
    Intl.DateTimeFormat = new Proxy(Original, {
      construct(target, args: unknown[]) {
        const o = args[1] as Intl.DateTimeFormatOptions | undefined;
        if (o?.dateStyle === 'full' && o.timeStyle === 'short') {
          fullDate.push(args);
          if (watched) builtWhile.push({ lang: args[0], inUpdate, timeShown: !!botMessages(watched)[0]?.querySelector('[part~="time"]') });
        }
        return Reflect.construct(target, args) as object;
      },
    });
  });
  after(() => {
    Intl.DateTimeFormat = Original;
  });

  it('builds the full-date formatter at idle after the composer gets focus, once, and the first message uses it', async () => {
    // No welcome: nothing in the transcript shows a time before the visitor sends.
    const r = relays.relay().queue(sseResponse([]));
    const el = document.createElement('indigo-chat');
    el.setAttribute('relay', r.path);
    el.setAttribute('mode', 'launcher');
    el.setAttribute('lang', 'en');
    el.setAttribute('storage', 'none');
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    await el.updateComplete;
    await idle();
    await aTimeout(50);
    expect(fullDate, 'nothing before the visitor opens the chat').to.have.length(0);

    $<HTMLButtonElement>(el, '[part~="launcher"]')!.click();
    await el.updateComplete;
    await waitUntil(() => el.shadowRoot!.activeElement === $(el, '[part~="input"]'), 'opening focuses the composer');
    await waitUntil(() => r.sent.length === 1 && el.conversation.transcript.status === 'idle', 'conversation started');
    expect(el.conversation.transcript.messages).to.have.length(0);
    await waitUntil(() => fullDate.length > 0, 'formatter built at idle');
    expect(fullDate).to.have.length(1);
    expect(fullDate[0]![0]).to.equal('en');

    $<HTMLTextAreaElement>(el, '[part~="input"]')!.blur();
    await typeAndEnter(el, 'hello'); // focuses the composer again
    // (Queued first while the conversation opens: no time until it is sent.)
    await waitUntil(() => userMessages(el)[0]?.querySelector('[part~="time"]'), 'question shown with its time');
    await idle();
    const spoken = userMessages(el)[0]!.querySelector('[part~="time"] .visually-hidden')!.textContent;
    const at = Date.parse(userMessages(el)[0]!.querySelector('time')!.getAttribute('datetime')!);
    expect(spoken).to.contain(new Original('en', { dateStyle: 'full', timeStyle: 'short' }).format(at));
    expect(fullDate, 'the first message reuses the warm formatter').to.have.length(1);
  });

  it("shows a first message's time at once and its full date once the formatter is built at idle, never in a render", async () => {
    // Italian: no formatter built for it yet on this page (the test above builds English's).
    const r = relays.relay().queue(sseResponse(welcomeChunks()));
    const el = document.createElement('indigo-chat') as unknown as HTMLElement & { update: (this: HTMLElement, changed: unknown) => void };
    // Its renders, marked (an own property wins over Lit's method).
    const update = el.update;
    el.update = function (changed) {
      inUpdate = true;
      try {
        update.call(this, changed);
      } finally {
        inUpdate = false;
      }
    };
    watched = el;
    el.setAttribute('relay', r.path);
    el.setAttribute('mode', 'inline');
    el.setAttribute('lang', 'it');
    el.setAttribute('storage', 'none');
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    await waitUntil(() => botMessages(el)[0]?.querySelector('[part~="time"]'), 'welcome shown with its time');
    const spoken = () => botMessages(el)[0]!.querySelector('[part~="time"] .visually-hidden')!.textContent.trim();
    await waitUntil(() => spoken() !== '', 'the full date follows');
    const at = Date.parse(botMessages(el)[0]!.querySelector('time')!.getAttribute('datetime')!);
    expect(spoken()).to.equal(`Inviato ${new Original('it', { dateStyle: 'full', timeStyle: 'short' }).format(at)}`);
    const italian = builtWhile.filter((b) => b.lang === 'it');
    expect(italian, 'built once').to.have.length(1);
    expect(italian[0]!.inUpdate, 'not inside a render').to.equal(false);
    expect(italian[0]!.timeShown, 'after the welcome was shown with its time').to.equal(true);
    watched = null;
  });
});
