/**
 * Media for the Botpress and chat-messages mocks: the chat mock's SVGs plus a short tone
 * (WAV, made here) and a one-page PDF, so audio and file blocks have something real to
 * load offline.
 */
import { MEDIA } from './media.js';

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

export const EXTRA_MEDIA_NAMES = ['chime.wav', 'size-guide.pdf'] as const;

/** A bundled file by name (GET or HEAD), or null when there is none. */
export function mediaResponse(request: Request, name: string): Response | null {
  let body: string | Uint8Array;
  let type: string;
  if (name === 'chime.wav') {
    body = wav ??= tone();
    type = 'audio/wav';
  } else if (name === 'size-guide.pdf') {
    body = PDF;
    type = 'application/pdf';
  } else if (Object.hasOwn(MEDIA, name) && name.endsWith('.svg')) {
    body = MEDIA[name] as string;
    type = 'image/svg+xml; charset=utf-8';
  } else return null;
  return new Response(request.method === 'HEAD' ? null : (body as BodyInit), {
    status: 200,
    headers: {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
