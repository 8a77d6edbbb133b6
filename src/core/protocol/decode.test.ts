import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeChunks, detectFraming, FrameDecoder, type DecodeOptions } from './decode.js';
import { encodeArrayEnd, encodeComment, encodeFrame, encodeSSE } from './encode.js';
import type { DecodeError, Framing, WireChunk } from './types.js';
import { ENCODINGS, TRICKY_CHUNKS, iterableOf, prng, randomSplit, splitAt, streamOf } from './fixtures.test-helper.js';

const enc = new TextEncoder();
const bytesOf = (s: string): Uint8Array => enc.encode(s);
/** What the decoder must yield for `chunks`: their JSON round trip (so -0 becomes 0, etc.). */
const roundTrip = (chunks: readonly object[]): unknown[] => chunks.map((c) => JSON.parse(JSON.stringify(c)));

async function collect(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): Promise<{ chunks: WireChunk[]; errors: DecodeError[] }> {
  const chunks: WireChunk[] = [];
  const errors: DecodeError[] = [];
  for await (const c of decodeChunks(body, { ...options, onError: (e) => errors.push(e) })) chunks.push(c);
  return { chunks, errors };
}

const decodeString = (text: string, options: DecodeOptions = {}) => collect(streamOf([bytesOf(text)]), options);

describe('detectFraming', () => {
  it('maps the first character to a framing', () => {
    expect(detectFraming('[')).toBe('array');
    expect(detectFraming('{')).toBe('ndjson');
    expect(detectFraming('\uFEFF{')).toBe('ndjson');
    for (const c of ['d', ':', 'e', 'i', 'r']) expect(detectFraming(c)).toBe('sse');
  });
});

