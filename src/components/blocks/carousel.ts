/**
 * Carousels, loaded on demand (lazy-part.ts): a native horizontal scroller of cards with
 * prev/next, keyboard and position announcements (carousel-behaviour.ts).
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { BotMessage, CarouselBlock } from '../../core/conversation/types.js';
import { safeUrl } from '../../html/url-policy.js';
import { carouselBehaviour } from './carousel-behaviour.js';
import { carouselActive, describe, markFailed, markLoaded, renderActionList, warnOnce, type BlockContext } from './render-blocks.js';
import type { CoreBlockStrings } from './strings.js';
import { carouselStrings } from './carousel-strings.js';

const chevronLeft = html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
  <path d="M10 3L5 8l5 5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
</svg>`;
const chevronRight = html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
  <path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
</svg>`;

export function renderCarousel(block: CarouselBlock, message: BotMessage, ctx: BlockContext, strings: CoreBlockStrings) {
  const cs = carouselStrings(ctx.lang);
  const cards = block.cards;
  if (cards.length === 0) return nothing;
  const active = carouselActive(block, message, ctx);
  const total = cards.length;
  return html`<div
    part="carousel"
    class="carousel"
    role="region"
    aria-roledescription=${cs.carouselRoleDescription}
    aria-label=${cs.carousel}
    ${carouselBehaviour(total, cs)}
  >
    <div class="carousel-strip" tabindex="0" role="group" aria-label=${cs.cardList}>
      ${repeat(
        cards,
        (card) => card.index,
        (card, i) => {
          let image: TemplateResult | typeof nothing = nothing;
          if (card.image !== null) {
            const src = safeUrl(card.image.src, 'media', { mediaOrigins: ctx.mediaOrigins });
            if (src === null) {
              warnOnce(ctx, card.image, 'refused-url', `Card ${card.index} image dropped: refused URL ${describe(card.image.src)}.`);
            } else {
              image = html`<img
                part="card-image"
                class="card-image"
                src=${src}
                alt=${card.image.alt ?? ''}
                loading="lazy"
                decoding="async"
                @load=${markLoaded}
                @error=${markFailed}
              />`;
            }
          }
          return html`<div
            part="card"
            class="card"
            role="group"
            tabindex="-1"
            aria-roledescription=${cs.slideRoleDescription}
            aria-label=${cs.cardLabel(i + 1, total, card.title)}
          >
            ${image}
            <div class="card-body">
              ${card.title ? html`<h3 part="card-title" class="card-title" dir="auto">${card.title}</h3>` : nothing}
              ${card.description ? html`<p part="card-description" class="card-description" dir="auto">${card.description}</p>` : nothing}
              <div class="card-actions">${renderActionList(card.actions, active, ctx, strings)}</div>
            </div>
          </div>`;
        },
      )}
    </div>
    <div class="carousel-controls">
      <button part="carousel-prev" class="carousel-prev" type="button" aria-label=${cs.previousCard} disabled>${chevronLeft}</button>
      <button part="carousel-next" class="carousel-next" type="button" aria-label=${cs.nextCard}>${chevronRight}</button>
    </div>
    <div class="carousel-status visually-hidden" aria-live="polite" aria-atomic="true"></div>
  </div>`;
}

/** Adopted into the shadow root when the first carousel renders. */
export const styles = css`
  /* Carousel: a native horizontal scroller with snap points (touch swipe for free). */
  .carousel {
    width: 100%;
  }
  .carousel-strip {
    position: relative;
    display: flex;
    gap: 0.6em;
    padding: 2px;
    overflow-x: auto;
    overscroll-behavior-x: contain;
    scroll-snap-type: x mandatory;
    /* Snap cards to the padding edge, so the first card's snap position is 0 (the start). */
    scroll-padding-inline: 2px;
  }
  @media (prefers-reduced-motion: no-preference) {
    .carousel-strip {
      scroll-behavior: smooth;
    }
  }
  .card {
    display: flex;
    flex: 0 0 80%;
    flex-direction: column;
    max-width: 260px;
    overflow: hidden;
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    background: var(--_surface);
    scroll-snap-align: start;
  }
  .card-image {
    display: block;
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: cover;
    background: var(--_soft);
  }
  .card-body {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: 0.4em;
    padding: 0.6em 0.75em 0.75em;
    /* A long word or URL wraps: the card clips what overflows it. */
    overflow-wrap: anywhere;
  }
  .card-title {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
    line-height: 1.3;
  }
  .card-description {
    margin: 0;
    font-size: 0.9em;
    line-height: 1.4;
    opacity: 0.85;
  }
  .card-actions {
    display: flex;
    flex-direction: column;
    gap: 0.35em;
    margin-top: auto;
  }
  .carousel-controls {
    display: flex;
    justify-content: flex-end;
    gap: 0.4em;
    margin-top: 0.4em;
  }
  .carousel-prev,
  .carousel-next {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 2.25em;
    height: 2.25em;
    padding: 0;
    border: 1px solid var(--_line);
    border-radius: 50%;
    background: var(--_surface);
    color: var(--_text);
    cursor: pointer;
  }
  /* Right-to-left: the chevrons point the way the strip moves. */
  [dir='rtl'] :is(.carousel-prev, .carousel-next) svg {
    transform: scaleX(-1);
  }
  .carousel-prev:disabled,
  .carousel-next:disabled {
    opacity: 0.4;
    cursor: default;
  }

  .carousel-strip:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .card:focus-visible {
    outline-offset: -2px;
  }
`;
