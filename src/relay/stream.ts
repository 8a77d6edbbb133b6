import { DEFAULT_MAX_LINE_BYTES, FrameDecoder } from '../core/protocol/decode.js';
import { utf8Length } from '../core/protocol/frame-sink.js';
import { encodeComment, encodeSSE } from '../core/protocol/encode.js';
import type { DecodeError, WireChunk } from '../core/protocol/types.js';
import type { Redactor } from './redact.js';

/**
 * Upstream body (any framing) -> canonical SSE for the browser, push-based.
 *
 * The upstream is a `PushSource` (bytes in, with pause/resume), the browser side an
 * `AnswerOutput` (bytes out). Between them one `AnswerPipe` per answer decodes each read
 * synchronously, re-encodes the chunks it held as one write, and keeps one timer for the
 * idle, total and heartbeat deadlines (re-armed only when it fires, never per chunk). So a
 * chunk costs no promise, no timer and no allocation that outlives it: at thousands of
 * open answers the waiting state is a socket listener, not promises promoted to the old
 * generation and collected by long pauses (docs/decisions/relay-chunk-path.md).
 *
 * Backpressure: the output pauses the source when the browser is not keeping up and
 * resumes it when it is, so a slow reader holds at most a read or two of upstream bytes.
 * Two outputs exist: `answerBody` (a web ReadableStream, pull-based; any runtime) and the
 * Node server's direct writer (node.ts), which takes the pipe from the Response with
 * `answerPipeOf` and writes to the socket without web streams.
 */

export interface StreamLimits {
  readonly replyBytes: number;
  readonly idleMs: number;
  readonly totalMs: number;
  readonly heartbeatMs: number;
}

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface UpstreamState {
  bytes: number;
  lastByteAt: number;
  failed: boolean;
  tooLarge: boolean;
}

/** Where a source delivers: bytes as they arrive, then one end (failed: a read error or reset). */
export interface ByteSink {
  data(bytes: Uint8Array): void;
  end(failed: boolean): void;
}

/** An upstream body that pushes its bytes. */
export interface PushSource {
  /** Starts the flow into `sink` (once). */
  start(sink: ByteSink): void;
  pause(): void;
  resume(): void;
  /** Stops for good and releases the connection; the sink hears nothing more. Idempotent. */
  cancel(): void;
}

const pushSources = new WeakMap<Response, PushSource>();

/**
 * For runtime-specific upstream clients (the Node server's node:http one): the Response
 * they return also offers its body as a PushSource, so the relay reads it without a web
 * stream. The Response's own `body` stays usable for anyone else.
 */
export function attachPushSource(response: Response, source: PushSource): Response {
  pushSources.set(response, source);
  return response;
}

/** The body of an upstream Response as a PushSource: the attached one, or one over its web stream. */
export function pushSourceOf(response: Response & { body: ReadableStream<Uint8Array> }): PushSource {
  return pushSources.get(response) ?? readerSource(response.body.getReader());
}

const encoder = new TextEncoder();

function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/** A web stream reader as a PushSource: reads while not paused (one read may finish after a pause). */
export function readerSource(reader: ReadableStreamDefaultReader<Uint8Array>): PushSource {
  let sink: ByteSink | undefined;
  let paused = true;
  let reading = false;
  let over = false;
  const finish = (failed: boolean) => {
    if (over) return;
    over = true;
    sink?.end(failed);
  };
  const flowing = () => !paused && !over;
  const loop = async () => {
    reading = true;
    // pause() and cancel() change the flags while a read is pending.
    while (flowing()) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch {
        finish(true);
        break;
      }
      if (over) break;
      if (result.done) {
        finish(false);
        break;
      }
      const bytes = toBytes(result.value);
      if (bytes === null) {
        // Not bytes at all: the body is broken; end it like a failed read.
        reader.cancel().catch(() => {});
        finish(true);
        break;
      }
      sink?.data(bytes);
    }
    reading = false;
  };
  const go = () => {
    if (!reading && !paused && !over) void loop();
  };
  return {
    start(s) {
      sink = s;
      paused = false;
      go();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      go();
    },
    cancel() {
      if (over) return;
      over = true;
      reader.cancel().catch(() => {});
    },
  };
}

/** The first non-empty bytes of a source, or how it ended first. */
export type FirstBytes = { readonly bytes: Uint8Array } | { readonly end: 'done' | 'failed' | 'aborted' };

/**
 * Starts `source` and waits for its first non-empty read (the upstream's first byte),
 * then pauses it. Whatever arrives after that first read is held for the pipe that takes
 * the source over (`AnswerPipe` gets this object as its `held`).
 */
