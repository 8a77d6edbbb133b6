/**
 * How the Node server and CLI (`--static`) answer for one static file, so what site owners
 * deploy is fast as it is:
 * - compression: Brotli or gzip by `Accept-Encoding` (q-values honoured, Brotli preferred)
 *   for text types; a precompressed `file.br` / `file.gz` next to the file (written by
 *   `npm run build` where it pays) is sent as is, otherwise the file is compressed once
 *   and kept in memory (keyed by path, size and mtime);
 * - caching: files whose name carries a content hash (`widget-DyaBCymT.js`, see
 *   isHashedName) are `immutable` for a year; everything else, HTML first, is `no-cache`
 *   with an ETag, so a revisit costs a 304;
 * - JavaScript goes out with `Access-Control-Allow-Origin: *`: the loader imports its
 *   chunks as module scripts, fetched in CORS mode when hosted on another origin.
 */
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type http from 'node:http';
import { basename } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg\+xml)/;
/** Below this, compression saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;
/** Files above this are streamed uncompressed rather than held in memory. */
const MAX_COMPRESS_BYTES = 8 * 1024 * 1024;
const CACHE_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Whether a file name carries a bundler's content hash, so the file can be cached
 * `immutable`. Our build (Vite/Rolldown, `[name]-[hash].js`) writes exactly 8 characters of
 * base64url (`A-Z a-z 0-9 _ -`): `widget-MidcPLVu.js`, `de-DPo37E7_.js`,
 * `url-policy-BK-E-M9B.js`. The rule, on the file's own name:
 * - the last 8 characters before the extension are base64url and follow a `-` (taken by
 *   length, not by splitting at `-`, as the hash may hold a `-` itself);
 * - they hold a capital letter: `192x192`, `member-01`, `-regular`, `2024final`, dates
 *   and other small-letter or digit names are words and numbers;
 * - they are not words either: capitals alone (`LICENSES`), capitals then a number
 *   (`IMG_1234`, `DSC01234`), two capital words (`FAQ-PAGE`), or Capitalized words with a
 *   vowel each, then maybe a number (`HomePage`, `Summer24`).
 * A hash that happens to look like a name (about 1 in 100 of Rolldown's, which nearly all
 * start with a capital A-D; 2 in 100 of uniformly random ones) is only revalidated
 * (`no-cache`): the safe direction, as a name taken for a hash would be cached for a year. Hex hashes (`index-4f9a1c2e.js`), hashes after a `.`, and siblings named after a
 * hashed file (`.map`, `.br`, `.gz`) are not recognised, so revalidated too.
 */
export function isHashedName(path: string): boolean {
  const hash = /-([A-Za-z0-9_-]{8})\.[a-z0-9]+$/.exec(basename(path))?.[1];
  if (!hash || !/[A-Z]/.test(hash)) return false;
  const words = /^(?:[A-Z]+(?:[-_]?\d+)?|[A-Z]+[-_][A-Z]+|(?:[A-Z][a-z]*[aeiouy][a-z]*)+\d*)$/;
  return !words.test(hash);
}

export function cacheControl(path: string): string {
  return isHashedName(path) && !path.endsWith('.html') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The best encoding the client accepts: `br`, then `gzip`; null for identity. */
export function negotiateEncoding(header: string | string[] | undefined): Encoding | null {
  const q = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (e: string) => q.get(e) ?? (q.has('*') ? (q.get('*') ?? 0) : 0);
  const br = weight('br');
  const gz = weight('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return null;
}

const memory = new Map<string, Buffer>();
let memoryBytes = 0;

function remember(key: string, body: Buffer): Buffer {
  if (body.length > CACHE_LIMIT_BYTES / 8) return body;
  while (memoryBytes + body.length > CACHE_LIMIT_BYTES && memory.size > 0) {
    const [oldest, old] = memory.entries().next().value as [string, Buffer];
    memory.delete(oldest);
    memoryBytes -= old.length;
  }
  memory.set(key, body);
  memoryBytes += body.length;
  return body;
}

/** A precompressed sibling, if it is at least as new as the file. */
async function precompressed(file: string, info: Stats, encoding: Encoding): Promise<Buffer | null> {
  const sibling = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
  try {
    const s = await stat(sibling);
    if (!s.isFile() || s.mtimeMs < info.mtimeMs) return null;
    return await readFile(sibling);
  } catch {
    return null;
  }
}

async function encoded(file: string, info: Stats, encoding: Encoding): Promise<Buffer> {
  const key = `${encoding}:${file}:${info.size}:${info.mtimeMs}`;
  const hit = memory.get(key);
  if (hit) return hit;
  const body =
    (await precompressed(file, info, encoding)) ??
    (encoding === 'br'
      ? // Quality 6: close to 11 on text, many times faster, paid once per file.
        brotliCompressSync(await readFile(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } })
      : gzipSync(await readFile(file), { level: 9 }));
  return remember(key, body);
}

/**
 * A single `Range: bytes=…` of a file of `size` bytes: the inclusive byte span, null for the
 * whole file (no header, several ranges, another unit, or an `If-Range` that no longer
 * matches), or 'unsatisfiable' (416).
 */
export function byteRange(
  header: string | undefined,
  ifRange: string | undefined,
  etag: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header || (ifRange !== undefined && ifRange !== etag)) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // The last n bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Headers and body for `file` (already resolved and checked by the caller). Returns the
 * status, headers and either a buffer to send or null (stream the file itself).
 */
export async function staticResponse(
  req: http.IncomingMessage,
  file: string,
  info: Stats,
  contentType: string,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer | null; range?: { start: number; end: number } }> {
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-content-type-options': 'nosniff',
    'cache-control': cacheControl(file),
    etag,
    'last-modified': info.mtime.toUTCString(),
  };
  // The loader imports its chunks as module scripts, which are fetched in CORS mode: a
  // site that serves them from another origin (a CDN, this server) needs this header.
  if (/\.m?js$/.test(file)) headers['access-control-allow-origin'] = '*';
  const compressible = COMPRESSIBLE.test(contentType) && info.size >= MIN_COMPRESS_BYTES && info.size <= MAX_COMPRESS_BYTES;
  if (compressible) headers['vary'] = 'Accept-Encoding';
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return { status: 304, headers, body: Buffer.alloc(0) };
  }
  // Byte ranges (one per request, on the file as stored): Safari plays a video only from a
  // server that answers them, and players seek with them.
  headers['accept-ranges'] = 'bytes';
  const ifRange = req.headers['if-range'];
  const range = byteRange(req.headers['range'], Array.isArray(ifRange) ? ifRange[0] : ifRange, etag, info.size);
  if (range === 'unsatisfiable') {
    headers['content-range'] = `bytes */${info.size}`;
    headers['content-length'] = '0';
    return { status: 416, headers, body: Buffer.alloc(0) };
  }
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body: null, range };
  }
  const encoding = compressible ? negotiateEncoding(req.headers['accept-encoding']) : null;
  if (encoding) {
    const body = await encoded(file, info, encoding);
    if (body.length < info.size) {
      headers['content-encoding'] = encoding;
      headers['content-length'] = String(body.length);
      return { status: 200, headers, body };
    }
  }
  headers['content-length'] = String(info.size);
  return { status: 200, headers, body: null };
}
