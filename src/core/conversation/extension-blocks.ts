/**
 * The protocol extensions' blocks (`audio`, `file`, `location`, `select`): made from a
 * parsed chunk, sized for the caps, read back from storage. Kept here so the reducer and
 * the serializer each need one small case for all four.
 */
import type { ChunkOf, SelectOption } from '../protocol/types.js';
import { MAX_SELECT_OPTIONS } from '../protocol/parse.js';
import { isRecord, isString as str } from '../guards.js';
import type { AudioBlock, FileBlock, LocationBlock, SelectBlock } from './types.js';

export type ExtensionBlock = AudioBlock | FileBlock | LocationBlock | SelectBlock;
export type ExtensionChunk = ChunkOf<'audio'> | ChunkOf<'file'> | ChunkOf<'location'> | ChunkOf<'select'>;

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function options(x: unknown, max = MAX_SELECT_OPTIONS): SelectOption[] | null {
  if (!Array.isArray(x) || x.length === 0 || x.length > max) return null;
  const out: SelectOption[] = [];
  for (const o of x) {
    if (!isRecord(o) || !str(o['label']) || !str(o['payload']) || o['payload'] === '') return null;
    out.push({ label: o['label'], payload: o['payload'] });
  }
  return out;
}

/**
 * A chunk's block maker, or null when the chunk is malformed (a hand-made object): checked
 * like a stored block, so whatever the reducer accepts also reloads.
 */
export function extensionBlock(c: ExtensionChunk): ((id: string) => ExtensionBlock) | null {
  const block = readExtensionBlock({ ...c, kind: c.type }, '', Infinity);
  return block && ((id) => ({ ...block, id }));
}

/** Characters a block holds (shown = total: nothing is hidden). */
export function extensionBlockChars(b: ExtensionBlock): number {
  switch (b.kind) {
    case 'audio':
      return b.src.length + b.title.length;
    case 'file':
      return b.url.length + b.name.length + b.mimeType.length;
    case 'location':
      return b.title.length + b.address.length + 24;
    case 'select':
      return b.label.length + b.options.reduce((n, o) => n + o.label.length + o.payload.length, 0);
  }
}

/** A stored block (already checked to be an object with this kind), or null when invalid. */
export function readExtensionBlock(x: Record<string, unknown>, id: string, maxChars: number): ExtensionBlock | null {
  const ok = (...values: unknown[]) => values.every((v) => str(v) && v.length <= maxChars);
  switch (x['kind']) {
    case 'audio':
      return ok(x['src'], x['title']) ? { kind: 'audio', id, src: x['src'] as string, title: x['title'] as string } : null;
    case 'file': {
      const size = x['size'];
      if (!ok(x['url'], x['name'], x['mimeType']) || !(size === null || (num(size) && size >= 0))) return null;
      return { kind: 'file', id, url: x['url'] as string, name: x['name'] as string, mimeType: x['mimeType'] as string, size };
    }
    case 'location': {
      const { latitude, longitude } = x;
      if (!num(latitude) || !num(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || !ok(x['title'], x['address']))
        return null;
      return { kind: 'location', id, latitude, longitude, title: x['title'] as string, address: x['address'] as string };
    }
    case 'select': {
      const opts = options(x['options']);
      if (!opts || !ok(x['label']) || opts.some((o) => !ok(o.label, o.payload))) return null;
      return { kind: 'select', id, label: x['label'] as string, options: opts };
    }
    default:
      return null;
  }
}
