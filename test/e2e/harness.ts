// Shared set-up for the end-to-end suite: the real server that `npm start` runs (built
// relay + mock platform + built demo) on 127.0.0.1, and Debian's Chromium via playwright-core.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, chromePath } from '../chromium.js';

const root = resolve(import.meta.dirname, '../..');
export const screenshotDir = join(root, 'docs/screenshots');

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

export async function launchBrowser(options: { viewport?: { width: number; height: number }; bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'indigo-e2e-')), {
    executablePath: chromePath,
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    bypassCSP: options.bypassCSP ?? false,
    args: [...chromeArgs],
  });
}

/** Collects page errors and console errors, which a healthy page has none of. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0-2.2 A/AA rules) on the page, shadow roots included. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** The widget's part selector; Playwright's CSS engine pierces open shadow roots. */
export const part = (name: string, host = 'indigo-chat') => `${host} [part~="${name}"]`;
