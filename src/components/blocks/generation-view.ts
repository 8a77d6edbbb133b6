import { nothing, type ElementPart } from 'lit';
import { AsyncDirective } from 'lit/async-directive.js';
import { directive } from 'lit/directive.js';
import type { GenerationBlock } from '../../core/conversation/types.js';
import { generationHtml } from '../../core/conversation/reducer.js';
import { StreamingHtmlView, type HtmlSource } from '../../html/streaming-html.js';
import { liveTextTail, sharedPrefixLength } from '../../core/delta/live-text.js';
import type { LiveText } from '../../core/delta/types.js';
import { sanitizerStatus, type SanitizeOptions } from '../../html/sanitize.js';

export interface GenerationViewOptions extends SanitizeOptions {
  readonly mediaOrigins: readonly string[];
  /** The message is no longer streaming (done or incomplete): commit everything now. */
  readonly finished: boolean;
  /** Test hook: how the view schedules its commits (default requestAnimationFrame). */
  readonly schedule?: (commit: () => void) => void;
}

/**
 * Owns one StreamingHtmlView per generation block, bound to the element it sits on. Lit keeps
 * that element (and this directive instance) for as long as the block's template stays
 * in place, so the container is never recreated between renders: the view edits its
 * DOM in place, at most once per frame, and finished paragraphs (their images, the
 * reader's selection) are never touched again. Element position only
 * (`<div ${generationView(block, options)}>`: render-blocks.ts).
 */
class GenerationViewDirective extends AsyncDirective {
  #view: StreamingHtmlView | null = null;
  #container: Element | null = null;
  #blockId: string | null = null;
  #phase: 'streaming' | 'finished' | 'plain' = 'streaming';
  /** The finished HTML (compared with the platform's final text), once finished. */
  #lastHtml: string | null = null;
  /** Length of the HTML last given to the view while streaming. */
  #lastLength = -1;
  /** LiveText is immutable: the same instance means the same HTML, no need to read it. */
  #lastLive: LiveText | null = null;
  #lastMarkdownLength = -1;
  /** Content was handed to the view while no sanitizer was available (plain text). */
  #withoutSanitizer = false;

  render(_block: GenerationBlock, _options: GenerationViewOptions) {
    return nothing;
  }

  override update(part: ElementPart, [block, options]: Parameters<this['render']>) {
    const element = part.element;
    const status = sanitizerStatus();
    // Shown as plain text while the DOMPurify fallback was missing: drawn again, as HTML,
    // in a fresh view once it has loaded.
    const stale = this.#withoutSanitizer && block.state !== 'degraded' && status === 'ready';
    if (stale || this.#view === null || this.#container !== element || this.#blockId !== block.id) {
      this.#view?.destroy();
      if (stale) element.replaceChildren();
      this.#container = element;
      this.#blockId = block.id;
      this.#phase = 'streaming';
      this.#lastHtml = null;
      this.#lastLength = -1;
      this.#lastLive = null;
      this.#lastMarkdownLength = -1;
      this.#view = this.#createView(element, options);
    }
    this.#withoutSanitizer = status === 'failed';
    const view = this.#view;
    if (block.state === 'degraded') {
      // The markdown keeps growing after degradation; re-render only when it did.
      if (this.#phase !== 'plain' || block.markdown.length !== this.#lastMarkdownLength) {
        this.#phase = 'plain';
        this.#lastMarkdownLength = block.markdown.length;
        view.showPlainText(block.markdown);
      }
      return nothing;
    }
    if (this.#phase === 'plain') {
      // No longer degraded: the platform's is_generated text replaced the generation
      // (reducer). Back to rendered HTML, in a fresh view (the plain text is not HTML).
      this.#phase = 'finished';
      this.#lastLive = block.live;
      this.#rebuild(element, options, generationHtml(block));
      return nothing;
    }
    const done = block.state === 'done' || options.finished;
    // The hot path: other chunks re-render the transcript; an untouched block costs nothing.
    if (block.live === this.#lastLive && (this.#phase === 'finished' || !done)) return nothing;
    const previousLive = this.#lastLive;
    const live = block.live;
    this.#lastLive = live;
    if (this.#phase === 'finished') {
      const html = generationHtml(block);
      // The reducer swaps in the platform's final text after the end when an
      // is_generated text repeats the generation. Equal up to whitespace: keep the DOM
      // (no flash, images stay). Different markup (the platform's classes, rare): rebuild once.
      const collapse = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();
      if (html !== this.#lastHtml && collapse(html) !== collapse(this.#lastHtml)) this.#rebuild(element, options, html);
      return nothing;
    }
    // What the previous LiveText shares with this one is unchanged: no string compare.
    const same = previousLive === null ? -1 : sharedPrefixLength(previousLive, live);
    const length = live.utf16Length;
    if (done) {
      this.#phase = 'finished';
      this.#lastHtml = generationHtml(block);
      view.finish(this.#lastHtml, same < 0 ? undefined : same);
    } else if (same !== length || length !== this.#lastLength) {
      this.#lastLength = length;
      // The view reads only what it re-renders: the tail, built from the pieces it covers.
      const source: HtmlSource = { length, tail: (start) => liveTextTail(live, start) };
      view.set(source, same < 0 ? undefined : same);
    }
    return nothing;
  }

  /** Drops the view and its DOM and shows `html` finished in a new one. */
  #rebuild(element: Element, options: GenerationViewOptions, html: string): void {
    this.#lastHtml = html;
    this.#view?.destroy();
    element.replaceChildren();
    this.#view = this.#createView(element, options);
    this.#view.finish(html);
  }

  #createView(element: Element, options: GenerationViewOptions): StreamingHtmlView {
    return new StreamingHtmlView(element as HTMLElement, {
      mediaOrigins: options.mediaOrigins,
      ...(options.loadOrigins ? { loadOrigins: options.loadOrigins } : {}),
      ...(options.blockedLabel ? { blockedLabel: options.blockedLabel } : {}),
      ...(options.schedule ? { schedule: options.schedule } : {}),
    });
  }

  protected override disconnected() {
    // Commit what is pending so a detached-then-reattached bubble is not stale; the view
    // itself stays, because Lit may reconnect this very element.
    this.#view?.flush();
  }
}

export const generationView = directive(GenerationViewDirective);
