/**
 * The composer near and over its limit (4,000 characters, the relay's default): a long
 * paste is never cut, the count says what is left or too many (in the visitor's language),
 * a send over the limit is refused and said, and the field says it is invalid.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, type FakeRelay, useFakeRelays, userMessages, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('count');
let n = 0;
const until = (check: () => boolean, what: string) => waitUntil(check, what, { timeout: 10_000 });
const live = (el: IndigoChat) => $(el, '[aria-live="polite"]')!.textContent ?? '';
const input = (el: IndigoChat) => $<HTMLTextAreaElement>(el, '[part~="input"]')!;
const count = (el: IndigoChat) => $(el, '[part~="char-count"]')?.textContent?.trim() ?? null;

async function opened(lang = 'en', announce: Record<string, unknown> = {}, storage = 'local'): Promise<{ el: IndigoChat; r: FakeRelay }> {
  const r = relays.relay().queue(welcomeChunks());
  r.announce = announce;
  const el = await fixture<IndigoChat>(
    html`<indigo-chat relay=${r.path} id=${`count-${++n}`} mode="inline" lang=${lang} storage=${storage}></indigo-chat>`,
  );
  await until(() => r.sent.length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  // The element takes in the finished welcome at its next render: were the paste's focus
  // already in the chat then, the welcome would be said (the visitor is there) after the
  // count, in its place in the live region (seen on a loaded machine).
  await el.updateComplete;
  return { el, r };
}

/** Replaces the composer's text as a paste does (a real input event, subject to maxlength). */
async function paste(el: IndigoChat, text: string): Promise<void> {
  const field = input(el);
  field.focus();
  field.select();
  document.execCommand('insertText', false, text);
  await el.updateComplete;
}

describe('composer character count', () => {
  it('a paste over the limit is kept whole, counted, marked invalid and not sent; trimmed, it sends', async () => {
    const { el, r } = await opened();
    await paste(el, 'a'.repeat(3000));
    expect(count(el)).to.equal(null); // far from the limit: no count

    await paste(el, 'b'.repeat(4100));
    expect(input(el).value.length).to.equal(4100); // never cut
    await until(() => count(el) === '100 characters too many', 'over count');
    expect(input(el).getAttribute('aria-invalid')).to.equal('true');
    const counter = $(el, '[part~="char-count"]')!;
    expect(input(el).getAttribute('aria-describedby')).to.equal(counter.id);
    await until(() => live(el).includes('100 characters too many'), 'said once over');

    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(r.sent.length).to.equal(1); // only the welcome
    expect(userMessages(el).length).to.equal(0);
    expect(input(el).value.length).to.equal(4100);

    await paste(el, 'c'.repeat(3990));
    await until(() => count(el) === '10 characters left', 'left count');
    expect(input(el).hasAttribute('aria-invalid')).to.equal(false);
    await sendKeys({ press: 'Enter' });
    await until(() => r.sent.length === 2, 'sent');
    expect(r.sent[1]!.data.text).to.equal('c'.repeat(3990));
    await el.updateComplete;
    expect(count(el)).to.equal(null);
    expect(input(el).value).to.equal('');
  });

  it('counts characters as the relay does (an emoji is one), and says it in Italian and French', async () => {
    const it = await opened('it');
    await paste(it.el, `${'x'.repeat(3989)}😀`); // 3,990 characters, 3,991 UTF-16 units
    await until(() => count(it.el) === 'Restano 10 caratteri', 'Italian count');
    await paste(it.el, 'x'.repeat(4001));
    await until(() => count(it.el) === '1 carattere di troppo', 'Italian over');

    const fr = await opened('fr');
    await paste(fr.el, 'x'.repeat(3999));
    await until(() => count(fr.el) === '1 caractère restant', 'French count');
    // Written in one language, the count follows the element's language when it changes.
    fr.el.lang = 'de';
    await until(() => count(fr.el) === 'Noch 1 Zeichen', 'German count after the language changed');
  });

  it("follows the relay's announced limit (RELAY_MAX_TEXT_CHARS), also after a reload", async () => {
    const { el, r } = await opened('en', { maxTextChars: 100 }, 'session');
    await paste(el, 'a'.repeat(89));
    expect(count(el)).to.equal(null); // under 90% of 100
    await paste(el, 'a'.repeat(95));
    await until(() => count(el) === '5 characters left', 'count near the announced limit');
    await paste(el, 'a'.repeat(101));
    await until(() => count(el) === '1 character too many', 'over the announced limit');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(r.sent.length).to.equal(1); // refused here, not by the relay

    // The same conversation restored (same relay and id): the limit comes back with it,
    // without a new session.
    const id = el.id;
    el.remove();
    const again = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id=${id} mode="inline" storage="session"></indigo-chat>`);
    await until(() => again.conversation.transcript.messages.length > 0, 'restored');
    expect(r.sessions).to.equal(1);
    await paste(again, 'a'.repeat(101));
    await until(() => count(again) === '1 character too many', 'restored limit');

    // A relay with a higher limit lets a longer text go.
    const high = await opened('en', { maxTextChars: 8000 });
    await paste(high.el, 'z'.repeat(5000));
    await high.el.updateComplete;
    expect(count(high.el)).to.equal(null);
    await sendKeys({ press: 'Enter' });
    await until(() => high.r.sent.length === 2, 'a 5,000-character message sent');
    expect(high.r.sent[1]!.data.text).to.equal('z'.repeat(5000));
  });
});
