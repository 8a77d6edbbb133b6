import { chromium } from 'playwright-core';
import { mkdtempSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromeArgs, chromePath } from '../test/chromium.js';
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lprof-'));
cpSync(join(root, 'dist/demo'), dir, { recursive: true });
const { startRelayServer } = await import(pathToFileURL(join(root, 'dist/relay-node.js')).href);
const server = await startRelayServer({ port: 0, staticDir: dir, env: { MOCK_REALTIME: '0', RELAY_SECRET: 'bench' }, log: () => {} });
const agg = {};
for (let run = 0; run < 5; run++) {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lp-')), { executablePath: chromePath, headless: true, args: [...chromeArgs] });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 25 }); await cdp.send('Profiler.start');
  await page.goto(`${server.url}/script-tag.html`, { waitUntil: 'load' });
  await page.waitForTimeout(800);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  profile.samples.forEach((id, k) => {
    const t = (profile.timeDeltas[k + 1] ?? 0) / 1000;
    // attribute to (self name) if any ancestor is in the loader
    let cur = id; let inLoader = false; const chain = [];
    while (cur !== undefined) { const n = byId.get(cur); chain.push(n); if (/iife/.test(n.callFrame.url)) inLoader = true; cur = parent.get(cur); }
    if (!inLoader) return;
    const self = chain[0].callFrame; const firstL = chain.find((n) => /iife/.test(n.callFrame.url)).callFrame;
    const key = `${self.functionName || '(anon)'}${self.url ? '' : ' [native]'} <- ${firstL.functionName || '(anon)'}:${firstL.columnNumber}`;
    agg[key] = (agg[key] ?? 0) + t / 5;
  });
  await context.close();
}
await server.close();
Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log(v.toFixed(2).padStart(6), k));
