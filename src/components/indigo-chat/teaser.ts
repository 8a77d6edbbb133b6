/**
 * The proactive teaser: a small dismissible bubble beside the closed launcher, shown after
 * `teaser-delay` ms, at most once per visitor per day (per relay and element id), never
 * before consent when consent is required, never while the panel is open. It never takes
 * focus; the element announces it once through its polite live region.
 *
 * Loaded on demand (teaser-controller.ts loads it only for a launcher with `teaser`).
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { BotMessage, Message } from '../../core/conversation/types.js';
import { sanitizerStatus } from '../../html/sanitize.js';
import { answerPart, isCopyable } from './answer-part.js';
import { closeIcon } from './icons.js';
import { dayKey } from './time-format.js';
import { pickStorage, teaserKey } from '../../controllers/storage.js';
import type { TeaserHost } from './teaser-controller.js';
import { teaserStrings } from './teaser-strings.js';

/**
 * The welcome's first paragraph as plain text (the teaser's text), null until there is
 * one; `retry` is called once the module arrives if it was not loaded yet.
 */
function welcomeTextOf(messages: readonly Message[], mediaOrigins: readonly string[], retry: () => void): string | null {
  const first = messages.find((m): m is BotMessage => m.role === 'bot' && isCopyable(m));
  if (!first) return null;
  // Until the sanitizer is there (fallback path), the teaser asks again on the next update.
  const sanitizer = sanitizerStatus();
  if (sanitizer === 'idle' || sanitizer === 'loading') return null;
  const m = answerPart.mod;
  if (!m) {
    answerPart.load().then(retry, () => {});
    return null;
  }
  return (
    m
      .answerContent(first, mediaOrigins)
      .text.split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() || null
  );
}

/** Days are remembered here when storage is `none` or refused (per page load). */
const memory = new Map<string, string>();

export class Teaser {
  text: string | null = null;
  readonly #host: TeaserHost;
  /** May the teaser appear unprompted now (consent)? Asked on every update. */
  readonly #allowed: () => boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = false;
  #done = false;

  constructor(host: TeaserHost, allowed: () => boolean) {
    this.#host = host;
    this.#allowed = allowed;
  }

  get visible(): boolean {
    return this.text !== null;
  }

  get #key(): string {
    return teaserKey(this.#host.relay, this.#host.id);
  }

  #shownToday(): boolean {
    const today = dayKey(Date.now());
    // Either note: a day stored earlier (yesterday's dismissal) must not hide this page's.
    if (memory.get(this.#key) === today) return true;
    try {
      return pickStorage(this.#host.storage)?.getItem(this.#key) === today;
    } catch {
      return false;
    }
  }

  /** Shown: remembered for this page load only (nothing is stored before the visitor acts). */
  #remember(): void {
    memory.set(this.#key, dayKey(Date.now()));
  }

  /** The visitor acted on the teaser (closed it, or opened the chat): once per day from now. */
  #persist(): void {
    const today = dayKey(Date.now());
    try {
      pickStorage(this.#host.storage)?.setItem(this.#key, today);
    } catch {
      // quota or blocked: the in-memory note still stops a repeat on this page
    }
  }

  #eligible(): boolean {
    return this.#host.mode === 'launcher' && !this.#host.open && this.#host.teaser !== null && this.#allowed();
  }

  hostUpdated(): void {
    if (this.#done) return;
    if (this.#host.open && this.text !== null) {
      // The visitor opened the chat: the teaser has done its job.
      this.dismiss();
      return;
    }
    if (this.text !== null) return;
    if (!this.#eligible() || this.#shownToday()) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    if (this.#due) {
      this.#tryShow();
      return;
    }
    if (this.#timer === undefined) {
      // Timers fire at once past 2^31-1 ms: a longer (or Infinity) delay waits that long instead.
      const d = this.#host.teaserDelay;
      const delay = d > 0 ? Math.min(d, 2147483647) : 0;
      this.#timer = setTimeout(() => {
        this.#due = true;
        if (this.#host.teaser === '') this.#host.startConversation();
        this.#host.requestUpdate();
      }, delay);
    }
  }

  #tryShow(): void {
    const text =
      this.#host.teaser === ''
        ? welcomeTextOf(...this.#host.welcomeSource(), () => this.#host.requestUpdate())
        : (this.#host.teaser ?? '').trim();
    if (!text) return; // the welcome has not arrived yet: the next update tries again
    this.text = text.length > 160 ? `${text.slice(0, 157)}…` : text;
    this.#remember();
    this.#host.requestUpdate();
  }

  readonly #openChat = (): void => {
    this.dismiss();
    this.#host.show();
  };

  readonly #close = (): void => this.dismiss();

  render(lang: string): TemplateResult | typeof nothing {
    if (this.text === null || this.#host.open) return nothing;
    const v = teaserStrings(lang);
    return html`<div part="teaser" class="teaser">
      <button class="teaser-text" type="button" dir="auto" title=${v.teaserOpen} @click=${this.#openChat}>${this.text}</button>
      <button part="teaser-close" type="button" aria-label=${v.teaserClose} title=${v.teaserClose} @click=${this.#close}>
        ${closeIcon}
      </button>
    </div>`;
  }

  /** Hide for good (this page) — the close button, or the panel opened. */
  dismiss(): void {
    clearTimeout(this.#timer);
    this.#done = true;
    if (this.text !== null) {
      this.#persist();
      this.text = null;
      this.#host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Adopted into the element's shadow root when the teaser module arrives. */
export const styles = css`
  /* Teaser beside the closed launcher (the launcher's corner is the site's physical choice) */
  .teaser {
    position: absolute;
    bottom: 68px;
    right: 0;
    display: flex;
    align-items: flex-start;
    gap: 4px;
    width: max-content;
    max-width: min(280px, calc(100vw - 40px));
    padding: 6px;
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 6px 24px rgb(0 0 0 / 0.22);
    /* Its edge under forced colors, which drop the shadow and the background. */
    outline: 1px solid transparent;
  }
  :host([position='left']) .teaser {
    right: auto;
    left: 0;
  }
  @media (prefers-reduced-motion: no-preference) {
    .teaser {
      animation: indigo-teaser-in 0.25s ease-out;
    }
  }
  @keyframes indigo-teaser-in {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }
  .teaser-text {
    padding: 6px 8px;
    border: none;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  [part~='teaser-close'] {
    flex: none;
    width: 28px;
    height: 28px;
    padding: 4px;
    border: 1px solid transparent;
    border-radius: 50%;
    background: transparent;
    color: var(--_muted);
    cursor: pointer;
  }
  [part~='teaser-close'] svg {
    width: 100%;
    height: 100%;
  }
`;
