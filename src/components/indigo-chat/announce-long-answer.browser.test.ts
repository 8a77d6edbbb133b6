import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import type { IndigoChat } from './indigo-chat.js';
import { $, botMessages, typeAndEnter, useFakeRelays, welcomeChunks, type Wire } from './fake-relay.test-helper.js';
import { sanitizeToFragment } from '../../html/sanitize.js';

// A long answer arriving in one read right before its end: the final commit has hundreds
// of segments to sanitize, more than one frame's budget (streaming-html.ts), so it goes
// in over several frames. The announcement waits for all of it, and reads it exactly.
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

describe('announcing a long answer', () => {
  it('announces the whole answer once all of it is shown, without its time and actions', async () => {
    const paragraphs = Array.from({ length: 600 }, (_, i) => `<p>Paragraph ${i} with <strong>bold</strong> &amp; <a href="https://indigo.ai/${i}">a link</a>.</p>`);
    const answer = paragraphs.join('\n');
    const r = relays.relay().queue(welcomeChunks(), longAnswer('g1', answer));
    const el = await fixture<IndigoChat>(html`<indigo-chat relay=${r.path} id="announce-1" mode="inline" lang="en" storage="none"></indigo-chat>`);
    await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
    await el.updateComplete;
    const region = $(el, '[aria-live="polite"]')!;
    const heard: string[] = [];
    const mo = new MutationObserver(() => heard.push(region.textContent ?? ''));
    mo.observe(region, { subtree: true, childList: true, characterData: true });
    await typeAndEnter(el, 'tell me everything');
    await waitUntil(() => heard.some((t) => t.includes('Paragraph 599')), 'answer announced', { timeout: 20_000 });
    mo.disconnect();
    // The text of a full render of the final HTML, as the region reads it.
    const div = document.createElement('div');
    div.append(sanitizeToFragment(answer));
    const expected = div.textContent.replace(/\s+/g, ' ').trim();
    const spoken = heard.filter((t) => t.includes('Paragraph 0 '));
    expect(spoken.length).to.be.greaterThan(0);
    // Never a partial answer, and nothing of the time or the actions.
    // (After the "Assistant (AI-generated):" label.)
    for (const t of spoken) expect(t.trim().replace(/^[^:]*: /, '') === expected, t.slice(0, 80)).to.equal(true);
    const last = botMessages(el).at(-1)!;
    expect(last.querySelectorAll('p').length).to.equal(600);
    expect(last.querySelector('[part~="time"]')).to.not.equal(null);
  });
});
