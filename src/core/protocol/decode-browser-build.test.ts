// The script-tag widget's SSE-only decoder (decode.browser.ts, swapped in by
// scripts/browser-plugins.js) against the full one: the same output for every SSE framing
// and split, the same caps, abort and failure handling; non-SSE input reported, not decoded.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { decodeChunks as fullDecode, type DecodeOptions } from './decode.js';
import { decodeChunks as browserDecode } from './decode.browser.js';
import { encodeComment, encodeSSE } from './encode.js';
import type { DecodeError, WireChunk } from './types.js';
import { ENCODINGS, TRICKY_CHUNKS, prng, randomSplit, splitAt, streamOf } from './fixtures.test-helper.js';

const enc = new TextEncoder();
const bytesOf = (s: string): Uint8Array => enc.encode(s);

async function collect(
  decode: typeof browserDecode,
  body: ReadableStream<Uint8Array>,
  options: DecodeOptions = {},
): Promise<{ chunks: WireChunk[]; errors: DecodeError[] }> {
  const chunks: WireChunk[] = [];
  const errors: DecodeError[] = [];
  for await (const c of decode(body, { ...options, onError: (e) => errors.push(e) })) chunks.push(c);
  return { chunks, errors };
}

/** Both decoders over the same pieces: chunks and error codes must agree. */
async function both(pieces: readonly Uint8Array[], options: DecodeOptions = {}) {
  const full = await collect(fullDecode, streamOf(pieces), options);
  const browser = await collect(browserDecode, streamOf(pieces), options);
  expect(browser.chunks).toEqual(full.chunks);
  expect(browser.errors.map((e) => e.code)).toEqual(full.errors.map((e) => e.code));
  return browser;
}

