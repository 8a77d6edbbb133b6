import { afterEach, describe, expect, test, vi } from 'vitest';
import { marked } from 'marked';
import { applyDeltas } from '../core/delta/apply.js';
import type { DeltaUnit } from '../core/delta/types.js';
import type { Framing, WireChunk } from '../core/protocol/types.js';
import { createMockPlatform, scenarios, type MockPlatformOptions } from './index.js';
import { ANSWER_EN, ANSWER_IT } from './scenarios.js';
import { decodeAll, initBody, sendRequest } from './requests.test-helper.js';

const FRAMINGS: Framing[] = ['sse', 'ndjson', 'concatenated', 'array'];
const parse = (md: string): string => marked.parse(md, { async: false });

function platform(options: MockPlatformOptions = {}) {
  return createMockPlatform({ realtime: false, seed: 7, ...options });
}

async function converse(data: object, options: MockPlatformOptions = {}, url?: string): Promise<WireChunk[]> {
  const res = await platform(options).fetch(sendRequest({ sender: 's-1', source: 'web', data }, url ? { url } : {}));
  expect(res.status).toBe(200);
  const { chunks, errors } = await decodeAll(res.body);
  expect(errors).toEqual([]);
  return chunks;
}

const payload = (p: string): object => ({ type: 'payload', payload: p, label: p });
const types = (chunks: WireChunk[]): unknown[] => chunks.map((c) => c['type']);

/** The JSON "shape" of a value: key names and value kinds, recursively. */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map(shape);
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, shape(x)])
        .sort(),
    );
  return typeof v;
}

/** Rebuilds every generation's HTML from its deltas (the core applier, strict). */
function rebuild(chunks: WireChunk[], unit: DeltaUnit): Map<unknown, string> {
  const html = new Map<unknown, string>();
  for (const c of chunks) {
    const d = c['data'] as Record<string, unknown> | undefined;
    if (c['type'] === 'generation.start') html.set(d?.['generation_id'], '');
    if (c['type'] === 'generation.chunk') {
      const id = d?.['generation_id'];
      html.set(id, applyDeltas(html.get(id) ?? '', d?.['deltas'], { unit }));
    }
  }
  return html;
}

