import { expect } from '@open-wc/testing';
import type { Chunk } from '../../core/protocol/types.js';
import type { BotMessage, GenerationBlock, Transcript } from '../../core/conversation/types.js';
import { createTranscript, reduce } from '../../core/conversation/reducer.js';
import { sanitizeToFragment } from '../../html/sanitize.js';
import { afterFinalCommits } from '../../html/streaming-html.js';
import { botMessage, generation, microtask, mount, nextFrame } from './blocks.test-helper.js';

const media = (name: string) => `${location.origin}/__blocks_test__/${name}`;

/** A Myers-like edit script (keep, delete, insert) turning `from` into `to`, in UTF-16 units. */
function deltasBetween(from: string, to: string) {
  let start = 0;
  while (start < from.length && start < to.length && from[start] === to[start]) start++;
  let end = 0;
  while (end < from.length - start && end < to.length - start && from[from.length - 1 - end] === to[to.length - 1 - end]) end++;
  const ops: { command: string; value: unknown }[] = [];
  if (start > 0) ops.push({ command: 'mov', value: start });
  if (from.length - start - end > 0) ops.push({ command: 'del', value: from.length - start - end });
  if (to.length - start - end > 0) ops.push({ command: 'ins', value: to.slice(start, to.length - end) });
  return ops;
}

class Conversation {
  t: Transcript = createTranscript({ deltaUnit: 'utf16' });
  private at = 0;
  private html = '';
  feed(chunk: Chunk) {
    this.t = reduce(this.t, { type: 'chunk', chunk, at: ++this.at });
  }
  grow(next: string, generationId = 'g1', deltas: unknown = deltasBetween(this.html, next)) {
    this.feed({
      type: 'generation.chunk',
      generationId,
      chunk: next.slice(this.html.length),
      deltas: deltas as Extract<Chunk, { type: 'generation.chunk' }>['deltas'],
    });
    this.html = next;
  }
  get message(): BotMessage {
    const last = this.t.messages.at(-1);
    if (!last || last.role !== 'bot') throw new Error('no bot message');
    return last;
  }
  get block(): GenerationBlock {
    const b = this.message.blocks.find((x) => x.kind === 'generation');
    if (!b || b.kind !== 'generation') throw new Error('no generation block');
    return b;
  }
}

/** Snapshots of a streamed answer, including a rewrite of earlier text (`**bo` -> bold). */
function snapshots(): string[] {
  const out: string[] = [];
  const intro = `<p>Intro <img src="${media('pic.png')}" alt="A picture"></p>`;
  let body = '';
  const words = 'the quick brown fox jumps over the lazy dog'.split(' ');
  out.push(`<p>Int</p>`);
  out.push(intro);
  for (const w of words) {
    body += `${w} `;
    out.push(`${intro}<p>${body.trim()}</p>`);
  }
  out.push(`${intro}<p>${body.trim()}</p><p>**bo</p>`);
  out.push(`${intro}<p>${body.trim()}</p><p><strong>bold</strong></p>`);
  out.push(`${intro}<p>${body.trim()}</p><p><strong>bold</strong></p><ul><li>one</li><li>two</li></ul>`);
  out.push(
    `${intro}<p>${body.trim()}</p><p><strong>bold</strong> and <a href="https://indigo.ai/">a link</a></p><ul><li>one</li><li>two</li></ul>`,
  );
  return out;
}

/** The sanitized HTML as the view should show it, ignoring any wrapper elements of ours. */
function normalised(root: Node): string {
  const holder = document.createElement('section');
  for (const child of root.childNodes) holder.append(child.cloneNode(true));
  // Our grouping wrappers are divs; the test content contains no div of its own.
  for (let div = holder.querySelector('div'); div; div = holder.querySelector('div')) {
    div.replaceWith(...div.childNodes);
  }
  holder.normalize();
  return holder.innerHTML;
}

afterEach(() => document.body.replaceChildren());

