/**
 * Stick-to-bottom for the transcript: follows new content while the reader is at the
 * bottom, stops when they scroll up, and offers "jump to latest" meanwhile.
 * Layout is read (scrollHeight & co.) at most once per animation frame: scroll events,
 * updates and content mutations only mark the frame dirty; one rAF callback reads and writes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Within this many px of the end counts as "at the bottom" (sub-pixel rounding, zoom). */
const SLACK = 24;

export class AutoScrollController implements ReactiveController {
  /** Follow new content. */
  stuck = true;
  /** The reader is away from the end and there is more below: show the jump button. */
  showJump = false;

  private readonly host: ReactiveControllerHost;
  private el: HTMLElement | null = null;
  private frame = 0;
  private scrolled = false;
  /** scrollTop as of the last frame (ours or the reader's): tells up from down. */
  private lastTop = 0;
  private mutations: MutationObserver | null = null;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Call when the scroll container is (re)rendered. */
  attach(el: HTMLElement | null): void {
    if (el === this.el) return;
    this.el?.removeEventListener('scroll', this.onScroll);
    this.mutations?.disconnect();
    this.mutations = null;
    this.el = el;
    if (el) {
      el.addEventListener('scroll', this.onScroll, { passive: true });
      this.lastTop = el.scrollTop;
      // Streaming answers grow outside the host's renders (the live-HTML view commits in
      // its own frame, images load later): follow those too.
      if (typeof MutationObserver === 'function') {
        this.mutations = new MutationObserver(() => {
          if (this.stuck) this.schedule();
        });
        this.mutations.observe(el, { childList: true, subtree: true, characterData: true });
      }
      el.addEventListener('load', this.onMediaLoad, { capture: true });
    }
    this.schedule();
  }

  hostUpdated(): void {
    if (this.stuck) this.schedule();
  }

  hostDisconnected(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.el?.removeEventListener('load', this.onMediaLoad, { capture: true });
    this.attach(null);
  }

  jumpToLatest(): void {
    this.stuck = true;
    this.scrolled = false;
    this.schedule();
  }

  private readonly onScroll = (): void => {
    this.scrolled = true;
    this.schedule();
  };

  private readonly onMediaLoad = (): void => {
    if (this.stuck) this.schedule();
  };

  private schedule(): void {
    if (this.frame || !this.el || typeof requestAnimationFrame !== 'function') return;
    this.frame = requestAnimationFrame(this.tick);
  }

  private readonly tick = (): void => {
    this.frame = 0;
    const el = this.el;
    if (!el) return;
    const { scrollTop, scrollHeight, clientHeight } = el;
    const atBottom = scrollHeight - scrollTop - clientHeight <= SLACK;
    // Only the reader moving *up* unsticks. Content growth moves the end away without any
    // scroll, and our own jump to the end fires a scroll event too (downwards): neither is
    // the reader leaving. Scrolling back down to the end sticks again.
    if (this.scrolled) {
      if (scrollTop < this.lastTop - 1) this.stuck = atBottom;
      else if (atBottom) this.stuck = true;
    }
    this.scrolled = false;
    if (this.stuck && !atBottom) el.scrollTop = scrollHeight;
    this.lastTop = el.scrollTop;
    const showJump = !this.stuck && !atBottom;
    if (showJump !== this.showJump) {
      this.showJump = showJump;
      this.host.requestUpdate();
    }
  };
}
