// Carousels, videos and the extension blocks load on demand (lazy-part.ts): a placeholder
// while their module loads, the real block when it arrives, their text and links when
// the import fails.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import type { Block } from '../../core/conversation/types.js';
import { html, render } from 'lit';
import { lazyModule, lazyPart, lazyTesting, retryFailedParts } from './lazy-part.js';
import { mapUrl } from './render-blocks.js';
import { botMessage, microtask, mount } from './blocks.test-helper.js';

const own = (name: string) => `${location.origin}/__blocks_test__/${name}`;

const carousel: Block = {
  kind: 'carousel',
  id: 'c',
  carouselId: 'c1',
  state: 'done',
  cards: [1, 2].map((i) => ({
    index: i,
    title: `Title ${i}`,
    description: `Description ${i}`,
    image: null,
    actions: [
      { type: 'button' as const, label: `Pick ${i}`, payload: `pick_${i}` },
      { type: 'link' as const, label: `Page ${i}`, url: `https://example.com/${i}` },
    ],
    state: 'done' as const,
  })),
};
const video: Block = { kind: 'video', id: 'v', src: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', alt: 'Song' };
const audio: Block = { kind: 'audio', id: 'a', src: own('bell.wav'), title: 'Bike bell' };
const file: Block = { kind: 'file', id: 'f', url: own('menu.pdf'), name: 'menu.pdf', mimeType: 'application/pdf', size: 2048 };
const location_: Block = {
  kind: 'location',
  id: 'l',
  latitude: 45.4642,
  longitude: 9.19,
  title: 'Duomo',
  address: 'Piazza del Duomo, Milano',
};
const select: Block = {
  kind: 'select',
  id: 's',
  label: 'Which size?',
  options: [
    { label: 'S', payload: 'size:S' },
    { label: 'M', payload: 'size:M' },
  ],
};
const text: Block = { kind: 'text', id: 't', html: '<p>kept</p>', caption: false, generated: false };

/** An import the test holds back, then lets through with the real module. */
function held(real: () => Promise<unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { importer: () => gate.then(real), release };
}

afterEach(async () => {
  document.body.replaceChildren();
  await lazyTesting.restore();
});

describe('lazy blocks', () => {
  it('registers the carousel, video and extension-block parts', () => {
    expect(lazyTesting.names()).to.include.members(['carousel', 'video', 'extension-blocks']);
  });

  it('shows a placeholder of the right kind while the carousel loads, then the carousel with its styles', async () => {
    const gate = held(() => import('./carousel.js'));
    lazyTesting.override('carousel', gate.importer);
    const m = mount();
    m.draw(botMessage([text, carousel]));
    const placeholder = m.one('.lazy-part.carousel');
    expect(placeholder.getAttribute('aria-busy')).to.equal('true');
    expect(placeholder.getBoundingClientRect().height).to.be.greaterThan(100);
    expect(m.all('[part~="carousel"]')).to.have.length(0);
    expect(m.one('[part~="bubble"]').textContent).to.contain('kept');
    gate.release();
    await waitUntil(() => m.all('[part~="carousel"]').length === 1, 'carousel rendered');
    expect(m.all('.lazy-part')).to.have.length(0);
    expect(m.all('[part~="card"]')).to.have.length(2);
    // Its styles joined the shadow root with it.
    expect(getComputedStyle(m.one('.carousel-strip')).scrollSnapType).to.contain('x');
    // Later renders are synchronous: no placeholder again.
    m.draw(botMessage([text, carousel]));
    expect(m.all('.lazy-part')).to.have.length(0);
  });

  it('a video waits in a 16:9 box, then becomes the click-to-load embed', async () => {
    const gate = held(() => import('./video.js'));
    lazyTesting.override('video', gate.importer);
    const m = mount();
    m.draw(botMessage([video]));
    const box = m.one('.lazy-part.video');
    const { width, height } = box.getBoundingClientRect();
    expect(Math.round((width / height) * 9)).to.equal(16);
    gate.release();
    await waitUntil(() => m.all('[part~="video"] button').length === 1, 'embed placeholder button');
    expect(m.all('iframe')).to.have.length(0);
  });

  it('extension blocks wait for one module, then render natively', async () => {
    const gate = held(() => import('./extension-blocks.js'));
    lazyTesting.override('extension-blocks', gate.importer);
    const m = mount();
    m.draw(botMessage([audio, file, location_, select]));
    expect(m.all('.lazy-part')).to.have.length(4);
    gate.release();
    await waitUntil(() => m.all('.lazy-part').length === 0, 'all rendered');
    expect(m.all('[part~="audio"], [part~="file"], [part~="location"], [part~="select"]')).to.have.length(4);
  });

  it('a failed carousel import shows every card as text with its buttons and links', async () => {
    lazyTesting.override('carousel', () => Promise.reject(new Error('chunk failed')));
    const m = mount();
    m.draw(botMessage([carousel]), { activeActionsId: null, activeMessageId: 'm1' });
    await waitUntil(() => m.all('.lazy-part').length === 0, 'fallback shown');
    const shown = m.root.textContent ?? '';
    for (const s of ['Title 1', 'Description 1', 'Title 2', 'Description 2']) expect(shown).to.contain(s);
    const links = m.all('a[part~="link"]') as HTMLAnchorElement[];
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.com/1', 'https://example.com/2']);
    (m.all('button[part~="button"]')[1] as HTMLButtonElement).click();
    expect(m.payloads).to.deep.equal([['pick_2', 'Pick 2']]);
  });

  it('a failed video import shows a link to the video', async () => {
    lazyTesting.override('video', () => Promise.reject(new Error('chunk failed')));
    const m = mount();
    m.draw(botMessage([video]));
    await waitUntil(() => m.all('.lazy-part').length === 0, 'fallback shown');
    const a = m.one<HTMLAnchorElement>('a[part~="link"]');
    expect([a.href, a.textContent?.trim()]).to.deep.equal(['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'Song (opens in a new tab)']);
  });

  it('a failed extension-blocks import keeps the audio, file, place and choices', async () => {
    lazyTesting.override('extension-blocks', () => Promise.reject(new Error('chunk failed')));
    const m = mount();
    m.draw(botMessage([audio, file, location_, select]));
    await waitUntil(() => m.all('.lazy-part').length === 0, 'fallback shown');
    const hrefs = (m.all('a[part~="link"]') as HTMLAnchorElement[]).map((a) => a.href);
    expect(hrefs.slice(0, 2)).to.deep.equal([own('bell.wav'), own('menu.pdf')]);
    expect(hrefs[2]).to.equal(mapUrl(45.4642, 9.19)); // the same map link as the loaded block's
    expect(m.root.textContent).to.contain('Duomo, Piazza del Duomo, Milano');
    const group = m.one('[role="group"][aria-label="Which size?"]');
    (group.querySelectorAll('button')[1] as HTMLButtonElement).click();
    expect(m.payloads).to.deep.equal([['size:M', 'M']]);
    await microtask();
    expect(m.warnings).to.deep.equal([]);
  });

  it('after a failure a later page load (restore) renders the real block again', async () => {
    lazyTesting.override('carousel', () => Promise.reject(new Error('chunk failed')));
    const m = mount();
    m.draw(botMessage([carousel]));
    await waitUntil(() => m.all('.lazy-part').length === 0, 'fallback shown');
    await lazyTesting.restore();
    const again = mount();
    again.draw(botMessage([carousel]));
    expect(again.all('[part~="carousel"]')).to.have.length(1);
  });

  it('a failed import is tried again only when asked (retryFailedParts), and the fallback on screen becomes the carousel', async () => {
    let fail = true;
    let imports = 0;
    lazyTesting.override('carousel', () => {
      imports++;
      return fail ? Promise.reject(new Error('chunk failed')) : import('./carousel.js');
    });
    const m = mount();
    m.draw(botMessage([carousel]));
    await waitUntil(() => m.all('.lazy-part').length === 0, 'fallback shown');
    // Renders while it is failed show the fallback and fetch nothing.
    m.draw(botMessage([text, carousel]));
    await microtask();
    expect([imports, m.all('[part~="carousel"]').length, m.all('.lazy-part').length]).to.deep.equal([1, 0, 0]);
    expect(m.root.textContent).to.contain('Title 2');
    // Still failing: the fallback stays (never a placeholder in its place).
    retryFailedParts();
    expect(m.all('.lazy-part')).to.have.length(0);
    await waitUntil(() => imports === 2, 'tried again');
    await microtask();
    expect(m.root.textContent).to.contain('Title 2');
    fail = false;
    retryFailedParts();
    await waitUntil(() => m.all('[part~="carousel"]').length === 1, 'the carousel in place of its fallback');
    expect(m.all('[part~="card"]')).to.have.length(2);
    expect(getComputedStyle(m.one('.carousel-strip')).scrollSnapType).to.contain('x');
    // Loaded: nothing more to try.
    retryFailedParts();
    await microtask();
    expect(imports).to.equal(3);
  });

  it('a fallback rendered again and again waits for its module once, not once per render', async () => {
    // Firefox never imports a failed module again, so `arrived` can stay pending for the
    // page: each render of the fallback must not add a callback to it.
    const part = lazyModule('fallback-waits-once', () => Promise.reject(new Error('chunk failed')), false);
    const arrived = part.arrived;
    let waits = 0;
    part.arrived = { then: (...args: Parameters<typeof arrived.then>) => (waits++, arrived.then(...args)) } as typeof arrived;
    const box = document.createElement('div');
    document.body.append(box);
    const draw = (label: string) =>
      render(
        html`${lazyPart(
          part,
          () => 'loaded',
          () => 'waiting',
          () => `fallback ${label}`,
        )}`,
        box,
      );
    draw('0');
    await waitUntil(() => box.textContent === 'fallback 0', 'fallback shown');
    for (let i = 1; i <= 5; i++) draw(String(i));
    expect([box.textContent, waits]).to.deep.equal(['fallback 5', 1]);
  });
});
