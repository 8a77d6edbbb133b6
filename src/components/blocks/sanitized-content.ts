import { nothing, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import { sanitizeToFragment } from '../../html/sanitize.js';

/**
 * Fills the element it is placed on with the sanitized DOM of a bot HTML string.
 * The fragment comes from the private DOMPurify instance and is inserted as nodes: no
 * `unsafeHTML` (Lit's Trusted Types policy would wave the content through) and no
 * HTML string ever assigned. Re-sanitizes only when the html (or media origins) change,
 * so an unchanged bubble keeps its nodes (decoded images, selection) across renders.
 */
class SanitizedContentDirective extends Directive {
  private html: string | undefined;
  private origins: string | undefined;

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) {
      throw new Error('sanitizedContent() must be used in an element position');
    }
  }

  render(_html: string, _mediaOrigins: readonly string[]) {
    return nothing;
  }

  override update(part: ElementPart, [html, mediaOrigins]: Parameters<this['render']>) {
    const origins = mediaOrigins.join(' ');
    if (html !== this.html || origins !== this.origins) {
      this.html = html;
      this.origins = origins;
      part.element.replaceChildren(sanitizeToFragment(html, { mediaOrigins }));
    }
    return nothing;
  }
}

export const sanitizedContent = directive(SanitizedContentDirective);
