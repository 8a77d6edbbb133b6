import type { Chunk, ChunkType, Delta, ImageRef, SelectOption, WireChunk } from './types.js';
import { assertNever } from '../never.js';
import { isRecord } from '../guards.js';

/**
 * The `command` of the one-op script put in place of a `deltas` field that is not a list.
 * Why not drop the chunk: a generation.chunk always carries its raw `chunk` text, which
 * must still be appended for recovery; the reducer then applies `deltas` as usual and the
 * applier refuses this unknown command, which degrades the generation. `value` holds the
 * wire value, for the warning.
 */
export const INVALID_DELTAS_COMMAND = '!deltas-not-a-list';

type Record_ = { readonly [key: string]: unknown };

/** Numbers become strings (the seed sends numeric payloads and ids); other kinds do not. */
function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The first of the values that is neither undefined nor null. */
function first(...values: unknown[]): unknown {
  for (const v of values) if (v !== undefined && v !== null) return v;
  return undefined;
}

/** Turns `tel: +39 333 123` / `TEL:+39…` into `tel:+39333123`; any other URL is returned as is. */
export function normalizeTel(url: string): string {
  const m = /^\s*tel\s*:/i.exec(url);
  if (!m) return url;
  return (
    'tel:' +
    url
      .slice(m[0].length)
      .replace(/[ \t]+/g, '')
      .trimEnd()
  );
}

class Invalid extends Error {}

/** Parses a wire chunk into the normalised `Chunk` union. Never throws. */
export function parseChunk(wire: unknown): Chunk {
  const raw: WireChunk = isRecord(wire) ? wire : { value: wire };
  const type = isRecord(wire) ? wire['type'] : undefined;
  const wireType = typeof type === 'string' ? type : '';
  if (!isRecord(wire)) return unknown(wireType, 'not an object', raw);
  if (typeof type !== 'string') {
    return unknown('', type === undefined ? 'missing type' : 'type is not a string', raw);
  }
  try {
    return parseKnown(type, wire) ?? unknown(type, 'unknown type', raw);
  } catch (e) {
    // Invalid: a required field is missing or of the wrong kind. Anything else (a hostile
    // getter on a non-JSON input) is reported the same way rather than thrown.
    return unknown(type, e instanceof Invalid ? e.message : 'unreadable chunk', raw);
  }
}

function unknown(wireType: string, reason: string, raw: WireChunk): Chunk {
  return { type: 'unknown', wireType, reason, raw };
}

/**
 * Every wire spelling we read, and the chunk type it becomes. A `ChunkType` without a
 * spelling here fails to compile (below), and `parseKnown`'s switch must handle every
 * spelling: a new chunk type cannot be forgotten by the parser.
 */
const WIRE_TYPES = {
  'processing.start': 'processing.start',
  'processing.end': 'processing.end',
  text: 'text',
  image: 'image',
  video: 'video',
  button: 'button',
  url: 'link',
  link: 'link',
  'generation.start': 'generation.start',
  'generation.chunk': 'generation.chunk',
  'generation.end': 'generation.end',
  'carousel.start': 'carousel.start',
  'carousel.end': 'carousel.end',
  'carousel.card.start': 'carousel.card.start',
  'carousel.card.end': 'carousel.card.end',
  'carousel.card.button': 'carousel.card.button',
  'carousel.card.link': 'carousel.card.link',
  error: 'error',
  // Protocol extensions (docs/decisions/protocol-extensions.md).
  audio: 'audio',
  file: 'file',
  location: 'location',
  select: 'select',
} as const satisfies Readonly<Record<string, Exclude<ChunkType, 'unknown'>>>;
type WireType = keyof typeof WIRE_TYPES;
/** `true` only when every chunk type but `unknown` has a wire spelling. */
type NoChunkTypeUnread = [Exclude<ChunkType, 'unknown' | (typeof WIRE_TYPES)[WireType]>] extends [never] ? true : false;
const everyChunkTypeRead: NoChunkTypeUnread = true;
void everyChunkTypeRead;