describe('generation blocks', () => {
  it('keeps one container while streaming and ends with the exact sanitized final HTML', async () => {
    const m = mount();
    const c = new Conversation();
    c.feed({ type: 'processing.start' });
    c.feed({ type: 'generation.start', generationId: 'g1' });
    m.draw(c.message);
    const bubble = m.one('[part~="bubble"]');
    const live = bubble.firstElementChild;
    expect(live).to.not.equal(null);
    expect(bubble.getAttribute('aria-live')).to.equal(null);

    const steps = snapshots();
    let firstImage: Element | null = null;
    for (const step of steps) {
      c.grow(step);
      m.draw(c.message);
      await nextFrame();
      expect(m.one('[part~="bubble"]')).to.equal(bubble);
      expect(bubble.firstElementChild).to.equal(live);
      firstImage ??= bubble.querySelector('img');
    }
    expect(firstImage).to.not.equal(null);
    c.feed({ type: 'generation.end', generationId: 'g1' });
    c.feed({ type: 'processing.end' });
    m.draw(c.message);

    const final = steps.at(-1)!;
    expect(normalised(live!)).to.equal(normalised(sanitizeToFragment(final, { mediaOrigins: [location.origin] })));
    // The picture in the first paragraph was decoded once: it is still the same node.
    expect(bubble.querySelector('img')).to.equal(firstImage);
    expect(bubble.querySelector('strong')?.textContent).to.equal('bold');
    expect(bubble.querySelector('a')?.getAttribute('rel')).to.contain('noopener');
  });

  it('keeps the streamed DOM when the platform repeats the answer as an is_generated text', async () => {
    const m = mount();
    const c = new Conversation();
    const final = `<p>Answer <img src="${media('pic.png')}" alt="p"></p><p>Second   line</p>`;
    c.feed({ type: 'processing.start' });
    c.feed({ type: 'generation.start', generationId: 'g1' });
    c.grow(final);
    m.draw(c.message);
    await nextFrame();
    c.feed({ type: 'generation.end', generationId: 'g1' });
    m.draw(c.message);
    const img = m.one('[part~="bubble"] img');
    c.feed({ type: 'text', text: final.replace('Second   line', 'Second line'), isCaption: false, isGenerated: true });
    c.feed({ type: 'processing.end' });
    m.draw(c.message);
    expect(m.all('[part~="bubble"]')).to.have.length(1);
    expect(m.one('[part~="bubble"] img')).to.equal(img);
  });

  it('sanitizes hostile markup arriving through deltas', async () => {
    const m = mount();
    const c = new Conversation();
    c.feed({ type: 'processing.start' });
    c.feed({ type: 'generation.start', generationId: 'g1' });
    c.grow('<p>Look <img src="https://example.invalid/a.png" alt="x"></p>');
    m.draw(c.message);
    await nextFrame();
    // A later delta adds an event handler inside the existing attribute list (no `<` in it).
    c.grow('<p>Look <img src="https://example.invalid/a.png" alt="x" onerror="window.__genPwned=1"></p><p>more</p>');
    m.draw(c.message);
    c.feed({ type: 'generation.end', generationId: 'g1' });
    c.feed({ type: 'processing.end' });
    m.draw(c.message);
    expect(m.root.querySelector('[onerror]')).to.equal(null);
    // The final commit keeps to its time budget: on a loaded machine the rest comes next frame.
    await new Promise<void>((r) => afterFinalCommits(r));
    expect(m.root.querySelector('[onerror]')).to.equal(null);
    expect(m.one('[part~="bubble"]').textContent).to.contain('more');
    expect((window as { __genPwned?: number }).__genPwned).to.equal(undefined);
  });

  it('shows the markdown of a degraded generation as plain text, with a notice, without a warning of its own', async () => {
    const m = mount();
    const c = new Conversation();
    c.feed({ type: 'processing.start' });
    c.feed({ type: 'generation.start', generationId: 'g1' });
    c.grow('<p>Hello</p>');
    m.draw(c.message);
    await nextFrame();
    const bubble = m.one('[part~="bubble"]');
    const live = bubble.firstElementChild;
    // A delta that moves past the end: the reducer degrades the generation.
    c.grow('<p>Hello</p>', 'g1', [
      { command: 'mov', value: 9999 },
      { command: 'ins', value: '<b>x</b>' },
    ]);
    c.feed({ type: 'generation.chunk', generationId: 'g1', chunk: '\n\nSecond <b>para', deltas: [] });
    expect(c.block.state).to.equal('degraded');
    m.draw(c.message);
    m.draw(c.message);
    await microtask();
    expect(bubble.firstElementChild).to.equal(live);
    expect(bubble.textContent).to.contain('Second <b>para');
    expect(bubble.querySelector('b')).to.equal(null);
    // The reducer's degraded-generation warning is the one the page gets (the element fires it).
    expect(m.warnings.filter((w) => w[0] === 'degraded-generation')).to.have.length(0);
    expect(m.one('[part~="plain-text-notice"]').textContent).to.equal('Shown as plain text: the formatting could not be applied.');
  });

  it('commits a generation cut short (message incomplete) in full', () => {
    const m = mount();
    m.draw(botMessage([generation('<p>Partial <strong>answer</strong></p>', 'streaming')], 'incomplete'));
    const bubble = m.one('[part~="bubble"]');
    expect(bubble.querySelector('strong')?.textContent).to.equal('answer');
    expect(bubble.getAttribute('aria-busy')).to.equal('false');
  });
});
