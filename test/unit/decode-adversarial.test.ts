// Adversarial corpora for decodeChunks, run against the source and (when built) dist/core.js.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as src from '../../src/core/index.js';
import { FRAMINGS, frameChunks, scenario } from '../fixtures/foreign-platform.js';

type Core = typeof src;
const distPath = resolve(import.meta.dirname, '../../dist/core.js');
const impls: [string, Core][] = [['src', src]];
if (existsSync(distPath)) impls.push(['dist', (await import(pathToFileURL(distPath).href)) as Core]);
else console.warn('decode-adversarial: dist/core.js is absent (run node scripts/build.js); testing src only');

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

async function* reads(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

/**
 * Cuts `b` at the given sorted byte offsets, keeping empty pieces (offsets 0, the length,
 * repeats): empty reads are part of what is tested here, so not the fixtures' `splitAt`,
 * which drops them.
 */
function cut(b: Uint8Array, at: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const a of at) {
    out.push(b.slice(prev, a));
    prev = a;
  }
  out.push(b.slice(prev));
  return out;
}

for (const [name, core] of impls) {
  async function decode(parts: readonly (string | Uint8Array)[], opts: src.DecodeOptions = {}) {
    const errors: src.DecodeError[] = [];
    const chunks: unknown[] = [];
    const body = reads(parts.map((p) => (typeof p === 'string' ? bytes(p) : p)));
    for await (const c of core.decodeChunks(body, { ...opts, onError: (e) => errors.push(e) })) chunks.push(c);
    return { chunks, errors };
  }

  describe(`decodeChunks adversarial (${name})`, () => {
    const small = [{ type: 'processing.start' }, { type: 'text', data: { text: 'é€😀 "q\\' } }, { type: 'processing.end' }];

    it('every framing × every single byte split and every pair of splits (small input)', async () => {
      for (const framing of FRAMINGS) {
        const b = bytes(frameChunks(small, framing).join(''));
        for (let i = 0; i <= b.length; i++) {
          const r = await decode(cut(b, [i]));
          expect(r.chunks, `${framing} split at ${i}`).toEqual(small);
          expect(r.errors, `${framing} split at ${i}`).toEqual([]);
        }
        // Pairs on a stride so the suite stays quick; the stride walks every residue.
        for (let i = 0; i <= b.length; i++) {
          for (let j = i; j <= b.length; j += 3) {
            const r = await decode(cut(b, [i, j]));
            expect(r.chunks, `${framing} split at ${i},${j}`).toEqual(small);
          }
        }
      }
    });

    it('every framing, one byte per read, with and without a BOM', async () => {
      for (const framing of FRAMINGS) {
        for (const bom of ['', '\uFEFF']) {
          const chunks = scenario('generation');
          const b = bytes(bom + frameChunks(chunks, framing).join(''));
          const r = await decode(Array.from(b, (x) => Uint8Array.of(x)));
          expect(r.chunks, framing).toEqual(chunks);
          expect(r.errors, framing).toEqual([]);
        }
      }
    });

    it('CR alone as line ending; CR at the end of one read and LF at the start of the next', async () => {
      const a = { type: 'a' };
      const bb = { type: 'b' };
      expect((await decode([`data: ${JSON.stringify(a)}\r\rdata: ${JSON.stringify(bb)}\r\r`])).chunks).toEqual([a, bb]);
      // CR|LF across reads is ONE line end: the blank line after it must still dispatch once.
      const r = await decode([`data: ${JSON.stringify(a)}\r`, `\n\r`, `\ndata: ${JSON.stringify(bb)}\r`, '\n', '\r', '\n']);
      expect(r.chunks).toEqual([a, bb]);
      // A CR at the end of a read followed by a second data line: still two lines of one event.
      const multi = await decode(['data: {"type":\r', '\ndata: "c"}\r\n\r\n']);
      expect(multi.chunks).toEqual([{ type: 'c' }]);
      // NDJSON with lone CRs.
      expect((await decode(['{"type":"a"}\r{"type":"b"}\r'])).chunks).toEqual([a, bb]);
    });

    it('multi-byte UTF-8 split inside the character, every way', async () => {
      for (const ch of ['€', '한', '😀', '👨‍👩‍👧', '🇮🇹']) {
        const line = bytes(`{"type":"t","v":"${ch}"}\n`);
        const start = line.indexOf(0x3a, 10) + 2; // inside the value string
        const len = enc.encode(ch).length;
        for (let i = start; i <= start + len; i++) {
          for (let j = i; j <= start + len; j++) {
            const r = await decode(cut(line, [i, j]));
            expect(r.chunks, `${ch} ${i},${j}`).toEqual([{ type: 't', v: ch }]);
          }
        }
      }
    });

    it('U+2028/U+2029 and other line-ish characters inside strings are not line ends', async () => {
      const c = { type: 't', v: 'a\u2028b\u2029c\u0085d\u000be\u000cf' };
      for (const framing of FRAMINGS) {
        const r = await decode([frameChunks([c, c], framing).join('')]);
        expect(r.chunks, framing).toEqual([c, c]);
      }
    });

    it('SSE oddities: trailing spaces, `data` without colon, only event lines, comments only, empty', async () => {
      expect((await decode(['data: {"type":"a"}   \n\n'])).chunks).toEqual([{ type: 'a' }]);
      expect((await decode(['data\ndata: {"type":"a"}\n\n'])).chunks).toEqual([{ type: 'a' }]);
      expect(await decode(['event: message\nevent: ping\n\nevent: x\n'])).toEqual({ chunks: [], errors: [] });
      expect(await decode([': hello\n\n:\n\n   \n\n'])).toEqual({ chunks: [], errors: [] });
      expect(await decode([])).toEqual({ chunks: [], errors: [] });
      expect(await decode(['', '', ''])).toEqual({ chunks: [], errors: [] });
      expect(await decode([' \n\t\r\n  '])).toEqual({ chunks: [], errors: [] });
      expect(await decode(['\uFEFF'])).toEqual({ chunks: [], errors: [] });
      // id/retry fields with odd values, and a field with no value at all, carry no chunk.
      expect((await decode(['id\nretry: x\nid: 1:2\ndata: {"type":"a"}\n\n'])).chunks).toEqual([{ type: 'a' }]);
    });

    it('[DONE] mid-stream is skipped and later events still arrive', async () => {
      const r = await decode(['data: {"type":"a"}\n\ndata: [DONE]\n\ndata: {"type":"b"}\n\ndata:[DONE]\n\n']);
      expect(r.chunks).toEqual([{ type: 'a' }, { type: 'b' }]);
      expect(r.errors).toEqual([]);
    });

    it('NDJSON with blank lines and CRLF; concatenated objects with commas, newlines, spaces', async () => {
      expect((await decode(['\r\n{"type":"a"}\r\n\r\n\r\n{"type":"b"}\r\n\n'])).chunks).toEqual([{ type: 'a' }, { type: 'b' }]);
      const r = await decode(['{"type":"a"},{"type":"b"} {"type":"c"}\n{"type":"d"}{"type":"e"} ,, {"type":"f","s":"}{"}']);
      expect(r.chunks).toEqual([...['a', 'b', 'c', 'd', 'e'].map((type) => ({ type })), { type: 'f', s: '}{' }]);
      expect(r.errors).toEqual([]);
    });

    it('JSON arrays: whitespace between elements, nested arrays, split everywhere', async () => {
      const text = '[ \n {"type":"a"} \n , \r\n {"type":"b"}\t,{"type":"c","x":[1,{"y":"]"}]} \n ]\n';
      const b = bytes(text);
      for (let i = 0; i <= b.length; i++) {
        const r = await decode(cut(b, [i]));
        expect(r.chunks, `split ${i}`).toEqual([{ type: 'a' }, { type: 'b' }, { type: 'c', x: [1, { y: ']' }] }]);
        expect(r.errors).toEqual([]);
      }
      expect((await decode(['[[{"type":"a"},{"type":"b"}],[{"type":"c"}]]'])).chunks).toEqual([
        { type: 'a' },
        { type: 'b' },
        { type: 'c' },
      ]);
      expect(await decode(['[]'])).toEqual({ chunks: [], errors: [] });
    });

    it('deeply nested objects (depth 5000) do not overflow the stack, in every framing', async () => {
      let deep = '1';
      for (let i = 0; i < 5000; i++) deep = `{"d":${deep}}`;
      const text = `{"type":"deep","v":${deep}}`;
      // Depth measured iteratively: recursive deep-equality would itself overflow.
      const depth = (v: unknown) => {
        let d = 0;
        let cur = (v as { v?: unknown }).v;
        while (typeof cur === 'object' && cur !== null) {
          cur = (cur as { d?: unknown }).d;
          d++;
        }
        return cur === 1 ? d : -1;
      };
      for (const parts of [[text], [`data: ${text}\n\n`], [`[${text},${text}]`], Array.from(bytes(`${text}\n`), (x) => Uint8Array.of(x))]) {
        const r = await decode(parts);
        expect(r.errors).toEqual([]);
        expect(r.chunks.length).toBeGreaterThan(0);
        expect(depth(r.chunks[0])).toBe(5000);
      }
      // Unbalanced depth: reported at end of input, never thrown.
      const open = await decode(['{"a":'.repeat(5000)]);
      expect(open.chunks).toEqual([]);
      expect(open.errors.length).toBeGreaterThan(0);
    });

    it('a very long string split across many reads', async () => {
      const long = 'ab€😀"\\'.repeat(50_000); // ~0.6 MB of JSON text
      const c = { type: 'text', data: { text: long } };
      for (const framing of ['sse', 'ndjson', 'concat', 'array'] as const) {
        const b = bytes(frameChunks([c, { type: 'processing.end' }], framing).join(''));
        const parts: Uint8Array[] = [];
        for (let i = 0; i < b.length; i += 997) parts.push(b.slice(i, i + 997));
        const r = await decode(parts);
        expect(r.chunks, framing).toEqual([c, { type: 'processing.end' }]);
      }
    });

    it('100k tiny chunks, and 100k one-byte reads (must stay linear)', async () => {
      const n = 100_000;
      const many = Array.from({ length: n }, (_, i) => `{"type":"t","i":${i}}`).join('\n');
      const r = await decode([many], { maxTotalBytes: 10_000_000 });
      expect(r.chunks.length).toBe(n);
      expect(r.chunks[n - 1]).toEqual({ type: 't', i: n - 1 });
      const text = `data: {"type":"t","v":"${'x'.repeat(n)}"}\n\n`;
      const r2 = await decode(Array.from(bytes(text), (x) => Uint8Array.of(x)));
      expect(r2.chunks).toEqual([{ type: 't', v: 'x'.repeat(n) }]);
    });

    it('a line over maxLineBytes is skipped alone; invalid JSON skips only its line', async () => {
      const big = `{"type":"big","v":"${'y'.repeat(1_100_000)}"}`;
      for (const sep of ['\n', '\r\n']) {
        const r = await decode([`{"type":"a"}${sep}${big}${sep}{"bad":${sep}{"type":"b"}${sep}`], { maxTotalBytes: 5_000_000 });
        expect(r.chunks).toEqual([{ type: 'a' }, { type: 'b' }]);
        expect(r.errors.map((e) => e.code)).toEqual(['line-too-long', 'invalid-json']);
      }
      const sse = await decode([`data: {"type":"a"}\n\ndata: ${big}\n\ndata: {nope\n\ndata: {"type":"b"}\n\n`], {
        maxTotalBytes: 5_000_000,
      });
      expect(sse.chunks).toEqual([{ type: 'a' }, { type: 'b' }]);
      expect(sse.errors.map((e) => e.code)).toEqual(['line-too-long', 'invalid-json']);
    });

    it('never throws on arbitrary bytes (invalid UTF-8, NULs, lone surrogates escaped)', async () => {
      const junk = [Uint8Array.of(0xff, 0xfe, 0x00, 0x7b), bytes('"\\ud800":1}\n{"type":"x","s":"\\udc00"}\n'), Uint8Array.of(0xc3)];
      const r = await decode(junk);
      expect(r.chunks).toContainEqual({ type: 'x', s: '\udc00' });
    });
  });
}
