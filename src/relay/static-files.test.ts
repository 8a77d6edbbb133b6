// `--static <dir>` (and startRelayServer's staticDir) never serves hidden files: an owner who
// points it at a folder holding `.env` (with INDIGO_PAT) or `.git/` must not publish them.
// `/.well-known/` stays served. Real HTTP on 127.0.0.1.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRelayServer, type RelayServer } from './node.js';

let server: RelayServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('static files: hidden ones stay hidden, the rest with their own type', () => {
  it('404 for dotfiles and dot-folders in any spelling; /.well-known/ and ordinary files served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-hidden-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, '.well-known'));
    mkdirSync(join(dir, 'assets/.cache'), { recursive: true });
    writeFileSync(join(dir, '.env'), 'INDIGO_PAT=hidden-static-secret\n');
    writeFileSync(join(dir, '.git/config'), '[core] hidden-static-secret\n');
    writeFileSync(join(dir, 'assets/.cache/x.js'), 'hidden-static-secret');
    writeFileSync(join(dir, '.well-known/security.txt'), 'Contact: mailto:security@shop.example\n');
    writeFileSync(join(dir, 'index.html'), '<h1>shop</h1>');
    server = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    for (const path of [
      '/.env',
      '/%2eenv',
      '/%2Eenv',
      '/.git/config',
      '/.git/',
      '/assets/.cache/x.js',
      '/assets/%2ecache/x.js',
      '/./.env',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toContain('hidden-static-secret');
    }
    const wellKnown = await fetch(`${server.url}/.well-known/security.txt`);
    expect(wellKnown.status).toBe(200);
    expect(await wellKnown.text()).toContain('Contact:');
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<h1>shop</h1>');
  });

  it('a folder asked without its slash redirects to it (relative links keep working), never to another host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-dirs-'));
    mkdirSync(join(dir, 'docs'));
    mkdirSync(join(dir, 'evil.example'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'docs/index.html'), '<link rel="stylesheet" href="style.css"><h1>docs</h1>');
    writeFileSync(join(dir, 'evil.example/index.html'), 'x');
    const site = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    try {
      const get = (path: string) => fetch(`${site.url}${path}`, { redirect: 'manual' });
      const bare = await get('/docs?lang=it');
      expect(bare.status).toBe(301);
      expect(bare.headers.get('location')).toBe('/docs/?lang=it');
      expect(bare.headers.get('content-security-policy')).toContain("default-src 'self'");
      const slashed = await get('/docs/');
      expect(slashed.status).toBe(200);
      expect(await slashed.text()).toContain('<h1>docs</h1>');
      const sneaky = await get('//evil.example');
      expect(sneaky.status).toBe(301);
      expect(sneaky.headers.get('location')).toBe('/evil.example/');
      // A folder without index.html is no page: 404, no redirect.
      expect((await get('/empty')).status).toBe(404);
    } finally {
      await site.close();
    }
  });

  it('answers byte ranges (Safari plays video only so; players seek with them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-ranges-'));
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    writeFileSync(join(dir, 'clip.mp4'), bytes);
    writeFileSync(join(dir, 'page.html'), `<p>${'x'.repeat(4000)}</p>`);
    const site = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    try {
      const get = async (path: string, headers: Record<string, string> = {}) => {
        const res = await fetch(`${site.url}${path}`, { headers });
        return { res, body: Buffer.from(await res.arrayBuffer()) };
      };
      const whole = await get('/clip.mp4');
      expect([whole.res.status, whole.res.headers.get('accept-ranges'), whole.body.length]).toEqual([200, 'bytes', 5000]);
      const etag = whole.res.headers.get('etag')!;
      for (const [range, start, end] of [
        ['bytes=0-99', 0, 99],
        ['bytes=4900-', 4900, 4999],
        ['bytes=-10', 4990, 4999],
        ['bytes=4990-9999', 4990, 4999],
      ] as const) {
        const part = await get('/clip.mp4', { range });
        expect(part.res.status, range).toBe(206);
        expect(part.res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/5000`);
        expect(part.body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
      }
      const beyond = await get('/clip.mp4', { range: 'bytes=6000-' });
      expect([beyond.res.status, beyond.res.headers.get('content-range')]).toEqual([416, 'bytes */5000']);
      // Several ranges, or an If-Range that no longer matches: the whole file.
      expect((await get('/clip.mp4', { range: 'bytes=0-1,5-6' })).res.status).toBe(200);
      expect((await get('/clip.mp4', { range: 'bytes=0-1', 'if-range': 'W/"stale"' })).res.status).toBe(200);
      expect((await get('/clip.mp4', { range: 'bytes=0-1', 'if-range': etag })).res.status).toBe(206);
      // A compressible page asked for a range: the stored bytes, not a compressed body.
      const html = await get('/page.html', { range: 'bytes=0-2', 'accept-encoding': 'br, gzip' });
      expect([html.res.status, html.res.headers.get('content-encoding'), html.body.toString()]).toEqual([206, null, '<p>']);
    } finally {
      await site.close();
    }
  });

  it("an owner's site files go out with their types (a PDF shown, not downloaded; WebAssembly compiles)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-types-'));
    const types: Record<string, string> = {
      'photo.jpeg': 'image/jpeg',
      'a.gif': 'image/gif',
      'a.webp': 'image/webp',
      'a.avif': 'image/avif',
      'font.woff2': 'font/woff2',
      'font.woff': 'font/woff',
      'clip.mp4': 'video/mp4',
      'clip.webm': 'video/webm',
      'jingle.mp3': 'audio/mpeg',
      'terms.pdf': 'application/pdf',
      'sitemap.xml': 'application/xml; charset=utf-8',
      'module.wasm': 'application/wasm',
      'old.htm': 'text/html; charset=utf-8',
    };
    for (const name of Object.keys(types)) writeFileSync(join(dir, name), 'x');
    const site = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    try {
      for (const [name, type] of Object.entries(types)) {
        const res = await fetch(`${site.url}/${name}`);
        await res.arrayBuffer();
        expect(res.headers.get('content-type'), name).toBe(type);
      }
    } finally {
      await site.close();
    }
  });

  // Video players abandon range requests all the time; each abandoned download must close
  // its file, or the server runs out of descriptors. Counted in /proc (Linux), where this
  // process's open files are listed.
  it.skipIf(!existsSync('/proc/self/fd'))('closes the file when the client goes away mid-download', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'indigo-static-abandon-'));
    const file = join(dir, 'clip.mp4');
    writeFileSync(file, Buffer.alloc(32 * 1024 * 1024, 7));
    const openFiles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false; // closed while listing
        }
      }).length;
    const site = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', LOG_LEVEL: 'silent' } });
    try {
      const before = openFiles();
      const { hostname, port } = new URL(site.url);
      // Read the first bytes, then hang up: half whole-file GETs, half ranges as players send.
      await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) =>
            new Promise<void>((done, fail) => {
              const socket = net.connect(Number(port), hostname, () => {
                const range = i % 2 ? `Range: bytes=${i * 1000}-\r\n` : '';
                socket.write(`GET /clip.mp4 HTTP/1.1\r\nHost: ${hostname}\r\n${range}\r\n`);
              });
              socket.once('data', () => {
                socket.destroy();
                done();
              });
              socket.once('error', fail);
            }),
        ),
      );
      // Polled: the server learns of each hang-up a little later.
      const deadline = Date.now() + 5000;
      while (openFiles() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(openFiles(), 'files left open by abandoned downloads').toBe(before);
      // The server is still fine: whole file, a range and HEAD.
      const whole = await fetch(`${site.url}/clip.mp4`);
      expect([whole.status, (await whole.arrayBuffer()).byteLength]).toEqual([200, 32 * 1024 * 1024]);
      const part = await fetch(`${site.url}/clip.mp4`, { headers: { range: 'bytes=10-19' } });
      expect([part.status, Buffer.from(await part.arrayBuffer()).equals(Buffer.alloc(10, 7))]).toEqual([206, true]);
      const head = await fetch(`${site.url}/clip.mp4`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-length')]).toEqual([200, String(32 * 1024 * 1024)]);
    } finally {
      await site.close();
    }
  });
});
