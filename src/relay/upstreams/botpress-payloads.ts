import { Marked } from 'marked';
import { plainTextToHtml } from './plain-text-html.js';

/**
 * Botpress message payloads -> canonical chunks (docs/protocol.md plus the documented
 * extensions `audio`, `file`, `location`, `select`).
 *
 * Field names follow Botpress's public message schemas (the seed lists the payload kinds
 * but not their fields): text `{text}`, markdown `{markdown}`, image `{imageUrl}`, video
 * `{videoUrl}`, audio `{audioUrl}`, file `{fileUrl, title?}`, location `{latitude,
 * longitude, address?, title?}`, choice and dropdown `{text, options: [{label, value}]}`,
 * card `{title, subtitle?, imageUrl?, actions: [{action: postback|url|say, label, value}]}`,
 * carousel `{items: card[]}`, bloc `{items: [{type, payload}]}`. Unknown kinds and
 * malformed payloads produce no chunk (logged by the caller), never an error.
 */

type Rec = { readonly [key: string]: unknown };
type Wire = { readonly type: string; readonly [key: string]: unknown };

const MAX_CARDS = 10;
const MAX_OPTIONS = 100;
const MAX_BUTTONS = 10;
const MAX_BLOC_ITEMS = 50;

// A private instance: nobody else's marked.use() changes what we render.
const markdown = new Marked({ gfm: true, breaks: true, async: false });

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function nonEmpty(v: unknown): string | undefined {
  const s = text(v);
  return s !== undefined && s.trim() !== '' ? s : undefined;
}

/** URLs must be strings (a number is not a URL, unlike a label). */
function url(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/**
 * Markdown past these is shown as plain text: marked's time grows much faster than the
 * input with nesting (500 levels of list took seconds, on the relay's one thread, for
 * every visitor), and deep enough nesting overflows its stack.
 */
const MAX_MARKDOWN_CHARS = 32_768;
const MAX_MARKDOWN_DEPTH = 16;

/**
 * How deep a line of `md` nests at most, counted generously from what starts it: each `>`,
 * each list marker (`- - - x` nests three lists on one line), and each 2 of indentation
 * before them.
 */
function nestingOf(md: string): number {
  let deepest = 0;
  for (const [lead] of md.matchAll(/^(?:[ \t>]|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))*/gm)) {
    const marks = lead.replace(/[ \t]/g, '').replace(/\d+[.)]/g, '-').length;
    // Indentation alone (code, a paragraph's continuation) opens nothing.
    const depth = marks && marks + Math.floor(lead.replace(/\t/g, '  ').replace(/[^ ]/g, '').length / 2);
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_MARKDOWN_DEPTH) break;
  }
  return deepest;
}

/** Markdown (Botpress text is markdown) -> HTML. The widget sanitizes it like any bot HTML. */
export function markdownToHtml(md: string): string {
  if (md.length <= MAX_MARKDOWN_CHARS && nestingOf(md) <= MAX_MARKDOWN_DEPTH) {
    try {
      return (markdown.parse(md) as string).trim();
    } catch {
      // marked gave up (e.g. its stack): the words still reach the visitor, as text.
    }
  }
  return plainTextToHtml(md);
}

function textChunk(md: string): Wire {
  return { type: 'text', data: { text: markdownToHtml(md), is_caption: false }, is_generated: false };
}

function fileName(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}

interface Option {
  label: string;
  value: string;
}

function options(v: unknown): Option[] {
  if (!Array.isArray(v)) return [];
  const out: Option[] = [];
  for (const o of v.slice(0, MAX_OPTIONS)) {
    if (!isRec(o)) continue;
    const value = nonEmpty(o['value']) ?? nonEmpty(o['label']);
    if (value === undefined) continue;
    out.push({ label: nonEmpty(o['label']) ?? value, value });
  }
  return out;
}