export class SourceStart implements ByteSink {
  readonly held: Uint8Array[] = [];
  ended: boolean | undefined;
  private target: ByteSink | undefined;
  private wake: ((first: FirstBytes) => void) | undefined;

  constructor(readonly source: PushSource) {}

  first(signal: AbortSignal): Promise<FirstBytes> {
    return new Promise<FirstBytes>((resolve) => {
      if (signal.aborted) return resolve({ end: 'aborted' });
      const onAbort = () => this.settle({ end: 'aborted' });
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = (first) => {
        signal.removeEventListener('abort', onAbort);
        resolve(first);
      };
      this.source.start(this);
    });
  }

  private settle(first: FirstBytes) {
    const wake = this.wake;
    this.wake = undefined;
    wake?.(first);
  }

  data(bytes: Uint8Array): void {
    if (this.target) return this.target.data(bytes);
    this.held.push(bytes);
    if (bytes.byteLength > 0 && this.wake) {
      this.source.pause();
      this.settle({ bytes });
    }
  }

  end(failed: boolean): void {
    if (this.target) return this.target.end(failed);
    this.ended = failed;
    this.settle({ end: failed ? 'failed' : 'done' });
  }

  /** Hands everything held, and the flow from now on, to `target`. */
  handOver(target: ByteSink): void {
    this.target = target;
    for (const bytes of this.held.splice(0)) {
      target.data(bytes);
    }
    if (this.ended !== undefined) target.end(this.ended);
  }
}

/** Where an answer's SSE bytes go: the browser's response. */
export interface AnswerOutput {
  /**
   * SSE text (one or more whole events); the output encodes it (the Node writer hands the
   * string to the socket, no byte copy of ours). `receivedAt` (performance.now() when the
   * upstream bytes arrived) is absent for pings and error chunks.
   */
  write(text: string, receivedAt?: number): void;
  /** The answer is over (complete, failed or cancelled). Must tolerate a browser already gone. */
  close(): void;
}

export interface AnswerOptions {
  readonly state: UpstreamState;
  readonly limits: StreamLimits;
  /** Aborts the upstream request (the source is cancelled by the pipe). Idempotent. */
  readonly abortUpstream: () => void;
  readonly log: Log;
  readonly redact: Redactor;
  /** Whole PAT values that must never be echoed, even if the upstream sends them. */
  readonly secrets: readonly string[];
  /** Called once when the stream is over, whichever way. */
  readonly onFinish?: (outcome: string) => void;
  /** Graceful shutdown: when it aborts, the answer ends now with `relay_restarting` + `processing.end`. */
  readonly shutdownSignal?: AbortSignal;
  /** Sees every chunk forwarded (the console's figures count degraded generations). */
  readonly onChunk?: (chunk: WireChunk) => void;
  /** Seconds from upstream bytes received to their SSE handed to the browser's connection. */
  readonly onForwarded?: (seconds: number) => void;
  /**
   * The chunks are the platform's own (indigo.ai's stream), not ones an adapter built: an
   * `error` chunk in them is replaced by the relay's fixed one. Error chunks are the relay's
   * to say (docs/protocol.md); the widget shows their `message` as it is, and a platform's
   * or a proxy's own words (an internal host, a stack) must not reach the visitor.
   */
  readonly platformChunks?: boolean;
}

/** What a platform's own `error` chunk becomes (AnswerOptions.platformChunks). */
const PLATFORM_ERROR = { type: 'error', error: { code: 'upstream_error', message: 'The assistant could not answer.' } } as const;

const clock = () => performance.now();

export class AnswerPipe implements ByteSink {
  finished = false;
  private closed = false;
  private output: AnswerOutput | undefined;
  private early: string[] | undefined = [];
  private readonly startedAt = Date.now();
  private lastEmitAt = this.startedAt;
  /** The idle deadline counts from the later of the last byte and this (when waiting resumed). */
  private idleBase = this.startedAt;
  /** Whether the relay waits on the upstream (false while the browser holds it back). */
  private waiting = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private chunks = 0;
  private complete = false;
  /** A frame was skipped as malformed (see skipFrame) or as one that cannot be re-encoded. */
  private skipped = false;
  /** Something besides processing.start/end was forwarded. */
  private said = false;
  /** SSE events decoded from the current read, written as one. */
  private batch = '';
  private readonly text = new TextDecoder('utf-8');
  private readonly framer: FrameDecoder;
  private readonly onShutdown: (() => void) | undefined;
  private readonly onTimer = () => this.tick();

