import { decodeChunks } from '../core/protocol/decode.js';
import { encodeComment, encodeSSE } from '../core/protocol/encode.js';
import type { DecodeError, WireChunk } from '../core/protocol/types.js';
import type { Redactor } from './redact.js';

/**
 * Upstream body (any framing) -> canonical SSE for the browser.
 *
 * Everything is pull-based: the outgoing stream asks the decoder for one chunk only when
 * the browser has read the previous one, the decoder reads the upstream only when asked,
 * and the metered upstream stream has highWaterMark 0. So a slow reader holds at most a
 * read or two of upstream bytes in memory, and the TCP window does the rest.
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

/**
 * Wraps the upstream reader (whose first bytes were already read to check the first-byte
 * deadline and sniff for HTML) into a stream that counts bytes, enforces the reply cap,
 * and turns a read error (reset, abort) into a clean end plus a flag, so the decoder never
 * has to report it and we still know the stream died.
 */
export function meteredBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array,
  state: UpstreamState,
  replyBytes: number,
): ReadableStream<Uint8Array> {
  let pending: Uint8Array | undefined = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending) {
          controller.enqueue(pending);
          pending = undefined;
          return;
        }
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch {
          state.failed = true;
          controller.close();
          return;
        }
        if (result.done) {
          controller.close();
          return;
        }
        state.bytes += result.value.byteLength;
        state.lastByteAt = Date.now();
        if (state.bytes > replyBytes) {
          state.tooLarge = true;
          reader.cancel().catch(() => {});
          controller.close();
          return;
        }
        controller.enqueue(result.value);
      },
      cancel() {
        reader.cancel().catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

type Outcome =
  | { readonly kind: 'value'; readonly result: IteratorResult<WireChunk> }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timer' }
  | { readonly kind: 'shutdown' };

export interface SseOptions {
  readonly body: ReadableStream<Uint8Array>;
  readonly state: UpstreamState;
  readonly limits: StreamLimits;
  /** Aborts the upstream fetch (and cancels its body). Idempotent. */
  readonly abortUpstream: () => void;
  readonly upstreamSignal: AbortSignal;
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
}

const encoder = new TextEncoder();

export function sseFromUpstream(options: SseOptions): ReadableStream<Uint8Array> {
  const { limits, state, log } = options;
  const startedAt = Date.now();
  let lastEmitAt = startedAt;
  let finished = false;
  let chunks = 0;
  let pending: Promise<Outcome> | null = null;

  const iterator = decodeChunks(options.body, {
    maxTotalBytes: limits.replyBytes,
    signal: options.upstreamSignal,
    onError: (error: DecodeError) => {
      // Malformed frames are skipped, never forwarded; the log keeps a redacted sample.
      log('warn', 'relay: skipped a malformed upstream frame', {
        code: error.code,
        message: options.redact(error.message),
        sample: error.sample === undefined ? undefined : options.redact(error.sample),
      });
    },
  })[Symbol.asyncIterator]();

  // Shutdown wakes the current wait only (racing one long-lived promise on every chunk
  // would pile up reactions for the whole answer). Removed in finish(): the signal lives
  // as long as the server, streams come and go.
  let interrupt: ((outcome: Outcome) => void) | undefined;
  const onShutdown = options.shutdownSignal ? () => interrupt?.({ kind: 'shutdown' }) : undefined;
  if (onShutdown) options.shutdownSignal!.addEventListener('abort', onShutdown, { once: true });

  const finish = (outcome: string) => {
    if (finished) return;
    finished = true;
    if (onShutdown) options.shutdownSignal?.removeEventListener('abort', onShutdown);
    options.abortUpstream();
    // The generator may be parked on a read; return() settles once that read does.
    iterator.return?.(undefined).catch(() => {});
    options.onFinish?.(outcome);
  };

  const scrub = (text: string) => {
    let out = text;
    for (const secret of options.secrets) if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, code: string, message: string) => {
    log('warn', 'relay: upstream stream ended badly', { code, chunks, bytes: state.bytes });
    controller.enqueue(
      encoder.encode(encodeSSE({ type: 'error', error: { code, message } }) + encodeSSE({ type: 'processing.end' })),
    );
    controller.close();
    finish(code);
  };

  const waitFor = (promise: Promise<Outcome>, ms: number): Promise<Outcome> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timer' }), ms);
      interrupt = resolve;
    });
    return Promise.race([promise, timeout]).finally(() => {
      clearTimeout(timer);
      interrupt = undefined;
    });
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (finished) return;
        for (;;) {
          const next: Promise<Outcome> = (pending ??= iterator.next().then(
            (result: IteratorResult<WireChunk>): Outcome => ({ kind: 'value', result }),
            (error: unknown): Outcome => ({ kind: 'error', error }),
          ));
          const idleAt = Math.max(state.lastByteAt, startedAt) + limits.idleMs;
          const totalAt = startedAt + limits.totalMs;
          const pingAt = lastEmitAt + limits.heartbeatMs;
          if (options.shutdownSignal?.aborted) return fail(controller, 'relay_restarting', 'The relay is restarting; send your message again.');
          const outcome = await waitFor(next, Math.max(0, Math.min(idleAt, totalAt, pingAt) - Date.now()));
          if (finished) return; // cancelled while waiting
          if (outcome.kind === 'shutdown') return fail(controller, 'relay_restarting', 'The relay is restarting; send your message again.');
          if (outcome.kind === 'timer') {
            const t = Date.now();
            if (t >= totalAt) return fail(controller, 'upstream_timeout', 'The assistant took too long to answer.');
            if (t >= Math.max(state.lastByteAt, startedAt) + limits.idleMs)
              return fail(controller, 'upstream_timeout', 'The assistant stopped answering.');
            if (t >= pingAt) {
              lastEmitAt = t;
              controller.enqueue(encoder.encode(encodeComment('ping')));
              return;
            }
            continue;
          }
          pending = null;
          if (outcome.kind === 'error') {
            log('warn', 'relay: decoder failed', { error: outcome.error });
            return fail(controller, 'upstream_failed', 'The connection to the assistant failed.');
          }
          if (outcome.result.done) {
            if (state.tooLarge) return fail(controller, 'reply_too_large', 'The answer was too large.');
            if (state.failed) return fail(controller, 'upstream_failed', 'The connection to the assistant was lost.');
            return fail(controller, 'upstream_incomplete', 'The answer ended before it was complete.');
          }
          const chunk = outcome.result.value;
          if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) continue;
          let event: string;
          try {
            event = encodeSSE(chunk);
          } catch {
            // JSON.stringify recurses: a chunk nested a few thousand levels deep (which
            // JSON.parse accepts) overflows the stack here. Skip that one chunk like any
            // malformed frame instead of erroring the whole browser stream mid-answer.
            log('warn', 'relay: skipped an upstream chunk that cannot be re-encoded', { chunks });
            continue;
          }
          options.onChunk?.(chunk);
          chunks++;
          lastEmitAt = Date.now();
          controller.enqueue(encoder.encode(scrub(event)));
          if (chunk.type === 'processing.end') {
            // The platform's answer is over; do not hold the browser's connection open.
            controller.close();
            finish('complete');
          }
          return;
        }
      },
      cancel() {
        // The browser went away (or its reader was cancelled): stop the upstream at once.
        finish('cancelled');
      },
    },
    { highWaterMark: 0 },
  );
}