function card(p: Rec, carouselId: string, index: number): Wire[] {
  const title = nonEmpty(p['title']) ?? '';
  const description = nonEmpty(p['subtitle']) ?? '';
  const imageUrl = url(p['imageUrl']);
  const out: Wire[] = [
    {
      type: 'carousel.card.start',
      carousel_id: carouselId,
      card_index: index,
      data: { title, description, image: imageUrl ? { src: imageUrl, alt: title } : null },
    },
  ];
  const actions = Array.isArray(p['actions']) ? p['actions'] : [];
  for (const a of actions) {
    if (!isRec(a)) continue;
    const value = nonEmpty(a['value']);
    if (value === undefined) continue;
    const label = nonEmpty(a['label']) ?? value;
    if (a['action'] === 'url') {
      out.push({ type: 'carousel.card.link', carousel_id: carouselId, card_index: index, data: { label, url: value } });
    } else {
      // postback sends its value to the bot; say sends it as the visitor's words: both are a button.
      out.push({ type: 'carousel.card.button', carousel_id: carouselId, card_index: index, data: { label, payload: value } });
    }
  }
  out.push({ type: 'carousel.card.end', carousel_id: carouselId, card_index: index });
  return out;
}

function carousel(cards: readonly Rec[], carouselId: string): Wire[] {
  if (cards.length === 0) return [];
  const out: Wire[] = [{ type: 'carousel.start', data: { carousel_id: carouselId } }];
  cards.slice(0, MAX_CARDS).forEach((c, i) => out.push(...card(c, carouselId, i + 1)));
  out.push({ type: 'carousel.end', data: { carousel_id: carouselId } });
  return out;
}

/**
 * One Botpress message (type + payload) -> chunks. `id` makes carousel ids unique per
 * message. Returns [] for anything it cannot show.
 */
export function botpressChunks(type: unknown, payload: unknown, id: string, depth = 0): Wire[] {
  if (!isRec(payload) || typeof type !== 'string') return [];
  const p = payload;
  switch (type) {
    case 'text': {
      const t = nonEmpty(p['text']);
      return t === undefined ? [] : [textChunk(t)];
    }
    case 'markdown': {
      const t = nonEmpty(p['markdown']);
      return t === undefined ? [] : [textChunk(t)];
    }
    case 'image': {
      const src = url(p['imageUrl']);
      return src === undefined ? [] : [{ type: 'image', data: { src, alt: nonEmpty(p['title']) ?? '' } }];
    }
    case 'video': {
      const src = url(p['videoUrl']);
      return src === undefined ? [] : [{ type: 'video', data: { src, alt: nonEmpty(p['title']) ?? '' } }];
    }
    case 'audio': {
      const src = url(p['audioUrl']);
      return src === undefined ? [] : [{ type: 'audio', data: { src, title: nonEmpty(p['title']) ?? '' } }];
    }
    case 'file': {
      const href = url(p['fileUrl']);
      return href === undefined ? [] : [{ type: 'file', data: { url: href, name: nonEmpty(p['title']) ?? fileName(href) } }];
    }
    case 'location': {
      const latitude = p['latitude'];
      const longitude = p['longitude'];
      if (typeof latitude !== 'number' || typeof longitude !== 'number') return [];
      return [
        {
          type: 'location',
          data: { latitude, longitude, title: nonEmpty(p['title']) ?? '', address: nonEmpty(p['address']) ?? '' },
        },
      ];
    }
    case 'choice':
    case 'dropdown': {
      const t = nonEmpty(p['text']);
      const opts = options(p['options']);
      // The widget shows at most 10 quick replies: a longer choice becomes a select.
      if (opts.length > 0 && (type === 'dropdown' || opts.length > MAX_BUTTONS)) {
        // The question is the select's label (plain text), not a second bubble.
        return [{ type: 'select', data: { label: t ?? '', options: opts.map((o) => ({ label: o.label, payload: o.value })) } }];
      }
      const out: Wire[] = t === undefined ? [] : [textChunk(t)];
      for (const o of opts) out.push({ type: 'button', data: { label: o.label, payload: o.value } });
      return out;
    }
    case 'card':
      return carousel([p], `${id}`);
    case 'carousel': {
      const items = Array.isArray(p['items']) ? p['items'].filter(isRec) : [];
      return carousel(items, `${id}`);
    }
    case 'bloc': {
      if (depth > 0) return [];
      const items = Array.isArray(p['items']) ? p['items'].slice(0, MAX_BLOC_ITEMS) : [];
      return items.flatMap((item, i) => (isRec(item) ? botpressChunks(item['type'], item['payload'], `${id}-${i}`, depth + 1) : []));
    }
    default:
      return [];
  }
}
