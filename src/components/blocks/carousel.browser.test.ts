// The carousel follows the visitor's own scrolling even while a prev/next animation runs:
// a swipe made mid-animation is the visitor's, not an engine's glitch to undo.
import { expect } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import type { Card, CarouselBlock } from '../../core/conversation/types.js';
import { botMessage, microtask, mount } from './blocks.test-helper.js';

afterEach(() => document.body.replaceChildren());

const card = (index: number): Card => ({
  index,
  title: `Title ${index}`,
  description: `Description ${index}`,
  image: null,
  actions: [{ type: 'button', label: `Pick ${index}`, payload: `pick_${index}` }],
  state: 'done',
});
const carousel = (): CarouselBlock => ({
  kind: 'carousel',
  id: 'b1',
  carouselId: 'c1',
  cards: [1, 2, 3, 4, 5].map(card),
  state: 'done',
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How a visitor's input reaches the strip before it moves it: a finger or the mouse put on
 * a card (pointerdown), a wheel or touchpad, or an arrow key in a card's button (the
 * engine scrolls the strip; the carousel's own keys are for the strip and the cards).
 */
const gestures: Record<string, (strip: HTMLElement) => void> = {
  pointerdown: (strip) =>
    strip
      .querySelector('.card-title')!
      .dispatchEvent(
        new PointerEvent('pointerdown', { bubbles: true, composed: true, cancelable: true, pointerType: 'touch', isPrimary: true }),
      ),
  wheel: (strip) =>
    strip.querySelector('.card')!.dispatchEvent(new WheelEvent('wheel', { bubbles: true, composed: true, cancelable: true, deltaX: -120 })),
  'arrow key in a card button': (strip) =>
    strip
      .querySelector('.card button')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true, composed: true, cancelable: true })),
};

describe('carousel: the visitor scrolls while a prev/next animation runs', () => {
  for (const [name, gesture] of Object.entries(gestures)) {
    it(`a swipe back mid-animation (${name}) stays where the visitor left it`, async () => {
      const m = mount();
      m.draw(botMessage([carousel()]));
      await microtask();
      const strip = m.one('.carousel-strip');
      const prev = m.one<HTMLButtonElement>('[part~="carousel-prev"]');
      const status = m.one('.carousel-status');

      m.one<HTMLButtonElement>('[part~="carousel-next"]').click();
      // The smooth scroll to card 2 is under way…
      await waitUntil(() => strip.scrollLeft > 2, 'the animation started', { interval: 5 });
      // …when the visitor takes the strip and drags it back to the first card.
      gesture(strip);
      strip.scrollTo({ left: 0, behavior: 'instant' });

      await sleep(1500);
      // (Chromium may paint one more frame of its animation, a few pixels, as it stops.)
      expect(strip.scrollLeft, 'left where the visitor dragged it, not pulled back to card 2').to.be.below(20);
      expect(status.textContent).to.equal('Card 1 of 5');
      expect(prev.disabled).to.equal(true);
    });
  }

  // The correction stays for what no visitor did (an engine landing an older smooth scroll
  // over the newer one, WebKit): a scroll with no input on the strip still ends on card 2.
  it('a scroll with no visitor input mid-animation still ends where prev/next asked', async () => {
    const m = mount();
    m.draw(botMessage([carousel()]));
    await microtask();
    const strip = m.one('.carousel-strip');
    const cards = m.all('[part~="card"]') as HTMLElement[];
    m.one<HTMLButtonElement>('[part~="carousel-next"]').click();
    await waitUntil(() => strip.scrollLeft > 2, 'the animation started', { interval: 5 });
    strip.scrollTo({ left: 0, behavior: 'instant' });
    const second = cards[1]!.offsetLeft - cards[0]!.offsetLeft;
    await waitUntil(() => Math.abs(strip.scrollLeft - second) <= 1, 'back on card 2');
    await waitUntil(() => m.one('.carousel-status').textContent === 'Card 2 of 5', 'announced card 2');
  });
});
