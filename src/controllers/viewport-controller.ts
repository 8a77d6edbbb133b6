/**
 * Small screens: the launcher's panel goes fullscreen at <= 480 px wide, or <= 440 px tall
 * (a phone on its side: 360-430 px; the floating panel left a sliver of transcript there,
 * under the keyboard once it opened), and tracks the visual viewport, so the on-screen
 * keyboard never covers the composer. The height goes to the CSS variable
 * `--indigo-chat-vvh` (the stylesheet falls back to `100dvh`), the top to `--indigo-chat-vvt`:
 * iOS pans the visual viewport down to the focused composer as the keyboard opens (and
 * scrolls it), so a panel at the layout viewport's top would lose its header above the screen.
 * While a keyboard is up, `--indigo-chat-vvb: 0px` drops the bottom safe-area inset it covers.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export const SMALL_SCREEN_QUERY = '(max-width: 480px), (max-height: 440px)';

export interface ViewportHost extends ReactiveControllerHost {
  readonly style: CSSStyleDeclaration;
}

export class ViewportController implements ReactiveController {
  small = false;
  readonly #host: ViewportHost;
  #mql: MediaQueryList | null = null;
  #frame = 0;

  constructor(host: ViewportHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof matchMedia === 'function') {
      this.#mql = matchMedia(SMALL_SCREEN_QUERY);
      this.small = this.#mql.matches;
      this.#mql.addEventListener('change', this.#onMedia);
    }
    globalThis.visualViewport?.addEventListener('resize', this.#onViewport);
    // iOS also pans (scrolls) the visual viewport to the focused composer.
    globalThis.visualViewport?.addEventListener('scroll', this.#onViewport);
    this.#onViewport();
  }

  hostDisconnected(): void {
    this.#mql?.removeEventListener('change', this.#onMedia);
    this.#mql = null;
    globalThis.visualViewport?.removeEventListener('resize', this.#onViewport);
    globalThis.visualViewport?.removeEventListener('scroll', this.#onViewport);
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  readonly #onMedia = (e: MediaQueryListEvent): void => {
    this.small = e.matches;
    this.#host.requestUpdate();
  };

  readonly #onViewport = (): void => {
    if (this.#frame || typeof requestAnimationFrame !== 'function') return;
    // The keyboard animates: coalesce resize storms into one style write per frame.
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const vv = globalThis.visualViewport;
      if (vv) {
        this.#host.style.setProperty('--indigo-chat-vvh', `${vv.height}px`);
        this.#host.style.setProperty('--indigo-chat-vvt', `${vv.offsetTop}px`);
        // An on-screen keyboard (the visual viewport well short of the layout viewport, not
        // by zoom) covers the home indicator: its safe-area inset would be an empty strip
        // between the composer and the keyboard.
        this.#host.style.setProperty('--indigo-chat-vvb', vv.height * vv.scale < innerHeight - 120 ? '0px' : '');
      }
    });
  };
}