describe('decodeChunks: every framing, every split', () => {
  const expected = roundTrip(TRICKY_CHUNKS);

  for (const encoding of ENCODINGS) {
    describe(encoding.name, () => {
      const bytes = bytesOf(encoding.encode(TRICKY_CHUNKS));

      it('decodes in one read', async () => {
        const { chunks, errors } = await collect(streamOf([bytes]));
        expect(errors).toEqual([]);
        expect(chunks).toEqual(expected);
      });

      it('decodes one byte per read (async iterable)', async () => {
        const pieces = Array.from(bytes, (b) => Uint8Array.of(b));
        const { chunks, errors } = await collect(iterableOf(pieces));
        expect(errors).toEqual([]);
        expect(chunks).toEqual(expected);
      });

      it('decodes under 60 seeded random splits, from a ReadableStream and an async iterable', async () => {
        const random = prng(0xc0ffee ^ encoding.name.length);
        for (let run = 0; run < 60; run++) {
          const pieces = randomSplit(bytes, random, run % 2 ? 400 : 12);
          const source = run % 3 === 0 ? iterableOf(pieces) : streamOf(pieces);
          const { chunks, errors } = await collect(source);
          expect(errors).toEqual([]);
          expect(chunks).toEqual(expected);
        }
      });
    });
  }

  it('splits inside every multi-byte character, CRLF and data: prefix of a small SSE stream', async () => {
    const text = 'data: {"t":"é👩‍👧中"}\r\n\r\n: c\r\ndata:{"u":"\u2028"}\r\n\r\n';
    const bytes = bytesOf(text);
    // Every single cut point and every pair of cut points.
    for (let a = 1; a < bytes.length; a++) {
      for (let b = a; b < bytes.length; b += 3) {
        const { chunks, errors } = await collect(streamOf(splitAt(bytes, [a, b])));
        expect(errors).toEqual([]);
        expect(chunks).toEqual([{ t: 'é👩‍👧中' }, { u: '\u2028' }]);
      }
    }
  });

  it('round-trips arbitrary JSON objects in every framing under arbitrary splits (fast-check)', async () => {
    const objects = fc.array(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        objects,
        fc.constantFrom(...ENCODINGS),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        async (objs, encoding, cuts, useIterable) => {
          const bytes = bytesOf(encoding.encode(objs));
          const pieces = splitAt(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          const { chunks, errors } = await collect(useIterable ? iterableOf(pieces) : streamOf(pieces));
          expect(errors).toEqual([]);
          expect(chunks).toEqual(roundTrip(objs));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('decodes what encode.ts emits, in each of its framings', async () => {
    const framings: Framing[] = ['sse', 'ndjson', 'concatenated', 'array'];
    for (const framing of framings) {
      let text = framing === 'sse' ? encodeComment('hello') : '';
      TRICKY_CHUNKS.forEach((c, i) => (text += encodeFrame(c, framing, i)));
      if (framing === 'array') text += encodeArrayEnd(TRICKY_CHUNKS.length);
      const { chunks, errors } = await decodeString(text);
      expect(errors, framing).toEqual([]);
      expect(chunks, framing).toEqual(roundTrip(TRICKY_CHUNKS));
    }
    expect((await decodeString(encodeArrayEnd(0))).chunks).toEqual([]);
    expect((await decodeString(encodeSSE({ a: 1 }))).chunks).toEqual([{ a: 1 }]);
  });

  it('streams array elements before the array is closed', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    async function* body(): AsyncGenerator<Uint8Array> {
      yield bytesOf('[{"a":1},{"b":');
      yield bytesOf('2},');
      await gate; // the rest never comes until the test has seen both elements
      yield bytesOf('{"c":3}]');
    }
    const seen: WireChunk[] = [];
    for await (const c of decodeChunks(body())) {
      seen.push(c);
      if (seen.length === 2) {
        expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
        release();
      }
    }
    expect(seen).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('yields nothing for an empty or whitespace-only body', async () => {
    expect(await decodeString('')).toEqual({ chunks: [], errors: [] });
    expect(await decodeString(' \r\n\t\n')).toEqual({ chunks: [], errors: [] });
    expect(await collect(iterableOf([]))).toEqual({ chunks: [], errors: [] });
  });

  it('yields the objects of an SSE payload that is a JSON array, or several objects', async () => {
    const { chunks, errors } = await decodeString('data: [{"a":1},{"b":2}]\n\ndata: {"c":3}\ndata: {"d":4}\n\ndata: {"e":5}{"f":6}\n\n');
    expect(errors).toEqual([]);
    expect(chunks).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }, { d: 4 }, { e: 5 }, { f: 6 }]);
  });

  it('ignores an SSE data field without a colon and empty data events', async () => {
    const { chunks, errors } = await decodeString('data\n\ndata:\n\ndata: \n\nevent: x\n\ndata: {"a":1}\n\n');
    expect(errors).toEqual([]);
    expect(chunks).toEqual([{ a: 1 }]);
  });
});

describe('decodeChunks: faults', () => {
  it('skips and reports only an invalid NDJSON line', async () => {
    const { chunks, errors } = await decodeString('{"a":1}\n{"b": nope}\n{"c":3}\nnot json at all\n{"d":4}\n');
    expect(chunks).toEqual([{ a: 1 }, { c: 3 }, { d: 4 }]);
    expect(errors.map((e) => e.code)).toEqual(['invalid-json', 'invalid-json']);
    expect(errors[0]?.sample).toBe('{"b": nope}');
    expect(errors[1]?.sample).toBe('not json at all');
  });

  it('recovers NDJSON whose first line is junk (detected as SSE)', async () => {
    const { chunks, errors } = await decodeString('not json\n{"a":1}\n[{"b":2}]\r\n{"c":\n{"d":4}\n');
    expect(chunks).toEqual([{ a: 1 }, { b: 2 }, { d: 4 }]);
    expect(errors.map((e) => e.code)).toEqual(['invalid-json', 'invalid-json']);
    expect(errors[0]?.sample).toBe('not json');
    // Spec-shaped unknown fields stay silent.
    expect(await decodeString('x-custom: 1\nevent: a\ndata: {"a":1}\n\n')).toEqual({ chunks: [{ a: 1 }], errors: [] });
  });

  it('skips and reports only an invalid SSE event', async () => {
    const { chunks, errors } = await decodeString('data: {"a":1}\n\ndata: {"b": nope}\n\ndata: hello\n\ndata: {"c":3}\n\n');
    expect(chunks).toEqual([{ a: 1 }, { c: 3 }]);
    expect(errors.map((e) => e.code)).toEqual(['invalid-json', 'invalid-json']);
  });

  it('resyncs after a line cut short, unterminated string or stray closer in NDJSON', async () => {
    const text = ['{"a":1', '{"b":2}', '{"c":"never closed', '{"d":4}', '{"e":5}}', '{"f":6,', '{"g":7}', '{"h":[1,2}', '{"i":9}'].join(
      '\n',
    );
    const { chunks, errors } = await decodeString(text);
    expect(chunks).toEqual([{ b: 2 }, { d: 4 }, { e: 5 }, { g: 7 }, { i: 9 }]);
    expect(errors.every((e) => e.code === 'invalid-json')).toBe(true);
    expect(errors).toHaveLength(5);
  });

  it('resyncs in a JSON array after a bad element', async () => {
    const { chunks, errors } = await decodeString('[{"a":1}, {"b": x}, 7, {"c":3}]');
    expect(chunks).toEqual([{ a: 1 }, { c: 3 }]);
    expect(errors.map((e) => e.code)).toEqual(['invalid-json', 'not-an-object']);
  });

  it('reports non-object values and skips them', async () => {
    const ndjson = await decodeString('{"a":1}\n42\n"str"\nnull\ntrue\n[1]\n{"b":2}\n');
    expect(ndjson.chunks).toEqual([{ a: 1 }, { b: 2 }]);
    expect(ndjson.errors.map((e) => e.code)).toEqual(Array(5).fill('not-an-object'));
    const sse = await decodeString('data: 42\n\ndata: "x"\n\ndata: null\n\ndata: [1, {"a":1}]\n\n');
    expect(sse.chunks).toEqual([{ a: 1 }]);
    expect(sse.errors.map((e) => e.code)).toEqual(Array(4).fill('not-an-object'));
  });

  it('reports a truncated final object in every framing', async () => {
    for (const text of ['{"a":1}\n{"b":"tru', 'data: {"a":1}\n\ndata: {"b":"tru', '[{"a":1},{"b":"tru', '{"a":1}{"b":{"c":']) {
      const { chunks, errors } = await decodeString(text);
      expect(chunks, text).toEqual([{ a: 1 }]);
      expect(
        errors.map((e) => e.code),
        text,
      ).toEqual(['invalid-json']);
      expect(errors[0]?.sample, text).toContain('{"b":');
    }
  });

  it('skips a frame over maxLineBytes and delivers the rest, in every framing', async () => {
    const big = { type: 'text', data: { text: 'x'.repeat(300) } };
    const small = [{ a: 1 }, big, { b: 2 }];
    for (const encoding of ENCODINGS) {
      const bytes = bytesOf(encoding.encode(small));
      const random = prng(7);
      for (let run = 0; run < 5; run++) {
        const { chunks, errors } = await collect(streamOf(randomSplit(bytes, random, 30)), { maxLineBytes: 200 });
        expect(chunks, encoding.name).toEqual([{ a: 1 }, { b: 2 }]);
        expect(
          errors.map((e) => e.code),
          encoding.name,
        ).toEqual(['line-too-long']);
      }
    }
  });

  it('counts the line cap in UTF-8 bytes, not characters', async () => {
    // 60 four-byte emoji: 120 UTF-16 units, 240 bytes.
    const text = `{"a":1}\n{"e":"${'😀'.repeat(60)}"}\n{"b":2}\n`;
    const capped = await decodeString(text, { maxLineBytes: 200 });
    expect(capped.chunks).toEqual([{ a: 1 }, { b: 2 }]);
    expect(capped.errors.map((e) => e.code)).toEqual(['line-too-long']);
    const fits = await decodeString(text, { maxLineBytes: 260 });
    expect(fits.chunks).toHaveLength(3);
  });

  it('applies the default 1 MB line cap', async () => {
    const over = `data: {"t":"${'a'.repeat(1_000_000)}"}\n\ndata: {"ok":1}\n\n`;
    const r1 = await decodeString(over, { maxTotalBytes: 5_000_000 });
    expect(r1.chunks).toEqual([{ ok: 1 }]);
    expect(r1.errors.map((e) => e.code)).toEqual(['line-too-long']);
    const under = `{"t":"${'a'.repeat(999_000)}"}\n{"ok":1}\n`;
    const r2 = await decodeString(under, { maxTotalBytes: 5_000_000 });
    expect(r2.chunks).toHaveLength(2);
    expect(r2.errors).toEqual([]);
  });

  it('drops a whole SSE event whose data lines add up past the cap', async () => {
    const line = `data: ${'"' + 'y'.repeat(80) + '"'}\n`;
    const { chunks, errors } = await decodeString(`data: {"a":1}\n\n${line.repeat(5)}\ndata: {"b":2}\n\n`, { maxLineBytes: 200 });
    expect(chunks).toEqual([{ a: 1 }, { b: 2 }]);
    expect(errors.map((e) => e.code)).toEqual(['line-too-long']);
  });

  it('stops at maxTotalBytes: reports once, cancels the reader, keeps what fit', async () => {
    let pulls = 0;
    let cancelled = false;
    const frame = bytesOf('{"n":1}\n'); // 8 bytes
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(frame); // endless
      },
      cancel() {
        cancelled = true;
      },
    });
    const { chunks, errors } = await collect(body, { maxTotalBytes: 100 });
    expect(errors.map((e) => e.code)).toEqual(['stream-too-large']);
    expect(chunks).toHaveLength(12); // 12 whole frames in 100 bytes; the 13th is cut
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(20);
  });

  it('uses the 2 MB total cap by default', async () => {
    const line = bytesOf(`{"t":"${'z'.repeat(99_990)}"}\n`); // 100,000 bytes
    const pieces = Array.from({ length: 25 }, () => line);
    const { chunks, errors } = await collect(iterableOf(pieces));
    expect(chunks).toHaveLength(20);
    expect(errors.map((e) => e.code)).toEqual(['stream-too-large']);
  });

  it('lets a larger reply through when the relay raises the total cap to 5 MB', async () => {
    const line = bytesOf(`data: {"t":"${'z'.repeat(99_982)}"}\n\n`); // 100,000 bytes
    const pieces = Array.from({ length: 45 }, () => line);
    const { chunks, errors } = await collect(streamOf(pieces), { maxTotalBytes: 5_000_000 });
    expect(errors).toEqual([]);
    expect(chunks).toHaveLength(45);
  });

  it('reports a reader that fails mid-way, after delivering what came before, without throwing', async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ < 2) controller.enqueue(bytesOf(`data: {"n":${n}}\n\n`));
        else controller.error(new Error('connection reset'));
      },
    });
    const { chunks, errors } = await collect(body);
    expect(chunks).toEqual([{ n: 1 }, { n: 2 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('read-failed');
    expect(errors[0]?.message).toContain('connection reset');

    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytesOf('{"a":1}\n{"b":');
      throw new Error('boom');
    }
    const r2 = await collect(failing());
    expect(r2.chunks).toEqual([{ a: 1 }]);
    expect(r2.errors.map((e) => e.code)).toEqual(['read-failed']);
  });

  it('reports a body that is not a stream, or a locked stream', async () => {
    const r1 = await collect(42 as unknown as AsyncIterable<Uint8Array>);
    expect(r1.errors.map((e) => e.code)).toEqual(['read-failed']);
    const locked = streamOf([bytesOf('{"a":1}')]);
    locked.getReader();
    const r2 = await collect(locked);
    expect(r2).toMatchObject({ chunks: [], errors: [{ code: 'read-failed' }] });
  });

  it('returns quietly when aborted between chunks, and cancels the reader', async () => {
    let cancelled = false;
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytesOf(`{"n":${n++}}`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const ac = new AbortController();
    const seen: WireChunk[] = [];
    const errors: DecodeError[] = [];
    for await (const c of decodeChunks(body, { signal: ac.signal, onError: (e) => errors.push(e) })) {
      seen.push(c);
      if (seen.length === 3) ac.abort();
    }
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(errors).toEqual([]);
    expect(cancelled).toBe(true);
  });

  it('returns when aborted while a read is pending forever', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytesOf('data: {"a":1}\n\n'));
      },
      pull() {
        return new Promise<void>(() => undefined); // never delivers
      },
      cancel() {
        cancelled = true;
      },
    });
    const ac = new AbortController();
    const seen: WireChunk[] = [];
    const done = (async () => {
      for await (const c of decodeChunks(body, { signal: ac.signal })) seen.push(c);
    })();
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    expect(seen).toEqual([{ a: 1 }]);
    expect(cancelled).toBe(true);

    const pending: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => undefined) }),
    };
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 5);
    expect(await collect(pending, { signal: ac2.signal })).toEqual({ chunks: [], errors: [] });
  });

  it('reads nothing when the signal is already aborted', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(bytesOf('{"a":1}'));
      },
    });
    const { chunks } = await collect(body, { signal: AbortSignal.abort() });
    expect(chunks).toEqual([]);
    expect(body.locked).toBe(false);
    expect(pulls).toBeLessThanOrEqual(1); // the stream may pre-pull once on its own
  });

  it('cancels the reader when the consumer stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytesOf('{"a":1}\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    // eslint-disable-next-line no-unreachable-loop -- a `break` after one chunk is the early stop under test
    for await (const c of decodeChunks(body)) {
      expect(c).toEqual({ a: 1 });
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('survives an onError handler that throws', async () => {
    const chunks: WireChunk[] = [];
    const onError = (): void => {
      throw new Error('handler bug');
    };
    for await (const c of decodeChunks(streamOf([bytesOf('{"a":1}\nbad\n{"b":2}')]), { onError })) chunks.push(c);
    expect(chunks).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('decodes invalid UTF-8 as replacement characters without losing frames', async () => {
    const bad = Uint8Array.of(...bytesOf('{"a":"'), 0xff, 0xfe, ...bytesOf('"}\n{"b":1}\n'));
    const { chunks, errors } = await collect(streamOf([bad]));
    expect(errors).toEqual([]);
    expect(chunks).toEqual([{ a: '\uFFFD\uFFFD' }, { b: 1 }]);
  });
});

describe('FrameDecoder', () => {
  it('reports the detected framing', () => {
    const cases: [string, Framing][] = [
      ['data: {}\n\n', 'sse'],
      [': hi\n\n', 'sse'],
      ['  {"a":1}', 'ndjson'],
      ['\n[{"a":1}]', 'array'],
    ];
    for (const [text, framing] of cases) {
      const out: WireChunk[] = [];
      const d = new FrameDecoder({ chunk: (c) => out.push(c), error: () => undefined });
      d.push(text);
      d.end();
      expect(d.framing).toBe(framing);
    }
  });
});
