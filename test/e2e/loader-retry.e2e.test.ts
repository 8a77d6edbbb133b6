// README (script tag): "a widget that could not be loaded (offline, a failed chunk) leaves a
// "!" on the launcher until the next click tries again". The next click once the chunk can
// be fetched opens the chat, in every engine, without a page reload (Firefox kept the
// failed module for the page, whatwg/html#6768, until the loader fetched before importing),
// and the chunk that came back is fetched once, not again by the import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openIsolated, part, startDemoServer, type LoggedRequest, type Running, useEngineBrowser } from './harness.js';

let server: Running;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});
const pathOf = (r: LoggedRequest) => r.path.replace(/\?.*$/, '');
const widgetMain = (r: LoggedRequest) => /^\/indigo-chat\/widget-[^/]+\.js$/.test(pathOf(r));

describe.each(engines)('a failed widget load, then a retry, in %s', (engine) => {
  const browser = useEngineBrowser(engine);
  it('the click after the failure opens the chat once the chunk can be fetched', async () => {
    let failing = true;
    const from = server.requests.length;
    const undo = server.route(widgetMain, (_req, res, pass) => {
      if (!failing) return pass();
      res.writeHead(503, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end('unavailable');
    });
    try {
      // No idle prefetch: only the clicks fetch.
      const { page } = await openIsolated(browser(), server, '/script-tag.html', {
        init: "Object.defineProperty(navigator, 'connection', { value: { saveData: true } });",
      });
      const launcher = page.locator(part('launcher'));
      await launcher.click();
      await page.waitForFunction(() => !!document.querySelector('indigo-chat')?.shadowRoot?.querySelector('.x'));
      failing = false;
      await launcher.click();
      const opened = await page
        .locator(part('panel'))
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(
          () => true,
          () => false,
        );
      expect({ engine, opened }).toEqual({ engine, opened: true });
      const widget = server.requests.slice(from).filter(widgetMain);
      expect(widget.map((r) => r.status)).toEqual([...widget.slice(0, -1).map(() => 503), 200]);
      await page.close();
    } finally {
      undo();
    }
  });
});
