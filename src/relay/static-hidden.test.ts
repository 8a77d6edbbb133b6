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

describe('static files: hidden ones stay hidden', () => {
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
});
