import { boundedBytes, emitValue, sample, type FrameSink } from './frame-sink.js';
import { JsonScanner } from './json-scanner.js';

/*
 * Server-sent events, per the WHATWG event-stream rules: CR, LF or CRLF line ends (a CRLF
 * split across two pushes is one line end), `data:` with one optional space, multi-line
 * data joined with "\n", comment lines (`:`) and other fields (`event`, `id`, `retry`, any
 * unknown name) ignored, an event dispatched on a blank line.
 *
 * Deliberate departures from the spec, because the platform's framing is undocumented:
 * - a final event with no blank line after it is still delivered at end of input;
 * - a payload of `[DONE]` (OpenAI's terminator) or only whitespace is skipped silently;
 * - a payload that is a JSON array yields its objects; one that JSON.parse refuses but
 *   starts with `{`/`[` goes through the JSON scanner, so several NDJSON lines or
 *   concatenated objects in one event are still recovered.
 * - A line starting with `{` or `[` (never an SSE field) is decoded as a JSON frame of its
 *   own, and a line whose "field name" no server would use (spaces, quotes...) is reported
 *   as 'invalid-json': that is NDJSON whose first line was junk, so detection said SSE.
 * - A line over maxLineBytes, or an event whose data adds up to more, is reported once
 *   ('line-too-long') and the whole event is dropped; decoding resumes with the next event.
 */

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** What an SSE field name plausibly looks like (event, id, retry, x-custom...). */
const FIELD_NAME = /^[A-Za-z0-9_.-]*$/;

export class SseParser {
  readonly #sink: FrameSink;
  readonly #maxBytes: number;

  /** Pieces of the line being read. */
  #line: string[] = [];
  #lineBytes = 0;
  #lineOversize = false;
  /** The previous push ended with CR: a LF opening the next push belongs to it. */
  #pendingCR = false;

  #data: string[] = [];
  #dataBytes = 0;
  /** The current event lost a line to the size cap: drop it whole at dispatch. */
  #poisoned = false;

  constructor(sink: FrameSink, maxBytes: number) {
    this.#sink = sink;
    this.#maxBytes = maxBytes;
  }

  push(text: string): void {
    const n = text.length;
    // An empty read (or one whose bytes end mid-character) says nothing: a CR before it
    // still waits for its LF.
    if (n === 0) return;
    let i = 0;
    if (this.#pendingCR) {
      this.#pendingCR = false;
      if (n > 0 && text.charCodeAt(0) === 0x0a) i = 1;
    }
    // Next LF / CR positions, each searched again only once passed: linear overall.
    let lf = text.indexOf('\n', i);
    let cr = text.indexOf('\r', i);
    while (i < n) {
      if (lf !== -1 && lf < i) lf = text.indexOf('\n', i);
      if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.#append(text.slice(i));
        return;
      }
      this.#append(text.slice(i, end));
      this.#endLine();
      if (end === cr) {
        if (end + 1 < n) i = text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
        else {
          this.#pendingCR = true;
          i = end + 1;
        }
      } else {
        i = end + 1;
      }
    }
  }

  /** End of input: finish the last line and deliver a pending event. */
  end(): void {
    if (this.#line.length > 0 || this.#lineOversize) this.#endLine();
    this.#dispatch();
  }

  #append(piece: string): void {
    if (piece === '') return;
    if (this.#lineOversize) return;
    this.#lineBytes = boundedBytes(this.#lineBytes + piece.length * 3, this.#maxBytes, () => this.#line.join('') + piece);
    if (this.#lineBytes > this.#maxBytes) {
      this.#sink.error({
        code: 'line-too-long',
        message: `a line is larger than ${this.#maxBytes} bytes; its event is skipped`,
        sample: sample(this.#line.join('') + piece.slice(0, 200)),
      });
      this.#lineOversize = true;
      this.#line = [];
      return;
    }
    this.#line.push(piece);
  }

  #endLine(): void {
    const oversize = this.#lineOversize;
    const line = this.#line.length === 1 ? (this.#line[0] as string) : this.#line.join('');
    this.#line = [];
    this.#lineBytes = 0;
    this.#lineOversize = false;
    if (oversize) {
      this.#poison();
      return;
    }
    if (line === '' || isBlank(line)) {
      // A line of only spaces/tabs is no SSE field (its "name" would be blank): servers
      // that pad keep-alives or terminators mean a blank line. Dispatch, never report junk.
      this.#dispatch();
      return;
    }
    const c0 = line.charCodeAt(0);
    if (c0 === 0x3a) return; // a comment or keep-alive
    if (c0 === 0x7b || c0 === 0x5b) {
      // A bare JSON line (`{` or `[`) is never an SSE field: NDJSON whose first line was
      // junk (so detection chose SSE). Decode it on its own rather than drop it silently.
      this.#payload(line);
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') {
      // event, id, retry and other field names carry no chunk. A "field" that no server
      // would name (spaces, quotes, braces...) is junk in a non-SSE stream: say so.
      if (!FIELD_NAME.test(field)) {
        this.#sink.error({ code: 'invalid-json', message: 'a line that is neither SSE nor JSON', sample: sample(line) });
      }
      return;
    }
    if (this.#poisoned) return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    this.#dataBytes = boundedBytes(
      this.#dataBytes + value.length * 3 + 1,
      this.#maxBytes,
      () => `${this.#data.concat(value).join('\n')}\n`,
    );
    if (this.#dataBytes > this.#maxBytes) {
      this.#sink.error({
        code: 'line-too-long',
        message: `an event's data is larger than ${this.#maxBytes} bytes; skipped`,
        sample: sample(this.#data[0] ?? value),
      });
      this.#poison();
      return;
    }
    this.#data.push(value);
  }

  #poison(): void {
    this.#poisoned = true;
    this.#data = [];
    this.#dataBytes = 0;
  }

  #dispatch(): void {
    const data = this.#data;
    const poisoned = this.#poisoned;
    this.#data = [];
    this.#dataBytes = 0;
    this.#poisoned = false;
    if (poisoned || data.length === 0) return;
    const payload = data.length === 1 ? (data[0] as string) : data.join('\n');
    this.#payload(payload);
  }

  #payload(payload: string): void {
    const trimmed = payload.trim();
    if (trimmed === '' || trimmed === '[DONE]') return;
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch (e) {
      const first = trimmed.charCodeAt(0);
      if (first === 0x7b || first === 0x5b) {
        // Several objects in one event (NDJSON or concatenated), or a broken one: the
        // scanner recovers the good ones and reports the rest.
        const scanner = new JsonScanner(this.#sink, this.#maxBytes);
        scanner.push(payload);
        scanner.end();
      } else {
        this.#sink.error({
          code: 'invalid-json',
          message: `invalid JSON in an SSE event: ${e instanceof Error ? e.message : String(e)}`,
          sample: sample(payload),
        });
      }
      return;
    }
    emitValue(value, payload, this.#sink);
  }
}
