/**
 * The script-tag widget's `decodeChunks` (swapped in for decode.ts by
 * scripts/browser-plugins.js; docs/decisions/browser-sse-decoder.md). The relay always
 * re-emits canonical SSE, `data: <one JSON object>` events and `: ping` comments, so the
 * browser needs neither framing detection, nor the NDJSON / concatenated / array scanner,
 * nor async-iterable bodies. It reads a ReadableStream of bytes with the same SSE line
 * rules (CR, LF, CRLF even split across reads; `data:` with one optional space, joined
 * with "\n"; comments and other fields ignored; dispatch on a blank line and at the end)
 * and the same caps, abort and error codes as the full decoder. What the relay never
 * sends is reported, not decoded: an event that is not one JSON object, a line that is
 * no SSE field. The full decoder stays in the npm package and the relay.
 */
import type { DecodeOptions } from './decode.js';
import type { DecodeError, WireChunk } from './types.js';
import { isRecord } from '../guards.js';
import { boundedBytes, sample } from './frame-sink.js';

const positive = (value: number | undefined, fallback: number): number => (typeof value === 'number' && value > 0 ? value : fallback);

export async function* decodeChunks(body: ReadableStream<Uint8Array>, options: DecodeOptions = {}): AsyncGenerator<WireChunk> {
  const { onError, signal } = options;
  const maxLine = positive(options.maxLineBytes, 1_000_000);
  const maxTotal = positive(options.maxTotalBytes, 2_000_000);
  const out: (WireChunk | DecodeError)[] = [];
  const errors = new WeakSet<object>();
  const report = (code: DecodeError['code'], message: string, text?: string): void => {
    const e: DecodeError = text === undefined ? { code, message } : { code, message, sample: sample(text) };
    errors.add(e);
    out.push(e);
  };
  if (signal?.aborted) return;

  // SSE state: the unfinished line, its bytes (-1: over the cap, skipped to its end), the
  // event's data lines and bytes (-1: the event lost a line to a cap, dropped whole).
  let line = '';
  let lineBytes = 0;
  let pendingCR = false;
  let data: string[] = [];
  let dataBytes = 0;
  const dispatch = (): void => {
    const payload = data.join('\n');
    const skip = dataBytes < 0 || data.length === 0;
    data = [];
    dataBytes = 0;
    if (skip || payload.trim() === '' || payload.trim() === '[DONE]') return;
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch (e) {
      report('invalid-json', `invalid JSON in an SSE event: ${String(e)}`, payload);
      return;
    }
    if (isRecord(value)) out.push(value);
    else report('not-an-object', 'expected one JSON object per SSE event', payload);
  };
  const endLine = (): void => {
    const text = line;
    const skipped = lineBytes < 0;
    line = '';
    lineBytes = 0;
    if (skipped) {
      data = [];
      dataBytes = -1;
    } else if (/^[ \t]*$/.test(text)) {
      dispatch();
    } else if (text.charCodeAt(0) !== 0x3a) {
      const colon = text.indexOf(':');
      const field = colon < 0 ? text : text.slice(0, colon);
      if (field !== 'data') {
        if (!/^[\w.-]*$/.test(field)) report('invalid-json', 'a line that is neither SSE nor JSON', text);
      } else if (dataBytes >= 0) {
        const value = colon < 0 ? '' : text.slice(colon + (text.charCodeAt(colon + 1) === 0x20 ? 2 : 1));
        // The event's data as it will be joined, plus one: a byte per line like the full decoder.
        dataBytes = boundedBytes(dataBytes + value.length * 3 + 1, maxLine, () => `${data.concat(value).join('\n')}\n`);
        if (dataBytes > maxLine) {
          report('line-too-long', `an event's data is larger than ${maxLine} bytes; skipped`, data[0] ?? value);
          data = [];
          dataBytes = -1;
        } else data.push(value);
      }
    }
  };
  const append = (piece: string): void => {
    if (lineBytes < 0 || piece === '') return;
    lineBytes = boundedBytes(lineBytes + piece.length * 3, maxLine, () => line + piece);
    if (lineBytes > maxLine) {
      report('line-too-long', `a line is larger than ${maxLine} bytes; its event is skipped`, line + piece);
      line = '';
      lineBytes = -1;
    } else line += piece;
  };
  // The last read's text is split into lines lazily, one event at a time (`pump`), so a
  // read holding a thousand chunks is not one task: the consumer's time slicing
  // (transport.ts) covers this work too. `at` < 0: nothing left of it.
  let text = '';
  let at = -1;
  const ends = /\r\n?|\n/g;
  const feed = (next: string): void => {
    // An empty read (or one ending mid-character) says nothing: a pending CR stays pending.
    if (next === '') return;
    text = next;
    at = pendingCR && next.charCodeAt(0) === 0x0a ? 1 : 0;
    pendingCR = false;
  };
  /** Splits lines until an event or error is out; true once the read's text is used up. */
  const pump = (): boolean => {
    if (at < 0) return true;
    ends.lastIndex = at;
    for (let m = ends.exec(text); m; m = ends.exec(text)) {
      append(text.slice(at, m.index));
      endLine();
      at = ends.lastIndex;
      // A CR ending this read: an LF opening the next one belongs to it.
      pendingCR = at === text.length && m[0] === '\r';
      if (out.length > 0) return false;
    }
    append(text.slice(at));
    text = '';
    at = -1;
    return true;
  };

  const reader = body.getReader();
  const decoder = new TextDecoder();
  const tell = (e: DecodeError): void => {
    try {
      onError?.(e);
    } catch {
      // A faulty error handler must not break the stream loop.
    }
  };
  // A pending read must not outlive an abort: race it against the signal.
  let onAbort: (() => void) | undefined;
  const aborted =
    signal && new Promise<'aborted'>((resolve) => signal.addEventListener('abort', (onAbort = () => resolve('aborted')), { once: true }));
  let finished = false;
  let total = 0;
  try {
    let over = false;
    for (;;) {
      let used: boolean;
      try {
        if (at < 0) {
          const read = reader.read();
          const result = aborted ? await Promise.race([read, aborted]) : await read;
          if (result === 'aborted' || signal?.aborted) return;
          if (result.done) {
            finished = true;
            feed(decoder.decode());
          } else {
            options.onRead?.();
            let bytes = result.value;
            total += bytes.byteLength;
            over = total > maxTotal;
            if (over) bytes = bytes.subarray(0, bytes.byteLength - (total - maxTotal));
            feed(decoder.decode(bytes, { stream: true }));
          }
        }
        used = pump();
        if (used && finished) {
          if (line !== '' || lineBytes < 0) endLine();
          dispatch();
        }
      } catch (e) {
        tell({ code: 'read-failed', message: `reading the stream failed: ${String(e)}` });
        return;
      }
      for (const item of out.splice(0)) {
        if (errors.has(item)) tell(item as DecodeError);
        else yield item as WireChunk;
        if (signal?.aborted) return;
      }
      if (!used) continue;
      if (over) {
        tell({ code: 'stream-too-large', message: `the reply is larger than ${maxTotal} bytes; reading stopped` });
        return;
      }
      if (finished) break;
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (finished) reader.releaseLock();
    else reader.cancel().catch(() => undefined);
  }
}
