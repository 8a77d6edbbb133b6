/**
 * Stick-to-bottom for the transcript: follows new content while the reader is at the
 * bottom, stops when they scroll up, and offers "jump to latest" meanwhile.
 * Layout is read (scrollHeight & co.) where it is already clean: in scroll events and in
 * the ResizeObserver callback (after the browser's layout); a rAF tick only on attach and jump.
 *
 * Only the reader unsticks it: an upward scroll counts when it follows their input (wheel,
 * touch, keys, scrollbar drag, focus moving inside). The browser also moves scrollTop up
 * on its own while an answer streams (scroll anchoring around `content-visibility`
 * messages, clamps when the typing indicator goes): seen in the demo, and without this
 * rule the transcript stopped following a streaming answer nobody had touched.
 *
 * Growth is followed from a ResizeObserver, in a task right after its callback (which
 * runs after the browser's own layout): reading scrollHeight there costs nothing, while
 * reading it in an animation-frame callback right after a streaming commit forced a second
 * layout every frame (the largest self time in the 20 KB profile). Scroll events are
 * judged in the event itself (coalesced per frame, before the frame's commits).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Within this many px of the end counts as "at the bottom" (sub-pixel rounding, zoom). */
const SLACK = 24;
/** A scroll this soon after the reader's wheel, touch, key or focus counts as theirs. */
const INTENT_MS = 700;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Input on the transcript that means the reader is moving through it. */
const INTENT_EVENTS = ['wheel', 'touchstart', 'touchmove', 'keydown', 'focusin'] as const;

export class AutoScrollController implements ReactiveController {
  /** Follow new content. */
  stuck = true;
  /** The reader is away from the end and there is more below: show the jump button. */
  showJump = false;

