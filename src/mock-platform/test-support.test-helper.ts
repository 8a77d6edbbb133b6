/**
 * Test support for the mock platform's suites: a small reference delta applier (used until
 * the core applier in src/core/delta/apply.ts lands) and stream readers.
 */
import type { DeltaUnit } from '../core/delta/types.js';
import { decodeChunks } from '../core/protocol/decode.js';
import type { DecodeError, WireChunk } from '../core/protocol/types.js';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function atoms(text: string, unit: DeltaUnit): string[] {
  if (unit === 'grapheme') return Array.from(graphemes.segment(text), (s) => s.segment);
  if (unit === 'codepoint') return Array.from(text);
  return text.split('');
}

/** Reference applier: strict (throws on anything out of range), simple, slow. */
export function referenceApply(text: string, deltas: readonly { command: string; value: unknown }[], unit: DeltaUnit): string {
  const a = atoms(text, unit);
  let i = 0;
  let out = '';
  for (const d of deltas) {
    if (d.command === 'mov' || d.command === 'del') {
      const n = d.value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || i + n > a.length) {
        throw new Error(`bad ${d.command} ${String(n)} at ${i}/${a.length}`);
      }
      if (d.command === 'mov') out += a.slice(i, i + n).join('');
      i += n;
    } else if (d.command === 'ins') {
      if (typeof d.value !== 'string') throw new Error('bad ins');
      out += d.value;
    } else {
      throw new Error(`unknown command ${d.command}`);
    }
  }
  const result = out + a.slice(i).join('');
  if (unit === 'utf16' && /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(result)) {
    throw new Error('split surrogate');
  }
  return result;
}

export interface Decoded {
  chunks: WireChunk[];
  errors: DecodeError[];
}

/** Decodes a whole response body with the core decoder. */
export async function decodeAll(body: ReadableStream<Uint8Array> | null): Promise<Decoded> {
  const errors: DecodeError[] = [];
  const chunks: WireChunk[] = [];
  if (!body) return { chunks, errors };
  for await (const c of decodeChunks(body, { onError: (e) => errors.push(e), maxTotalBytes: 50_000_000 })) chunks.push(c);
  return { chunks, errors };
}

export function sendRequest(
  body: unknown,
  init: { token?: string; auth?: string | null; url?: string } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = init.auth === undefined ? 'Bearer pat-mock-pat' : init.auth;
  if (auth !== null) headers['authorization'] = auth;
  return new Request(init.url ?? `http://mock.test/chat/${init.token ?? 'demo-project'}/send`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const initBody = { sender: 'visitor-1', source: 'web', data: { type: 'payload', payload: 'init', label: 'START' } };

/**
 * Applies deltas in place to a grapheme array: cheap when edits are near the end (the
 * generator's case), so a 46,000-chunk answer can be checked in a test.
 */
export function applyInPlace(atomsList: string[], deltas: readonly { command: string; value: unknown }[]): void {
  let i = 0;
  for (const d of deltas) {
    if (d.command === 'mov') i += d.value as number;
    else if (d.command === 'del') atomsList.splice(i, d.value as number);
    else {
      const ins = Array.from(graphemes.segment(d.value as string), (s) => s.segment);
      atomsList.splice(i, 0, ...ins);
      i += ins.length;
    }
    if (i > atomsList.length) throw new Error('cursor past the end');
  }
}
