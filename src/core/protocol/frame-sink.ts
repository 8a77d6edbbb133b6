import type { DecodeError, WireChunk } from './types.js';

/**
 * Where the framers deliver their results. Synchronous on purpose: the framers are pure
 * state machines fed with text; the async generator in decode.ts drains what they produce.
 */
export interface FrameSink {
  chunk(value: WireChunk): void;
  error(error: DecodeError): void;
}

/** Samples attached to errors are capped so a 1 MB junk line never ends up in a log. */
export const SAMPLE_CHARS = 200;

export function sample(text: string): string {
  return text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
}

/** Byte length of `text` once encoded as UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate half counts 2: a valid pair makes 4 bytes, as in UTF-8.
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return bytes;
}

/**
 * A running UTF-8 size checked against `cap` without counting every piece: callers add 3
 * bytes per UTF-16 code unit to `bound` (never less than UTF-8: a pair is 2 units and 4
 * bytes), and only a bound past `cap` is replaced by the exact size of `whole()`, the text
 * so far. Lines far below the cap (all real ones) are never walked character by character.
 */
export function boundedBytes(bound: number, cap: number, whole: () => string): number {
  return bound > cap ? utf8Length(whole()) : bound;
}

export function isPlainObject(value: unknown): value is WireChunk {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Delivers one parsed JSON value: an object as a chunk, an array element by element (a
 * payload or an element that is itself a list of chunks), anything else as 'not-an-object'.
 */
export function emitValue(value: unknown, source: string, sink: FrameSink): void {
  if (isPlainObject(value)) {
    sink.chunk(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value as unknown[]) {
      if (isPlainObject(element)) sink.chunk(element);
      else sink.error(notAnObject(element, JSON.stringify(element) ?? String(element)));
    }
    return;
  }
  sink.error(notAnObject(value, source));
}

function notAnObject(value: unknown, source: string): DecodeError {
  const kind = value === null ? 'null' : typeof value;
  return { code: 'not-an-object', message: `expected a JSON object, got ${kind}`, sample: sample(source) };
}