describe('routing, auth and validation', () => {
  test('401 JSON without or with a wrong PAT', async () => {
    const p = platform();
    for (const auth of [null, 'Bearer pat-nope', 'Bearer mock-pat', 'Basic pat-mock-pat']) {
      const res = await p.fetch(sendRequest(initBody, { auth }));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  test('a custom PAT and project token are honoured', async () => {
    const p = platform({ pat: 's3cret', projectToken: 'abcd-1234' });
    expect((await p.fetch(sendRequest(initBody, { token: 'abcd-1234', auth: 'Bearer pat-s3cret' }))).status).toBe(200);
    expect((await p.fetch(sendRequest(initBody, { token: 'abcd-1234' }))).status).toBe(401);
    expect(p.pat).toBe('s3cret');
    expect(p.projectToken).toBe('abcd-1234');
  });

  test('404 JSON for a wrong project token and unknown routes', async () => {
    const p = platform();
    const res = await p.fetch(sendRequest(initBody, { token: 'other-project' }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('project-not-found');
    expect((await p.fetch(new Request('http://mock.test/chat/demo-project/receive', { method: 'POST' }))).status).toBe(404);
    expect((await p.fetch(new Request('http://mock.test/'))).status).toBe(404);
    expect((await p.fetch(new Request('http://mock.test/chat/%E0%A4%A/send', { method: 'POST' }))).status).toBe(401);
  });

  test.each([
    ['not JSON', '{"sender":', 'invalid-json'],
    ['an array', [], 'invalid-body'],
    ['no sender', { source: 'web', data: { type: 'text', text: 'hi' } }, 'invalid-body'],
    ['numeric sender', { sender: 1, source: 'web', data: { type: 'text', text: 'hi' } }, 'invalid-body'],
    ['no source', { sender: 's', data: { type: 'text', text: 'hi' } }, 'invalid-body'],
    ['no data', { sender: 's', source: 'web' }, 'invalid-body'],
    ['the seed example without the wrapper', { type: 'payload', payload: 'init', label: 'START' }, 'invalid-body'],
    ['unknown data type', { sender: 's', source: 'web', data: { type: 'image' } }, 'invalid-body'],
    ['text without text', { sender: 's', source: 'web', data: { type: 'text' } }, 'invalid-body'],
    ['payload not a string', { sender: 's', source: 'web', data: { type: 'payload', payload: 3 } }, 'invalid-body'],
    ['label not a string', { sender: 's', source: 'web', data: { type: 'payload', payload: 'init', label: 3 } }, 'invalid-body'],
    ['profile not an object', { sender: 's', source: 'web', data: { type: 'profile', profile: 'x' } }, 'invalid-body'],
  ])('400 JSON for %s', async (_name, body, code) => {
    const res = await platform().fetch(sendRequest(body));
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(0);
  });

  test('GET on the send route is 405', async () => {
    const res = await platform().fetch(new Request('http://mock.test/chat/demo-project/send'));
    expect(res.status).toBe(405);
  });
});

describe('framings', () => {
  test.each(FRAMINGS)('%s: right content type, decodes, processing.start first and processing.end last', async (framing) => {
    const res = await platform({ framing }).fetch(sendRequest(initBody));
    expect(res.status).toBe(200);
    const expected = {
      sse: 'text/event-stream',
      ndjson: 'application/x-ndjson',
      concatenated: 'application/json',
      array: 'application/json',
    }[framing];
    expect(res.headers.get('content-type')).toContain(expected);
    const raw = await res.text();
    if (framing === 'sse') expect(raw.startsWith('data: {"type":"processing.start"}\n\n')).toBe(true);
    if (framing === 'array') expect(raw.startsWith('[') && raw.endsWith(']')).toBe(true);
    if (framing === 'concatenated') expect(raw).not.toContain('\n{');
    const { chunks, errors } = await decodeAll(new Response(raw).body);
    expect(errors).toEqual([]);
    expect(chunks[0]).toEqual({ type: 'processing.start' });
    expect(chunks.at(-1)).toEqual({ type: 'processing.end' });
    expect(chunks.filter((c) => c['type'] === 'button').length).toBeGreaterThanOrEqual(5);
  });

  test.each(FRAMINGS)('%s: a generated answer survives the framing intact', async (framing) => {
    const chunks = await converse(payload('llm'), { framing });
    expect([...rebuild(chunks, 'grapheme').values()]).toEqual([parse(ANSWER_EN)]);
  });
});

describe('scenarios', () => {
  test('every payload scenario: starts, ends, and every generation rebuilds to the final generated text', async () => {
    for (const key of Object.keys(scenarios.payloads)) {
      if (key === 'long' || key === 'medium') continue; // covered by generate.test.ts without the wire overhead
      const chunks = await converse(payload(key));
      expect(chunks[0]?.['type']).toBe('processing.start');
      expect(chunks.at(-1)?.['type']).toBe('processing.end');
      expect(types(chunks).filter((t) => t === 'processing.start' || t === 'processing.end')).toHaveLength(2);
      const generated = chunks.filter((c) => c['is_generated'] === true).map((c) => (c['data'] as { text: string }).text);
      expect([...rebuild(chunks, 'grapheme').values()]).toEqual(generated);
    }
  });

  test.each<DeltaUnit>(['grapheme', 'codepoint', 'utf16'])('deltas in %s rebuild the answer', async (deltaUnit) => {
    const chunks = await converse(payload('llm_it'), { deltaUnit });
    expect([...rebuild(chunks, deltaUnit).values()]).toEqual([parse(ANSWER_IT)]);
  });

  test('init: slate-p HTML with emoji, a caption, the five required quick replies and a link', async () => {
    const chunks = await converse(payload('init'));
    const texts = chunks.filter((c) => c['type'] === 'text');
    expect((texts[0]?.['data'] as { text: string }).text).toMatch(/^<p class="slate-p">.*👋/u);
    expect(texts.some((c) => (c['data'] as { is_caption: boolean }).is_caption)).toBe(true);
    const buttons = chunks.filter((c) => c['type'] === 'button').map((c) => c['data']);
    for (const [label, p] of [
      ['Show me an image', 'image'],
      ['Play a video', 'video'],
      ['Browse products', 'carousel'],
      ['Ask the AI', 'llm'],
      ['Call us', 'contact'],
    ]) {
      expect(buttons).toContainEqual({ label, payload: p });
    }
    expect(
      chunks.some((c) => (c['type'] === 'link' || c['type'] === 'url') && (c['data'] as { url: string }).url === 'https://indigo.ai'),
    ).toBe(true);
  });

  test('video: a YouTube link and a file video with alt', async () => {
    const videos = (await converse(payload('video')))
      .filter((c) => c['type'] === 'video')
      .map((c) => c['data'] as { src: string; alt: string });
    expect(videos.some((v) => /^https:\/\/www\.youtube\.com\/watch\?v=/.test(v.src))).toBe(true);
    expect(videos.some((v) => v.src === 'http://mock.test/media/sample.mp4' && v.alt !== '')).toBe(true);
  });

  test('contact: tel with the seed space, mailto and https; both link type spellings occur', async () => {
    const links = (await converse(payload('contact'))).filter((c) => c['type'] === 'link' || c['type'] === 'url');
    const urls = links.map((c) => (c['data'] as { url: string }).url);
    expect(urls).toContain('tel: +39 02 1234 5678');
    expect(urls.some((u) => u.startsWith('mailto:'))).toBe(true);
    expect(urls.some((u) => u.startsWith('https://'))).toBe(true);
    expect(new Set(types(links))).toEqual(new Set(['link', 'url']));
  });

  test('carousel: 4–5 cards, card_index 1..n, ids where the seed puts them, all three image forms', async () => {
    const chunks = await converse(payload('carousel'));
    const start = chunks.find((c) => c['type'] === 'carousel.start');
    const id = (start?.['data'] as { carousel_id: unknown }).carousel_id;
    expect(typeof id).toBe('number');
    expect(chunks.find((c) => c['type'] === 'carousel.end')?.['data']).toEqual({ carousel_id: id });
    const cards = chunks.filter((c) => c['type'] === 'carousel.card.start');
    expect(cards.length).toBeGreaterThanOrEqual(4);
    expect(cards.length).toBeLessThanOrEqual(5);
    expect(cards.map((c) => c['card_index'])).toEqual(cards.map((_, i) => i + 1));
    for (const c of chunks.filter((c) => String(c['type']).startsWith('carousel.card.'))) expect(c['carousel_id']).toBe(id);
    const images = cards.map((c) => (c['data'] as { image: unknown }).image);
    expect(images).toContain(null);
    expect(images.some((i) => typeof i === 'string')).toBe(true);
    expect(images.some((i) => typeof i === 'object' && i !== null && 'src' in i && 'alt' in i)).toBe(true);
    for (let n = 1; n <= cards.length; n++) {
      const own = chunks.filter((c) => c['card_index'] === n).map((c) => c['type']);
      expect(own[0]).toBe('carousel.card.start');
      expect(own.at(-1)).toBe('carousel.card.end');
      expect(own).toContain('carousel.card.button');
      expect(own).toContain('carousel.card.link');
    }
  });

  test('free text: Italian gets an Italian answer, English an English one; seeded choice is deterministic', async () => {
    const answer = async (text: string, seed: number): Promise<string> => {
      const chunks = await converse({ type: 'text', text }, { seed });
      return (chunks.find((c) => c['is_generated'] === true)?.['data'] as { text: string }).text;
    };
    expect(await answer('Ciao, come posso tracciare il mio ordine?', 1)).toMatch(/Benvenuto|Bella domanda/);
    expect(await answer('Hi, how can I track my order?', 1)).toMatch(/Getting started|Good question/);
    for (const seed of [1, 2, 3]) expect(await answer('What is this?', seed)).toBe(await answer('What is this?', seed));
  });

  test('unknown payload and profile: answered, framed, never an error', async () => {
    const unknown = await converse(payload('no-such-thing'));
    expect(types(unknown)).toContain('text');
    expect(types(await converse({ type: 'profile', profile: { name: 'Ada' } }))).toEqual(['processing.start', 'processing.end']);
  });
});

describe('wire shapes match the seed examples', () => {
  // The seed's example objects (the Chat API page), with its documented defects fixed (docs/protocol.md).
  const seed = {
    text: { type: 'text', data: { is_caption: false, text: '<p class="slate-p">Hi 👋</p>' }, is_generated: false },
    image: { type: 'image', data: { alt: 'An alt text', src: 'https://platform.indigo.ai/image_1.jpg' } },
    button: { type: 'button', data: { label: 'Click here', payload: 'target_answer_label' } },
    link: { type: 'link', data: { label: 'Visit our website', url: 'https://indigo.ai' } },
    'generation.start': { type: 'generation.start', data: { generation_id: 1234 } },
    'generation.chunk': {
      type: 'generation.chunk',
      data: {
        chunk: '!',
        deltas: [
          { command: 'mov', value: 90 },
          { command: 'ins', value: '!' },
        ],
        generation_id: 1271,
      },
    },
    'generation.end': { type: 'generation.end', data: { generation_id: 1234 } },
    'carousel.start': { type: 'carousel.start', data: { carousel_id: 1234 } },
    'carousel.end': { type: 'carousel.end', data: { carousel_id: 1234 } },
    'carousel.card.end': { type: 'carousel.card.end', card_index: 1, carousel_id: 1234 },
    'carousel.card.button': {
      type: 'carousel.card.button',
      card_index: 1,
      carousel_id: 1234,
      data: { label: 'Button Label', payload: 'x' },
    },
    'carousel.card.link': {
      type: 'carousel.card.link',
      card_index: 1,
      carousel_id: 1234,
      data: { label: 'Visit', url: 'https://indigo.ai' },
    },
  } as const;

  test('each chunk type has the seed example shape', async () => {
    const all = [
      ...(await converse(payload('init'))),
      ...(await converse(payload('image'))),
      ...(await converse(payload('carousel'))),
      ...(await converse(payload('llm'))),
    ];
    for (const [type, example] of Object.entries(seed)) {
      // For generation.chunk, one like the seed's example: a `mov` then an `ins`.
      const mine = all.find(
        (c) =>
          c['type'] === type &&
          (type !== 'generation.chunk' ||
            (JSON.stringify(c).includes('"deltas":[{"command":"mov","value":') &&
              (c['data'] as { deltas: unknown[] }).deltas.length === 2)),
      );
      expect(mine, type).toBeDefined();
      expect(shape(mine), type).toEqual(shape(example));
    }
    // card.start: the seed's example has image null; other cards carry a string or {src, alt}.
    const card = all.find((c) => c['type'] === 'carousel.card.start' && (c['data'] as { image: unknown }).image === null);
    expect(shape(card)).toEqual(
      shape({ type: 'carousel.card.start', card_index: 1, carousel_id: 1, data: { description: 'A card', image: null, title: 'Card 1' } }),
    );
    // After the generation, the platform repeats the answer as a generated text block.
    const gen = all.find((c) => c['type'] === 'text' && c['is_generated'] === true);
    expect(shape(gen)).toEqual(shape(seed.text));
  });
});

describe('media', () => {
  test('scenario media URLs follow the mount prefix and are served as SVG with cache headers', async () => {
    const p = platform();
    const res = await p.fetch(
      sendRequest(
        { sender: 's', source: 'web', data: payload('image') },
        { url: 'http://127.0.0.1:9/mock-platform/chat/demo-project/send' },
      ),
    );
    const { chunks } = await decodeAll(res.body);
    const src = (chunks.find((c) => c['type'] === 'image')?.['data'] as { src: string }).src;
    expect(src).toBe('http://127.0.0.1:9/mock-platform/media/assistant.svg');
    const img = await p.fetch(new Request(src));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(img.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await img.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^]*<\/svg>$/);
    expect((await p.fetch(new Request('http://x/media/nope.svg'))).status).toBe(404);
    expect((await p.fetch(new Request('http://x/media/sample.mp4.svg'))).status).toBe(404);
  });

  test('the sample video is an MP4 served whole or by byte range', async () => {
    const p = platform();
    const whole = await p.fetch(new Request('http://x/media/sample.mp4'));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(Number(whole.headers.get('content-length'))).toBe(bytes.length);
    // An ISO BMFF file: its first box is `ftyp`, and the index (`moov`) comes before the media.
    expect(new TextDecoder().decode(bytes.slice(4, 8))).toBe('ftyp');
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text.indexOf('moov')).toBeGreaterThan(0);
    expect(text.indexOf('moov')).toBeLessThan(text.indexOf('mdat'));
    const range = (r: string) => p.fetch(new Request('http://x/media/sample.mp4', { headers: { range: r } }));
    const part = await range('bytes=4-7');
    expect([part.status, part.headers.get('content-range'), new TextDecoder().decode(await part.arrayBuffer())]).toEqual([
      206,
      `bytes 4-7/${bytes.length}`,
      'ftyp',
    ]);
    const tail = await range('bytes=-10');
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-10));
    const open = await range(`bytes=${bytes.length - 3}-`);
    expect(open.headers.get('content-range')).toBe(`bytes ${bytes.length - 3}-${bytes.length - 1}/${bytes.length}`);
    const past = await range(`bytes=${bytes.length}-`);
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${bytes.length}`]);
    // Not one single range: the whole file.
    expect((await range('bytes=0-1,4-5')).status).toBe(200);
    const head = await p.fetch(new Request('http://x/media/sample.mp4', { method: 'HEAD' }));
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  test('mediaBase option wins', async () => {
    const chunks = await converse(payload('carousel'), { mediaBase: 'https://cdn.example/m/' });
    const images = chunks.filter((c) => c['type'] === 'carousel.card.start').map((c) => (c['data'] as { image: unknown }).image);
    expect(images).toContain('https://cdn.example/m/mug.svg');
  });
});

describe('faults', () => {
  async function readUntilQuiet(
    body: ReadableStream<Uint8Array>,
  ): Promise<{ text: string; closed: boolean; reader: ReadableStreamDefaultReader<Uint8Array> }> {
    const reader = body.getReader();
    const dec = new TextDecoder();
    let text = '';
    for (;;) {
      // A stalled stream never answers; a macrotask later means "nothing more is coming".
      const r = await Promise.race([reader.read(), new Promise<'quiet'>((res) => setTimeout(() => res('quiet'), 100))]);
      if (r === 'quiet') return { text, closed: false, reader };
      if (r.done) return { text, closed: true, reader };
      text += dec.decode(r.value, { stream: true });
    }
  }

  test.each(FRAMINGS)('stall (%s): exactly n chunks, then the connection stays open until cancelled', async (framing) => {
    const res = await platform({ framing, fault: { kind: 'stall', afterChunks: 3 } }).fetch(sendRequest(initBody));
    const { text, closed, reader } = await readUntilQuiet(res.body!);
    expect(closed).toBe(false);
    await reader.cancel();
    const { chunks } = await decodeAll(new Response(text).body);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toEqual({ type: 'processing.start' });
  });

  test('cut: the body errors after n chunks', async () => {
    const res = await platform({ fault: { kind: 'cut', afterChunks: 4 } }).fetch(sendRequest(initBody));
    const reader = res.body!.getReader();
    let text = '';
    const dec = new TextDecoder();
    await expect(
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          text += dec.decode(r.value, { stream: true });
        }
      })(),
    ).rejects.toThrow(/reset/);
    expect((await decodeAll(new Response(text).body)).chunks).toHaveLength(4);
  });

  test.each(FRAMINGS)('invalid-line (%s): one malformed frame before chunk n, everything else intact', async (framing) => {
    const clean = await (await platform({ framing }).fetch(sendRequest(initBody))).text();
    const res = await platform({ framing, fault: { kind: 'invalid-line', atChunk: 2 } }).fetch(sendRequest(initBody));
    const { chunks, errors } = await decodeAll(res.body);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('invalid-json');
    expect(chunks).toEqual((await decodeAll(new Response(clean).body)).chunks);
  });

  test.each(FRAMINGS)('no-end (%s): the stream ends without processing.end', async (framing) => {
    const res = await platform({ framing, fault: { kind: 'no-end' } }).fetch(sendRequest(initBody));
    const { chunks, errors } = await decodeAll(res.body);
    expect(errors).toEqual([]);
    expect(chunks[0]).toEqual({ type: 'processing.start' });
    expect(types(chunks)).not.toContain('processing.end');
    expect(chunks.at(-1)?.['type']).toBe('link');
  });

  test.each([429, 500, 502, 503])('status %i: that status and a JSON error body', async (status) => {
    const res = await platform({ fault: { kind: 'status', status } }).fetch(sendRequest(initBody));
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(`mock-status-${status}`);
  });

  test('html: a 200 text/html captive portal', async () => {
    const res = await platform({ fault: { kind: 'html' } }).fetch(sendRequest(initBody));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<!doctype html>/i);
  });

  test('a fault function sees the body and can fault one message only', async () => {
    const seen: unknown[] = [];
    const p = platform({
      fault: (body) => {
        seen.push(body);
        return (body.data as { type: string }).type === 'text' ? { kind: 'status', status: 503 } : undefined;
      },
    });
    expect((await p.fetch(sendRequest(initBody))).status).toBe(200);
    expect((await p.fetch(sendRequest({ sender: 's', source: 'web', data: { type: 'text', text: 'hi' } }))).status).toBe(503);
    expect(seen[0]).toEqual(initBody);
  });
});

describe('timing', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('deterministic mode sets no timers at all', async () => {
    vi.useFakeTimers();
    const res = await platform({ realtime: false }).fetch(sendRequest({ sender: 's', source: 'web', data: payload('llm') }));
    const reader = res.body!.getReader();
    let reads = 0;
    for (;;) {
      const r = await reader.read();
      expect(vi.getTimerCount()).toBe(0);
      if (r.done) break;
      reads++;
    }
    expect(reads).toBeGreaterThan(100);
  });

  test('realtime mode waits on timers; cancelling the body clears them', async () => {
    vi.useFakeTimers();
    const res = await createMockPlatform({ seed: 1 }).fetch(sendRequest(initBody));
    const reader = res.body!.getReader();
    const first = await reader.read(); // processing.start goes out at once
    expect(new TextDecoder().decode(first.value)).toContain('processing.start');
    const next = reader.read();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1); // "thinking" before the first content chunk
    await vi.advanceTimersByTimeAsync(1000);
    expect(new TextDecoder().decode((await next).value)).toContain('"type":"text"');
    void reader.read();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await reader.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a stalled stream holds no timer, and cancel releases it', async () => {
    vi.useFakeTimers();
    const res = await createMockPlatform({ seed: 1, fault: { kind: 'stall', afterChunks: 1 } }).fetch(sendRequest(initBody));
    const reader = res.body!.getReader();
    await reader.read();
    const pending = reader.read();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
    await reader.cancel();
    expect((await pending).done).toBe(true);
  });
});
