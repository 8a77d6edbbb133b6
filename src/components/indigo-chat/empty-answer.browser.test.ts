// An answer without content (the platform stores a profile and says nothing; a polled bot
// that stays silent): the element adds nothing for it and the quick replies stay live.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $$, botMessages, useFakeRelays, welcomeChunks } from './fake-relay.test-helper.js';

const relays = useFakeRelays('empty-answer');

it('setProfile answered with processing.start/end only: no empty "Assistant:" item, the welcome quick replies stay live', async () => {
  const r = relays.relay().queue(welcomeChunks(), [{ type: 'processing.start' }, { type: 'processing.end' }]);
  const el = await fixture<IndigoChat>(
    html`<indigo-chat relay=${r.path} id="empty-answer-1" mode="inline" lang="en" storage="none"></indigo-chat>`,
  );
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'the welcome');
  await el.updateComplete;
  const live = () => $$(el, '[part~="quick-replies"] [part~="button"]').filter((b) => !(b as HTMLButtonElement).disabled).length;
  const before = live();
  expect(before).to.be.greaterThan(0);
  const incoming: unknown[] = [];
  el.addEventListener('indigo-chat-message', (e) => {
    if (e.detail.direction === 'in') incoming.push(e);
  });
  expect(el.setProfile({ name: 'Ada' })).to.equal(true);
  await waitUntil(
    () => r.sent.length === 2 && !el.conversation.inFlight && el.conversation.transcript.status === 'idle',
    'the profile answer',
  );
  await el.updateComplete;
  expect(r.sent[1]!.data.type).to.equal('profile');
  expect(botMessages(el)).to.have.length(1);
  expect($$(el, '[part~="message"]')).to.have.length(1);
  expect(live()).to.equal(before);
  expect($$(el, '[part~="typing"]')).to.have.length(0);
  // No bot message for the page either (an analytics listener would have counted an empty one).
  expect(incoming).to.have.length(0);
});
