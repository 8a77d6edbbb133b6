import type { Chunk, SelectOption } from './types.js';

/**
 * Parsing of the documented protocol extensions (`audio`, `file`, `location`, `select`;
 * docs/decisions/protocol-extensions.md). Same rules as parse.ts: tolerant of spelling variants
 * (`url`/`src`, `mime_type`/`mimeType`, `payload`/`value`), strict about what is required;
 * `null` result = a required field is missing or of the wrong kind (with the reason).
 */

type Rec = { readonly [key: string]: unknown };

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const url = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Options in one select; more are dropped (a dropdown, not a data dump). */
export const MAX_SELECT_OPTIONS = 100;

function coordinate(v: unknown, limit: number): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

export function parseExtension(type: string, data: Rec): Chunk | string | null {
  switch (type) {
    case 'audio': {
      const src = url(data['src'] ?? data['url']);
      if (src === undefined) return 'data.src is missing or not a string';
      return { type, src, title: s(data['title'] ?? data['alt']) ?? '' };
    }
    case 'file': {
      const href = url(data['url'] ?? data['src']);
      if (href === undefined) return 'data.url is missing or not a string';
      const size = data['size'];
      return {
        type,
        url: href,
        name: s(data['name'] ?? data['title']) ?? '',
        mimeType: s(data['mime_type'] ?? data['mimeType']) ?? '',
        size: typeof size === 'number' && Number.isFinite(size) && size >= 0 ? Math.floor(size) : null,
      };
    }
    case 'location': {
      const latitude = coordinate(data['latitude'], 90);
      const longitude = coordinate(data['longitude'], 180);
      if (latitude === undefined || longitude === undefined) return 'data.latitude/longitude are missing or out of range';
      return { type, latitude, longitude, title: s(data['title']) ?? '', address: s(data['address']) ?? '' };
    }
    case 'select': {
      const raw = Array.isArray(data['options']) ? data['options'] : [];
      const options: SelectOption[] = [];
      for (const o of raw) {
        if (options.length >= MAX_SELECT_OPTIONS) break;
        if (!isRec(o)) continue;
        const payload = s(o['payload'] ?? o['value']);
        if (payload === undefined || payload === '') continue;
        const label = s(o['label']);
        options.push({ label: label !== undefined && label.trim() !== '' ? label : payload, payload });
      }
      if (options.length === 0) return 'data.options has no option with a payload';
      return { type, label: s(data['label'] ?? data['text']) ?? '', options };
    }
    default:
      return null;
  }
}
