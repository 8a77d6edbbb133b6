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
    expect(isHashedName('/a/index-4f9a1c2e.js')).toBe(true);
    expect(isHashedName('/a/indigo-chat-launcher.js')).toBe(false);
    expect(isHashedName('/a/indigo-chat.iife.js')).toBe(false);
    expect(cacheControl('/a/page-AbCdEf12.html')).toBe('no-cache');
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