describe('browser decoder: what the relay sends, decoded like the full decoder', () => {
  const expected = JSON.parse(JSON.stringify(TRICKY_CHUNKS)) as unknown[];
  for (const encoding of ENCODINGS.filter((e) => e.name.startsWith('SSE'))) {
    it(`${encoding.name}: one read, one byte per read, random splits`, async () => {
      const bytes = bytesOf(encoding.encode(TRICKY_CHUNKS));
      expect((await both([bytes])).chunks).toEqual(expected);
      expect((await both(Array.from(bytes, (b) => Uint8Array.of(b)))).chunks).toEqual(expected);
      const random = prng(11);
      for (let run = 0; run < 20; run++) expect((await both(randomSplit(bytes, random))).chunks).toEqual(expected);
    });
  }

  it('a CRLF split between two reads is one line end', async () => {
    const bytes = bytesOf('data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect((await both(splitAt(bytes, [cut]))).chunks).toEqual([{ a: 1 }, { b: 2 }]);
    }
  });

  it('a CRLF with an empty read between its CR and LF is still one line end (multi-line data kept)', async () => {
    const bytes = bytesOf('data: {"a":\r\ndata: 1}\r\n\r\ndata: {"b":2}\r\n\r\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const [head, tail] = splitAt(bytes, [cut]);
      const r = await both([head!, new Uint8Array(0), tail!]);
      expect(r.chunks).toEqual([{ a: 1 }, { b: 2 }]);
      expect(r.errors).toEqual([]);
    }
  });

  it('property: canonical SSE with pings, any chunks, any split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (chunks, cuts) => {
          const bytes = bytesOf(chunks.map((c, i) => (i % 3 === 0 ? encodeComment() : '') + encodeSSE(c)).join(''));
          const { chunks: got, errors } = await both(
            splitAt(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            ),
          );
          expect(errors).toEqual([]);
          expect(got).toEqual(JSON.parse(JSON.stringify(chunks)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('same caps: a line or an event over maxLineBytes (UTF-8 bytes) is dropped and reported', async () => {
    const big = `data: {"e":"${'😀'.repeat(60)}"}\n\n`; // 120 UTF-16 units, 240+ bytes
    const text = `data: {"a":1}\n\n${big}data: {"b":2}\n\n`;
    const r = await both([bytesOf(text)], { maxLineBytes: 200 });
    expect(r.chunks).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.errors.map((e) => e.code)).toEqual(['line-too-long']);
    expect((await both([bytesOf(text)], { maxLineBytes: 260 })).chunks).toHaveLength(3);
    const line = `data: ${'"' + 'y'.repeat(80) + '"'}\n`;
    const multi = await both([bytesOf(`data: {"a":1}\n\n${line.repeat(5)}\ndata: {"b":2}\n\n`)], { maxLineBytes: 200 });
    expect(multi.chunks).toEqual([{ a: 1 }, { b: 2 }]);
    const random = prng(3);
    for (let run = 0; run < 10; run++) await both(randomSplit(bytesOf(text), random), { maxLineBytes: 200 });
  });

  it('splits one read lazily: an event is parsed only when the consumer asks for it (time slicing covers the work)', async () => {
    const events = Array.from({ length: 50 }, (_, n) => `data: {"n":${n}}\n\n`).join('');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const it = browserDecode(streamOf([bytesOf(events)]))[Symbol.asyncIterator]();
      expect((await it.next()).value).toEqual({ n: 0 });
      expect(parse).toHaveBeenCalledTimes(1);
      expect((await it.next()).value).toEqual({ n: 1 });
      expect(parse).toHaveBeenCalledTimes(2);
      let n = 2;
      for (let r = await it.next(); !r.done; r = await it.next()) expect(r.value).toEqual({ n: n++ });
      expect(n).toBe(50);
      expect(parse).toHaveBeenCalledTimes(50);
    } finally {
      parse.mockRestore();
    }
  });

  it('caps count exact UTF-8 bytes at the boundary: a line or an event of exactly maxLineBytes passes, one more byte does not', async () => {
    // Mixed 1-, 2-, 3- and 4-byte characters, so a per-code-unit estimate is wrong both ways.
    const value = `{"t":"${'aé€😀'.repeat(20)}"}`; // 8 + 20 * (1 + 2 + 3 + 4) = 208 bytes
    const line = `data: ${value}`; // 214 bytes
    expect(bytesOf(line).byteLength).toBe(214);
    const random = prng(7);
    for (const [cap, passes] of [
      [214, true],
      [213, false],
    ] as const) {
      for (let run = 0; run < 8; run++) {
        const pieces =
          run === 0
            ? [
                bytesOf(`${line}

`),
              ]
            : randomSplit(
                bytesOf(`${line}

`),
                random,
              );
        expect((await both(pieces, { maxLineBytes: cap })).chunks).toHaveLength(passes ? 1 : 0);
      }
    }
    // One JSON object over two data lines: their values' bytes plus one per line
    // (208 + 1 + 207 + 1 = 417).
    const x = 'aé€😀'.repeat(20);
    const two = `data: {"t":"${x}",\ndata: "u":"${x}"}\n\n`;
    expect((await both([bytesOf(two)], { maxLineBytes: 417 })).chunks).toEqual([{ t: x, u: x }]);
    expect((await both([bytesOf(two)], { maxLineBytes: 416 })).errors.map((e) => e.code)).toEqual(['line-too-long']);
  });

  it('same total cap: keeps what fit, reports once, cancels the reader', async () => {
    let cancelled = false;
    const frame = bytesOf('data: {"n":1}\n\n'); // 15 bytes
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(frame),
      cancel: () => {
        cancelled = true;
      },
    });
    const { chunks, errors } = await collect(browserDecode, body, { maxTotalBytes: 100 });
    expect(chunks).toHaveLength(6); // 6 whole events in 100 bytes; the 7th is cut
    expect(errors.map((e) => e.code)).toEqual(['stream-too-large']);
    expect(cancelled).toBe(true);
  });

  it('a failing reader: what came first is delivered, then read-failed', async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ < 2) controller.enqueue(bytesOf(`data: {"n":${n}}\n\n`));
        else controller.error(new Error('connection reset'));
      },
    });
    const { chunks, errors } = await collect(browserDecode, body);
    expect(chunks).toEqual([{ n: 1 }, { n: 2 }]);
    expect(errors).toMatchObject([{ code: 'read-failed', message: expect.stringContaining('connection reset') }]);
  });

  it('abort: between chunks, during a pending read, before the start', async () => {
    let cancelled = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(bytesOf('data: {"a":1}\n\ndata: {"a":2}\n\n')),
        pull: () => new Promise<void>(() => undefined),
        cancel: () => {
          cancelled++;
        },
      });
    const ac = new AbortController();
    const seen: WireChunk[] = [];
    for await (const c of browserDecode(endless(), { signal: ac.signal })) {
      seen.push(c);
      ac.abort();
    }
    expect(seen).toEqual([{ a: 1 }]);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 5);
    expect(await collect(browserDecode, endless(), { signal: ac2.signal })).toEqual({ chunks: [{ a: 1 }, { a: 2 }], errors: [] });
    expect(cancelled).toBe(2);
    const untouched = endless();
    expect(await collect(browserDecode, untouched, { signal: AbortSignal.abort() })).toEqual({ chunks: [], errors: [] });
    expect(untouched.locked).toBe(false);
  });

  it('onRead: once per read that brought bytes, pings included (both decoders)', async () => {
    for (const decode of [browserDecode, fullDecode as typeof browserDecode]) {
      let reads = 0;
      const pieces = [bytesOf(encodeComment()), bytesOf('data: {"a"'), bytesOf(':1}\n\n'), bytesOf(encodeComment())];
      const { chunks } = await collect(decode, streamOf(pieces), { onRead: () => reads++ });
      expect(chunks).toEqual([{ a: 1 }]);
      expect(reads).toBe(4);
    }
  });

  it('a throwing onError handler does not break the loop', async () => {
    const chunks: WireChunk[] = [];
    const body = streamOf([bytesOf('data: nope\n\ndata: {"a":1}\n\n')]);
    for await (const c of browserDecode(body, {
      onError: () => {
        throw new Error('handler bug');
      },
    }))
      chunks.push(c);
    expect(chunks).toEqual([{ a: 1 }]);
  });
});

describe('browser decoder: what the relay never sends is reported, not decoded', () => {
  it('NDJSON, concatenated and array bodies, array and scalar events', async () => {
    for (const text of ['{"a":1}\n{"b":2}\n', '[{"a":1},{"b":2}]', 'data: [{"a":1}]\n\ndata: 3\n\n', 'data: {"a":1}{"b":2}\n\n']) {
      const { chunks, errors } = await collect(browserDecode, streamOf([bytesOf(text)]));
      expect(chunks, text).toEqual([]);
      expect(errors.length, text).toBeGreaterThan(0);
      for (const e of errors) expect(['invalid-json', 'not-an-object'], text).toContain(e.code);
    }
  });
});
