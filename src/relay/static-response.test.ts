// The Node server's static files over real HTTP on 127.0.0.1: negotiated Brotli/gzip,
// precompressed siblings, caching headers and revalidation.
import http from 'node:http';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelayServer, type RelayServer } from './node.js';
import { cacheControl, isHashedName, negotiateEncoding } from './static-response.js';

let server: RelayServer;
const dir = mkdtempSync(join(tmpdir(), 'relay-compress-'));
const js = `export const words = ${JSON.stringify('lorem ipsum dolor sit amet '.repeat(400))};\n`;
const html = `<!doctype html><title>t</title>${'<p>hello</p>'.repeat(300)}`;

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'widget-DyaBCymT.js'), js);
  writeFileSync(join(dir, 'indigo-chat-launcher.js'), js);
  writeFileSync(join(dir, 'de-DPo37E7_.js'), js);
  writeFileSync(join(dir, 'android-chrome-192x192.png'), 'png');
  writeFileSync(join(dir, 'report-2024final.pdf'), 'pdf');
  writeFileSync(join(dir, 'tiny.js'), 'export {}');
  // A precompressed sibling whose content differs, so the test can tell it was used.
  writeFileSync(join(dir, 'pre.js'), js);
  writeFileSync(join(dir, 'pre.js.br'), brotliCompressSync('/* from the .br file */'));
  writeFileSync(join(dir, 'pre.js.gz'), gzipSync('/* from the .gz file */'));
  // A stale sibling (older than the file) must be ignored.
  writeFileSync(join(dir, 'stale.js'), js);
  writeFileSync(join(dir, 'stale.js.gz'), gzipSync('/* stale */'));
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'stale.js.gz'), old, old);
  server = await startRelayServer({ port: 0, staticDir: dir, env: { RELAY_SECRET: 's' }, log: () => {} });
});

