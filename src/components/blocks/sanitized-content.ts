import { nothing, type ElementPart } from 'lit';
import { Directive, directive } from 'lit/directive.js';
import { sanitizeToFragment, sanitizerStatus, type SanitizeOptions } from '../../html/sanitize.js';

/**
 * Fills the element it is placed on with the sanitized DOM of a bot HTML string.
 * The fragment comes from the private DOMPurify instance and is inserted as nodes: no
 * `unsafeHTML` (Lit's Trusted Types policy would wave the content through) and no
 * HTML string ever assigned. Re-sanitizes only when the html (or media origins) change,
 * so an unchanged bubble keeps its nodes (decoded images, selection) across renders,
 * and once more when it was shown as plain text (the DOMPurify fallback had failed to
 * load) and the sanitizer is ready now.
 * Element position only (`<div ${sanitizedContent(html, options)}>`: render-blocks.ts).
 */
class SanitizedContentDirective extends Directive {
  #html: string | undefined;
  #key: string | undefined;
  #label: SanitizeOptions['blockedLabel'];
  /** Shown as plain text: no sanitizer was available. */
  #withoutSanitizer = false;

  render(_html: string, _options: SanitizeOptions) {
    return nothing;
  }

  override update(part: ElementPart, [html, options]: Parameters<this['render']>) {
    const key = `${(options.mediaOrigins ?? []).join(' ')}|${(options.loadOrigins ?? ['-']).join(' ')}`;
    const status = sanitizerStatus();
    if (
      html !== this.#html ||
      key !== this.#key ||
      options.blockedLabel !== this.#label ||
      (this.#withoutSanitizer && status === 'ready')
    ) {
      this.#html = html;
      this.#key = key;
      this.#label = options.blockedLabel;
      this.#withoutSanitizer = status === 'failed';
      part.element.replaceChildren(sanitizeToFragment(html, options));
    }
    return nothing;
  }
}

export const sanitizedContent = directive(SanitizedContentDirective);
