/**
 * A bot answer as clipboard/transcript content: the sanitized HTML (the same frozen
 * DOMPurify policy as the view, so nothing the view would refuse gets onto the clipboard)
 * and a plain-text rendering of it with paragraphs, line breaks and list bullets kept.
 * Built from the transcript, not scraped from the screen: an answer the browser skipped
 * laying out (`content-visibility`) copies and exports the same.
 */
import type { BotMessage } from '../../core/conversation/types.js';
import { generationHtml } from '../../core/index.js';
import { mayLoadOnRender } from '../../html/media-gate.js';
import { plainTextToFragment, sanitizeToFragment } from '../../html/sanitize.js';

export interface AnswerContent {
  readonly text: string;
  readonly html: string;
}

const BLOCK = new Set([
  'P',
  'DIV',
  'LI',
  'UL',
  'OL',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'PRE',
  'BLOCKQUOTE',
  'TABLE',
  'TR',
  'HR',
  'FIGURE',
]);

/** Plain text of sanitized markup: block boundaries become line breaks, list items get bullets. */
export function nodeText(root: Node): string {
  let out = '';
  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      out += (node.nodeValue ?? '').replace(/\s+/g, node.parentElement?.closest('pre') ? '$&' : ' ');
      return;
    }
    if (!(node instanceof Element) && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
    const tag = node instanceof Element ? node.tagName : '';
    if (tag === 'BR') {
      out += '\n';
      return;
    }
    const block = BLOCK.has(tag);
    if (block && !out.endsWith('\n') && out !== '') out += '\n';
    if (tag === 'LI') {
      const list = node.parentElement;
      out += list?.tagName === 'OL' ? `${[...list.children].indexOf(node as Element) + 1}. ` : '- ';
    }
    if (tag === 'IMG') out += (node as HTMLImageElement).alt;
    for (const child of node.childNodes) walk(child);
    if (tag === 'TD' || tag === 'TH') out += '\t';
    if (tag === 'A') {
      const href = (node as HTMLAnchorElement).getAttribute('href');
      if (href && href !== node.textContent?.trim()) out += ` (${href})`;
    }
    if (block && !out.endsWith('\n')) out += '\n';
    if (tag === 'P' || /^H\d$/.test(tag)) out += '\n';
  };
  walk(root);
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/g, '').replace(/^ +/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Images as links: `true` all of them (a saved file must not call home when opened), a list
 * of load origins those the screen holds behind a click-to-load placeholder (pasted HTML
 * must not fetch what the visitor never let load: the URL may carry the conversation).
 */
export type ImagesAsLinks = boolean | readonly string[];

/**
 * Serialize sanitized nodes, dropping the attributes only the view uses, images per
 * {@link ImagesAsLinks}. (No string is ever parsed back into markup here: pages that
 * enforce Trusted Types stay happy.)
 */
export function fragmentHtml(fragment: DocumentFragment, imagesAsLinks: ImagesAsLinks = false): string {
  // An inert document (no browsing context): an <img> adopted into it never loads, so
  // copying or saving an answer makes no request (the page's document would fetch it).
  const box = document.implementation.createHTMLDocument('').createElement('div');
  box.append(fragment);
  if (imagesAsLinks !== false) {
    for (const img of box.querySelectorAll('img')) {
      if (imagesAsLinks !== true && mayLoadOnRender(img.getAttribute('src') ?? '', imagesAsLinks)) continue;
      const a = document.createElement('a');
      a.href = img.getAttribute('src') ?? '';
      a.textContent = img.getAttribute('alt') || a.href;
      img.replaceWith(a);
    }
  }
  for (const el of box.querySelectorAll('*')) {
    for (const name of el.getAttributeNames()) {
      if (name.startsWith('data-') || name === 'part' || name === 'tabindex' || name === 'class' || name === 'style')
        el.removeAttribute(name);
    }
  }
  return box.innerHTML;
}

/** The answer's text and generated blocks (what the visitor reads), sanitized. */
export function answerContent(message: BotMessage, mediaOrigins: readonly string[], imagesAsLinks: ImagesAsLinks = false): AnswerContent {
  const texts: string[] = [];
  const htmls: string[] = [];
  for (const b of message.blocks) {
    let fragment: DocumentFragment | null = null;
    // Never rendered: images keep their URLs (the media gate's placeholders are for the
    // page; fragmentHtml serializes in an inert document, so nothing loads here).
    const options = { mediaOrigins, loadOrigins: ['*'] };
    if (b.kind === 'text') fragment = sanitizeToFragment(b.html, options);
    else if (b.kind === 'generation') {
      fragment = b.state === 'degraded' ? plainTextToFragment(b.markdown) : sanitizeToFragment(generationHtml(b), options);
    }
    if (!fragment) continue;
    const text = nodeText(fragment);
    if (text === '') continue;
    texts.push(text);
    htmls.push(fragmentHtml(fragment, imagesAsLinks));
  }
  return { text: texts.join('\n\n'), html: htmls.join('\n') };
}

export { isCopyable } from './answer-part.js';

/**
 * Put the answer on the clipboard as text/plain and text/html. Called from the copy
 * button's click only: the Clipboard API is never touched before (no permission prompt,
 * no read). Falls back to plain text where `ClipboardItem` is missing or refused.
 */
export async function copyAnswer(content: AnswerContent): Promise<boolean> {
  const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
  if (!clipboard) return false;
  if (typeof ClipboardItem === 'function' && typeof clipboard.write === 'function') {
    try {
      await clipboard.write([
        new ClipboardItem({
          'text/plain': new Blob([content.text], { type: 'text/plain' }),
          'text/html': new Blob([content.html], { type: 'text/html' }),
        }),
      ]);
      return true;
    } catch {
      // Some engines refuse text/html items: plain text is still worth having.
    }
  }
  try {
    await clipboard.writeText(content.text);
    return true;
  } catch {
    return false;
  }
}