afterAll(() => server?.close());

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files: compression', () => {
  it('prefers Brotli, falls back to gzip, honours q=0 and sends identity when nothing is accepted', async () => {
    const br = await get('/widget-DyaBCymT.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(brotliDecompressSync(br.body).toString()).toBe(js);
    expect(br.body.length).toBeLessThan(js.length / 5);

    const gz = await get('/widget-DyaBCymT.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);

    const plain = await get('/widget-DyaBCymT.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);

    const html1 = await get('/', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(html1.body).toString()).toBe(html);
  });

  it('does not compress tiny files; sends a fresh precompressed sibling as is, ignores a stale one', async () => {
    const tiny = await get('/tiny.js', { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe('export {}');
    const pre = await get('/pre.js', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(pre.body).toString()).toBe('/* from the .br file */');
    const preGz = await get('/pre.js', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(preGz.body).toString()).toBe('/* from the .gz file */');
    const stale = await get('/stale.js', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(stale.body).toString()).toBe(js);
  });

  it('HEAD sends the headers of the encoded body and no body', async () => {
    const head = await get('/widget-DyaBCymT.js', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.body.length).toBe(0);
  });
});

describe('static files: caching', () => {
  it('hashed files are immutable for a year; HTML and unhashed files revalidate; an ETag gives a 304', async () => {
    const chunk = await get('/widget-DyaBCymT.js');
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // Module scripts are fetched in CORS mode: the chunk must be loadable from another origin.
    expect(chunk.headers['access-control-allow-origin']).toBe('*');
    expect((await get('/indigo-chat-launcher.js')).headers['cache-control']).toBe('no-cache');
    const page = await get('/');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const etag = page.headers['etag'];
    expect(etag).toBeTruthy();
    const again = await get('/', { 'if-none-match': String(etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('recognises bundler hashes, not words', () => {
    expect(isHashedName('/a/widget-DyaBCymT.js')).toBe(true);
    expect(isHashedName('/a/demo-BXHFspGI.css')).toBe(true);
    // Hex (older bundlers) reads like `member01`, `20240115`: revalidated, the safe side.
    expect(isHashedName('/a/index-4f9a1c2e.js')).toBe(false);
    expect(isHashedName('/a/indigo-chat-launcher.js')).toBe(false);
    expect(isHashedName('/a/indigo-chat.iife.js')).toBe(false);
    expect(cacheControl('/a/page-AbCdEf12.html')).toBe('no-cache');
  });

  // What our build (Vite/Rolldown, `[name]-[hash]`, 8 base64url characters) wrote into
  // dist/indigo-chat, dist/chunks, dist/console and dist/demo/assets over two builds.
  const BUILT = `answer-content-CjlDRFf0.js answer-content-DK599szk.js answer-part-Bwzy4ZeA.js ar-BpHQc8wD.js
    carousel--wMPxS0C.js carousel-CMnBPXpd.js char-count-Dg2bR8jn.js char-refs-BCbiDSD-.js consent-DhejBB-j.js
    conversation-controller-CMnU6xya.js core-Bj7qlxJN.js csat-view-Ct_MYLVD.js csat-view-66T3FxAT.js csp-I2ryZEKU.js
    de-DPo37E7_.js decode-C3d1dUzz.js define-BGDssozU.js demo-DcoaKlbb.css embed-C4rwceIF.js es-Bx7MLxE8.js
    extension-blocks-DekZvwKv.js feedback-ui-CA30JXAr.js feedback-ui-D3-U-WUW.js feedback-ui-cJDvcbyN.js
    feedback-ui-xzxmeG67.js fr-DFJNwTvp.js he-D5I1QKvg.js header-menu-keys-DmZ3dhgE.js icons-BYS53uBh.js
    lazy-part-BooK76Y9.js lit-CcfSZRvg.js lit-html-Lb275eL6.js locales-C_5USK11.js marked.esm-DAioGSAu.js
    mock-platform-CuA1ySzT.js persist-codec-BkmM5jfd.js persist-codec-DWVv__V3.js plural-BmjW0Em5.js
    plural-qAnweEzj.js reducer-96r9pttR.js render-blocks-C7nYw-kQ.js rolldown-runtime-DK3Fl9T5.js
    sanitize-C-4rPd1Y.js sanitize-dompurify-B0Y4caIz.js sanitize-policy-Bw6N_m8I.js security-headers-Ja46_89i.js
    strings-CbN-xg3b.js strings-qztJ_2tF.js teaser-Cdemio7p.js teaser-VzMTAZXw.js transcript-export-DFcXFpix.js
    url-policy-BK-E-M9B.js url-policy-DEBPRdmj.js url-policy-kV0Y5EDI.js video-2A4-18yE.js video-B0w1F0-n.js
    video-CLernkb6.js voice-dictation-DIgg6slW.js voice-dictation-d0BLj5dK.js widget-DUhLmEfz.js
    widget-MidcPLVu.js yield-_OwxzAjV.js`.split(/\s+/);
  // Hashes of those builds that read as words (see isHashedName): revalidated, not immutable.
  const BUILT_LIKE_WORDS = ['lazy-part-DPOA-TKY.js', 'char-count-DRYUDFL9.js', 'indigo-chat-Byehcz90.js'];
  // Human names, some of which the old rule (8+ characters, a small letter and a digit or
  // capital) cached for a year.
  const NAMED = [
    'android-chrome-192x192.png',
    'team-member-01.jpg',
    'roboto-v30-latin-regular.woff2',
    'report-2024final.pdf',
    'IMG_1234.jpg',
    'holiday-IMG_1234.jpg',
    'logo-2x.png',
    'logo-v2-final.png',
    'hero-image.webp',
    'scan-20240115.pdf',
    'icon-HomePage.svg',
    'sale-Summer24.png',
    'doc-FAQ-PAGE.pdf',
    'THIRD-PARTY-LICENSES.txt',
    'mock-platform.js',
    'script-tag-deferred.js',
    'index.html',
    'widget.js',
    'indigo-chat.iife.js',
  ];
  const IMMUTABLE = 'public, max-age=31536000, immutable';

  it('every hashed file our build emits is immutable; a hash that reads as words revalidates', () => {
    expect(BUILT.filter((name) => cacheControl(`/x/${name}`) !== IMMUTABLE)).toEqual([]);
    expect(BUILT_LIKE_WORDS.map((name) => cacheControl(`/x/${name}`))).toEqual(BUILT_LIKE_WORDS.map(() => 'no-cache'));
  });

  it('human file names are not taken for hashes', () => {
    expect(NAMED.filter((name) => cacheControl(`/site/${name}`) !== 'no-cache')).toEqual([]);
  });

  it('siblings named after a hashed file (.map, .br, .gz asked for directly) revalidate', () => {
    for (const name of ['widget-MidcPLVu.js.map', 'widget-MidcPLVu.js.br', 'widget-MidcPLVu.js.gz']) {
      expect(cacheControl(`/x/${name}`), name).toBe('no-cache');
    }
  });

  it('over HTTP: a hashed chunk is immutable also when sent precompressed; human names revalidate', async () => {
    const br = await get('/de-DPo37E7_.js', { 'accept-encoding': 'br' });
    expect([br.headers['content-encoding'], br.headers['cache-control']]).toEqual(['br', IMMUTABLE]);
    expect((await get('/android-chrome-192x192.png')).headers['cache-control']).toBe('no-cache');
    expect((await get('/report-2024final.pdf')).headers['cache-control']).toBe('no-cache');
  });

  it('negotiates Accept-Encoding like a browser would', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('identity')).toBe(null);
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0')).toBe(null);
    expect(negotiateEncoding(undefined)).toBe(null);
  });
});
