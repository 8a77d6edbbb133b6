// Shared set-up for the end-to-end suite: the real server that `npm start` runs (built
// relay + mock platform + built demo) on 127.0.0.1, and the three engines through
// test/e2e/driver.ts (BROWSERS picks engines).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { E2EPage } from './driver.js';

export { engines, launchEngine, type E2EBrowser, type E2EPage, type Engine } from './driver.js';

const root = resolve(import.meta.dirname, '../..');
const screenshotDir = join(root, 'docs/screenshots');

export interface Running {
  url: string;
  close(): Promise<void>;
  logs: string[];
}

export async function startDemoServer(env: Record<string, string | undefined> = {}): Promise<Running> {
  const mod = (await import(pathToFileURL(join(root, 'dist/relay-node.js')).href)) as typeof import('../../src/relay/node.js');
  const logs: string[] = [];
  const server = await mod.startRelayServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: join(root, 'dist/demo'),
    env: { MOCK_REALTIME: '0', ...env },
    log: (level, message, fields) => logs.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`),
  });
  return { url: server.url, close: () => server.close(), logs };
}

/**
 * Screenshots for the README, per engine in docs/screenshots/<engine>/<name>.png, written
 * only with UPDATE_SCREENSHOTS=1 so a normal run leaves the git tree clean.
 */
export async function screenshot(page: E2EPage, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(screenshotDir, page.engine, `${name}.png`), fullPage: options.fullPage });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0-2.2 A/AA rules) on the page, shadow roots included. */
export async function axeViolations(page: E2EPage): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.evaluate(`(function () { ${axeSource}\n}).call(window), true`);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** The widget's part selector; the driver's query pierces open shadow roots. */
export const part = (name: string, host = 'indigo-chat') => `${host} [part~="${name}"]`;
