import { nothing, type ElementPart } from 'lit';
import { AsyncDirective } from 'lit/async-directive.js';
import { directive, PartType, type PartInfo } from 'lit/directive.js';
import type { CarouselStrings } from './carousel-strings.js';

/** How long the position must stay put before it is announced (swipes fire many scrolls). */
const ANNOUNCE_DELAY_MS = 400;
const SCROLL_SETTLE_MS = 120;
/** Keys an engine scrolls a scroller with (from a card's button or link: the strip's own are ours). */
const SCROLL_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);

function isRtl(el: Element): boolean {
  return getComputedStyle(el).direction === 'rtl';
}

/**
 * How far the strip must scroll (in scrollLeft units) to bring `card`'s start edge to the
 * strip's start edge: the left edges in LTR, the right edges in RTL (where scrollLeft runs
 * from 0 to negative values).
 */
function offsetToStart(strip: HTMLElement, card: HTMLElement, rtl: boolean): number {
  const s = strip.getBoundingClientRect();
  const c = card.getBoundingClientRect();
  return rtl ? c.right - (s.right - strip.clientLeft) : c.left - (s.left + strip.clientLeft);
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Keyboard, prev/next and position announcements for a carousel rendered by Lit. It
 * sits on the carousel root and finds its pieces by class (our markup): the strip
 * scrolls natively (touch swipe and scroll-snap need no code), this only tracks which
 * card is current. The prev/next `disabled` state and the live text are written here,
 * not bound in the template, so Lit never fights over them.
 */
class CarouselBehaviourDirective extends AsyncDirective {
  #root: HTMLElement | null = null;
  #strings: CarouselStrings | null = null;
  #current = 0;
  /**
   * Set while a scroll we asked for is running, so its end does not re-derive `current`.
   * Cleared by the visitor's own input on the strip: what they scroll to is theirs to keep.
   */
  #programmatic = false;
  /** Where the scroll we asked for must end (compared instead of a scrollLeft still animating). */
  #targetLeft = 0;
  /** Whether settle() already re-applied `targetLeft` once for the current request. */
  #corrected = false;
  #settleTimer: ReturnType<typeof setTimeout> | undefined;
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #announced = -1;

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) {
      throw new Error('carouselBehaviour() must be used in an element position');
    }
  }

  render(_cardCount: number, _strings: CarouselStrings) {
    return nothing;
  }

  override update(part: ElementPart, [, strings]: Parameters<this['render']>) {
    this.#strings = strings;
    if (this.#root !== part.element) {
      this.#root = part.element as HTMLElement;
      this.#attach(this.#root);
    }
    // The cards are committed after this element part: sync once the render is done.
    queueMicrotask(() => this.#sync());
    return nothing;
  }

  #attach(root: HTMLElement) {
    root.addEventListener('click', (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (!button || !root.contains(button)) return;
      if (button.classList.contains('carousel-prev')) this.#go(this.#current - 1, false);
      else if (button.classList.contains('carousel-next')) this.#go(this.#current + 1, false);
    });
    root.addEventListener('keydown', (event) => this.#onKeydown(event));
    const strip = this.#strip();
    if (strip) {
      strip.addEventListener('scroll', () => this.#scheduleSettle(), { passive: true });
      strip.addEventListener('scrollend', () => this.#settle());
      // A finger, the mouse (a drag, the scrollbar) or a wheel on the strip: the visitor
      // scrolls now, maybe over our animation, so its end is theirs (see settle()).
      const release = () => {
        this.#programmatic = false;
      };
      for (const type of ['pointerdown', 'touchstart', 'wheel'] as const) strip.addEventListener(type, release, { passive: true });
    }
  }

  #strip(): HTMLElement | null {
    return this.#root?.querySelector<HTMLElement>(':scope > .carousel-strip') ?? null;
  }

  #cards(): HTMLElement[] {
    const strip = this.#strip();
    return strip ? [...strip.querySelectorAll<HTMLElement>(':scope > .card')] : [];
  }

  #onKeydown(event: KeyboardEvent) {
    const strip = this.#strip();
    const target = event.target as HTMLElement | null;
    if (!strip || !target) return;
    const cards = this.#cards();
    // Only on the strip itself or a card: a key inside a card's button keeps its meaning.
    const fromCard = cards.indexOf(target);
    if (target !== strip && fromCard < 0) {
      // A scrolling key in a card's button or link: the engine scrolls the strip for the visitor.
      if (strip.contains(target) && SCROLL_KEYS.has(event.key)) this.#programmatic = false;
      return;
    }
    const from = fromCard >= 0 ? fromCard : this.#current;
    let to: number;
    // Right-to-left: the next card is on the left, so the arrows swap meaning.
    const step = isRtl(strip) ? -1 : 1;
    switch (event.key) {
      case 'ArrowRight':
        to = from + step;
        break;
      case 'ArrowLeft':
        to = from - step;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = cards.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.#go(to, true);
  }

  /** Makes card `index` current: scrolls it into place and optionally focuses it. */
  #go(index: number, focus: boolean) {
    const cards = this.#cards();
    const strip = this.#strip();
    if (!strip || cards.length === 0) return;
    const target = Math.max(0, Math.min(cards.length - 1, index));
    const card = cards[target];
    if (!card) return;
    // A focused card says its own "Card 2 of 5: title": the live region would say it twice.
    if (focus) {
      card.focus({ preventScroll: true });
      this.#announced = target;
    }
    const rtl = isRtl(strip);
    const max = strip.scrollWidth - strip.clientWidth;
    const raw = this.#snapLeft(strip, card, rtl);
    // Right to left, scroll positions run from 0 down to -max.
    const left = rtl ? Math.max(-max, Math.min(0, raw)) : Math.max(0, Math.min(raw, max));
    // Compare with where a pending smooth scroll will end, not where it is now: End then
    // Home in one task must still come back (WebKit had not started the first animation).
    const heading = this.#programmatic ? this.#targetLeft : strip.scrollLeft;
    if (Math.abs(heading - left) > 1 || Math.abs(strip.scrollLeft - left) > 1) {
      this.#programmatic = true;
      this.#corrected = false;
      this.#targetLeft = left;
      strip.scrollTo({ left, behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
    }
    this.#setCurrent(target);
  }

  /** The scroll position that snaps `card` to the strip's start (scroll-padding included). */
  #snapLeft(strip: HTMLElement, card: HTMLElement, rtl: boolean): number {
    const style = getComputedStyle(strip);
    if (!rtl) return card.offsetLeft - strip.clientLeft - (parseFloat(style.scrollPaddingLeft) || 0);
    // Right to left: align the card's right edge with the strip's start, inside its padding.
    return strip.scrollLeft + offsetToStart(strip, card, true) + (parseFloat(style.scrollPaddingRight) || 0);
  }

  #scheduleSettle() {
    clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => this.#settle(), SCROLL_SETTLE_MS);
  }

  /** The strip stopped moving: if the visitor swiped, the card nearest the start is current. */
  #settle() {
    clearTimeout(this.#settleTimer);
    const strip = this.#strip();
    if (this.#programmatic) {
      // An engine may let an earlier smooth scroll finish over a later one (WebKit): land
      // where the last request asked, once, without animation. (Not over the visitor's own
      // scrolling: their input on the strip cleared `programmatic` first.)
      if (strip && !this.#corrected && Math.abs(strip.scrollLeft - this.#targetLeft) > 1) {
        this.#corrected = true;
        strip.scrollTo({ left: this.#targetLeft, behavior: 'instant' });
        return;
      }
      this.#programmatic = false;
      return;
    }
    const cards = this.#cards();
    if (!strip || cards.length === 0) return;
    const max = strip.scrollWidth - strip.clientWidth;
    const rtl = isRtl(strip);
    let nearest = 0;
    if (max > 0 && Math.abs(strip.scrollLeft) >= max - 1) {
      nearest = cards.length - 1;
    } else {
      let best = Infinity;
      cards.forEach((card, i) => {
        const distance = Math.abs(this.#snapLeft(strip, card, rtl) - strip.scrollLeft);
        if (distance < best) {
          best = distance;
          nearest = i;
        }
      });
    }
    this.#setCurrent(nearest);
  }

  #setCurrent(index: number) {
    const changed = index !== this.#current;
    this.#current = index;
    this.#sync();
    if (changed) this.#scheduleAnnounce();
  }

  /** Clamps `current` to the cards that exist now and updates the controls. */
  #sync() {
    const root = this.#root;
    if (!root || !this.isConnected) return;
    const count = this.#cards().length;
    this.#current = Math.max(0, Math.min(count - 1, this.#current));
    const prev = root.querySelector<HTMLButtonElement>(':scope .carousel-prev');
    const next = root.querySelector<HTMLButtonElement>(':scope .carousel-next');
    const active = root.ownerDocument.activeElement;
    const shadowActive = (root.getRootNode() as Document | ShadowRoot).activeElement ?? active;
    if (prev) prev.disabled = this.#current <= 0;
    if (next) next.disabled = this.#current >= count - 1;
    // A button that just became disabled would drop focus to <body>: hand it to its twin.
    if (prev?.disabled && shadowActive === prev && next && !next.disabled) next.focus();
    if (next?.disabled && shadowActive === next && prev && !prev.disabled) prev.focus();
  }

  #scheduleAnnounce() {
    clearTimeout(this.#announceTimer);
    this.#announceTimer = setTimeout(() => {
      const live = this.#root?.querySelector<HTMLElement>(':scope > .carousel-status');
      const strings = this.#strings;
      if (!live || !strings || this.#announced === this.#current) return;
      this.#announced = this.#current;
      live.textContent = strings.position(this.#current + 1, this.#cards().length);
    }, ANNOUNCE_DELAY_MS);
  }

  protected override disconnected() {
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#announceTimer);
  }

  protected override reconnected() {
    queueMicrotask(() => this.#sync());
  }
}

export const carouselBehaviour = directive(CarouselBehaviourDirective);
