/**
 * Stick-to-bottom for the transcript: follows new content while the reader is at the
 * bottom, stops when they scroll up, and offers "jump to latest" meanwhile.
 * Layout is read (scrollHeight & co.) at most once per animation frame: scroll events and
 * updates only mark the frame dirty, one rAF callback reads and writes.
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
  private userScrolled = false;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Call when the scroll container is (re)rendered. */
  attach(el: HTMLElement | null): void {
    if (el === this.el) return;
    this.el?.removeEventListener('scroll', this.onScroll);
    this.el = el;
    el?.addEventListener('scroll', this.onScroll, { passive: true });
    this.schedule();
  }

  hostUpdated(): void {
    if (this.stuck) this.schedule();
  }

  hostDisconnected(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.attach(null);
  }

  jumpToLatest(): void {
    this.stuck = true;
    this.userScrolled = false;
    this.schedule();
  }

  private readonly onScroll = (): void => {
    this.userScrolled = true;
    this.schedule();
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
    // Only a scroll since the last frame can change the reader's intent; content growth
    // alone must not unstick (it moves the end away without the reader doing anything).
    if (this.userScrolled) this.stuck = atBottom;
    this.userScrolled = false;
    if (this.stuck && !atBottom) {
      el.scrollTop = scrollHeight;
    }
    const showJump = !this.stuck && !atBottom;
    if (showJump !== this.showJump) {
      this.showJump = showJump;
      this.host.requestUpdate();
    }
  };
}
