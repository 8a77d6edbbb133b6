import { nothing, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import { sanitizeToFragment, type SanitizeOptions } from '../../html/sanitize.js';

/**
 * Fills the element it is placed on with the sanitized DOM of a bot HTML string.
 * The fragment comes from the private DOMPurify instance and is inserted as nodes: no
 * `unsafeHTML` (Lit's Trusted Types policy would wave the content through) and no
 * HTML string ever assigned. Re-sanitizes only when the html (or media origins) change,
 * so an unchanged bubble keeps its nodes (decoded images, selection) across renders.
 */
class SanitizedContentDirective extends Directive {
  #html: string | undefined;
  #key: string | undefined;
  #label: SanitizeOptions['blockedLabel'];

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) {
      throw new Error('sanitizedContent() must be used in an element position');
    }
  }

  /** `options`: a string[] is the media origins alone (URL policy; on-render gate: the page's origin and those). */
  render(_html: string, _options: SanitizeOptions | readonly string[]) {
    return nothing;
  }

  override update(part: ElementPart, [html, given]: Parameters<this['render']>) {
    const options: SanitizeOptions = isOriginList(given) ? { mediaOrigins: given } : given;
    const key = `${(options.mediaOrigins ?? []).join(' ')}|${(options.loadOrigins ?? ['-']).join(' ')}`;
    if (html !== this.#html || key !== this.#key || options.blockedLabel !== this.#label) {
      this.#html = html;
      this.#key = key;
      this.#label = options.blockedLabel;
      part.element.replaceChildren(sanitizeToFragment(html, options));
    }
    return nothing;
  }
}

function isOriginList(v: SanitizeOptions | readonly string[]): v is readonly string[] {
  return Array.isArray(v);
}

export const sanitizedContent = directive(SanitizedContentDirective);
