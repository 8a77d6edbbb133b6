/**
 * The GraphQL seed's stored bot content (`content.messages[].messages[] = {type, data}`)
 * -> the widget's blocks, so the console shows transcripts with the widget's own
 * renderer. Pure. Every type the renderer knows is mapped; anything else becomes an
 * `unknown` segment the console shows as a labelled placeholder, in place.
 */
import type { Action, Block, BotMessage, Card } from '../core/conversation/types.js';
import type { ImageRef } from '../core/protocol/types.js';

export type Segment = { readonly kind: 'blocks'; readonly message: BotMessage } | { readonly kind: 'unknown'; readonly type: string };

type Part = { type?: unknown; data?: unknown };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function image(v: unknown): ImageRef | null {
  if (typeof v === 'string' && v) return { src: v, alt: '' };
  const r = rec(v);
  const src = str(r['src']) || str(r['url']);
  return src ? { src, alt: str(r['alt']) } : null;
}

function action(type: string, d: Record<string, unknown>): Action | null {
  const label = str(d['label']) || str(d['title']);
  if (type === 'button' && label) return { type: 'button', label, payload: str(d['payload']) || label };
  if ((type === 'link' || type === 'url') && label && str(d['url'])) return { type: 'link', label, url: str(d['url']) };
  return null;
}

function actions(d: Record<string, unknown>): Action[] {
  const out: Action[] = [];
  for (const b of Array.isArray(d['buttons']) ? d['buttons'] : []) {
    const a = action('button', rec(b));
    if (a) out.push(a);
  }
  for (const l of Array.isArray(d['links']) ? d['links'] : []) {
    const a = action('link', rec(l));
    if (a) out.push(a);
  }
  return out;
}

/** Parts of one stored bot message, in order. */
export function storedParts(content: unknown): Part[] {
  const groups = rec(content)['messages'];
  const parts: Part[] = [];
  for (const g of Array.isArray(groups) ? groups : []) {
    const inner = rec(g)['messages'];
    for (const p of Array.isArray(inner) ? inner : []) parts.push(rec(p));
  }
  return parts;
}

export function toSegments(id: string, content: unknown, at: number): Segment[] {
  const segments: Segment[] = [];
  let blocks: Block[] = [];
  const flush = () => {
    if (blocks.length)
      segments.push({ kind: 'blocks', message: { id: `${id}-${segments.length}`, role: 'bot', blocks, state: 'done', at } });
    blocks = [];
  };
  let n = 0;
  for (const part of storedParts(content)) {
    const type = str(part.type);
    const d = rec(part.data);
    const bid = `${id}-b${n++}`;
    switch (type) {
      case 'text':
        blocks.push({
          kind: 'text',
          id: bid,
          html: str(d['text']),
          caption: d['is_caption'] === true,
          generated: d['is_generated'] === true,
        });
        break;
      case 'image':
      case 'video': {
        const img = image(d);
        if (img) blocks.push({ kind: type, id: bid, src: img.src, alt: img.alt });
        else {
          // In its place: after the text before it, not above it.
          flush();
          segments.push({ kind: 'unknown', type });
        }
        break;
      }
      case 'button':
      case 'link':
      case 'url': {
        const a = action(type, d);
        if (!a) break;
        const last = blocks.at(-1);
        if (last?.kind === 'actions') blocks[blocks.length - 1] = { ...last, actions: [...last.actions, a] };
        else blocks.push({ kind: 'actions', id: bid, actions: [a] });
        break;
      }
      case 'carousel': {
        const cards: Card[] = (Array.isArray(d['cards']) ? d['cards'] : []).slice(0, 10).map((c, i) => {
          const r = rec(c);
          return {
            index: i + 1,
            title: str(r['title']),
            description: str(r['description']),
            image: image(r['image']),
            actions: actions(r),
            state: 'done',
          };
        });
        blocks.push({ kind: 'carousel', id: bid, carouselId: bid, cards, state: 'done' });
        break;
      }
      default:
        flush();
        segments.push({ kind: 'unknown', type: type || 'unknown' });
    }
  }
  flush();
  return segments;
}
