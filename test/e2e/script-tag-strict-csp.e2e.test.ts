// The script tag on pages with a strict Content Security Policy, as site owners write them
// (the policy sent as a header on a page served here).
// - The README's after-load snippet on a page that enforces Trusted Types
//   (`require-trusted-types-for 'script'`): `s.src = '…'` is a TrustedScriptURL sink; the
//   snippet as first written threw there and the loader never loaded. It now sets the URL
//   through the `indigo-chat-loader` policy. The snippet is read from the README itself.
// - Browser floor Safari 15.4 (README): constructable stylesheets (adoptedStyleSheets) came
//   in Safari 16.4. Before that, the launcher shell and Lit fall back to <style> elements,
//   which a strict `style-src 'self'` blocks: the launcher was an unstyled 16 px button at
//   the end of the page. Such pages give their style nonce as `window.litNonce` (README,
//   Strict CSP): the shell and the widget then style themselves with zero CSP violations.
//   Simulated in Chromium by removing adoptedStyleSheets (old Safari cannot run here).
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

/** Serves `body` at `path` (never cached), with `csp` as its Content-Security-Policy header when given; returns an undo. */
const serve = (path: string, type: string, body: string, csp?: string): (() => void) =>
  server.route(
    (r) => r.path === path,
    (_req, res) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...(csp ? { 'content-security-policy': csp } : {}) });
      res.end(body);
    },
  );
const HTML = 'text/html; charset=utf-8';
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>\n<body>${body}</body></html>`;

// The README's snippet, word for word but for the URLs.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('#### Script tag after load'));
const SNIPPET = /```html\n<script>([\s\S]*?)<\/script>\n```/
  .exec(section)![1]!
  .replaceAll('https://your-site.example/indigo-chat.iife.js', '/indigo-chat.iife.js')
  .replaceAll('https://your-site.example/api/chat', '/api/chat');
const hash = createHash('sha256').update(SNIPPET).digest('base64');
const TT_CSP = `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self'; connect-src 'self'; img-src 'self' data: https:; require-trusted-types-for 'script'; trusted-types ${TRUSTED_TYPES_POLICIES.join(' ')}`;

const NONCE = 'c3R5bGUtbm9uY2U';
const OLD_SAFARI = `(() => {
  const v = [];
  document.addEventListener('securitypolicyviolation', (e) => v.push(e.violatedDirective));
  globalThis.__cspViolations = v;
  delete ShadowRoot.prototype.adoptedStyleSheets;
  delete Document.prototype.adoptedStyleSheets;
  window.litNonce = '${NONCE}';
})();`;
const NONCE_CSP = `default-src 'self'; script-src 'self'; style-src 'self' 'nonce-${NONCE}'; img-src 'self' data:; connect-src 'self'`;

describe('script tag under a strict CSP in chromium', () => {
  const browser = useEngineBrowser('chromium');

  it('the README snippet loads the launcher on a page enforcing the recommended Trusted Types', async () => {
    const undo = serve(
      '/deferred-trusted-types.html',
      HTML,
      page('deferred + TT', `<h1>A page with Trusted Types</h1><p>Some content.</p><script>${SNIPPET}</script>`),
      TT_CSP,
    );
    try {
      const tab = await browser().newPage({ isolated: true });
      await tab.goto(`${server.url}/deferred-trusted-types.html`);
      const shown = await tab
        .locator(part('launcher'))
        .waitFor({ timeout: 8000 })
        .then(
          () => true,
          () => false,
        );
      expect({ shown, errors: await tab.errors() }).toEqual({ shown: true, errors: [] });
      await tab.close();
    } finally {
      undo();
    }
  });

  it('without adoptedStyleSheets (Safari 15.4-16.3) and a style nonce: the shell launcher and the opened panel are styled, with zero CSP violations', async () => {
    const undo = [
      serve(
        '/old-safari-style-nonce.html',
        HTML,
        page(
          'old Safari, style nonce',
          '<h1>Strict CSP with a style nonce</h1><script src="/old-safari-init.js"></script><script src="/indigo-chat.iife.js" data-relay="/api/chat" data-storage="none" async></script>',
        ),
        NONCE_CSP,
      ),
      // Before the loader, as an old Safari would be: a same-origin script (the CSP admits no inline one).
      serve('/old-safari-init.js', 'text/javascript', OLD_SAFARI),
    ];
    try {
      const tab = await browser().newPage({ isolated: true });
      await tab.goto(`${server.url}/old-safari-style-nonce.html`);
      const launcher = tab.locator(part('launcher'));
      await launcher.waitFor();
      const shell = await tab.evaluate(() => {
        const el = document.querySelector('indigo-chat')!;
        const b = el.shadowRoot!.querySelector('[part~="launcher"]')!;
        return { hostPosition: getComputedStyle(el).position, width: Math.round(b.getBoundingClientRect().width) };
      });
      expect(shell).toEqual({ hostPosition: 'fixed', width: 56 });
      await launcher.click();
      await tab.locator(part('panel')).waitFor({ state: 'visible' });
      const panel = await tab.evaluate(() => {
        const p = document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="panel"]')!;
        return {
          styled: getComputedStyle(p).position !== 'static', // its stylesheet applied (absolute in the fixed host)
          violations: (globalThis as { __cspViolations?: string[] }).__cspViolations,
        };
      });
      expect(panel).toEqual({ styled: true, violations: [] });
      expect(await tab.errors()).toEqual([]);
      await tab.close();
    } finally {
      for (const u of undo) u();
    }
  });
});