function parseKnown(wireType: string, wire: Record_): Chunk | null {
  if (!Object.hasOwn(WIRE_TYPES, wireType)) return null;
  const type = wireType as WireType;
  const data: Record_ = isRecord(wire['data']) ? wire['data'] : {};
  switch (type) {
    case 'processing.start':
    case 'processing.end':
      return { type };
    case 'text': {
      const text = required(str(data['text']), 'data.text');
      return {
        type,
        text,
        isCaption: data['is_caption'] === true,
        isGenerated: first(wire['is_generated'], data['is_generated']) === true,
      };
    }
    case 'image':
    case 'video':
      return {
        type,
        src: required(str(first(data['src'], data['url'])), 'data.src'),
        alt: str(data['alt']) ?? '',
      };
    case 'button':
      return { type, ...button(data) };
    case 'url':
    case 'link':
      return { type: 'link', ...link(data) };
    case 'generation.start':
    case 'generation.end':
      return { type, generationId: id(wire, data, 'generation_id') };
    case 'generation.chunk':
      return {
        type,
        generationId: id(wire, data, 'generation_id'),
        chunk: str(data['chunk']) ?? '',
        deltas: deltas(data['deltas']),
      };
    case 'carousel.start':
    case 'carousel.end':
      return { type, carouselId: id(wire, data, 'carousel_id') };
    case 'carousel.card.start':
      return {
        type,
        carouselId: id(wire, data, 'carousel_id'),
        cardIndex: cardIndex(wire, data),
        title: str(data['title']) ?? '',
        description: str(data['description']) ?? '',
        image: image(data['image']),
      };
    case 'carousel.card.end':
      return { type, carouselId: id(wire, data, 'carousel_id'), cardIndex: cardIndex(wire, data) };
    case 'carousel.card.button':
      return { type, carouselId: id(wire, data, 'carousel_id'), cardIndex: cardIndex(wire, data), ...button(data) };
    case 'carousel.card.link':
      return { type, carouselId: id(wire, data, 'carousel_id'), cardIndex: cardIndex(wire, data), ...link(data) };
    // Protocol extensions (docs/decisions/protocol-extensions.md): tolerant of spelling
    // variants (`url`/`src`, `mime_type`/`mimeType`, `payload`/`value`), strict about what
    // is required.
    case 'audio':
      return { type, src: required(url(first(data['src'], data['url'])), 'data.src'), title: str(first(data['title'], data['alt'])) ?? '' };
    case 'file': {
      const size = data['size'];
      return {
        type,
        url: required(url(first(data['url'], data['src'])), 'data.url'),
        name: str(first(data['name'], data['title'])) ?? '',
        mimeType: str(first(data['mime_type'], data['mimeType'])) ?? '',
        size: typeof size === 'number' && Number.isFinite(size) && size >= 0 ? Math.floor(size) : null,
      };
    }
    case 'location': {
      const latitude = coordinate(data['latitude'], 90);
      const longitude = coordinate(data['longitude'], 180);
      if (latitude === undefined || longitude === undefined) throw new Invalid('data.latitude/longitude are missing or out of range');
      return { type, latitude, longitude, title: str(data['title']) ?? '', address: str(data['address']) ?? '' };
    }
    case 'select': {
      const options: SelectOption[] = [];
      for (const o of Array.isArray(data['options']) ? (data['options'] as unknown[]) : []) {
        if (options.length >= MAX_SELECT_OPTIONS) break;
        const payload = isRecord(o) ? str(first(o['payload'], o['value'])) : undefined;
        if (payload === undefined || payload === '') continue;
        const label = str((o as Record_)['label']);
        options.push({ label: label !== undefined && label.trim() !== '' ? label : payload, payload });
      }
      if (options.length === 0) throw new Invalid('data.options has no option with a payload');
      return { type, label: str(first(data['label'], data['text'])) ?? '', options };
    }
    case 'error': {
      // Relay-added: `{error:{code,message}}`, `{data:{code,message}}` or flat fields.
      const body = isRecord(wire['error']) ? wire['error'] : isRecord(wire['data']) ? wire['data'] : wire;
      const message = str(body['message']) ?? (typeof wire['error'] === 'string' ? wire['error'] : '');
      return { type, code: str(body['code']) ?? 'unknown', message };
    }
    default:
      return assertNever(type, 'wire type');
  }
}

/** Options in one select; more are dropped (a dropdown, not a data dump). */
export const MAX_SELECT_OPTIONS = 100;

const url = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function coordinate(v: unknown, limit: number): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Invalid(`${field} is missing or not a string`);
  return value;
}

function button(data: Record_): { label: string; payload: string } {
  const payload = required(str(data['payload']), 'data.payload');
  return { label: str(data['label']) ?? payload, payload };
}

function link(data: Record_): { label: string; url: string } {
  const url = required(str(first(data['url'], data['link'], data['href'])), 'data.url');
  return { label: str(first(data['label'], data['title'])) ?? url, url: normalizeTel(url) };
}

/** `generation_id` / `carousel_id`: top level or in `data`, number or non-empty string. */
function id(wire: Record_, data: Record_, key: string): string {
  const value = str(first(wire[key], data[key]));
  if (value === undefined || value === '') throw new Invalid(`${key} is missing or not a number/string`);
  return value;
}

function cardIndex(wire: Record_, data: Record_): number {
  const value = first(wire['card_index'], data['card_index']);
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new Invalid('card_index is missing or not an integer 1..10');
  return n;
}

function image(value: unknown): ImageRef | null {
  if (typeof value === 'string') return value.trim() === '' ? null : { src: value, alt: '' };
  if (isRecord(value)) {
    const src = str(first(value['src'], value['url']));
    if (src === undefined || src.trim() === '') return null;
    return { src, alt: str(value['alt']) ?? '' };
  }
  return null;
}

function deltas(value: unknown): readonly Delta[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as Delta[];
  return [{ command: INVALID_DELTAS_COMMAND, value }];
}
