/**
 * Media for every mock (the Chat API mock, Botpress, chat-messages): the SVGs of
 * media.ts, a short tone (WAV, made here), a one-page PDF and a 3 s video clip, so image,
 * audio, file and video blocks have something real to load offline.
 */
import { MEDIA } from './media.js';
import { SAMPLE_MP4_BASE64 } from './sample-video.js';

function tone(): Uint8Array {
  const rate = 8000;
  const samples = Math.floor(rate * 0.6);
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, (samples - i) / 800);
    bytes[44 + i] = 128 + Math.round(60 * fade * Math.sin((2 * Math.PI * 660 * i) / rate));
  }
  return bytes;
}

const PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n' +
  '4 0 obj<</Length 52>>stream\nBT /F1 18 Tf 20 70 Td (Indigo Bikes size guide) Tj ET\nendstream endobj\n' +
  '5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

let wav: Uint8Array | undefined;
let mp4: Uint8Array | undefined;

export const EXTRA_MEDIA_NAMES = ['chime.wav', 'size-guide.pdf', 'sample.mp4'] as const;

const HEADERS = {
  'cache-control': 'public, max-age=86400',
  // Shown cross-origin by the widget.
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
  // A file opened directly (an SVG above all) must not run anything.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
};

/**
 * One `Range: bytes=a-b` (or `a-`, or `-n`) of a body of `size` bytes, as [start, end]
 * inclusive; null without a usable single range (the whole body is sent), 'unsatisfiable'
 * past the end. Safari plays a video only from a server that answers ranges.
 */
export function byteRange(header: string | null, size: number): [number, number] | null | 'unsatisfiable' {
  const m = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'unsatisfiable' : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start > end ? null : [start, end];
}

/** A bundled file by name (GET or HEAD, byte ranges answered), or null when there is none. */
export function mediaResponse(request: Request, name: string): Response | null {
  let body: string | Uint8Array;
  let type: string;
  if (name === 'chime.wav') {
    body = wav ??= tone();
    type = 'audio/wav';
  } else if (name === 'size-guide.pdf') {
    body = PDF;
    type = 'application/pdf';
  } else if (name === 'sample.mp4') {
    body = mp4 ??= Uint8Array.from(atob(SAMPLE_MP4_BASE64), (c) => c.charCodeAt(0));
    type = 'video/mp4';
  } else if (Object.hasOwn(MEDIA, name) && name.endsWith('.svg')) {
    body = MEDIA[name] as string;
    type = 'image/svg+xml; charset=utf-8';
  } else return null;
  const headers: Record<string, string> = { 'content-type': type, ...HEADERS };
  if (typeof body !== 'string') {
    headers['accept-ranges'] = 'bytes';
    const range = byteRange(request.headers.get('range'), body.length);
    if (range === 'unsatisfiable') {
      return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${body.length}` } });
    }
    if (range) {
      headers['content-range'] = `bytes ${range[0]}-${range[1]}/${body.length}`;
      headers['content-length'] = String(range[1] - range[0] + 1);
      const part = body.slice(range[0], range[1] + 1);
      return new Response(request.method === 'HEAD' ? null : (part as BodyInit), { status: 206, headers });
    }
    headers['content-length'] = String(body.length);
  }
  return new Response(request.method === 'HEAD' ? null : (body as BodyInit), { status: 200, headers });
}
