// The feedback UI is its own chunk (feedback-ui.ts): not loaded at open, loaded once the
// visitor has said something, and a failed import costs the thumbs, never the answer.
import { expect, fixture, html } from '@open-wc/testing';
import { nothing } from 'lit';
import { waitUntil } from '../../../test/support/wait-until.js';
import { http, HttpResponse } from 'msw';
import '../../define.js';
import type { IndigoChat } from '../indigo-chat/indigo-chat.js';
import { $, botMessages, useFakeRelays, welcomeChunks } from '../indigo-chat/fake-relay.test-helper.js';
import { lazyTesting } from '../blocks/lazy-part.js';

const relays = useFakeRelays('fblazy');
let n = 0;

async function mount(csat: string | null = null): Promise<IndigoChat> {
  n++;
  const r = relays.relay().queue(welcomeChunks());
  relays.use(http.post(`${r.path}/session`, () => HttpResponse.json({ sender: `Qk3lVq0Yb1xR9nQ2sT8uW${n % 10}.${'s'.repeat(43)}` })));
  const el = await fixture<IndigoChat>(
    html`<indigo-chat relay=${r.path} id="fblazy-${n}" mode="inline" storage="none" csat=${csat ?? nothing}></indigo-chat>`,
  );
  el.csatIdleMs = 10;
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  await el.updateComplete; // its last render waits for a paced frame (scheduleUpdate)
  return el;
}

async function ask(el: IndigoChat, text: string): Promise<void> {
  el.send(text);
  await waitUntil(() => botMessages(el).length === 2 && el.conversation.transcript.status === 'idle', 'answer');
  await el.updateComplete;
}

afterEach(() => lazyTesting.restore());

describe('feedback UI on demand', () => {
  it('is not imported at open, only after the visitor says something; then the thumbs show', async () => {
    let imports = 0;
    lazyTesting.override('feedback', () => {
      imports++;
      return import('./feedback-ui.js');
    });
    const el = await mount();
    await el.updateComplete;
    expect(imports, 'nothing imported for the welcome').to.equal(0);
    await ask(el, 'hello');
    await waitUntil(() => botMessages(el)[1]!.querySelector('[part~="thumb-up"]'), 'thumbs');
    expect(imports).to.equal(1);
    // Its styles joined the shadow root: the thumbs are small icon buttons.
    expect(getComputedStyle(botMessages(el)[1]!.querySelector('[part~="thumb-up"]')!).opacity).to.equal('0.6');
  });

  it('a failed import shows the answer without thumbs and breaks nothing', async () => {
    lazyTesting.override('feedback', () => Promise.reject(new Error('chunk failed')));
    const el = await mount();
    await ask(el, 'hello');
    await new Promise((r) => setTimeout(r, 50));
    const answer = botMessages(el)[1]!;
    expect(answer.textContent).to.not.equal('');
    expect(answer.querySelector('[part~="feedback"]')).to.equal(null);
    expect($(el, '[part~="copy"]')).to.not.equal(null);
    el.restart();
    await waitUntil(() => botMessages(el).length === 1, 'restarted');
  });

  it('asks CSAT when its idle time ran out before the chunk arrived (it asks once the chunk is here)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    lazyTesting.override('feedback', () => gate.then(() => import('./feedback-ui.js')));
    const el = await mount('1');
    await ask(el, 'hello');
    // The answer ended and csatIdleMs (10 ms) passed while the chunk was still on its way.
    await new Promise((r) => setTimeout(r, 60));
    expect($(el, '[part~="csat"]'), 'nothing to ask with yet').to.equal(null);
    release();
    await waitUntil(() => $(el, '[part~="csat-score"]'), 'CSAT asked once the chunk is here');
  });
});
