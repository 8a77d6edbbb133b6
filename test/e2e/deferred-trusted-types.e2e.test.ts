// README "Script tag after load": the inline snippet, on a page that enforces Trusted
// Types (`require-trusted-types-for 'script'`). `s.src = '…'` is a TrustedScriptURL sink:
// the snippet as first written threw there and the loader never loaded; it now sets the URL
// through the `indigo-chat-loader` policy. The snippet is read from the README itself.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUSTED_TYPES_POLICIES } from '../../src/relay/security-headers.js';
import { part, startDemoServer, type Running, useEngineBrowser } from './harness.js';

let server: Running;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});

// The README's snippet, word for word but for the URLs.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('#### Script tag after load'));
const SNIPPET = /```html\n<script>([\s\S]*?)<\/script>\n```/
  .exec(section)![1]!
  .replaceAll('https://your-site.example/indigo-chat.iife.js', '/indigo-chat.iife.js')
  .replaceAll('https://your-site.example/api/chat', '/api/chat');
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>deferred + TT</title><link rel="icon" href="data:,"></head>
<body><h1>A page with Trusted Types</h1><p>Some content.</p><script>${SNIPPET}</script></body></html>`;
const hash = createHash('sha256').update(SNIPPET).digest('base64');
const CSP = `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; connect-src 'self'; img-src 'self' data: https:; require-trusted-types-for 'script'; trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`;

describe('deferred snippet under Trusted Types in chromium', () => {
  const browser = useEngineBrowser('chromium');

  it('the README snippet loads the launcher on a page enforcing the recommended Trusted Types', async () => {
    const undo = server.route(
      (r) => r.path === '/review-embed-deferred-tt.html',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CSP });
        res.end(PAGE);
      },
    );
    try {
      const page = await browser().newPage({ isolated: true });
      await page.goto(`${server.url}/review-embed-deferred-tt.html`);
      const shown = await page
        .locator(part('launcher'))
        .waitFor({ timeout: 8000 })
        .then(
          () => true,
          () => false,
        );
      expect({ shown, errors: await page.errors() }).toEqual({ shown: true, errors: [] });
      await page.close();
    } finally {
      undo();
    }
  });
});