  constructor(
    private readonly o: AnswerOptions,
    private readonly start: SourceStart,
  ) {
    this.framer = new FrameDecoder({
      chunk: (chunk) => this.chunk(chunk),
      error: (error: DecodeError) => this.skipFrame(error.code, error.sample?.length),
    });
    const signal = o.shutdownSignal;
    if (signal?.aborted) {
      this.onShutdown = undefined;
      this.fail('relay_restarting', 'The relay is restarting; send your message again.');
      return;
    }
    this.onShutdown = signal ? () => this.fail('relay_restarting', 'The relay is restarting; send your message again.') : undefined;
    if (this.onShutdown) signal!.addEventListener('abort', this.onShutdown, { once: true });
    this.arm();
  }

  /** Takes the browser side (once): writes made so far go out, then the upstream flows. False if taken. */
  attach(output: AnswerOutput): boolean {
    if (this.output) return false;
    this.output = output;
    const early = this.early ?? [];
    this.early = undefined;
    for (const text of early) output.write(text);
    if (this.closed) {
      output.close();
      return true;
    }
    this.start.handOver(this);
    this.flow(true);
    return true;
  }

  get attached(): boolean {
    return this.output !== undefined;
  }

  /** Output side: true = the browser takes more (resume the upstream), false = hold it. */
  flow(on: boolean): void {
    if (this.finished || on === this.waiting) return;
    this.waiting = on;
    if (on) {
      this.idleBase = Date.now();
      this.start.source.resume();
      this.arm();
    } else this.start.source.pause();
  }

  /** Output side: the bytes written with `receivedAt` reached the browser's connection. */
  forwarded(receivedAt: number): void {
    this.o.onForwarded?.((clock() - receivedAt) / 1000);
  }

  /** Upstream bytes. */
  data(bytes: Uint8Array): void {
    if (this.finished) return;
    const receivedAt = clock();
    const state = this.o.state;
    state.bytes += bytes.byteLength;
    state.lastByteAt = Date.now();
    if (state.bytes > this.o.limits.replyBytes) {
      state.tooLarge = true;
      this.start.source.cancel();
      this.end(false);
      return;
    }
    this.framer.push(this.text.decode(bytes, { stream: true }));
    this.flush(receivedAt);
  }

  /** The upstream ended (failed: a read error or reset). */
  end(failed: boolean): void {
    if (this.finished) return;
    if (failed) this.o.state.failed = true;
    // A last frame without its blank line still counts.
    this.framer.push(this.text.decode());
    this.framer.end();
    this.flush(clock());
    if (this.finished) return;
    const state = this.o.state;
    if (state.tooLarge) return this.fail('reply_too_large', 'The answer was too large.');
    if (state.failed) return this.fail('upstream_failed', 'The connection to the assistant was lost.');
    this.fail('upstream_incomplete', 'The answer ended before it was complete.');
  }

  /** The browser went away: stop the upstream at once. */
  cancel(): void {
    if (this.finished) return;
    this.close();
    this.finish('cancelled');
  }

  /**
   * Malformed frames are skipped, never forwarded. The log says which fault and how long the
   * frame's start was, never its text: that is the bot's answer (a visitor's data), and
   * JSON.parse's message quotes it too.
   */
  private skipFrame(code: string, sampleChars: number | undefined): void {
    this.skipped = true;
    this.o.log('warn', 'relay: skipped a malformed upstream frame', { code, sampleChars });
  }

