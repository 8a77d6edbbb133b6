// The real server (`npm start`'s startRelayServer from dist) pointed at a foreign fake
// platform (test/fixtures/foreign-platform.ts) that is not our mock: every framing and
// fault over real HTTP, then the demo in every engine, then the built core against corpora.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_DELTA_RAW,
  FOREIGN_PAT,
  FRAMINGS,
  GENERATION_HTML,
  scenario,
  startForeignPlatform,
  type ForeignPlatform,
} from '../fixtures/foreign-platform.js';
import { engines, part, useEngineBrowser, type E2EPage } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

interface Relay {
  url: string;
  close(): Promise<void>;
}

let platform: ForeignPlatform;
let relay: Relay;
const logs: string[] = [];

beforeAll(async () => {
  platform = await startForeignPlatform({ seed: 7 });
  const mod = (await import(pathToFileURL(join(root, 'dist/relay-node.js')).href)) as typeof import('../../src/relay/node.js');
  relay = await mod.startRelayServer({
    port: 0,
    host: '127.0.0.1',
    staticDir: join(root, 'dist/demo'),
    env: {
      INDIGO_API_BASE: platform.apiBase,
      INDIGO_PAT: platform.pat,
      INDIGO_PROJECT_TOKEN: platform.projectToken,
      RELAY_SECRET: 'foreign-e2e-secret-0123456789abcdef',
      RELAY_FIRST_BYTE_TIMEOUT_MS: '1500',
      RELAY_IDLE_TIMEOUT_MS: '1500',
      RELAY_RATE_PER_MINUTE: '10000',
      RELAY_SENDER_RATE_PER_MINUTE: '10000',
      RELAY_SESSIONS_PER_HOUR: '10000',
    },
    log: (level, message, fields) => logs.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`),
  });
});

afterAll(async () => {
  await relay?.close();
  await platform?.close();
});

async function newSender(): Promise<string> {
  const res = await fetch(`${relay.url}/api/chat/session`, {
    method: 'POST',
    headers: { origin: relay.url, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sender: string }).sender;
}

const emitted: string[] = [];

async function send(sender: string, text: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${relay.url}/api/chat`, {
    method: 'POST',
    headers: { origin: relay.url, 'content-type': 'application/json' },
    body: JSON.stringify({ sender, data: { type: 'text', text } }),
  });
  const body = await res.text();
  emitted.push(body, JSON.stringify([...res.headers]));
  return { status: res.status, headers: res.headers, body };
}

/** Parses canonical SSE strictly: only `data: <json>\n\n` events and `: ping` comments. */
function canonical(body: string): Record<string, unknown>[] {
  const events = body.split('\n\n');
  expect(events.pop()).toBe('');
  const out: Record<string, unknown>[] = [];
  for (const e of events) {
    if (e.startsWith(': ')) continue;
    expect(e).toMatch(/^data: [^\n\r]*$/);
    out.push(JSON.parse(e.slice(6)) as Record<string, unknown>);
  }
  return out;
}

/** What the browser must get for a scenario: its chunks up to the first processing.end. */
function expected(name: string): unknown[] {
  const list = scenario(name);
  const end = list.findIndex((c) => c['type'] === 'processing.end');
  return list.slice(0, end + 1);
}

describe('relay against a foreign platform (real HTTP)', () => {
  let sender: string;
  beforeAll(async () => {
    sender = await newSender();
  });

  for (const framing of FRAMINGS) {
    for (const variant of ['', 'split', 'gzip split', 'bom length', 'split length']) {
      it(`framing ${framing} ${variant}: canonical SSE with identical chunks`, async () => {
        for (const scn of ['welcome', 'carousel', 'generation']) {
          const r = await send(sender, `scn:${scn} fr:${framing} ${variant}`);
          expect(r.status).toBe(200);
          expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
          expect(r.headers.get('content-encoding')).toBeNull();
          expect(canonical(r.body)).toEqual(expected(scn));
        }
      });
    }
  }

  const statusFaults: [string, number, string][] = [
    ['401', 502, 'upstream_auth'],
    ['403', 502, 'upstream_auth'],
    ['404', 502, 'upstream_not_found'],
    ['429', 503, 'upstream_rate_limited'],
    ['500', 502, 'upstream_unavailable'],
    ['502-html', 502, 'upstream_unavailable'],
    ['portal', 502, 'upstream_invalid'],
    ['hang', 504, 'upstream_timeout'],
  ];
  for (const [fault, status, code] of statusFaults) {
    it(`fault ${fault}: ${status} ${code}, fixed JSON shape`, async () => {
      const r = await send(sender, `fault:${fault}`);
      expect(r.status).toBe(status);
      expect(JSON.parse(r.body)).toEqual({ error: { code, message: expect.any(String) } });
      if (fault === '429') expect(r.headers.get('retry-after')).toBe('7');
    });
  }

  const streamFaults: [string, string][] = [
    ['stall', 'upstream_timeout'],
    ['reset', 'upstream_failed'],
    ['no-end', 'upstream_incomplete'],
  ];
  for (const [fault, code] of streamFaults) {
    for (const fr of fault === 'stall' ? ['ndjson split'] : ['sse', 'ndjson split', 'concat']) {
      it(`fault ${fault} (${fr}): in-stream error then processing.end`, async () => {
        const r = await send(sender, `fault:${fault} fr:${fr}`);
        expect(r.status).toBe(200);
        const chunks = canonical(r.body);
        expect(chunks[0]?.['type']).toBe('processing.start');
        expect(chunks.slice(-2)).toEqual([{ type: 'error', error: { code, message: expect.any(String) } }, { type: 'processing.end' }]);
      });
    }
  }

  for (const fr of ['sse', 'sse-crlf', 'ndjson', 'ndjson-text', 'concat', 'array']) {
    it(`invalid JSON line and a >1 MB line are skipped, the rest passes (${fr})`, async () => {
      const a = canonical((await send(sender, `fault:invalid-line scn:welcome fr:${fr} split`)).body);
      expect(a).toEqual(expected('welcome'));
      const b = canonical((await send(sender, `fault:huge-line scn:media fr:${fr}`)).body);
      expect(b).toEqual(expected('media'));
    });
  }

  it('duplicate processing.start passes through; chunks after processing.end are not forwarded', async () => {
    const dup = canonical((await send(sender, 'fault:dup-start fr:ndjson')).body);
    expect(dup.map((c) => c['type'])).toEqual(['processing.start', 'processing.start', 'text', 'processing.end']);
    const after = canonical((await send(sender, 'fault:after-end fr:sse-crlf')).body);
    expect(JSON.stringify(after)).not.toContain('GHOST');
    expect(after[after.length - 1]).toEqual({ type: 'processing.end' });
  });

  it('the upstream got the documented request (source, sender, data; PAT as a Bearer pat- header)', () => {
    const last = platform.requests[platform.requests.length - 1];
    expect(last?.authorized).toBe(true);
    expect(last?.path).toMatch(/\/chat\/acme-Proj_42\/send$/);
    expect(Object.keys(last?.body as object).sort()).toEqual(['data', 'sender', 'source']);
  });

  it('the PAT never appears in anything emitted or logged', () => {
    const all = emitted.join('\n') + logs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (let i = 0; i + 8 <= FOREIGN_PAT.length; i++) expect(all).not.toContain(FOREIGN_PAT.slice(i, i + 8));
  });
});

// ------------------------------------------------------------------ the demo in each engine

describe.each(engines)('demo in %s against the foreign platform', (engine) => {
  const browser = useEngineBrowser(engine);
  let page: E2EPage;

  beforeAll(async () => {
    page = await browser().newPage();
    await page.goto(`${relay.url}/index.html`);
    await page.locator(part('launcher')).click();
    await page.locator(part('panel')).waitFor({ state: 'visible' });
  });

  /** Waits until no answer is in flight. */
  async function settled() {
    await page.waitForFunction(
      () => {
        const r = document.querySelector('indigo-chat')?.shadowRoot;
        return !!r && !r.querySelector('[part~="typing"]') && !r.querySelector('[aria-busy="true"]');
      },
      undefined,
      { timeout: 15_000 },
    );
  }

  const lastBot = () => page.locator(part('message-bot')).last();

  async function say(text: string) {
    const before = await page.locator(part('message-bot')).count();
    await page.locator(part('input')).fill(text);
    await page.locator(part('input')).press('Enter');
    await page.locator(part('message-user'), { hasText: text }).last().waitFor();
    await expect.poll(() => page.locator(part('message-bot')).count(), { timeout: 15_000 }).toBeGreaterThan(before);
    await settled();
  }

  it('welcome: bubble, caption, quick replies with buttons and links (tel: normalised)', async () => {
    await page.locator(part('message-bot')).first().waitFor();
    await settled();
    const bot = page.locator(part('message-bot')).first();
    expect(await bot.locator(part('bubble', '')).first().textContent()).toContain('Benvenuto at Foreign');
    expect(await page.locator(part('caption')).first().textContent()).toContain('Replies in seconds');
    const qr = page.locator(part('quick-replies'));
    const labels = await qr.locator('[part~="button"]').allTextContents();
    expect(labels.map((s) => s.trim())).toEqual(expect.arrayContaining(['Show carousel', 'Numbered']));
    const hrefs = await qr.locator('a[part~="link"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain('tel:+390212345678');
    expect(hrefs).toContain('https://foreign-bot.example/help?x=1');
    // Unknown chunk types (typing, handover) render nothing.
    expect(await page.locator(part('transcript')).textContent()).not.toMatch(/handover|human/);
  });

  for (const fr of ['sse-crlf split', 'ndjson-text gzip', 'array bom']) {
    it(`carousel (${fr}): cards with images, titles, descriptions`, async () => {
      await say(`scn:carousel fr:${fr}`);
      const carousel = lastBot().locator('[part~="carousel"]');
      await carousel.waitFor();
      expect(await carousel.locator('[part~="card"]').count()).toBe(3);
      expect(await carousel.locator('[part~="card-title"]').allTextContents()).toEqual(['City', 'Gravel', 'Kids']);
      expect((await carousel.locator('[part~="card-description"]').allTextContents()).map((s) => s.trim())).toEqual([
        'For commuting',
        'Off road',
        'Small and light',
      ]);
      expect(await carousel.locator('[part~="card-image"]').count()).toBe(2);
    });
  }

  it('media: image and video', async () => {
    await say('scn:media fr:sse-pretty split');
    expect(await lastBot().locator('[part~="image"]').count()).toBeGreaterThan(0);
    const bots = page.locator(part('message-bot'));
    const n = await bots.count();
    // The clip's host is not reachable here: its player, or the link that replaces a player
    // that cannot play (video.ts), whichever the engine has got to.
    const clip = ':is(video[part~="video"][src*="assembly.mp4"], a.video-link[href*="assembly.mp4"])';
    let videos = 0;
    for (let i = Math.max(0, n - 2); i < n; i++) videos += await bots.nth(i).locator(clip).count();
    expect(videos).toBe(1);
  });

  for (const fr of ['sse-event-id split', 'concat gzip']) {
    it(`generation (${fr}): the final bubble is the exact sanitized final HTML, once`, async () => {
      const answers = async () => (await page.locator(part('bubble')).allTextContents()).filter((t) => t.includes('That is all')).length;
      const before = await answers();
      await say(`scn:generation fr:${fr}`);
      const html = await lastBot()
        .locator('[part~="bubble"]')
        .last()
        .evaluate((el) => {
          // Compare structure, not wrappers the streaming view may add around segments.
          const clone = el.cloneNode(true) as HTMLElement;
          for (const w of Array.from(clone.querySelectorAll('div, span:not([class])'))) w.replaceWith(...Array.from(w.childNodes));
          return clone.innerHTML.trim();
        });
      expect(html).toBe(GENERATION_HTML);
      // The trailing is_generated text replaced the streamed bubble instead of duplicating it.
      expect(await answers()).toBe(before + 1);
    });
  }

  it('a bad delta midway degrades to the raw text', async () => {
    await say('fault:bad-delta fr:ndjson split');
    await expect.poll(() => lastBot().textContent(), { timeout: 10_000 }).toContain(BAD_DELTA_RAW);
  });

  for (const fault of ['401', '429', '502-html', 'portal', 'reset fr:ndjson', 'no-end']) {
    it(`fault ${fault}: a notice with retry`, async () => {
      const text = `fault:${fault}`;
      const users = page.locator(part('message-user'), { hasText: text });
      const before = await users.count();
      await page.locator(part('input')).fill(text);
      await page.locator(part('input')).press('Enter');
      // Sending clears the previous notice in the same render that shows the message.
      await expect.poll(() => users.count()).toBe(before + 1);
      await page.locator(part('notice')).last().waitFor({ timeout: 15_000 });
      await page.locator(part('retry')).last().waitFor({ timeout: 15_000 });
      await settled();
    });
  }

  it('after faults the conversation still works and nothing already shown was lost', async () => {
    const before = await page.locator(part('message')).count();
    await say('scn:welcome fr:sse-nospace');
    expect(await page.locator(part('message')).count()).toBeGreaterThan(before);
    expect(await page.locator(part('notice')).count()).toBe(0);
    expect(await page.locator(part('carousel')).count()).toBe(3);
    expect((await page.errors()).filter((e) => !/Failed to load resource|ERR_|net::|NetworkError|Load failed/.test(e))).toEqual([]);
  });
});

// ------------------------------------------------------------------ the built core

describe('dist/core.js against the foreign corpora', () => {
  const dist = join(root, 'dist/core.js');
  it.runIf(existsSync(dist))('decodes every framing with random splits like the source build', async () => {
    const core = (await import(pathToFileURL(dist).href)) as typeof import('../../src/core/index.js');
    const { frameChunks } = await import('../fixtures/foreign-platform.js');
    for (const framing of FRAMINGS) {
      const chunks = scenario('generation');
      const bytes = new TextEncoder().encode(frameChunks(chunks, framing).join(''));
      const parts: Uint8Array[] = [];
      for (let i = 0, k = 1; i < bytes.length; i += k, k = (k * 7 + 3) % 23 || 1) parts.push(bytes.slice(i, i + k));
      const got: unknown[] = [];
      for await (const c of core.decodeChunks(
        (async function* () {
          yield* parts;
        })(),
      ))
        got.push(c);
      expect(got, framing).toEqual(chunks);
      let html = '';
      for (const c of chunks)
        if (c['type'] === 'generation.chunk') html = core.applyDeltas(html, (c['data'] as { deltas: unknown }).deltas);
      expect(html).toBe(GENERATION_HTML);
    }
  });
});
