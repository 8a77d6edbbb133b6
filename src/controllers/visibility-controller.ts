/**
 * "Seen": becomes true the first time the host element intersects the viewport, and stays
 * true. An inline or fullscreen chat starts its conversation only then (ePrivacy: nothing
 * is sent before the visitor can see the widget; a chat far below the fold costs nothing).
 * Without IntersectionObserver (very old engines, SSR) the host counts as seen at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class VisibilityController implements ReactiveController {
  /** The host has been on screen at least once. */
  seen = false;
  readonly #host: ReactiveControllerHost & Element;
  #observer: IntersectionObserver | null = null;

  constructor(host: ReactiveControllerHost & Element) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.seen || this.#observer) return;
    if (typeof IntersectionObserver !== 'function') {
      this.seen = true;
      return;
    }
    this.#observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.seen = true;
      this.#stop();
      this.#host.requestUpdate();
    });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }
}
