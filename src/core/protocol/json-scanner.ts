import { emitValue, isPlainObject, sample, type FrameSink } from './frame-sink.js';

/*
 * One string-aware scanner for every non-SSE framing: NDJSON, concatenated objects
 * (`{..}{..}`, separated by nothing, whitespace, newlines or commas) and a top-level JSON
 * array (`[ {..}, {..} ]`, elements streamed out as each one completes, `]` not awaited).
 *
 * The text is walked once, character by character, and all state (depth, in-string,
 * escape, the current value's pieces) survives between `push` calls, so a value split over
 * many reads is never re-scanned: linear in the input.
 *
 * Recovery (documented because it decides what a bad stream loses):
 * - A balanced value that JSON.parse refuses is reported ('invalid-json') and skipped alone.
 * - A raw CR/LF inside a string cannot be valid JSON (strings never span lines), so the
 *   value is abandoned there and scanning resumes at top level on that line break.
 * - A `{` where JSON cannot have one (in an object only after `:`, in an array only after
 *   `[` or `,`) means the previous value was cut short (`{"a":1\n{"b":2}`): it is
 *   abandoned and a new value starts at that `{`. Valid JSON never triggers either rule.
 * - Text at top level that does not start with `{` or `[` is a "loose token" running to the
 *   end of its line, or to the next `{` outside a string (inside a top-level array also to
 *   the next `,` or `]`). It is parsed on its own: a JSON scalar gives 'not-an-object',
 *   anything else 'invalid-json'.
 * - A value longer than maxLineBytes is reported once ('line-too-long'), its text is no
 *   longer kept, but its braces are still tracked so scanning resyncs at its end.
 * - At end of input an unfinished object is reported as truncated 'invalid-json'.
 */

const Kind = {
  none: 0,
  container: 1,
  loose: 2,
} as const;
type ValueKind = (typeof Kind)[keyof typeof Kind];

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BOM = 0xfeff;

export class JsonScanner {
  readonly #sink: FrameSink;
  readonly #maxBytes: number;

  #kind: ValueKind = Kind.none;
  /** Open `{` / `[` of the current container value, innermost last. */
  #stack: number[] = [];
  #inString = false;
  #escape = false;
  /** Last non-whitespace character outside a string in the current container value. */
  #lastSignificant = 0;
  /** Inside a top-level `[`: its `,` separate elements and its `]` closes it. */
  #inOuterArray = false;

  /** Pieces of the current value from earlier pushes. */
  #parts: string[] = [];
  /** Start of the current value in the piece being scanned; -1 when it began earlier. */
  #start = -1;
  #bytes = 0;
  #oversize = false;

  constructor(sink: FrameSink, maxBytes: number) {
    this.#sink = sink;
    this.#maxBytes = maxBytes;
  }

  push(text: string): void {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.#kind === Kind.none) {
        this.#topLevel(c, i);
        continue;
      }
      this.#count(c, text, i);
      if (this.#kind === Kind.container) {
        if (this.#inString) {
          if (this.#escape) this.#escape = false;
          else if (c === BACKSLASH) this.#escape = true;
          else if (c === QUOTE) {
            this.#inString = false;
            this.#lastSignificant = c;
          } else if (c === LF || c === CR) {
            this.#abandon(text, i, 'line break inside a string');
          }
          continue;
        }
        switch (c) {
          case QUOTE:
            this.#inString = true;
            break;
          case OPEN_BRACE:
            // Legal only as a value: after `:` in an object, after `[` or `,` in an array.
            if (
              this.#stack[this.#stack.length - 1] === OPEN_BRACE
                ? this.#lastSignificant !== COLON
                : this.#lastSignificant !== OPEN_BRACKET && this.#lastSignificant !== COMMA
            ) {
              this.#abandon(text, i, 'unexpected "{" (previous object unfinished)');
              this.#topLevel(c, i);
              continue;
            }
            this.#stack.push(c);
            break;
          case OPEN_BRACKET:
            this.#stack.push(c);
            break;
          case CLOSE_BRACE:
          case CLOSE_BRACKET:
            this.#stack.pop();
            if (this.#stack.length === 0) {
              this.#finish(text, i + 1);
              continue;
            }
            break;
          case SPACE:
          case TAB:
          case LF:
          case CR:
            continue;
        }
        this.#lastSignificant = c;
      } else {
        // A loose token: string-aware so a `{` or `,` inside quotes does not end it.
        if (this.#inString) {
          if (this.#escape) this.#escape = false;
          else if (c === BACKSLASH) this.#escape = true;
          else if (c === QUOTE) this.#inString = false;
          else if (c === LF || c === CR) this.#finish(text, i);
          continue;
        }
        if (c === QUOTE) this.#inString = true;
        else if (c === LF || c === CR) this.#finish(text, i);
        else if (c === OPEN_BRACE || (this.#inOuterArray && (c === COMMA || c === CLOSE_BRACKET))) {
          this.#finish(text, i);
          this.#topLevel(c, i);
        }
      }
    }
    // Keep the unfinished value's text for the next push.
    if (this.#kind !== Kind.none && !this.#oversize) {
      this.#parts.push(this.#start >= 0 ? text.slice(this.#start) : text);
    }
    this.#start = -1;
  }

  /** End of input: an unfinished object is truncated; a pending loose token is judged. */
  end(): void {
    if (this.#kind === Kind.container) {
      const text = this.#parts.join('');
      const wasOversize = this.#oversize;
      this.#reset();
      if (!wasOversize) {
        this.#sink.error({ code: 'invalid-json', message: 'stream ended inside a JSON value (truncated)', sample: sample(text) });
        this.#salvage(text);
      }
    } else if (this.#kind === Kind.loose) {
      this.#finish('', 0);
    }
  }

  #topLevel(c: number, i: number): void {
    switch (c) {
      case SPACE:
      case TAB:
      case LF:
      case CR:
      case COMMA:
      case BOM:
        return;
      case OPEN_BRACKET:
        if (!this.#inOuterArray) {
          this.#inOuterArray = true;
          return;
        }
        this.#begin(Kind.container, i, c);
        this.#stack.push(c);
        return;
      case OPEN_BRACE:
        this.#begin(Kind.container, i, c);
        this.#stack.push(c);
        return;
      case CLOSE_BRACKET:
        if (this.#inOuterArray) {
          this.#inOuterArray = false;
          return;
        }
        break;
    }
    this.#begin(Kind.loose, i, c);
    if (c === QUOTE) this.#inString = true;
  }