  readonly #host: ReactiveControllerHost;
  #el: HTMLElement | null = null;
  #frame = 0;
  #scrolled = false;
  /** scrollTop as of the last frame (ours or the reader's): tells up from down. */
  #lastTop = 0;
  #mutations: MutationObserver | null = null;
  /** Sizes change without DOM mutations: `content-visibility` messages rendering at their
   * real height, the panel becoming visible, fonts and images: each moves the end away. */
  #resizes: ResizeObserver | null = null;
  /** The reader acted on the transcript until this time (performance.now()). */
  #intentUntil = -Infinity;
  /** Frames still to come that count as the reader's, however long they take: a busy main
   * thread (a long task of the host page, a loaded phone) delivers the scroll event of a
   * wheel later than INTENT_MS, and their scroll was undone. */
  #intentFrames = 0;
  #intentFrame = 0;
  #pointerDown = false;
  /** A scroll event in this frame came while the reader was acting. */
  #scrolledByReader = false;
  /** A tick after a resize is queued. */
  #following = false;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Call when the scroll container is (re)rendered. */
  attach(el: HTMLElement | null): void {
    if (el === this.#el) return;
    this.#el?.removeEventListener('scroll', this.#onScroll);
    for (const type of INTENT_EVENTS) this.#el?.removeEventListener(type, this.#onIntent);
    this.#el?.removeEventListener('pointerdown', this.#onPointerDown);
    globalThis.removeEventListener?.('pointerup', this.#onPointerUp);
    globalThis.removeEventListener?.('pointercancel', this.#onPointerUp);
    this.#mutations?.disconnect();
    this.#mutations = null;
    this.#resizes?.disconnect();
    this.#resizes = null;
    this.#el = el;
    if (el) {
      el.addEventListener('scroll', this.#onScroll, { passive: true });
      for (const type of INTENT_EVENTS) el.addEventListener(type, this.#onIntent, { passive: true });
      el.addEventListener('pointerdown', this.#onPointerDown, { passive: true });
      this.#lastTop = el.scrollTop;
      // Streaming answers grow outside the host's renders (the streaming HTML view commits in
      // its own frame, images load later): the transcript's children report their sizes.
      const resizes = (this.#resizes = new ResizeObserver(this.#onResize));
      resizes.observe(el);
      for (const child of Array.from(el.children)) resizes.observe(child);
      this.#mutations = new MutationObserver((records) => {
        for (const r of records) {
          for (const n of Array.from(r.addedNodes)) if (n instanceof Element) resizes.observe(n);
          for (const n of Array.from(r.removedNodes)) if (n instanceof Element) resizes.unobserve(n);
        }
      });
      // Only the transcript's children: text changes of a streaming answer resize them.
      this.#mutations.observe(el, { childList: true });
    }
    this.#schedule();
  }

  hostDisconnected(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.attach(null);
  }

  jumpToLatest(): void {
    this.stuck = true;
    this.#scrolled = false;
    // The click that led here (a quick reply inside the transcript) is not a reader
    // scrolling away: the answer it asked for must be followed.
    this.#intentUntil = -Infinity;
    this.#intentFrames = 0;
    this.#scrolledByReader = false;
    this.#schedule();
  }

  /** The reader is acting on the transcript (or has just done so). */
  #acting(): boolean {
    return this.#pointerDown || this.#intentFrames > 0 || now() <= this.#intentUntil;
  }

  readonly #onScroll = (): void => {
    this.#scrolled = true;
    if (this.#acting()) this.#scrolledByReader = true;
    // Scroll events run before the frame's callbacks, on the last frame's layout: judge
    // them now instead of reading layout again after this frame's commits.
    this.#tick();
  };

  readonly #onResize = (): void => {
    // Not in the callback itself: scrolling there brings `content-visibility` groups on
    // screen, which resize in the same frame ("ResizeObserver loop completed with
    // undelivered notifications" on the host page: Firefox, WebKit, a long answer). In a
    // task of its own right after the frame, layout is still clean: reading it is free.
    // Also while the jump button shows: content that shrank (the reader at the very top, so
    // no scroll event) may leave nothing below to jump to.
    if ((this.stuck || this.showJump) && !this.#following) {
      this.#following = true;
      setTimeout(() => {
        this.#following = false;
        this.#tick();
      });
    }
  };

  readonly #onIntent = (): void => {
    this.#intentUntil = now() + INTENT_MS;
    // Scroll events come in a frame's first steps, before its animation-frame callbacks:
    // the scroll of this input arrives in the next frame or the one after.
    this.#intentFrames = 2;
    // (Input events only come in a browser: requestAnimationFrame is there. The count ends
    // by itself two frames later, the element gone or not.)
    if (!this.#intentFrame) this.#intentFrame = requestAnimationFrame(this.#countIntentFrame);
  };

  readonly #countIntentFrame = (): void => {
    this.#intentFrame = --this.#intentFrames > 0 ? requestAnimationFrame(this.#countIntentFrame) : 0;
  };

  /** A scrollbar drag can last long: the reader acts for as long as the pointer is down. */
  readonly #onPointerDown = (): void => {
    this.#pointerDown = true;
    this.#onIntent();
    globalThis.addEventListener?.('pointerup', this.#onPointerUp);
    globalThis.addEventListener?.('pointercancel', this.#onPointerUp);
  };

  readonly #onPointerUp = (): void => {
    this.#pointerDown = false;
    this.#onIntent(); // the scroll events of the last drag step still arrive
    globalThis.removeEventListener?.('pointerup', this.#onPointerUp);
    globalThis.removeEventListener?.('pointercancel', this.#onPointerUp);
  };

  #schedule(): void {
    if (this.#frame || !this.#el || typeof requestAnimationFrame !== 'function') return;
    this.#frame = requestAnimationFrame(this.#tick);
  }

  readonly #tick = (): void => {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    const el = this.#el;
    if (!el) return;
    const { scrollTop, scrollHeight, clientHeight } = el;
    const atBottom = scrollHeight - scrollTop - clientHeight <= SLACK;
    // Only the reader moving *up* unsticks. Content growth moves the end away without any
    // scroll, and our own jump to the end fires a scroll event too (downwards): neither is
    // the reader leaving. Scrolling back down to the end sticks again.
    const up = scrollTop < this.#lastTop - 1;
    // A scroll whose event has not arrived yet (this tick follows a resize and the event
    // comes with the next frame) is the reader's all the same while they are acting.
    const byReader = this.#scrolledByReader || (up && this.#acting());
    if (this.#scrolled || byReader) {
      if (byReader && up) this.stuck = atBottom;
      else if (atBottom) this.stuck = true;
    }
    this.#scrolled = false;
    this.#scrolledByReader = false;
    if (this.stuck && !atBottom) el.scrollTop = scrollHeight;
    this.#lastTop = el.scrollTop;
    const showJump = !this.stuck && !atBottom;
    if (showJump !== this.showJump) {
      this.showJump = showJump;
      this.#host.requestUpdate();
    }
  };
}
