// The date formatter is built at idle once the visitor focuses the composer (opening the
// launcher focuses it), never on a page where nobody chats, and the first message's time
// then reuses it (the first Intl.DateTimeFormat loads ICU's date data: an INP cost).
// Its own file: a fresh page, so no other test has built the formatter yet.
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import { $, sseResponse, typeAndEnter, useFakeRelays, userMessages } from './fake-relay.test-helper.js';

const relays = useFakeRelays('warm');
const idle = () => new Promise((r) => (globalThis.requestIdleCallback ?? setTimeout)(r));

describe('date formatter warm-up', () => {
  const Original = Intl.DateTimeFormat;
  const fullDate: unknown[][] = [];
  before(() => {
    Intl.DateTimeFormat = new Proxy(Original, {
      construct(target, args: unknown[]) {
        const o = args[1] as Intl.DateTimeFormatOptions | undefined;
        if (o?.dateStyle === 'full' && o.timeStyle === 'short') fullDate.push(args);
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
});