  #begin(kind: ValueKind, i: number, c: number): void {
    this.#kind = kind;
    this.#start = i;
    this.#parts = [];
    this.#bytes = 0;
    this.#oversize = false;
    this.#inString = false;
    this.#escape = false;
    this.#lastSignificant = c;
    this.#count(c, '', i);
  }

  #count(c: number, text: string, i: number): void {
    this.#bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
    if (this.#bytes > this.#maxBytes && !this.#oversize) {
      const head = this.#text(text, i);
      this.#oversize = true;
      this.#parts = [];
      this.#sink.error({
        code: 'line-too-long',
        message: `a frame is larger than ${this.#maxBytes} bytes; skipped`,
        sample: sample(head),
      });
    }
  }

  /** The current value's text up to `end` (exclusive) in `text`. */
  #text(text: string, end: number): string {
    const tail = this.#start >= 0 ? text.slice(this.#start, end) : text.slice(0, end);
    return this.#parts.length === 0 ? tail : this.#parts.join('') + tail;
  }

  #finish(text: string, end: number): void {
    const kind = this.#kind;
    const oversize = this.#oversize;
    const source = oversize ? '' : this.#text(text, end);
    this.#reset();
    if (oversize) return;
    if (kind === Kind.loose) {
      const token = source.trim().replace(/,+$/, '').trimEnd();
      if (token === '') return;
      let value: unknown;
      try {
        value = JSON.parse(token);
      } catch {
        this.#sink.error({ code: 'invalid-json', message: 'text outside any JSON object', sample: sample(token) });
        return;
      }
      emitValue(value, token, this.#sink);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      this.#sink.error({ code: 'invalid-json', message: `invalid JSON: ${errorText(e)}`, sample: sample(source) });
      this.#salvage(source);
      return;
    }
    emitValue(value, source, this.#sink);
  }

  #abandon(text: string, end: number, why: string): void {
    const oversize = this.#oversize;
    const source = oversize ? '' : this.#text(text, end);
    this.#reset();
    if (oversize) return;
    this.#sink.error({ code: 'invalid-json', message: `invalid JSON: ${why}`, sample: sample(source) });
    this.#salvage(source);
  }

  /**
   * A value that turned out broken may have swallowed whole NDJSON lines after its first
   * line (`{"bad":` + newline + `{"type":"text",...}`: the `{` is legal after `:`, so the
   * scanner could not know). Recover each later line that is, on its own, a complete JSON
   * object starting at column 0: NDJSON lines do; the indented members of pretty-printed
   * JSON do not, so nested objects are never promoted to chunks. Valid JSON never gets here.
   */
  #salvage(source: string): void {
    const lines = source.split(/\r\n|\r|\n/);
    for (let k = 1; k < lines.length; k++) {
      const line = (lines[k] as string).trimEnd();
      if (line.charCodeAt(0) !== OPEN_BRACE) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      if (isPlainObject(value)) this.#sink.chunk(value);
    }
  }

  #reset(): void {
    this.#kind = Kind.none;
    this.#stack = [];
    this.#inString = false;
    this.#escape = false;
    this.#parts = [];
    this.#start = -1;
    this.#bytes = 0;
    this.#oversize = false;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
