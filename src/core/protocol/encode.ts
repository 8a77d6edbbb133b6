import type { Framing } from './types.js';

/**
 * Encoders used by the relay (canonical SSE to the browser) and the mock platform (every
 * framing the decoder accepts). Pure string functions; callers encode to bytes.
 */

/** One canonical SSE event: `data: <json>\n\n`. JSON.stringify never emits a raw newline. */
export function encodeSSE(chunk: object): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** An SSE comment line, used as a heartbeat (`: ping`). Newlines in `text` are dropped. */
export function encodeComment(text = 'ping'): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/**
 * One chunk in the given framing. For `array`, pass `index` (0 for the first element) and
 * finish the stream with `encodeArrayEnd(count)`.
 */
export function encodeFrame(chunk: object, framing: Framing, index = 0): string {
  const json = JSON.stringify(chunk);
  switch (framing) {
    case 'sse':
      return `data: ${json}\n\n`;
    case 'ndjson':
      return `${json}\n`;
    case 'concatenated':
      return json;
    case 'array':
      return index === 0 ? `[${json}` : `,${json}`;
  }
}

/** Closes an `array` framing: `]`, or `[]` when no chunk was sent. */
export function encodeArrayEnd(count: number): string {
  return count === 0 ? '[]' : ']';
}