  private chunk(chunk: WireChunk): void {
    if (this.complete || this.finished) return;
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) return;
    if (this.o.platformChunks && chunk.type === 'error') {
      this.o.log('warn', 'relay: the platform sent an error chunk; the visitor gets the relay’s own', { chunks: this.chunks });
      chunk = PLATFORM_ERROR;
    }
    let event: string;
    try {
      event = encodeSSE(chunk);
    } catch {
      // JSON.stringify recurses: a chunk nested a few thousand levels deep (which
      // JSON.parse accepts) overflows the stack here. Skip that one chunk like any
      // malformed frame instead of erroring the whole browser stream mid-answer (and, like
      // one, an answer of nothing else ends with upstream_invalid).
      this.skipped = true;
      this.o.log('warn', 'relay: skipped an upstream chunk that cannot be re-encoded', { chunks: this.chunks });
      return;
    }
    // The browser drops an SSE line over the same cap the relay reads with; "data: " makes
    // the line six bytes longer than the upstream's, so a chunk just under the cap would
    // pass here and vanish there unseen. Skipped here instead, like any frame over the cap.
    if (event.length * 3 > DEFAULT_MAX_LINE_BYTES && utf8Length(event) - 2 > DEFAULT_MAX_LINE_BYTES) {
      this.skipFrame('line-too-long', 0);
      return;
    }
    this.o.onChunk?.(chunk);
    this.chunks++;
    if (chunk.type === 'processing.end') {
      // Everything the platform said was unreadable: say so, not an answer that silently
      // shows nothing (the widget shows no message for an empty answer).
      if (this.skipped && !this.said)
        this.batch += encodeSSE({ type: 'error', error: { code: 'upstream_invalid', message: 'The answer could not be read.' } });
      // The platform's answer is over; do not hold the browser's connection open.
      this.complete = true;
    } else if (chunk.type !== 'processing.start') this.said = true;
    this.batch += event;
  }

  private flush(receivedAt: number): void {
    if (this.batch !== '') {
      const events = this.batch;
      this.batch = '';
      this.lastEmitAt = Date.now();
      this.write(this.scrub(events), receivedAt);
    }
    if (this.complete && !this.finished) {
      this.close();
      this.finish('complete');
    }
  }

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.o.secrets) if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }

  private write(text: string, receivedAt?: number): void {
    if (this.closed) return;
    if (this.output) this.output.write(text, receivedAt);
    else this.early?.push(text);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output?.close();
  }

  private fail(code: string, message: string): void {
    if (this.finished) return;
    this.o.log('warn', 'relay: upstream stream ended badly', { code, chunks: this.chunks, bytes: this.o.state.bytes });
    this.write(encodeSSE({ type: 'error', error: { code, message } }) + encodeSSE({ type: 'processing.end' }));
    this.close();
    this.finish(code);
  }

  private finish(outcome: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onShutdown) this.o.shutdownSignal?.removeEventListener('abort', this.onShutdown);
    this.start.source.cancel();
    this.o.abortUpstream();
    this.o.onFinish?.(outcome);
  }

  /** The next deadline: total, heartbeat, and idle while waiting on the upstream. */
  private deadline(): number {
    const { limits, state } = this.o;
    const idleAt = this.waiting ? Math.max(state.lastByteAt, this.idleBase) + limits.idleMs : Infinity;
    return Math.min(this.startedAt + limits.totalMs, this.lastEmitAt + limits.heartbeatMs, idleAt);
  }

  /** One timer per answer. Deadlines only move later with traffic, so a chunk never re-arms it. */
  private arm(): void {
    if (this.finished) return;
    const at = this.deadline();
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(0, at - Date.now()));
  }

  private tick(): void {
    this.timer = undefined;
    if (this.finished) return;
    const { limits, state } = this.o;
    const t = Date.now();
    if (t >= this.startedAt + limits.totalMs) return this.fail('upstream_timeout', 'The assistant took too long to answer.');
    if (this.waiting && t >= Math.max(state.lastByteAt, this.idleBase) + limits.idleMs)
      return this.fail('upstream_timeout', 'The assistant stopped answering.');
    if (t >= this.lastEmitAt + limits.heartbeatMs) {
      this.lastEmitAt = t;
      this.write(encodeComment('ping'));
    }
    this.arm();
  }
}

const pipes = new WeakMap<Response, AnswerPipe>();

/**
 * The answer as a web stream (any runtime): pull-based, highWaterMark 0, so the upstream
 * flows only while the browser's side asks for more. Unless a direct writer took the pipe
 * first (`answerPipeOf`), the first read attaches it.
 */
export function answerBody(pipe: AnswerPipe): ReadableStream<Uint8Array> {
  let wake: (() => void) | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const output: AnswerOutput = {
    write(text, receivedAt) {
      controller.enqueue(encoder.encode(text));
      if (receivedAt !== undefined) pipe.forwarded(receivedAt);
      // Hold the upstream until the next pull (the browser's next read).
      pipe.flow(false);
      wake?.();
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        controller.close();
      } catch {
        // Already cancelled by the reader.
      }
      wake?.();
    },
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (closed) return;
        if (!pipe.attached && !pipe.attach(output)) {
          output.close();
          return;
        }
        if (closed || pipe.finished) return;
        return new Promise<void>((resolve) => {
          wake = () => {
            wake = undefined;
            resolve();
          };
          pipe.flow(true);
        });
      },
      cancel() {
        // The browser went away (or its reader was cancelled): stop the upstream at once.
        closed = true;
        wake?.();
        pipe.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The Response for an answer: its body is `answerBody(pipe)`; `answerPipeOf` offers the pipe itself. */
export function answerResponse(pipe: AnswerPipe, init: ResponseInit): Response {
  const response = new Response(answerBody(pipe), init);
  pipes.set(response, pipe);
  return response;
}

/**
 * For a server that writes to its sockets itself (the Node server): the answer's pipe,
 * if this Response is an answer whose body nobody has started reading. Attach an
 * AnswerOutput to it instead of reading `response.body`.
 */
export function answerPipeOf(response: Response): AnswerPipe | undefined {
  const pipe = pipes.get(response);
  return pipe && !pipe.attached ? pipe : undefined;
}
