// `--static <dir>` (and startRelayServer's staticDir) never serves hidden files: an owner who
// points it at a folder holding `.env` (with INDIGO_PAT) or `.git/` must not publish them.
// `/.well-known/` stays served. Real HTTP on 127.0.0.1.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
});
