import type { DecodeError, Framing, WireChunk } from './types.js';
import type { FrameSink } from './frame-sink.js';
import { JsonScanner } from './json-scanner.js';
import { SseParser } from './sse-parser.js';

export interface DecodeOptions {
  /** Malformed frames, caps, read failures. Called synchronously; never makes the decoder throw. */
  onError?: (e: DecodeError) => void;
  /**
   * A single line (SSE) or frame (JSON framings) larger than this many UTF-8 bytes is
   * skipped with 'line-too-long'; decoding resyncs at the next line/frame. Default 1 MB.
   */
  maxLineBytes?: number;
  /**
   * Bytes read past this: 'stream-too-large' is reported once, the reader is cancelled
   * and the generator returns. Frames completed within the cap are still delivered.
   * Default 2,000,000 (the widget); the relay passes 5,000,000.
   */
  maxTotalBytes?: number;
  /** Stops reading (cancels the reader) and returns quietly. */
  signal?: AbortSignal;
  /** Called for each read that brought bytes (even bytes that make no chunk, like a ping). */
  onRead?: () => void;
}

export const DEFAULT_MAX_LINE_BYTES = 1_000_000;
export const DEFAULT_MAX_TOTAL_BYTES = 2_000_000;

/**
 * Framing from the first non-whitespace character of a stream: `[` is a JSON array, `{`
 * is NDJSON or concatenated JSON (one scanner handles both; reported as 'ndjson'),
 * anything else (`data:`, `:`, `event:`, `id:`, `retry:`) is SSE.
 */
export function detectFraming(firstChar: string): Framing {
  const c = firstChar.replace(/^\uFEFF/, '').charAt(0);
  if (c === '[') return 'array';
  if (c === '{') return 'ndjson';
  return 'sse';
}

interface Framer {
  push(text: string): void;
  end(): void;
}

/**
 * Text in, chunks and errors out, synchronously: picks the framing from the first
 * non-whitespace character and hands everything to the matching parser. Exposed for code
 * that already holds text (tests, the mock platform); `decodeChunks` wraps it for streams.
 */
export class FrameDecoder {
  #framer: Framer | null = null;
  readonly #sink: FrameSink;
  readonly #maxLineBytes: number;
  framing: Framing | null = null;

  constructor(sink: FrameSink, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.#sink = sink;
    this.#maxLineBytes = maxLineBytes;
  }

  push(text: string): void {
    if (this.#framer !== null) {
      this.#framer.push(text);
      return;
    }
    // Leading whitespace and a BOM (TextDecoder already strips one) decide nothing.
    const start = text.search(/[^\s\uFEFF]/);
    if (start === -1) return;
    this.framing = detectFraming(text.charAt(start));
    this.#framer = this.framing === 'sse' ? new SseParser(this.#sink, this.#maxLineBytes) : new JsonScanner(this.#sink, this.#maxLineBytes);
    this.#framer.push(start === 0 ? text : text.slice(start));
  }

  end(): void {
    this.#framer?.end();
  }
}

/** A read source over either kind of body, with a cancel that never throws or waits. */
interface Source {
  /** Uint8Array chunks, or whatever a foreign async iterable yields (checked by the caller). */
  read(): Promise<IteratorResult<unknown>>;
  cancel(): void;
  release(): void;
}

function openSource(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Source {
  const maybeStream = body as Partial<ReadableStream<Uint8Array>>;
  if (typeof maybeStream.getReader === 'function') {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    return {
      read: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      cancel: () => {
        reader.cancel().catch(() => undefined);
      },
      release: () => {
        try {
          reader.releaseLock();
        } catch {
          // Already released or a read still pending: nothing to clean up.
        }
      },
    };
  }
  const iterable = body as Partial<AsyncIterable<Uint8Array>>;
  if (typeof iterable[Symbol.asyncIterator] === 'function') {
    const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    return {
      read: () => it.next(),
      cancel: () => {
        try {
          Promise.resolve(it.return?.()).catch(() => undefined);
        } catch {
          // A throwing return() must not escape a decoder that never throws.
        }
      },
      release: () => undefined,
    };
  }
  throw new TypeError('body is neither a ReadableStream nor an async iterable');
}

const encoder = new TextEncoder();

/** Bytes of one read, tolerating strings and other buffer views from loose sources. */
function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Decodes a Chat API response body into wire chunks (JSON objects, exactly as parsed),
 * whatever its framing: SSE, NDJSON, concatenated JSON or a JSON array (see
 * docs/protocol.md). Never throws: malformed input, caps and read failures go to
 * `onError` and decoding goes on (or, for caps and read failures, stops quietly).
 */
export async function* decodeChunks(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): AsyncGenerator<WireChunk> {
  const { onError, signal } = options;
  const maxLineBytes = positive(options.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  const maxTotalBytes = positive(options.maxTotalBytes, DEFAULT_MAX_TOTAL_BYTES);

  const report = (e: DecodeError): void => {
    try {
      onError?.(e);
    } catch {
      // A faulty error handler must not break the stream loop.
    }
  };
  if (signal?.aborted) return;

  let source: Source;
  try {
    source = openSource(body);
  } catch (e) {
    report({ code: 'read-failed', message: `cannot read the body: ${errorText(e)}` });
    return;
  }

  // Everything the framers produce in one push, drained (yielded) right after it.
  const out: (WireChunk | DecodeError)[] = [];
  const isError = new WeakSet<object>();
  const sink: FrameSink = {
    chunk: (value) => out.push(value),
    error: (error) => {
      isError.add(error);
      out.push(error);
    },
  };
  const framer = new FrameDecoder(sink, maxLineBytes);
  const decoder = new TextDecoder('utf-8');

  // A pending read must not outlive an abort: race it against the signal.
  let abortPromise: Promise<'aborted'> | null = null;
  let onAbort: (() => void) | null = null;
  if (signal) {
    abortPromise = new Promise((resolve) => {
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  let finished = false; // the source reported done: release it, no need to cancel
  let total = 0;
  try {
    for (;;) {
      let result: IteratorResult<unknown> | 'aborted';
      try {
        const read = source.read();
        result = abortPromise ? await Promise.race([read, abortPromise]) : await read;
      } catch (e) {
        report({ code: 'read-failed', message: `reading the stream failed: ${errorText(e)}` });
        return;
      }
      if (result === 'aborted' || signal?.aborted) return;
      if (result.done) {
        finished = true;
        break;
      }
      try {
        options.onRead?.();
      } catch {
        // A faulty callback must not break the stream loop.
      }
      let bytes = toBytes(result.value);
      if (bytes === null) {
        report({ code: 'read-failed', message: 'the stream produced something other than bytes' });
        return;
      }
      total += bytes.byteLength;
      const over = total > maxTotalBytes;
      if (over) bytes = bytes.subarray(0, bytes.byteLength - (total - maxTotalBytes));
      framer.push(decoder.decode(bytes, { stream: true }));
      for (const item of out.splice(0)) {
        if (isError.has(item)) report(item as DecodeError);
        else yield item as WireChunk;
        if (signal?.aborted) return;
      }
      if (over) {
        report({
          code: 'stream-too-large',
          message: `the reply is larger than ${maxTotalBytes} bytes; reading stopped`,
        });
        return;
      }
    }
    framer.push(decoder.decode());
    framer.end();
    for (const item of out.splice(0)) {
      if (isError.has(item)) report(item as DecodeError);
      else yield item as WireChunk;
      if (signal?.aborted) return;
    }
  } finally {
    if (signal && onAbort) signal.removeEventListener('abort', onAbort);
    if (finished) source.release();
    else source.cancel();
  }
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback;
}
