import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import { MAX_ANNOUNCED, type IndigoChat } from './indigo-chat.js';
import { $, botMessages, typeAndEnter, useFakeRelays, welcomeChunks, type Wire } from './fake-relay.test-helper.js';
import { sanitizeToFragment } from '../../html/sanitize.js';

// A long answer arriving in one read right before its end: the final commit has more to
// sanitize than one frame's budget (streaming-html.ts), so it goes in over several frames.
// The announcement waits for all of it, and reads its beginning exactly, up to
// MAX_ANNOUNCED characters (the transcript holds the rest).
//
// Few segments, each long and rich in markup. The final commit inserts about one segment
// per frame once a sanitize call outlasts the 6 ms budget, and WebKit on loaded cores ran
// 2 to 4 frames a second (load 12-20 on 2 cores, 2026-11-30): 600 one-line paragraphs
// (1,199 segments) never finished within the test's 20 s, 14 paragraphs took 11 s, and
// the 40-line answer below timed out too. 8 paragraphs of ~540 characters pass the cap.
const relays = useFakeRelays('announce');

function longAnswer(id: string, html: string): Wire[] {
  return [
    { type: 'processing.start' },
    { type: 'generation.start', data: { generation_id: id } },
    { type: 'generation.chunk', data: { generation_id: id, chunk: 'x', deltas: [{ command: 'ins', value: html }] } },
    { type: 'generation.end', data: { generation_id: id } },
    { type: 'processing.end' },
  ];
}

const PARAGRAPHS = 8;

describe('announcing a long answer', () => {
  it('announces the answer once all of it is shown, its beginning up to the cap, without its time and actions', async () => {
    const sentence = (i: number, k: number) =>
      `Sentence ${k} of paragraph ${i} has <strong>bold</strong>, <em>stressed</em> &amp; <code>coded</code> words, ` +
      `<a href="https://indigo.ai/${i}/${k}">a link</a> and <strong><em>both</em></strong>, then goes on for a while. `;
    // The trailing space in each paragraph: read as a separate sentence, as a screen reader does.
    const paragraphs = Array.from(
      { length: PARAGRAPHS },
      (_, i) => `<p>Paragraph ${i} begins. ${[1, 2, 3, 4, 5].map((k) => sentence(i, k)).join('')}</p>`,
    );
    const answer = paragraphs.join('');
    const r = relays.relay().queue(welcomeChunks(), longAnswer('g1', answer));
    const el = await fixture<IndigoChat>(
      html`<indigo-chat relay=${r.path} id="announce-1" mode="inline" lang="en" storage="none"></indigo-chat>`,
    );
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await el.updateComplete;
    const region = $(el, '[aria-live="polite"]')!;
    const heard: string[] = [];
    const mo = new MutationObserver(() => heard.push(region.textContent ?? ''));
    mo.observe(region, { subtree: true, childList: true, characterData: true });
    await typeAndEnter(el, 'tell me everything');
    await waitUntil(() => heard.some((t) => t.includes('Paragraph 0 ')), 'answer announced', { timeout: 20_000 });
    // All of it was shown before anything was said.
    expect(botMessages(el).at(-1)!.querySelectorAll('p').length).to.equal(PARAGRAPHS);
    mo.disconnect();
    // The text of a full render of the final HTML, as the region reads it.
    const div = document.createElement('div');
    div.append(sanitizeToFragment(answer));
    const expected = div.textContent.replace(/\s+/g, ' ').trim();
    const spoken = heard.filter((t) => t.includes('Paragraph 0 '));
    expect(spoken.length).to.be.greaterThan(0);
    // Never a partial answer, and nothing of the time or the actions: the full render's
    // text from its start, cut at a word within the cap, then "…" (the answer is longer).
    expect(expected.length).to.be.greaterThan(MAX_ANNOUNCED);
    for (const t of spoken) {
      const said = t.trim();
      expect(said.length, said.slice(-80)).to.be.within(MAX_ANNOUNCED - 200, MAX_ANNOUNCED + 1);
      expect(said.endsWith('…'), said.slice(-80)).to.equal(true);
      const body = said.slice(0, -1).replace(/^[^:]*: /, ''); // after the "Assistant (AI-generated):" label
      expect(expected.startsWith(body), said.slice(0, 80)).to.equal(true);
      expect(expected.charAt(body.length)).to.equal(' '); // cut at a word
    }
    const last = botMessages(el).at(-1)!;
    expect(last.querySelectorAll('p').length).to.equal(PARAGRAPHS);
    expect(last.querySelector('[part~="time"]')).to.not.equal(null);
  });

  it('announces an answer under the cap whole', async () => {
    const answer = Array.from({ length: 12 }, (_, i) => `<p>Line ${i} of a normal answer.</p>`).join('');
    const r = relays.relay().queue(welcomeChunks(), longAnswer('g2', answer));
    const el = await fixture<IndigoChat>(
      html`<indigo-chat relay=${r.path} id="announce-2" mode="inline" lang="en" storage="none"></indigo-chat>`,
    );
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await el.updateComplete;
    const region = $(el, '[aria-live="polite"]')!;
    await typeAndEnter(el, 'a normal question');
    await waitUntil(() => (region.textContent ?? '').includes('Line 11 of a normal answer.'), 'answer announced', { timeout: 20_000 });
    const said = (region.textContent ?? '').trim();
    expect(said.endsWith('…')).to.equal(false);
    expect(said).to.contain('Line 0 of a normal answer.');
  });
});
