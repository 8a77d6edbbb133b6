// Regressions found by the adversarial corpora in test/unit/decode-adversarial.test.ts.
import { describe, expect, it } from 'vitest';
import { decodeChunks } from './decode.js';
import type { DecodeError } from './types.js';

async function decode(text: string) {
  const errors: DecodeError[] = [];
  const chunks: unknown[] = [];
  async function* body() {
    yield new TextEncoder().encode(text);
  }
  for await (const c of decodeChunks(body(), { onError: (e) => errors.push(e) })) chunks.push(c);
  return { chunks, errors: errors.map((e) => e.code) };
}

describe('decode regressions', () => {
  it('an SSE line of only spaces/tabs is a blank line: it dispatches and is never reported as junk', async () => {
    expect(await decode(': keep-alive\n\n   \n\t\n')).toEqual({ chunks: [], errors: [] });
    expect(await decode('data: {"type":"a"}\n  \ndata: {"type":"b"}\n \t\n')).toEqual({
      chunks: [{ type: 'a' }, { type: 'b' }],
      errors: [],
    });
  });

  it('an NDJSON line cut short does not swallow the complete lines after it', async () => {
    // `{"bad":` then a newline then `{`: legal JSON so far, so the scanner read on.
    expect(await decode('{"type":"a"}\n{"bad":\n{"type":"b"}\n{"type":"c"}\n')).toEqual({
      chunks: [{ type: 'a' }, { type: 'b' }, { type: 'c' }],
      errors: ['invalid-json'],
    });
    // The same at the end of the stream (truncated).
    expect(await decode('{"bad":\n{"type":"b"}\n')).toEqual({ chunks: [{ type: 'b' }], errors: ['invalid-json'] });
    expect(await decode('{"bad":\r\n{"type":"b"}\r\n{"type":"processing.end"}\r\n')).toEqual({
      chunks: [{ type: 'b' }, { type: 'processing.end' }],
      errors: ['invalid-json'],
    });
  });

  it('salvage never promotes an indented (pretty-printed) nested object to a chunk', async () => {
    const broken = '{\n  "type": "x",\n  "items": [\n    {"type":"button"},\n  "oops" "bad"\n}\n{"type":"ok"}\n';
    const r = await decode(broken);
    expect(r).toEqual({ chunks: [{ type: 'ok' }], errors: ['invalid-json'] });
  });
});
