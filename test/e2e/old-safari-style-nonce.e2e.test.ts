// Browser floor Safari 15.4 (README); constructable stylesheets (adoptedStyleSheets) came
// in Safari 16.4. Before that, the launcher shell and Lit fall back to <style> elements,
// which a strict `style-src 'self'` blocks: the launcher was an unstyled 16 px button at the
// end of the page. Such pages give their style nonce as `window.litNonce` (README, Strict
// CSP): the shell and the widget then style themselves with zero CSP violations. Simulated
// in Chromium by removing adoptedStyleSheets (old Safari cannot run here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { part, startDemoServer, type Running, useEngineBrowser } from './harness.js';

let server: Running;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});
const NONCE = 'c3R5bGUtbm9uY2U';
const INIT = `(() => {
  const v = [];
  document.addEventListener('securitypolicyviolation', (e) => v.push(e.violatedDirective));
  globalThis.__cspViolations = v;
  delete ShadowRoot.prototype.adoptedStyleSheets;
  delete Document.prototype.adoptedStyleSheets;
  window.litNonce = '${NONCE}';
})();`;
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>old Safari, style nonce</title><link rel="icon" href="data:,"></head>
<body><h1>Strict CSP with a style nonce</h1><script src="/old-safari-init.js"></script><script src="/indigo-chat.iife.js" data-relay="/api/chat" data-storage="none" async></script></body></html>`;
const CSP = `default-src 'self'; script-src 'self'; style-src 'self' 'nonce-${NONCE}'; img-src 'self' data:; connect-src 'self'`;

describe('script tag without adoptedStyleSheets (Safari 15.4-16.3) under a strict CSP with a style nonce, in chromium', () => {
  const browser = useEngineBrowser('chromium');
  it('the shell launcher and the opened panel are styled, with zero CSP violations', async () => {
    const undoPage = server.route(
      (r) => r.path === '/old-safari-style-nonce.html',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CSP });
        res.end(PAGE);
      },
    );
    // Before the loader, as an old Safari would be: a same-origin script (the CSP admits no inline one).
    const undoInit = server.route(
      (r) => r.path === '/old-safari-init.js',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        res.end(INIT);
      },
    );
    const undo = () => {
      undoPage();
      undoInit();
    };
    try {
      const page = await browser().newPage({ isolated: true });
      await page.goto(`${server.url}/old-safari-style-nonce.html`);
      const launcher = page.locator(part('launcher'));
      await launcher.waitFor();
      const shell = await page.evaluate(() => {
        const el = document.querySelector('indigo-chat')!;
        const b = el.shadowRoot!.querySelector('[part~="launcher"]')!;
        return { hostPosition: getComputedStyle(el).position, width: Math.round(b.getBoundingClientRect().width) };
      });
      expect(shell).toEqual({ hostPosition: 'fixed', width: 56 });
      await launcher.click();
      await page.locator(part('panel')).waitFor({ state: 'visible' });
      const panel = await page.evaluate(() => {
        const p = document.querySelector('indigo-chat')!.shadowRoot!.querySelector('[part~="panel"]')!;
        return {
          styled: getComputedStyle(p).position !== 'static', // its stylesheet applied (absolute in the fixed host)
          violations: (globalThis as { __cspViolations?: string[] }).__cspViolations,
        };
      });
      expect(panel).toEqual({ styled: true, violations: [] });
      expect(await page.errors()).toEqual([]);
      await page.close();
    } finally {
      undo();
    }
  });
});
